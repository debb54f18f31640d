#!/usr/bin/env bash
# The main job on the embedded default, on a fresh machine: installs the missing Debian packages,
# builds mlchain, and prints the IPFS CIDs of the example model bundle: each file, then the whole bundle,
# the same CIDs `ipfs add -r --cid-version=1` (profile unixfs-v1-2025) gives.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MLCHAIN_BUILD_DIR:-$root/build}

"$root/cmake/install-deps.sh" build
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target mlchain_bin
mlchain="$build/cli/mlchain"

cd "$root/examples"
echo "== the CID of every file in the bundle"
find model-bundle -type f | LC_ALL=C sort | xargs "$mlchain" cid
echo "== the CID of the bundle (a UnixFS directory)"
"$mlchain" cid model-bundle
echo "== the same under the legacy profile (CIDv0, as 'ipfs add' without --cid-version=1)"
"$mlchain" cid --profile unixfs-v0-2015 model-bundle
