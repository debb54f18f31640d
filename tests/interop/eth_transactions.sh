#!/usr/bin/env bash
# mlchain's transactions against Foundry's cast 1.7.1 (an independent implementation): for type 2 and legacy
# EIP-155 transactions (calls and contract creations, empty and long data, values up to 2^256 - 1, large
# nonces and chain ids, fees up to 2^128 - 1, the most cast holds), the raw bytes mlchain signs
#   - decode with `cast decode-transaction` to exactly the fields mlchain was given, signed by the key's
#     address, with the hash mlchain computed, which is also `cast keccak RAW`;
#   - are byte for byte the transaction `cast mktx` signs from the same fields and key (RFC 6979);
# and mlchain's decoder reads cast's bytes back to the same fields and sender.
set -euo pipefail
: "${MLCHAIN_PEERS:?path to tests/peers}" "${MLCHAIN_ETH_TOOL:?path to the eth_tool binary}"
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
[ -x "$cast" ] || { echo "FAIL: $cast is not installed (run cmake/install-deps.sh test)" >&2; exit 1; }
tool=$MLCHAIN_ETH_TOOL
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace

# anvil's first dev key (public, well known; no value on any real chain).
export MLCHAIN_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
signer=$("$cast" wallet address --private-key "$MLCHAIN_PRIVATE_KEY" | tr 'A-F' 'a-f')
max_u256=115792089237316195423570985008687907853269984665640564039457584007913129639935
max_u128=340282366920938463463374607431768211455  # cast (alloy) holds fees in 128 bits
long_data=0x$(head -c 3000 /dev/zero | tr '\0' 'a' | od -An -tx1 -v | tr -d ' \n')

# Compares cast's decoding of RAW with the fields of one case (name=value words, as eth_tool sign takes them).
check_fields() {
  local raw=$1 hash=$2
  shift 2
  "$cast" decode-transaction "$raw" > "$work/cast.json"
  python3 - "$work/cast.json" "$signer" "$hash" "$@" << 'EOF'
import json, sys
decoded = json.load(open(sys.argv[1]))
if isinstance(decoded, str):  # cast prints the JSON document as a JSON string
    decoded = json.loads(decoded)
signer, hash_, fields = sys.argv[2], sys.argv[3], dict(a.split("=", 1) for a in sys.argv[4:])
number = lambda text: int(text, 0)
expected = {
    "type": int(fields["type"]),
    "chainId": number(fields["chain"]),
    "nonce": number(fields["nonce"]),
    "gas": number(fields["gas"]),
    "value": number(fields.get("value", "0")),
    "input": fields.get("data", "0x").lower(),
    "to": fields.get("to", "").lower() or None,
    "signer": signer,
    "hash": hash_,
}
if expected["type"] == 2:
    expected["maxPriorityFeePerGas"] = number(fields["tip"])
    expected["maxFeePerGas"] = number(fields["max"])
else:
    expected["gasPrice"] = number(fields["price"])
actual = {}
for key in expected:
    value = decoded.get(key)
    if key in ("type", "chainId", "nonce", "gas", "value", "maxPriorityFeePerGas", "maxFeePerGas", "gasPrice"):
        value = int(value, 16)
    elif isinstance(value, str):
        value = value.lower()
    actual[key] = value
for key in expected:
    if actual[key] != expected[key]:
        sys.exit(f"FAIL: {key}: cast decoded {actual[key]!r}, mlchain meant {expected[key]!r}")
print("  cast decode-transaction: " + ", ".join(f"{k}={str(v)[:20]}" for k, v in expected.items()))
EOF
}

# The same fields as `cast mktx` flags.
mktx() {
  local -A f=()
  local word
  for word in "$@"; do f[${word%%=*}]=${word#*=}; done
  local flags=(--private-key "$MLCHAIN_PRIVATE_KEY" --nonce "${f[nonce]}" --gas-limit "${f[gas]}" --chain "${f[chain]}"
               --value "${f[value]:-0}")
  if [ "${f[type]}" = 2 ]; then
    flags+=(--gas-price "${f[max]}" --priority-gas-price "${f[tip]}")
  else
    flags+=(--gas-price "${f[price]}" --legacy)
  fi
  if [ -n "${f[to]:-}" ]; then
    "$cast" mktx "${flags[@]}" "${f[to]}" "${f[data]:-0x}"
  else
    "$cast" mktx "${flags[@]}" --create "${f[data]}"
  fi
}

cases=(
  "type=2 chain=31337 nonce=0 gas=21000 tip=1000000000 max=30000000000 to=0x70997970C51812dc3A010C7d01b50e0d17dc79C8 value=1000000000000000000"
  "type=2 chain=31337 nonce=1 gas=3000000 tip=1 max=2 data=0x6080604052348015600e575f5ffd5b50"
  "type=2 chain=1 nonce=18446744073709551615 gas=100000 tip=$max_u128 max=$max_u128 to=0x000000000000000000000000000000000000aaaa value=$max_u256 data=$long_data"
  "type=2 chain=9007199254740991 nonce=5 gas=60000 tip=0 max=7 to=0x000000000000000000000000000000000000aaaa data=0x00"
  "type=0 chain=1 nonce=9 gas=21000 price=20000000000 to=0x3535353535353535353535353535353535353535 value=1000000000000000000"
  "type=0 chain=31337 nonce=0 gas=500000 price=1 data=$long_data"
  "type=0 chain=4294967295 nonce=127 gas=21000 price=$max_u128 to=0x000000000000000000000000000000000000aaaa value=$max_u256"
)

for case in "${cases[@]}"; do
  read -r -a fields <<< "$case"
  echo "case: ${case:0:150}"
  read -r raw hash < <("$tool" sign "${fields[@]}")
  [ "$("$cast" keccak "$raw")" = "$hash" ] || fail "mlchain's hash $hash is not cast keccak of the raw bytes"
  check_fields "$raw" "$hash" "${fields[@]}"
  theirs=$(mktx "${fields[@]}")
  [ "$theirs" = "$raw" ] || fail "cast mktx signed other bytes:
  cast:    ${theirs:0:200}
  mlchain: ${raw:0:200}"
  echo "  cast mktx: the same $(( (${#raw} - 2) / 2 )) bytes"
  "$tool" decode "$theirs" > "$work/ours"
  grep -qi "^sender $signer\$" "$work/ours" || fail "mlchain recovered another sender from cast's bytes: $(cat "$work/ours")"
  grep -q "^hash $hash\$" "$work/ours" || fail "mlchain hashed cast's bytes differently"
  echo "  mlchain decodes cast's bytes: sender $signer"
done

echo "all ${#cases[@]} transactions agree with cast"
