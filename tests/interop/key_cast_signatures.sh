#!/usr/bin/env bash
# EIP-191 signatures and keccak-256 against Foundry's cast 1.7.1:
#  - what `mlchain key sign` signs, `cast wallet verify` accepts, and what `cast wallet sign` signs,
#    `mlchain key verify` accepts; each refuses the other's signature of a different message;
#  - with the same key the two sign byte-for-byte alike (both RFC 6979, low s);
#  - keccak-256 on random inputs: mlchain has no keccak command, so the digest is compared where mlchain
#    uses it. For random messages of lengths on either side of keccak's 136-byte block, cast computes
#    `cast keccak 0x<"\x19Ethereum Signed Message:\n" ‖ length ‖ message>` and signs that digest with
#    `--no-hash`; mlchain's signature of the message must be the same bytes, which (the signature being
#    deterministic) holds only if both hashed to the same digest.
set -euo pipefail
: "${MLCHAIN:?path to the mlchain binary}" "${MLCHAIN_PEERS:?path to tests/peers}"
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
[ -x "$cast" ] || { echo "FAIL: cast is not installed at $cast (run cmake/install-deps.sh test)" >&2; exit 1; }
unset MLCHAIN_PASSWORD MLCHAIN_PRIVATE_KEY
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace
random_hex() { od -An -vtx1 -N"$1" /dev/urandom | tr -d ' \n'; }
# Another message than $1, of the same kind (hex stays hex).
other_than() { if [[ $1 == 0x* ]]; then printf '%s00' "$1"; else printf '%s.' "$1"; fi; }

printf 'pw\n' > "$work/pw"
address=$("$MLCHAIN" key new --name signer --light --password-file "$work/pw" 2>/dev/null)
digest=0x$(random_hex 32)

echo "mlchain key sign -> cast wallet verify"
for message in "hello world" "$digest" "0x" "multi
line" "ünïcødé"; do
  signature=$("$MLCHAIN" key sign signer "$message" --password-file "$work/pw")
  "$cast" wallet verify --address "$address" "$message" "$signature" > /dev/null ||
    fail "cast does not verify mlchain's signature of '$message'"
  echo "  '$message': cast verifies"
  if "$cast" wallet verify --address "$address" "$(other_than "$message")" "$signature" > /dev/null 2>&1; then
    fail "cast verifies mlchain's signature of '$message' for another message"
  fi
done

echo "cast wallet sign -> mlchain key verify"
cast_key=$("$cast" wallet new --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["private_key"])')
cast_address=$("$cast" wallet address --private-key "$cast_key")
for message in "hello world" "$digest" "0x" "ünïcødé"; do
  signature=$("$cast" wallet sign --private-key "$cast_key" "$message")
  "$MLCHAIN" key verify --address "$cast_address" "$message" "$signature" > /dev/null ||
    fail "mlchain does not verify cast's signature of '$message'"
  echo "  '$message': mlchain verifies"
  set +e
  "$MLCHAIN" key verify --address "$cast_address" "$(other_than "$message")" "$signature" > /dev/null 2>&1
  code=$?
  set -e
  [ "$code" -eq 1 ] || fail "cast's signature of '$message' checked against another message exits $code, not 1"
done

echo "the same key signs the same bytes in both"
printf '%s\n' "$cast_key" > "$work/raw"
"$MLCHAIN" key import --private-key-file "$work/raw" --name shared --light --password-file "$work/pw" > /dev/null 2>&1
for message in "hello world" "$digest"; do
  ours=$("$MLCHAIN" key sign shared "$message" --password-file "$work/pw")
  theirs=$("$cast" wallet sign --private-key "$cast_key" "$message")
  [ "$ours" = "$theirs" ] || fail "signatures of '$message' differ: mlchain $ours, cast $theirs"
done

echo "keccak-256 of random inputs: cast keccak + cast wallet sign --no-hash vs mlchain key sign"
export MLCHAIN_PRIVATE_KEY="$cast_key"
lengths="0 1 31 32 33 106 107 108 242 243 244 1000 4000"  # totals of 135-137 and 271-273 bytes
for _ in 1 2 3 4 5 6; do lengths="$lengths $(( $(od -An -tu2 -N2 /dev/urandom) % 3000 ))"; done
for length in $lengths; do
  message=$(random_hex "$length")
  prefix=$(printf '\031Ethereum Signed Message:\n%d' "$length" | od -An -vtx1 | tr -d ' \n')
  digest_by_cast=$("$cast" keccak "0x$prefix$message")
  theirs=$("$cast" wallet sign --no-hash --private-key "$cast_key" "$digest_by_cast")
  ours=$("$MLCHAIN" key sign "0x$message")
  total=$(( ${#prefix} / 2 + length ))
  [ "$ours" = "$theirs" ] || fail "keccak input of $total bytes: cast keccak gives $digest_by_cast, and the signatures differ"
  echo "  $total-byte keccak input: same digest $digest_by_cast"
done
echo "key signatures with cast: ok"
