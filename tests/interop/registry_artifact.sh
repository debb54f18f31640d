#!/usr/bin/env bash
# The committed registry artifact (contracts/MlchainRegistry.json, embedded in the binary) is what the
# pinned solc makes of the committed source: compile contracts/MlchainRegistry.sol again into a temporary
# file with contracts/compile.mjs and compare byte for byte.
set -euo pipefail
: "${MLCHAIN_PEERS:?path to tests/peers}" "${MLCHAIN_SOURCE_DIR:?path to the source tree}"
[ -f "$MLCHAIN_PEERS/node_modules/solc/index.js" ] ||
  { echo "FAIL: solc is not installed in $MLCHAIN_PEERS (run cmake/install-deps.sh test)" >&2; exit 1; }
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace

committed="$MLCHAIN_SOURCE_DIR/contracts/MlchainRegistry.json"
node "$MLCHAIN_SOURCE_DIR/contracts/compile.mjs" "$work/MlchainRegistry.json"
echo "compare: $committed"
echo "   with: a fresh compile of contracts/MlchainRegistry.sol"
if ! cmp "$committed" "$work/MlchainRegistry.json"; then
  python3 -c 'import json, sys; a, b = (json.load(open(f)) for f in sys.argv[1:])
print("fields that differ:", *sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)))' \
    "$committed" "$work/MlchainRegistry.json" >&2
  echo "FAIL: the committed artifact is not the compiler's output; run node contracts/compile.mjs and commit it" >&2
  exit 1
fi
echo "identical ($(wc -c < "$committed") bytes)"
