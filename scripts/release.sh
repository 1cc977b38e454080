#!/usr/bin/env bash
# Builds the release archives of `sensor` and their SHA-256 sums, one self-contained file per platform:
#
#   bash scripts/release.sh VERSION [RID...]      RIDs default: all of the list below
#
#   linux-x64     Native AOT (clang, lld and zlib's headers from Debian; ReadyToRun when they are missing)
#   linux-arm64   self-contained single file, ReadyToRun (AOT for arm64 needs an arm64 sysroot and linker)
#   win-x64       self-contained single file, ReadyToRun (sensor.exe)
#   osx-x64       self-contained single file, ReadyToRun (unsigned: see docs/install.md)
#   osx-arm64     self-contained single file, ReadyToRun (unsigned: see docs/install.md)
#
# Out: dist/VERSION/ (or $RELEASE_DIR): sensor-VERSION-RID.tar.gz (.zip for Windows), the .deb for
# each Linux architecture built (scripts/package-deb.sh), NAME.sha256 beside each and SHA256SUMS.
# RELEASE_FAST=1 skips AOT and ReadyToRun (plain self-contained single files): the same program,
# compiled at run time, for the packaging tests, which check packaging rather than code generation.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=${1:?usage: scripts/release.sh VERSION [RID...]}
shift
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || { echo "release: VERSION must look like 1.2.3 or 1.2.3-rc.1, not '$VERSION'" >&2; exit 2; }
RIDS=("$@")
((${#RIDS[@]})) || RIDS=(linux-x64 linux-arm64 win-x64 osx-x64 osx-arm64)
OUT=${RELEASE_DIR:-$ROOT/dist/$VERSION}
FAST=${RELEASE_FAST:-0}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The build runs in a copy of the tracked (and new, unignored) files: a publish for another RID rebuilds the
# referenced library in place, which would pull the files from under a build or test run in this tree.
src=$work/src
mkdir -p "$src"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar --ignore-failed-read -cf - 2> /dev/null) | tar -C "$src" -xf -
COMMIT=$(git -C "$ROOT" rev-parse HEAD)

can_aot() {
  [[ $FAST != 1 && $1 == linux-x64 && $(uname -m) == x86_64 ]] && command -v clang > /dev/null && command -v ld.lld > /dev/null && [[ -e /usr/include/zlib.h ]]
}

# Publishes one RID into $work/RID and prints how it was compiled.
publish() {
  local rid=$1 mode
  local args=(-c Release -r "$rid" --self-contained -o "$work/$rid" -nologo -v q
              "-p:Version=$VERSION" "-p:SourceRevisionId=$COMMIT" -p:ContinuousIntegrationBuild=true -p:DebugType=none)
  if can_aot "$rid"; then
    mode=aot
    args+=(-p:PublishAot=true)
  else
    mode=single-file
    args+=(-p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:PublishAot=false)
    if [[ $FAST == 1 ]]; then args+=(-p:PublishReadyToRun=false); else mode+=",readytorun"; args+=(-p:PublishReadyToRun=true); fi
  fi
  nice -n 19 dotnet publish "$src/src/Sensor.Cli/Sensor.Cli.csproj" "${args[@]}" >&2
  echo "$mode"
}

# The archive's contents: the binary, the licence, the notices, the README and the install guide; on Linux and macOS
# also the man page and the bash and zsh completions.
stage() {
  local rid=$1 name=$2 exe=sensor
  [[ $rid == win-* ]] && exe=sensor.exe
  mkdir -p "$work/stage/$name"
  cp "$work/$rid/$exe" "$work/stage/$name/"
  chmod 0755 "$work/stage/$name/$exe"
  cp "$ROOT/LICENSE" "$ROOT/THIRD-PARTY-NOTICES.md" "$ROOT/README.md" "$ROOT/docs/install.md" "$work/stage/$name/"
  if [[ $rid != win-* ]]; then
    cp "$ROOT/docs/sensor.1" "$work/stage/$name/"
    cp -r "$ROOT/deploy/completions" "$work/stage/$name/"
  fi
}

for rid in "${RIDS[@]}"; do
  mode=$(publish "$rid")
  name="sensor-$VERSION-$rid"
  stage "$rid" "$name"
  if [[ $rid == win-* ]]; then
    (cd "$work/stage" && rm -f "$OUT/$name.zip" && zip -qr -X "$OUT/$name.zip" "$name")
    artefacts=("$name.zip")
  else
    tar -C "$work/stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$OUT/$name.tar.gz" "$name"
    artefacts=("$name.tar.gz")
  fi
  if [[ $rid == linux-* ]]; then
    deb=$(bash "$ROOT/scripts/package-deb.sh" "$work/$rid/sensor" "$VERSION" "${rid#linux-}" "$OUT")
    artefacts+=("$(basename "$deb")")
  fi
  for artefact in "${artefacts[@]}"; do
    (cd "$OUT" && sha256sum "$artefact" > "$artefact.sha256")
    echo "$rid ($mode): $OUT/$artefact"
  done
done
(cd "$OUT" && cat ./*.sha256 | sort -k2 > SHA256SUMS)
echo "sums: $OUT/SHA256SUMS"
