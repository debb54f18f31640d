#!/usr/bin/env bash
# mlchain checkout end to end: back and forth between two commits restoring byte-identical files (and
# symlinks, nested and empty directories), a branch attaches HEAD and anything else detaches it, local
# modifications and untracked files in the way are refused (exit 5, every path listed, nothing written)
# unless --force, other untracked files, ignored files and .mlchain/ are left alone, and every exit code: 2 (usage), 3 (unknown
# REV, contents missing from the store, no repository), 1 (stored contents corrupt: nothing written), 5 (a live process holds the index lock).
source "$(dirname "$0")/lib/expect.sh"
make_workspace

cd "$work"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d

stored() { local cid=$1; printf '%s/.mlchain/objects/%s/%s' "$PWD" "${cid: -3:2}" "$cid"; }
temporaries() { find . -path ./.mlchain -prune -o -name '*.mlchain.tmp-*' -print; }

"$MLCHAIN" checkout --help | has -- '--force' || fail "checkout --help does not mention --force"

mkdir repo && cd repo && "$MLCHAIN" init >/dev/null
mkdir -p model/tokenizer empty-one
head -c 5000000 /dev/urandom > model/weights.bin
printf '{"layers": 2}\n' > model/config.json
printf 'vocab one\n' > model/tokenizer/vocab.txt
ln -s model/config.json config-link
printf 'cache/\n' > .mlchainignore
"$MLCHAIN" commit -m one >/dev/null
c1=$("$MLCHAIN" log -n 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["cid"])')
v1=$(fingerprint)

head -c 3000000 /dev/urandom > model/weights.bin
printf 'vocab two\n' > model/tokenizer/vocab.txt
rm model/config.json
ln -sfn model/weights.bin config-link
rmdir empty-one && mkdir -p empty-two/inner
printf 'new\n' > notes.txt
"$MLCHAIN" commit -m two >/dev/null
c2=$("$MLCHAIN" log -n 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["cid"])')
v2=$(fingerprint)
mkdir cache && printf 'ignored\n' > cache/blob

echo "back and forth: byte-identical trees, HEAD detached by a CID, attached by a branch"
for round in 1 2; do
  expect 0 "$MLCHAIN" checkout "$c1"
  [[ "$out" == *"detached at $c1 one"* ]] || fail "detached note: $out"
  [ "$(fingerprint | grep -v '^\(dir\|file\) ./cache')" = "$v1" ] || fail "round $round: tree after checkout of $c1:
$(fingerprint)"
  [ "$(cat .mlchain/HEAD)" = "$c1" ] || fail "HEAD is not detached at $c1: $(cat .mlchain/HEAD)"
  expect 0 "$MLCHAIN" verify
  expect 0 "$MLCHAIN" status --json
  [[ "$out" == *'"added": []'*'"modified": []'*'"deleted": []'* ]] || fail "status after checkout: $out"
  expect 0 "$MLCHAIN" checkout main
  [[ "$out" == "Switched to branch 'main' at $c2 two"* ]] || fail "switch message: $out"
  [ "$(fingerprint | grep -v '^\(dir\|file\) ./cache')" = "$v2" ] || fail "round $round: tree after checkout of main"
  [ "$(cat .mlchain/HEAD)" = "ref: refs/heads/main" ] || fail "HEAD is not on main: $(cat .mlchain/HEAD)"
  expect 0 "$MLCHAIN" verify
done
[ "$(cat cache/blob)" = "ignored" ] || fail "an ignored file was touched"
[ -z "$(temporaries)" ] || fail "temporary files left: $(temporaries)"

echo "tags, REV~N and REV^ detach HEAD; a second checkout of the same REV writes nothing"
"$MLCHAIN" tag v1 "$c1"
expect 0 "$MLCHAIN" checkout v1
[ "$(cat .mlchain/HEAD)" = "$c1" ] || fail "tag checkout did not detach HEAD"
expect 0 "$MLCHAIN" checkout v1
[[ "$out" == *"0 written (0 bytes), 0 removed"* ]] || fail "repeated checkout wrote something: $out"
expect 0 "$MLCHAIN" checkout main
expect 0 "$MLCHAIN" checkout main~1
[ "$(cat .mlchain/HEAD)" = "$c1" ] || fail "main~1 did not detach HEAD at $c1"
expect 0 "$MLCHAIN" checkout "$c2"
expect 0 "$MLCHAIN" checkout 'main^'
[ "$(cat .mlchain/HEAD)" = "$c1" ] || fail "main^ did not detach HEAD at $c1"
expect 0 "$MLCHAIN" checkout main

