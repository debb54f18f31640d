#!/usr/bin/env bash
# mlchain fsck and mlchain gc end to end: a clean repository checks out clean; one flipped byte in an
# object or a stored file's leaf, a missing object, a ref naming a non-commit are each found (exit 1, the CID
# and path named) and reads refuse the corrupt bytes; leftovers of interrupted writes are reported
# without failing and removed by gc; gc removes exactly what nothing reaches, refuses while a writer
# holds the repository, and stops without removing anything when something reachable is missing.
: "${MLCHAIN_REPO_COMMIT_TOOL:?path of repo_commit_tool}"
source "$(dirname "$0")/lib/expect.sh"
make_workspace

cd "$work"

commit() { "$MLCHAIN_REPO_COMMIT_TOOL" --tree "$work/bundle" "$@"; }
# flip PATH OFFSET: changes one byte of a (read-only) stored file in place.
flip() {
  chmod u+w "$1"
  local byte; byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $(( (byte + 1) % 256 )))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
  chmod a-w "$1"
}
object_path() { local k=$1; echo ".mlchain/objects/${k: -3:2}/$k"; }
count() { find "$1" -type f -name 'b*' | wc -l; }
# Raw blocks: one-chunk files and the leaves of larger ones (unixfs-v1-2025).
leaves() { find .mlchain/objects -type f -name 'bafkrei*' | wc -l; }

for command in fsck gc; do "$MLCHAIN" --help | has " $command " || fail "mlchain --help does not list $command"; done

mkdir repo bundle && cd repo && "$MLCHAIN" init >/dev/null
expect 0 "$MLCHAIN" fsck
[[ "$out" == *"checked 0 objects, 0 files, 0 refs: ok"* ]] || fail "fsck of an empty repository: $out"

mkdir "$work/bundle/sub"
printf 'config v1\n' > "$work/bundle/config.json"
printf 'shared\n' > "$work/bundle/sub/shared.txt"
head -c 3000000 /dev/urandom > "$work/bundle/weights.bin"
c1=$(commit -m one --time 1000)
printf 'config v2\n' > "$work/bundle/config.json"
c2=$(commit -m two --time 2000)
"$MLCHAIN" tag v1 "$c1"

expect 0 "$MLCHAIN" fsck
[[ "$out" == *": ok" ]] || fail "fsck of a good repository: $out"
objects_before=$(count .mlchain/objects); files_before=$(count .mlchain/files)
# Contents are stored as blocks (docs/format.md §5), each once: shared.txt and weights.bin appear in
# both commits.
[ "$files_before" -eq 0 ] || fail "expected nothing stored whole in files/, found $files_before"
[ "$(leaves)" -eq 6 ] || fail "expected 6 leaves (config x2, shared, weights' 3 chunks), found $(leaves)"

# gc with everything reachable removes nothing.
expect 0 "$MLCHAIN" gc
[ "$out" = "removed 0 objects, 0 files, 0 leftovers; freed 0 bytes" ] || fail "gc of a reachable repository: $out"
[ "$(count .mlchain/objects)" -eq "$objects_before" ] && [ "$(count .mlchain/files)" -eq "$files_before" ] || fail "gc removed reachable things"

# A commit nothing reaches, its new root directory and the contents only it holds are removed by gc;
# the subdirectory and files it shares with reachable commits stay.
printf 'dangling only\n' > "$work/bundle/dangling.txt"
dangling=$(commit -m dangling --time 3000 --no-ref)
dangling_file=$("$MLCHAIN" cid "$work/bundle/dangling.txt" | cut -d' ' -f1)
[ -f "$(object_path "$dangling_file")" ] || fail "the dangling commit's file was not stored"
rm "$work/bundle/dangling.txt"
expect 0 "$MLCHAIN" gc
[[ "$out" == "removed 3 objects, 0 files, 0 leftovers; freed "*" bytes" ]] || fail "gc of a dangling commit: $out"
[ ! -e "$(object_path "$dangling")" ] && [ ! -e "$(object_path "$dangling_file")" ] || fail "gc kept unreachable objects"
[ "$(leaves)" -eq 6 ] || fail "gc removed leaves a reachable version needs"
expect 0 "$MLCHAIN" fsck
expect 0 "$MLCHAIN" show --json v1

