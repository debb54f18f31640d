#!/usr/bin/env bash
# mlchain restore PATH… [--source REV]: files and whole directories come back from REV (default HEAD),
# verified, HEAD untouched, paths taken from the current directory; a path REV lacks is exit 3, one
# outside the work tree exit 2, corrupt stored contents exit 1 with nothing written.
# mlchain reset [--soft|--hard] REV: the current branch (or the detached HEAD) moves to REV; --soft
# (the default) leaves the work tree, --hard makes it hold REV's files, untracked files not in the way
# surviving.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d
clean() {
  "$MLCHAIN" status --json | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(any(s[k] for k in ("added","modified","deleted")))'
}

"$MLCHAIN" restore --help | has -- '--source' || fail "restore --help does not mention --source"
"$MLCHAIN" reset --help | has -- '--hard' || fail "reset --help does not mention --hard"

mkdir repo && cd repo && "$MLCHAIN" init >/dev/null
mkdir -p model/tokenizer
printf 'weights one\n' > model/weights.bin
printf 'vocab one\n' > model/tokenizer/vocab.txt
printf 'readme one\n' > README
"$MLCHAIN" commit -m one >/dev/null
c1=$(cat .mlchain/refs/heads/main)
printf 'weights two\n' > model/weights.bin
printf 'vocab two\n' > model/tokenizer/vocab.txt
printf 'readme two\n' > README
"$MLCHAIN" commit -m two >/dev/null
c2=$(cat .mlchain/refs/heads/main)

echo "restore: a modified and a deleted file come back from HEAD; HEAD does not move"
printf 'edited\n' > README
rm model/weights.bin
expect 0 "$MLCHAIN" restore README model/weights.bin
[ "$(cat README)" = "readme two" ] && [ "$(cat model/weights.bin)" = "weights two" ] || fail "restore from HEAD"
clean || fail "status after restore: $("$MLCHAIN" status --json)"
[ "$(cat .mlchain/refs/heads/main)" = "$c2" ] && [ "$(cat .mlchain/HEAD)" = "ref: refs/heads/main" ] || fail "restore moved HEAD"

echo "restore --source: a whole directory, from a subdirectory"
printf 'untracked\n' > model/mine.txt
(cd model && expect 0 "$MLCHAIN" restore --source main~1 .)
[ "$(cat model/weights.bin)" = "weights one" ] && [ "$(cat model/tokenizer/vocab.txt)" = "vocab one" ] || fail "restore of model/ from $c1"
[ "$(cat README)" = "readme two" ] || fail "restore wrote outside the path asked for"
[ "$(cat model/mine.txt)" = "untracked" ] || fail "restore touched an untracked file"
[ "$(cat .mlchain/refs/heads/main)" = "$c2" ] || fail "restore --source moved main"
expect 0 "$MLCHAIN" status --json
[[ "$out" == *'"modified": ['*'model/tokenizer/vocab.txt'*'model/weights.bin'* ]] || fail "status after restore --source: $out"
(cd model/tokenizer && expect 0 "$MLCHAIN" restore -s HEAD ../weights.bin vocab.txt)
[ "$(cat model/weights.bin)" = "weights two" ] && [ "$(cat model/tokenizer/vocab.txt)" = "vocab two" ] || fail "restore of relative paths"
rm model/mine.txt

echo "restore: exit 3 for a path not in REV, 2 outside the work tree or without a path, 1 for corrupt contents"
expect 3 "$MLCHAIN" restore no-such-file
[[ "$err" == *"no-such-file"* ]] || fail "not-found message: $err"
expect 3 "$MLCHAIN" restore --source no-such-rev README
expect 2 "$MLCHAIN" restore ../outside
expect 2 "$MLCHAIN" restore
readme1=$(printf 'readme one\n' > "$work/r1" && "$MLCHAIN" cid "$work/r1" | cut -d' ' -f1)
weights1=$(printf 'weights one\n' > "$work/w1" && "$MLCHAIN" cid "$work/w1" | cut -d' ' -f1)
chmod u+w "$(stored "$weights1")"
printf 'weights ONE\n' > "$(stored "$weights1")"
expect 1 "$MLCHAIN" restore --source "$c1" README model
[[ "$err" == *"$weights1"* ]] || fail "corrupt contents message: $err"
[ "$(cat README)" = "readme two" ] || fail "a failed restore wrote README"
[ -z "$(find . -name '*.mlchain.tmp-*')" ] || fail "a failed restore left temporaries"
printf 'weights one\n' > "$(stored "$weights1")"
clean || fail "status after a failed restore"

