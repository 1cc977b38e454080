#!/bin/bash
# Regenerates every capture: sets up the servers, runs each family's script, rebuilds the manifest
# (client ports change on every run; build_manifest.py re-reads them from the new captures).
set -euo pipefail
cd "$(dirname "$0")"
bash tools/setup-servers.sh
bash tools/make-smtp.sh
bash tools/make-imap.sh
bash tools/make-pop3.sh
bash tools/make-formats.sh
bash tools/make-other-clients.sh
bash tools/make-exim.sh
bash tools/make-other-servers.sh
bash tools/make-middleboxes.sh
bash tools/make-fragments.sh
bash tools/make-wiresem.sh
bash tools/make-tcp-tricks.sh
bash tools/make-encap.sh
/usr/bin/python3 tools/build_manifest.py > manifest.json
echo "manifest.json rebuilt; endpoints per capture:"
/usr/bin/python3 tools/build_manifest.py --endpoints