# gc waits for writers: while another command holds the repository lock, gc exits 5 and removes nothing.
hold_lock -s .mlchain/gc.lock
sleep 0.3
expect 5 "$MLCHAIN" gc
[[ "$err" == *"writing to this repository"* ]] || fail "gc beside a writer: $err"
release_lock

# Leftovers of interrupted writes (their writer is dead): reported, fsck still passes, gc removes them.
# A temporary file of a live writer is neither reported nor removed.
printf 'partial' > .mlchain/files/.incoming.tmp-999999-0
mkdir -p .mlchain/objects/zz && printf 'partial' > ".mlchain/objects/zz/.bafyfake.tmp-999998-3"
printf 'partial' > .mlchain/refs/heads/.main.tmp-999997-1
printf 'live' > ".mlchain/files/.incoming.tmp-$$-0"
expect 0 "$MLCHAIN" fsck
[ "$(printf '%s\n' "$out" | grep -c '^leftover ')" -eq 3 ] || fail "fsck leftovers: $out"
[[ "$out" == *"safe to delete"* && "$out" == *": ok" ]] || fail "fsck leftover report: $out"
[[ "$out" != *"tmp-$$-0"* ]] || fail "fsck reported a live writer's file: $out"
expect 0 "$MLCHAIN" gc
[[ "$out" == "removed 0 objects, 0 files, 3 leftovers"* ]] || fail "gc of leftovers: $out"
[ -e ".mlchain/files/.incoming.tmp-$$-0" ] || fail "gc removed a live writer's file"
rm ".mlchain/files/.incoming.tmp-$$-0"
expect 0 "$MLCHAIN" fsck
[[ "$out" != *leftover* ]] || fail "leftovers survived gc: $out"

# One flipped byte in a commit block: fsck exits 1 naming the CID and its path; show refuses it.
cp -a .mlchain "$work/pristine"
restore() { chmod -R u+w .mlchain; rm -rf .mlchain; cp -a "$work/pristine" .mlchain; }
flip "$(object_path "$c1")" 20
expect 1 "$MLCHAIN" fsck
[[ "$out" == *"corrupt $c1: object $c1 is corrupt: "*"$(object_path "$c1") does not hash to it"* ]] || fail "fsck corrupt commit: $out"
[[ "$err" == *"fsck found"*"problem"* ]] || fail "fsck summary error: $err"
expect 1 "$MLCHAIN" show v1
[[ "$err" == *"$c1"*"$(object_path "$c1")"* ]] || fail "show of a corrupt commit: $err"
expect 1 "$MLCHAIN" log
expect 1 "$MLCHAIN" gc
[ "$(count .mlchain/objects)" -eq "$objects_before" ] || fail "gc removed something from a corrupt repository"
restore

# One flipped byte in a directory block, and in a leaf of a stored file.
tree=$("$MLCHAIN" show --json v1 | node -e 'console.log(JSON.parse(require("fs").readFileSync(0)).tree)')
flip "$(object_path "$tree")" 5
expect 1 "$MLCHAIN" fsck
[[ "$out" == *"corrupt $tree"* ]] || fail "fsck corrupt tree: $out"
expect 1 "$MLCHAIN" show v1
restore
weights=$("$MLCHAIN" cid "$work/bundle/weights.bin" | cut -d' ' -f1)
tail -c +2097153 "$work/bundle/weights.bin" > "$work/last-chunk"
last_leaf=$("$MLCHAIN" cid "$work/last-chunk" | cut -d' ' -f1)
flip "$(object_path "$last_leaf")" 902847
expect 1 "$MLCHAIN" fsck
[[ "$out" == *"corrupt $last_leaf: object $last_leaf is corrupt: "*"$(object_path "$last_leaf") does not hash to it"* ]] || fail "fsck corrupt leaf: $out"
expect 1 "$MLCHAIN" verify
[[ "$out$err" == *"$weights"* ]] || fail "verify of a corrupt leaf names no file: $out $err"
restore

