#!/usr/bin/env bash
# Regenerates the age/ECIES vectors with the pinned npm packages (tests/peers: age-encryption 0.3.1,
# eciesjs 0.4.18) through tests/peers/age-ecies.mjs. Each run gives new files (fresh file keys, nonces
# and ephemeral keys); the unit tests only need them to decrypt to the plaintexts below.
#   key (the Web3 Secret Storage example key):
#     4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
#   plaintexts: empty, "hello age\n", and byte i = i % 251 for 65536 and 65541 bytes
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peers=$here/../../peers
public_key=024e3b81af9c2234cad09d679ce6035ed1392347ce64ce405f5dcd36228a25de6e
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$work/empty"
printf 'hello age\n' > "$work/hello"
for size in 65536 65541; do
  python3 -c "import sys; sys.stdout.buffer.write(bytes(i % 251 for i in range($size)))" > "$work/pattern-$size"
done
for name in empty hello pattern-65536 pattern-65541; do
  node "$peers/age-ecies.mjs" encrypt "$public_key" "$work/$name" "$here/age-encryption-$name.age"
done
# The file key 000102…0f, wrapped by eciesjs alone.
node "$peers/age-ecies.mjs" wrap "$public_key" 000102030405060708090a0b0c0d0e0f > "$here/eciesjs-wrap.hex"
