#!/usr/bin/env bash
# mlchain's age v1 files and ECIES wraps against two independent implementations, age-encryption 0.3.1 and
# eciesjs 0.4.18 (tests/peers/age-ecies.mjs), both ways: what mlchain encrypts for a secp256k1 key they
# decrypt with it byte for byte, and what they encrypt mlchain decrypts; the same for a bare ECIES wrap.
# Sizes straddle the 64 KiB STREAM chunks (an empty file, a full last chunk, a chunk and one byte). A bit
# flipped in their ciphertext makes mlchain fail with exit 1 and leave no output; a stranger's key finds no
# stanza on either side.
set -euo pipefail
: "${MLCHAIN_AGE_TOOL:?path of the mlchain_age_tool binary}" "${MLCHAIN_PEERS:?tests/peers with node_modules installed}"
[[ -d $MLCHAIN_PEERS/node_modules/age-encryption && -d $MLCHAIN_PEERS/node_modules/eciesjs ]] ||
  { echo "age-encryption or eciesjs is missing: run cmake/install-deps.sh test" >&2; exit 1; }

source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace
cd "$work"

tool=$MLCHAIN_AGE_TOOL
peer() { node "$MLCHAIN_PEERS/age-ecies.mjs" "$@"; }
# A fresh key pair per run; the public key as both sides compute it must agree.
private_key=$(openssl rand -hex 32)
public_key=$("$tool" public "$private_key")
peer_public_key=$(cd "$MLCHAIN_PEERS" && node -e \
  "console.log(require('eciesjs').PrivateKey.fromHex(process.argv[1]).publicKey.toHex(true))" "$private_key")
[ "$public_key" = "$peer_public_key" ] || fail "public key: mlchain $public_key, eciesjs $peer_public_key"
stranger_key=$(openssl rand -hex 32)

for size in 0 1 65535 65536 65537 131072 200005; do
  head -c "$size" /dev/urandom > "plain-$size"
  "$tool" encrypt "$public_key" "plain-$size" "ours-$size.age"
  peer decrypt "$private_key" "ours-$size.age" "ours-$size.out"
  cmp "plain-$size" "ours-$size.out" || fail "age-encryption decrypted mlchain's $size-byte file wrongly"
  peer encrypt "$public_key" "plain-$size" "theirs-$size.age"
  "$tool" decrypt "$private_key" "theirs-$size.age" "theirs-$size.out"
  cmp "plain-$size" "theirs-$size.out" || fail "mlchain decrypted age-encryption's $size-byte file wrongly"
  echo "  ok: $size bytes both ways"
done

# A flipped bit in the peer's payload, in its header MAC, and in its stanza: exit 1, nothing written.
size=$(stat -c %s theirs-131072.age)
for offset in $((size - 100)) $((size - 70000)); do
  cp theirs-131072.age damaged.age
  printf "$(printf '\\x%02x' $(( $(od -An -tu1 -j "$offset" -N1 damaged.age) ^ 4 )))" |
    dd of=damaged.age bs=1 seek="$offset" conv=notrunc status=none
  expect_exit 1 "$tool" decrypt "$private_key" damaged.age damaged.out
  [[ $err == "age_tool: error: age payload: "* ]] || fail "damaged payload at $offset: $err"
  [ ! -e damaged.out ] && [ ! -e damaged.out.partial ] || fail "a damaged file left output behind"
done
mac_offset=$(( $(grep -abo -- '--- ' theirs-1.age | cut -d: -f1) + 5 ))
cp theirs-1.age damaged.age
printf 'A' | dd of=damaged.age bs=1 seek="$mac_offset" conv=notrunc status=none
cmp -s theirs-1.age damaged.age && printf 'B' | dd of=damaged.age bs=1 seek="$mac_offset" conv=notrunc status=none
expect_exit 1 "$tool" decrypt "$private_key" damaged.age damaged.out
[[ $err == *"header MAC does not match"* ]] || fail "damaged MAC: $err"

# Neither side finds a stanza for a stranger's key.
expect_exit 6 "$tool" decrypt "$stranger_key" theirs-1.age stranger.out
if peer decrypt "$stranger_key" ours-1.age stranger.out 2>/dev/null; then fail "age-encryption decrypted with a stranger's key"; fi

# Bare ECIES wraps both ways, of sizes around the 16-byte file key.
for message in "" 00 000102030405060708090a0b0c0d0e0f "$(openssl rand -hex 100)"; do
  ours=$("$tool" wrap "$public_key" "$message")
  [ "$(peer unwrap "$private_key" "$ours")" = "$message" ] || fail "eciesjs unwrapped mlchain's wrap of '$message' wrongly"
  theirs=$(peer wrap "$public_key" "$message")
  [ "$("$tool" unwrap "$private_key" "$theirs")" = "$message" ] || fail "mlchain unwrapped eciesjs's wrap of '$message' wrongly"
done
theirs=$(peer wrap "$public_key" 000102030405060708090a0b0c0d0e0f)
expect_exit 1 "$tool" unwrap "$stranger_key" "$theirs"
echo "  ok: ECIES wraps both ways"
echo "age_ecies: all checks passed"
