#!/usr/bin/env bash
# A checkout that fails half-way changes nothing: with one stored content corrupt (the last file of the
# commit, so that every other file is written first), checkout exits 1 and the work tree, HEAD and
# `status` are exactly as before: no file switched, no file removed, no directory made, no temporary left
# (fingerprint lists every path, temporaries included). Forced or not.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
cd "$work"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d


mkdir repo && cd repo && "$MLCHAIN" init >/dev/null
mkdir -p model/new-dir
for name in a b c d e f; do head -c 200000 /dev/urandom > "model/$name.bin"; done
printf 'only in one\n' > model/new-dir/inside.txt
ln -s a.bin model/link
printf 'zz last of one\n' > zz-last.txt
"$MLCHAIN" commit -m one >/dev/null
c1=$(cat .mlchain/refs/heads/main)
last=$("$MLCHAIN" cid zz-last.txt | cut -d' ' -f1)

for name in a b c d e f; do head -c 100000 /dev/urandom > "model/$name.bin"; done
rm -r model/new-dir zz-last.txt
ln -sfn b.bin model/link
printf 'only in two\n' > only-two.txt
"$MLCHAIN" commit -m two >/dev/null
c2=$(cat .mlchain/refs/heads/main)
printf 'untracked\n' > untracked.txt

chmod u+w "$(stored "$last")"
printf 'zz LAST of one\n' > "$(stored "$last")"
before=$(fingerprint)

for flag in "" --force; do
  echo "corrupt stored contents (checkout $flag): nothing changes"
  expect 1 "$MLCHAIN" checkout $flag "$c1"
  [[ "$err" == *"$last"* ]] || fail "the error does not name the corrupt contents: $err"
  [ "$(fingerprint)" = "$before" ] || fail "a failed checkout changed the work tree:
$(diff <(echo "$before") <(fingerprint))"
  [ "$(cat .mlchain/HEAD)" = "ref: refs/heads/main" ] || fail "a failed checkout moved HEAD"
  [ "$(cat .mlchain/refs/heads/main)" = "$c2" ] || fail "a failed checkout moved main"
  expect 0 "$MLCHAIN" status --json
  [[ "$out" == *'"added": ['*'untracked.txt'*'],'*'"modified": []'*'"deleted": []'* ]] || fail "status after a failed checkout: $out"
done

echo "the store repaired, the same checkout goes through"
printf 'zz last of one\n' > "$(stored "$last")"
expect 0 "$MLCHAIN" checkout "$c1"
[ "$(cat zz-last.txt)" = "zz last of one" ] || fail "zz-last.txt not written"
[ ! -e only-two.txt ] && [ -f model/new-dir/inside.txt ] || fail "checkout of $c1 incomplete"
[ "$(cat untracked.txt)" = "untracked" ] || fail "untracked.txt did not survive"
rm untracked.txt
expect 0 "$MLCHAIN" verify
echo "failed checkouts: nothing changed"
