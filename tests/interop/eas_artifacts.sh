#!/usr/bin/env bash
# The EAS contracts mlchain embeds are the pinned npm package's, unchanged: contracts/eas/SchemaRegistry.json
# and EAS.json carry the package's abi, bytecode and deployedBytecode (and names) byte for byte, and the
# bytes built into the library (printed by artifact_tool) equal them. Also checks the other two embedded
# contracts (registry, governance) against their committed artifacts. The package is the one
# cmake/install-deps.sh test fetched with npm pack and checked against its pinned integrity.
set -euo pipefail
: "${MLCHAIN_PEERS:?path to tests/peers}" "${MLCHAIN_SOURCE_DIR:?path to the source tree}"
: "${MLCHAIN_ARTIFACT_TOOL:?path of the artifact_tool test binary}"
package="$MLCHAIN_PEERS/eas-contracts"
[ -f "$package/.mlchain-integrity" ] ||
  { echo "FAIL: the EAS package is not in $package (run cmake/install-deps.sh test)" >&2; exit 1; }
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace

pinned=$(sed -n 's/^- integrity: `\(.*\)`$/\1/p' "$MLCHAIN_SOURCE_DIR/contracts/eas/README.md")
[ "$(cat "$package/.mlchain-integrity")" = "$pinned" ] ||
  fail "$package was extracted from a package with integrity $(cat "$package/.mlchain-integrity"), contracts/eas/README.md pins $pinned"
[ "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$package/package.json")" = 1.9.0 ] ||
  fail "$package is not version 1.9.0"
echo "package: $package (1.9.0, $pinned)"

for contract in SchemaRegistry EAS; do
  python3 - "$MLCHAIN_SOURCE_DIR/contracts/eas/$contract.json" "$package/artifacts/contracts/$contract.sol/$contract.json" <<'PY' ||
import json, sys
committed, original = (json.load(open(path)) for path in sys.argv[1:])
kept = ["contractName", "sourceName", "abi", "bytecode", "deployedBytecode"]
assert sorted(committed) == sorted(kept), f"fields: {sorted(committed)}"
for field in kept:
    assert committed[field] == original[field], f"{field} differs"
PY
    fail "contracts/eas/$contract.json is not the package's artifact"
  echo "  contracts/eas/$contract.json: the package's abi, bytecode, deployedBytecode and names"
done

# embedded NAME ARTIFACT: what the library embeds for NAME is ARTIFACT's bytecode and deployedBytecode.
embedded() {
  local name=$1 artifact=$2 field key
  for field in creation runtime; do
    key=bytecode
    [ "$field" = runtime ] && key=deployedBytecode
    "$MLCHAIN_ARTIFACT_TOOL" "$name" "$field" > "$work/embedded"
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]].lower())' "$artifact" "$key" > "$work/expected"
    cmp -s "$work/embedded" "$work/expected" || fail "the $field code of $name built into the library is not $artifact's $key"
    echo "  embedded $name $field code = $(basename "$artifact") $key ($(($(wc -c < "$work/expected") / 2 - 1)) bytes)"
  done
}
embedded schema_registry "$package/artifacts/contracts/SchemaRegistry.sol/SchemaRegistry.json"
embedded eas "$package/artifacts/contracts/EAS.sol/EAS.json"
embedded registry "$MLCHAIN_SOURCE_DIR/contracts/MlchainRegistry.json"
embedded governance "$MLCHAIN_SOURCE_DIR/contracts/MlchainGovernance.json"
echo "EAS artifacts: all checks passed"