# A missing object or file reachable from a ref: fsck says missing; gc stops and removes nothing.
chmod u+w "$(object_path "$last_leaf")"; rm "$(object_path "$last_leaf")"
expect 1 "$MLCHAIN" fsck
[[ "$out" == *"missing $weights: the contents of $weights are not all in the repository: block $last_leaf "*" is missing (in commit "* ]] ||
  fail "fsck missing file: $out"
# gc stops too (the leaf's file is reachable), naming the leaf, and removes nothing.
expect 3 "$MLCHAIN" gc
[[ "$err" == *"$last_leaf"*"gc removed nothing"* ]] || fail "gc with a missing leaf: $err"
restore
rm -f "$(object_path "$c1")"
expect 1 "$MLCHAIN" fsck
[[ "$out" == *"$c1"*"not in the repository"* ]] || fail "fsck missing commit: $out"
expect 3 "$MLCHAIN" gc
[[ "$err" == *"$c1"*"gc removed nothing"* ]] || fail "gc with a missing commit: $err"
[ "$(count .mlchain/objects)" -eq $((objects_before - 1)) ] || fail "gc removed objects from a broken repository"
restore

# Refs that name nothing stored, or something that is not a commit, or hold garbage.
printf '%s\n' "$tree" > .mlchain/refs/tags/not-a-commit
printf 'garbage\n' > .mlchain/refs/heads/garbled
expect 1 "$MLCHAIN" fsck
[[ "$out" == *"bad-ref refs/tags/not-a-commit"*"not a commit"* ]] || fail "fsck ref to a tree: $out"
expect 1 "$MLCHAIN" branch
[[ "$err" == *"refs/heads/garbled"*"malformed"* ]] || fail "branch with a garbled ref: $err"
restore
printf 'ref: refs/heads/..\n' > .mlchain/HEAD
expect 1 "$MLCHAIN" fsck
[[ "$out" == *"bad-ref HEAD"* ]] || fail "fsck bad HEAD: $out"
restore
expect 0 "$MLCHAIN" fsck

# What the index (stat cache) has hashed is kept even when no ref reaches it any more: here a second
# commit is dropped from its branch by hand and its reflog entries expire at once, so its commit block
# and root directory go, but the contents of the file the index still names stay.
mkdir "$work/indexed" && cd "$work/indexed" && "$MLCHAIN" init >/dev/null
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d
printf 'first\n' > model.txt && "$MLCHAIN" commit -m one >/dev/null
first=$(cat .mlchain/refs/heads/main)
printf 'second\n' > model.txt && "$MLCHAIN" commit -m two >/dev/null
second_file=$("$MLCHAIN" cid model.txt | cut -d' ' -f1)
printf '%s\n' "$first" > .mlchain/refs/heads/main
"$MLCHAIN" config set gc.reflog-expire now
expect 0 "$MLCHAIN" gc
[[ "$out" == "removed 2 objects, 0 files, 0 leftovers"* ]] || fail "gc beside an index entry: $out"
[ -f "$(object_path "$second_file")" ] || fail "gc removed contents the index names"
unset MLCHAIN_PRIVATE_KEY
cd "$work/repo"

# Outside a repository: 3; extra arguments: 2.
expect 2 "$MLCHAIN" fsck extra
expect 2 "$MLCHAIN" gc --now
cd "$work"
expect 3 "$MLCHAIN" fsck
expect 3 "$MLCHAIN" gc

echo "repo fsck/gc: ok"
