#!/usr/bin/env bash
# Builds the container image localhost/sensor:VERSION (deploy/container/Containerfile) with podman from a
# linux-x64 release binary, on a base made here: registries of container images are not needed. The base is
# Debian 12 minbase from debootstrap with libpcap0.8, libssl3, ca-certificates, libstdc++6 and libcap2-bin (for
# setcap), imported once as localhost/sensor-base:bookworm.
#
#   bash scripts/build-image.sh BINARY VERSION       e.g. a binary from dist/VERSION/sensor-VERSION-linux-x64.tar.gz
#
# BUILD_ISOLATION=chroot builds the RUN steps without an OCI runtime (buildah's chroot isolation), for hosts
# where crun cannot create containers (inside another container's sandbox).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BINARY=${1:?usage: scripts/build-image.sh BINARY VERSION}
VERSION=${2:?version}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if ! podman image exists localhost/sensor-base:bookworm; then
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase --include=libpcap0.8,libssl3,ca-certificates,libstdc++6,libcap2-bin bookworm "$rootfs" "$MIRROR" >&2
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - localhost/sensor-base:bookworm >&2
fi
context=$(mktemp -d)
cp "$BINARY" "$context/sensor"
mkdir -p "$context/deploy"
cp "$ROOT/LICENSE" "$ROOT/THIRD-PARTY-NOTICES.md" "$context/"
cp "$ROOT/deploy/sensor.json" "$context/deploy/"
podman image exists localhost/sensor-nats:bookworm || podman build --isolation "${BUILD_ISOLATION:-oci}" -f "$ROOT/deploy/container/Containerfile.nats" -t localhost/sensor-nats:bookworm "$context" >&2
podman build --isolation "${BUILD_ISOLATION:-oci}" -f "$ROOT/deploy/container/Containerfile" -t "localhost/sensor:$VERSION" -t localhost/sensor:latest "$context" >&2
rm -rf "$context"
echo "localhost/sensor:$VERSION"