echo "reset --soft (the default): the branch moves, the work tree stays"
expect 0 "$MLCHAIN" reset main~1
[[ "$out" == *"main"*"$c1"*"$c2"* ]] || fail "reset message: $out"
[ "$(cat .mlchain/refs/heads/main)" = "$c1" ] || fail "reset did not move main"
[ "$(cat .mlchain/HEAD)" = "ref: refs/heads/main" ] || fail "reset detached HEAD"
# The reflog says it was a reset, and to what, as git's does; not "commit".
for ref in HEAD main; do
  expect 0 "$MLCHAIN" reflog -n 1 "$ref"
  [[ "$out" == *"$ref@{0}: reset: moving to main~1" ]] || fail "reset's $ref reflog entry: $out"
done
[ "$(cat README)" = "readme two" ] || fail "reset --soft changed the work tree"
expect 0 "$MLCHAIN" status --json
[[ "$out" == *'"modified": ['*'README'* ]] || fail "status after reset --soft: $out"
expect 0 "$MLCHAIN" reset --soft "$c2"
[ "$(cat .mlchain/refs/heads/main)" = "$c2" ] || fail "reset --soft forward"
clean || fail "status after reset --soft back to $c2"

echo "reset --hard: the branch moves and the work tree holds REV's files; untracked files not in the way stay"
printf 'edited\n' > README
printf 'mine\n' > scratch.txt
expect 0 "$MLCHAIN" reset --hard "$c1"
[ "$(cat .mlchain/refs/heads/main)" = "$c1" ] || fail "reset --hard did not move main"
[ "$(cat README)" = "readme one" ] && [ "$(cat model/weights.bin)" = "weights one" ] || fail "reset --hard work tree"
[ "$(cat scratch.txt)" = "mine" ] || fail "reset --hard removed an untracked file"
rm scratch.txt
expect 0 "$MLCHAIN" verify
expect 0 "$MLCHAIN" reset --hard "$c2"
clean || fail "status after reset --hard"

echo "reset on a detached HEAD moves HEAD itself"
expect 0 "$MLCHAIN" checkout "$c2"
expect 0 "$MLCHAIN" reset --hard "$c1"
[ "$(cat .mlchain/HEAD)" = "$c1" ] || fail "detached reset: HEAD is $(cat .mlchain/HEAD)"
[ "$(cat .mlchain/refs/heads/main)" = "$c2" ] || fail "detached reset moved main"
[ "$(cat README)" = "readme one" ] || fail "detached reset --hard work tree"

echo "reset: exit 3 for an unknown REV, 2 for --soft with --hard or no REV; a failed --hard changes nothing"
expect 3 "$MLCHAIN" reset no-such-rev
expect 2 "$MLCHAIN" reset --soft --hard "$c2"
expect 2 "$MLCHAIN" reset
chmod u+w "$(stored "$readme1")"
expect 0 "$MLCHAIN" checkout main
printf 'readme ONE\n' > "$(stored "$readme1")"
expect 1 "$MLCHAIN" reset --hard "$c1"
[ "$(cat .mlchain/refs/heads/main)" = "$c2" ] || fail "a failed reset --hard moved main"
[ "$(cat README)" = "readme two" ] && [ "$(cat model/weights.bin)" = "weights two" ] || fail "a failed reset --hard changed the work tree"
echo "restore and reset: all checks passed"
