#!/usr/bin/env bash
# A unixfs-v1-2025 file of more than 174 chunks against a real js-ipfs 0.66.1 node, whose `add` caps file
# nodes at 174 links and so would build another DAG: push sends such a file as our own blocks (a CAR), the
# node then serves our CID with the file's bytes (`cat`), pins the head, and a clone is byte-exact.
: "${MLCHAIN_PEERS:?tests/peers}"
source "$(dirname "$0")/lib/expect.sh"
make_workspace

source "$(dirname "$0")/lib/peers.sh"
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318

start_ipfs
mkdir -p "$work/repo"

cd "$work/repo"
head -c $((175 * 1048576 + 5)) /dev/urandom > weights.bin   # 176 chunks: a root of 176 links
head -c 4000000 /dev/urandom > small.bin                     # through `add`, CID compared
"$MLCHAIN" init . >/dev/null
"$MLCHAIN" commit -m "large" >/dev/null
"$MLCHAIN" remote add origin --ipfs "$api"
expect 0 "$MLCHAIN" push
head=$out
echo "push: $err"
for file in weights.bin small.bin; do
  cid=$("$MLCHAIN" cid "$file" | cut -d' ' -f1)
  curl -sf --max-time 120 -X POST "$api/api/v0/cat?arg=$cid" | cmp -s - "$file" || fail "the node's cat of $cid differs from $file"
done
echo "the node serves our CIDs of both files byte for byte"
expect 0 "$MLCHAIN" push
[[ "$err" == "uploaded 0 files (0 bytes) and 0 blocks"* ]] || fail "a second push uploaded something: $err"

cd "$work"
expect 0 "$MLCHAIN" clone "$head" clone --ipfs "$api"
cmp -s repo/weights.bin clone/weights.bin || fail "the cloned weights.bin differs"
echo "ipfs large file: pushed as blocks, served and cloned byte for byte"