echo "local modifications are refused, listing every path, unless --force"
printf 'edited\n' > notes.txt
printf 'edited vocab\n' > model/tokenizer/vocab.txt
before=$(fingerprint)
expect 5 "$MLCHAIN" checkout "$c1"
[[ "$err" == *"model/tokenizer/vocab.txt"*"notes.txt"*"--force"* ]] || fail "refusal does not list the paths: $err"
[ "$(fingerprint)" = "$before" ] || fail "a refused checkout changed the work tree"
[ "$(cat .mlchain/HEAD)" = "ref: refs/heads/main" ] || fail "a refused checkout moved HEAD"
expect 0 "$MLCHAIN" checkout --force "$c1"
[ "$(fingerprint | grep -v '^\(dir\|file\) ./cache')" = "$v1" ] || fail "--force did not restore $c1"

echo "files REV removes are protected too; an untracked file beside them is not in the way and stays"
printf 'local\n' > model/config.json
expect 5 "$MLCHAIN" checkout main
[[ "$err" == *"model/config.json"* ]] || fail "a file main removes was not protected: $err"
"$MLCHAIN" checkout --force "$c1" >/dev/null
head -c 100 /dev/urandom > model/extra-untracked.bin
expect 0 "$MLCHAIN" checkout main
[ -f model/extra-untracked.bin ] || fail "checkout removed an untracked file not in its way"
rm model/extra-untracked.bin
expect 0 "$MLCHAIN" checkout "$c1"

echo "an untracked (ignored) file where REV writes is refused unless --force"
printf 'cache/\nnotes.txt\n' > .mlchainignore
printf 'mine\n' > notes.txt
expect 5 "$MLCHAIN" checkout main
[[ "$err" == *"notes.txt (untracked)"* ]] || fail "ignored file in the way: $err"
[ "$(cat notes.txt)" = "mine" ] || fail "a refused checkout overwrote notes.txt"
expect 0 "$MLCHAIN" checkout --force main
[ "$(cat notes.txt)" = "new" ] || fail "--force did not write notes.txt"
[ "$(fingerprint | grep -v '^\(dir\|file\) ./cache')" = "$v2" ] || fail "tree after forced checkout of main"

echo "exit 2: usage"
expect 2 "$MLCHAIN" checkout
expect 2 "$MLCHAIN" checkout main --no-such-flag
echo "exit 3: unknown REV, missing contents, no repository"
expect 3 "$MLCHAIN" checkout no-such-branch
expect 3 "$MLCHAIN" checkout bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy
(cd "$work" && expect 3 "$MLCHAIN" checkout main)
vocab1=$(printf 'vocab one\n' > "$work/v1" && "$MLCHAIN" cid "$work/v1" | cut -d' ' -f1)
mv "$(stored "$vocab1")" "$work/saved"
before=$(fingerprint)
expect 3 "$MLCHAIN" checkout "$c1"
[[ "$err" == *"$vocab1"*"model/tokenizer/vocab.txt"* ]] || fail "missing contents message: $err"
[ "$(fingerprint)" = "$before" ] || fail "checkout with missing contents wrote something"
mv "$work/saved" "$(stored "$vocab1")"

echo "exit 1: corrupt stored contents: nothing is written"
chmod u+w "$(stored "$vocab1")"
printf 'vocab ONE\n' > "$(stored "$vocab1")"
before=$(fingerprint)
expect 1 "$MLCHAIN" checkout "$c1"
[[ "$err" == *"$vocab1"*"corrupt"* ]] || fail "corrupt contents message: $err"
[ "$(fingerprint)" = "$before" ] || fail "a checkout that failed changed the work tree"
[ -z "$(temporaries)" ] || fail "temporary files left after a failed checkout: $(temporaries)"
[ "$(cat .mlchain/HEAD)" = "ref: refs/heads/main" ] || fail "a failed checkout moved HEAD"
printf 'vocab one\n' > "$(stored "$vocab1")"
expect 0 "$MLCHAIN" checkout --force main
expect 0 "$MLCHAIN" verify

echo "exit 5: a live process holds the index lock"
hold_lock -o .mlchain/index.lock
sleep 0.3
expect 5 "$MLCHAIN" checkout "$c1"
[[ "$err" == *"index.lock"* ]] || fail "lock message does not name the lock: $err"
release_lock
expect 0 "$MLCHAIN" checkout "$c1"
echo "checkout: all checks passed"
