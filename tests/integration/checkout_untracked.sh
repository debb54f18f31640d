#!/usr/bin/env bash
# Untracked files are touched only where REV puts something: there checkout refuses naming them (exit 5,
# nothing written) and --force overwrites them; every other untracked file survives any checkout, forced
# or not, including one of the branch already checked out and one in a directory REV removes.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d

mkdir repo && cd repo && "$MLCHAIN" init >/dev/null
mkdir -p model old
printf 'weights one\n' > model/weights.bin
printf 'only in one\n' > old/gone.txt
"$MLCHAIN" commit -m one >/dev/null
c1=$(cat .mlchain/refs/heads/main)
printf 'weights two\n' > model/weights.bin
rm -r old
printf 'notes two\n' > notes.txt
mkdir -p data && printf 'data two\n' > data/train.csv
"$MLCHAIN" commit -m two >/dev/null
c2=$(cat .mlchain/refs/heads/main)

echo "untracked files not in the way survive checkouts, forced or not, and never block one"
printf 'mine\n' > scratch.txt
mkdir -p runs && printf 'log\n' > runs/1.log
printf 'beside\n' > model/local.txt
expect 0 "$MLCHAIN" checkout main
expect 0 "$MLCHAIN" checkout --force main
expect 0 "$MLCHAIN" checkout "$c1"
[ "$(cat model/weights.bin)" = "weights one" ] && [ ! -e notes.txt ] && [ ! -e data ] || fail "checkout of $c1 incomplete"
printf 'in a directory main removes\n' > old/mine.txt
expect 0 "$MLCHAIN" checkout --force main
[ "$(cat old/mine.txt)" = "in a directory main removes" ] || fail "an untracked file in old/ was removed"
[ ! -e old/gone.txt ] || fail "old/gone.txt, which main does not have, is still there"
[ "$(cat scratch.txt)" = "mine" ] && [ "$(cat runs/1.log)" = "log" ] && [ "$(cat model/local.txt)" = "beside" ] \
  || fail "an untracked file did not survive: $(fingerprint)"
rm -r old

echo "an untracked file where REV puts a file, or needs a directory, is refused; --force overwrites only those"
expect 0 "$MLCHAIN" checkout "$c1"
printf 'my notes\n' > notes.txt
printf 'a file where main has a directory\n' > data
before=$(fingerprint)
expect 5 "$MLCHAIN" checkout main
[[ "$err" == *"data (untracked)"*"notes.txt (untracked)"*"--force"* ]] || fail "refusal does not name the paths: $err"
[ "$(fingerprint)" = "$before" ] || fail "a refused checkout changed the work tree"
[ "$(cat .mlchain/HEAD)" = "$c1" ] || fail "a refused checkout moved HEAD"
expect 0 "$MLCHAIN" checkout --force main
[ "$(cat notes.txt)" = "notes two" ] && [ "$(cat data/train.csv)" = "data two" ] || fail "--force did not write main's files"
[ "$(cat scratch.txt)" = "mine" ] && [ "$(cat model/local.txt)" = "beside" ] || fail "--force removed an untracked file not in the way"

echo "a directory of untracked files where REV puts a file is refused"
expect 0 "$MLCHAIN" checkout "$c1"
mkdir notes.txt && printf 'x\n' > notes.txt/kept
expect 5 "$MLCHAIN" checkout main
[[ "$err" == *"notes.txt (untracked)"* ]] || fail "directory in the way: $err"
[ "$(cat notes.txt/kept)" = "x" ] || fail "a refused checkout touched notes.txt/kept"
rm -r notes.txt

echo "local modifications to tracked files are still refused"
printf 'edited\n' > model/weights.bin
expect 5 "$MLCHAIN" checkout main
[[ "$err" == *"model/weights.bin"* ]] || fail "modification not refused: $err"
[ "$(cat model/weights.bin)" = "edited" ] || fail "a refused checkout overwrote model/weights.bin"
expect 0 "$MLCHAIN" checkout --force main
[ "$(cat model/weights.bin)" = "weights two" ] || fail "--force did not overwrite model/weights.bin"
expect 0 "$MLCHAIN" status --json
[[ "$out" == *'"modified": []'*'"deleted": []'* ]] || fail "status after checkouts: $out"
echo "untracked files: all checks passed"
