#!/usr/bin/env bash
# The committed contract artifacts (contracts/MlchainRegistry.json, MlchainGovernance.json and
# MlchainCatalogue.json, embedded in the binary) are what the pinned solc makes of the committed sources: compile each again into
# a temporary file with contracts/compile.mjs and compare byte for byte.
set -euo pipefail
: "${MLCHAIN_PEERS:?path to tests/peers}" "${MLCHAIN_SOURCE_DIR:?path to the source tree}"
[ -f "$MLCHAIN_PEERS/node_modules/solc/index.js" ] ||
  { echo "FAIL: solc is not installed in $MLCHAIN_PEERS (run cmake/install-deps.sh test)" >&2; exit 1; }
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace

for contract in MlchainRegistry MlchainGovernance MlchainCatalogue; do
  committed="$MLCHAIN_SOURCE_DIR/contracts/$contract.json"
  node "$MLCHAIN_SOURCE_DIR/contracts/compile.mjs" "$contract" "$work/$contract.json"
  echo "compare: $committed"
  echo "   with: a fresh compile of contracts/$contract.sol"
  if ! cmp "$committed" "$work/$contract.json"; then
    python3 -c 'import json, sys; a, b = (json.load(open(f)) for f in sys.argv[1:])
print("fields that differ:", *sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)))' \
      "$committed" "$work/$contract.json" >&2
    echo "FAIL: the committed artifact is not the compiler's output; run node contracts/compile.mjs and commit it" >&2
    exit 1
  fi
  echo "identical ($(wc -c < "$committed") bytes)"
done
