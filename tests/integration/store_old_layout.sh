#!/usr/bin/env bash
# A repository written before the chunk store (docs/format.md §5 "What goes where": each file's contents
# whole in .mlchain/files/, leaves nowhere else) still reads, verifies and checks out; a new version of a
# file is stored as blocks beside it; gc keeps the whole file while its version is reachable. Then, under
# both profiles, the chunk store: a second version that changes one chunk of a large file stores one new
# leaf (and the file's new inner nodes), and gc keeps the leaves both versions share.
source "$(dirname "$0")/lib/expect.sh"
make_workspace

cd "$work"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d

key_path() { local root=$1 k=$2; echo ".mlchain/$root/${k: -3:2}/$k"; }
raw_blocks() { find .mlchain/objects -type f -name 'bafkrei*' | wc -l; }

mkdir old && cd old && "$MLCHAIN" init >/dev/null
mkdir model
head -c 3500000 /dev/urandom > model/weights.bin
printf '{"layers": 2}\n' > model/config.json
"$MLCHAIN" commit -m one >/dev/null
c1=$(cat .mlchain/refs/heads/main)
v1=$(fingerprint)

# Rewrite the store as an older version left it: every file whole in files/ under its root CID, its raw
# leaves (the one-chunk files' roots among them) gone from objects/.
for f in model/weights.bin model/config.json; do
  cid=$("$MLCHAIN" cid "$f" | cut -d' ' -f1)
  mkdir -p "$(dirname "$(key_path files "$cid")")"
  cp "$f" "$(key_path files "$cid")" && chmod 0444 "$(key_path files "$cid")"
done
weights1=$("$MLCHAIN" cid model/weights.bin | cut -d' ' -f1)
find .mlchain/objects -type f -name 'bafkrei*' -delete
[ "$(raw_blocks)" -eq 0 ] || fail "the old layout still has leaves"

expect 0 "$MLCHAIN" fsck
expect 0 "$MLCHAIN" verify
rm -rf model
expect 0 "$MLCHAIN" checkout --force main
[ "$(fingerprint)" = "$v1" ] || fail "checkout from the old layout changed the files"
expect 0 "$MLCHAIN" status
[ "$out" = "## main" ] || fail "status after checkout from the old layout: $out"

# A second version is stored as blocks; the first still checks out from files/.
head -c 100000 /dev/urandom | dd of=model/weights.bin bs=1 seek=1500000 conv=notrunc status=none
expect 0 "$MLCHAIN" commit -m two
[ "$(raw_blocks)" -eq 4 ] || fail "the second version's 4 leaves are not stored as blocks: $(raw_blocks)"
expect 0 "$MLCHAIN" checkout "$c1"
[ "$(fingerprint)" = "$v1" ] || fail "checkout back to the old layout's version"
expect 0 "$MLCHAIN" checkout main
expect 0 "$MLCHAIN" gc
[ -f "$(key_path files "$weights1")" ] || fail "gc removed a reachable file of the old layout"
expect 0 "$MLCHAIN" fsck
# Damage in the old layout is still found and named.
chmod u+w "$(key_path files "$weights1")"
printf 'X' | dd of="$(key_path files "$weights1")" bs=1 seek=10 conv=notrunc status=none
expect 1 "$MLCHAIN" fsck
[[ "$out" == *"corrupt $weights1"*"$(key_path files "$weights1")"* ]] || fail "fsck of a damaged old file: $out"
expect 1 "$MLCHAIN" checkout "$c1"
[[ "$err" == *"$weights1"*"corrupt"* ]] || fail "checkout of a damaged old file: $err"
cd "$work"

# The chunk store under both profiles: one changed chunk costs one leaf; gc keeps the shared ones.
for profile in unixfs-v1-2025 unixfs-v0-2015; do
  mkdir "$work/$profile" && cd "$work/$profile" && "$MLCHAIN" init >/dev/null
  "$MLCHAIN" config set core.profile "$profile"
  head -c 6291456 /dev/urandom > weights.bin  # 6 MiB: 6 leaves of 1 MiB, or 24 of 256 KiB
  "$MLCHAIN" commit -m one >/dev/null
  first=$(cat .mlchain/refs/heads/main)
  before=$(find .mlchain/objects -type f | wc -l)
  [ -z "$(find .mlchain/files -type f)" ] || fail "$profile: contents stored whole"
  head -c 1000 /dev/urandom | dd of=weights.bin bs=1 seek=3000000 conv=notrunc status=none
  "$MLCHAIN" commit -m two >/dev/null
  after=$(find .mlchain/objects -type f | wc -l)
  # One leaf, the file's root, the directory and the commit (v0: plus one inner node level at most).
  [ $((after - before)) -le 5 ] && [ $((after - before)) -ge 4 ] || fail "$profile: the second version stored $((after - before)) blocks"
  expect 0 "$MLCHAIN" checkout "$first"
  expect 0 "$MLCHAIN" verify
  expect 0 "$MLCHAIN" checkout main
  expect 0 "$MLCHAIN" gc
  [ "$(find .mlchain/objects -type f | wc -l)" -eq "$after" ] || fail "$profile: gc removed blocks a reachable version needs"
  expect 0 "$MLCHAIN" fsck
  cd "$work"
done

echo "store old layout and chunks: ok"
