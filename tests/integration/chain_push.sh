#!/usr/bin/env bash
# mlchain against a real anvil and a real js-ipfs daemon (tests/peers): registry deploy; push of one
# commit, then of ten (one transaction per push, counted by the pusher's nonce, and the head on chain is
# the local head's digest as cast reads it); a push with nothing new sends nothing; a non-writer is refused
# before anything is sent (exit 5), then pushes once granted, and is refused again once revoked; a remote
# whose chain id differs from the node's is refused before signing (exit 2); an unreachable RPC is exit 4;
# clone by name into a fresh directory gives the same files (diff -r) and verify --chain holds there;
# log --remote lists both head updates (newest first); fetch reads the heads again; two racing pushers: one wins, the
# other exits 5 "the remote moved: fetch first", and pushes after pulling and redoing its commit on top.
: "${MLCHAIN_PEERS:?path to tests/peers}"
work=$(mktemp -d)
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"

start_anvil
start_ipfs
echo "anvil at $rpc, js-ipfs at $api"

owner_key=$(account private_keys 0); owner=$(account available_accounts 0)
writer_key=$(account private_keys 1); writer=$(account available_accounts 1)
nonce() { "$cast" nonce --rpc-url "$rpc" "$1"; }
# The registry's bytes32 head of a commit: the sha2-256 digest inside its CIDv1 (base32, dag-cbor).
digest_of() { python3 -c '
import base64, sys
cid = sys.argv[1][1:].upper()
raw = base64.b32decode(cid + "=" * (-len(cid) % 8))
print("0x" + raw[-32:].hex())' "$1"; }
chain_head() { "$cast" call --rpc-url "$rpc" "$registry" "headOf(string,string)(bytes32)" "$1" "$2"; }

export MLCHAIN_HOME="$work/home"
export MLCHAIN_PRIVATE_KEY=$owner_key

echo "deploy"
expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)
[ "$("$cast" code --rpc-url "$rpc" "$registry")" != 0x ] || fail "no code at $registry"
echo "  registry $registry: $(tail -n 1 <<< "$out")"

mkdir "$work/a"
cd "$work/a"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo model-a --chain-id 31337
echo "weights v1" > weights.bin
expect 0 "$MLCHAIN" commit -m "first"

echo "push one commit"
before=$(nonce "$owner")
expect 0 "$MLCHAIN" push
[ "$(nonce "$owner")" -eq $((before + 1)) ] || fail "the first push sent $(( $(nonce "$owner") - before )) transactions"
head=$(head -n 1 <<< "$out")
[ "$(chain_head model-a main)" = "$(digest_of "$head")" ] || fail "headOf is $(chain_head model-a main), not $head"
grep -q "^anchored model-a/main at $head on chain 31337: transaction 0x[0-9a-f]\{64\}, block [0-9]*, gas used [0-9]*" <<< "$out" ||
  fail "push output: $out"
grep -q "^clone: mlchain clone mlchain://31337@$registry/model-a#main" <<< "$out" || fail "no clone URL: $out"
[ "$(cat .mlchain/refs/remotes/origin/main)" = "$head" ] || fail "refs/remotes/origin/main not moved"
[ -z "$(ls -A .mlchain/journal 2> /dev/null)" ] || fail "the journal keeps a settled transaction"
echo "  first push: $(grep -o 'gas used [0-9]*' <<< "$out")"

echo "push ten commits in one transaction"
for i in $(seq 2 11); do
  echo "weights v$i" > weights.bin
  expect 0 "$MLCHAIN" commit -m "commit $i"
done
before=$(nonce "$owner")
expect 0 "$MLCHAIN" push origin main
[ "$(nonce "$owner")" -eq $((before + 1)) ] || fail "pushing ten commits sent $(( $(nonce "$owner") - before )) transactions"
head=$(head -n 1 <<< "$out")
[ "$(chain_head model-a main)" = "$(digest_of "$head")" ] || fail "headOf is not the new head $head"
echo "  ten commits: $(grep -o 'gas used [0-9]*' <<< "$out")"

echo "push with nothing new sends nothing"
before=$(nonce "$owner")
expect 0 "$MLCHAIN" push
[ "$(nonce "$owner")" -eq "$before" ] || fail "an up-to-date push sent a transaction"
grep -q "already at $head" <<< "$out" || fail "up-to-date push output: $out"

echo "clone by name into a fresh directory"
cd "$work"
expect 0 "$MLCHAIN" clone "mlchain://31337@$registry/model-a" b --rpc "$rpc" --ipfs "$api"
diff -r --exclude=.mlchain "$work/a" "$work/b" || fail "the clone's files differ"
[ "$(cat "$work/b/.mlchain/refs/heads/main")" = "$head" ] || fail "the clone's main is not $head"
[ "$(cat "$work/b/.mlchain/refs/remotes/origin/main")" = "$head" ] || fail "the clone does not track origin/main"
cd "$work/b"
expect 0 "$MLCHAIN" verify --chain
grep -q "^anchored by model-a/main at $head in block [0-9]* of chain 31337" <<< "$out" || fail "verify --chain in the clone: $out"
echo "  $(tail -n 1 <<< "$out")"
expect 0 "$MLCHAIN" log --remote --json
python3 -c '
import json, sys
head, owner = sys.argv[1], sys.argv[2]
updates = json.load(sys.stdin)
assert len(updates) == 2, len(updates)
assert updates[0]["new"] == head and updates[0]["old"] == updates[1]["new"], updates
assert updates[1]["old"] is None and updates[0]["block"] > updates[1]["block"], updates
assert all(u["pusher"].lower() == owner.lower() and u["branch"] == "main" for u in updates), updates
assert all(len(u["transaction"]) == 66 and u["time"] > 0 for u in updates), updates
' "$head" "$owner" <<< "$out" || fail "log --remote --json: $out"
expect 0 "$MLCHAIN" log --remote origin
[ "$(grep -c '^block ' <<< "$out")" -eq 2 ] || fail "log --remote text: $out"
expect 0 "$MLCHAIN" fetch
[ "$out" = "origin/main is at $head (unchanged)" ] || fail "fetch: $out"

echo "non-writer refused before sending, granted, revoked"
cd "$work/b"
echo "writer's weights" > weights.bin
MLCHAIN_PRIVATE_KEY=$writer_key expect 0 "$MLCHAIN" commit -m "by the writer"
before=$(nonce "$writer")
MLCHAIN_PRIVATE_KEY=$writer_key expect 5 "$MLCHAIN" push
[[ $err == *"may not push to model-a"* && $err == *NotWriter* ]] || fail "non-writer message: $err"
[ "$(nonce "$writer")" -eq "$before" ] || fail "a refused push sent a transaction"
cd "$work/a"
expect 0 "$MLCHAIN" registry grant "$writer"
[ "$("$cast" call --rpc-url "$rpc" "$registry" "isWriter(string,address)(bool)" model-a "$writer")" = true ] ||
  fail "grant did not make $writer a writer"
cd "$work/b"
MLCHAIN_PRIVATE_KEY=$writer_key expect 0 "$MLCHAIN" push
head=$(head -n 1 <<< "$out")
[ "$(chain_head model-a main)" = "$(digest_of "$head")" ] || fail "the writer's push did not move main"
echo "two racing pushers: one wins, the other exits 5 and pushes after pull"
cd "$work/a"
expect 0 "$MLCHAIN" pull
[ "$(cat .mlchain/refs/heads/main)" = "$head" ] || fail "pull did not fast-forward main to $head"
diff -r --exclude=.mlchain "$work/a" "$work/b" || fail "pull did not check out $head"
# a pushes as the owner, b as the writer: two senders, so the registry's compare-and-swap decides.
cd "$work/a" && echo "a's change" > a.txt && expect 0 "$MLCHAIN" commit -m "a races"
export MLCHAIN_PRIVATE_KEY=$writer_key
cd "$work/b" && echo "b's change" > b.txt && expect 0 "$MLCHAIN" commit -m "b races"
set +e
(cd "$work/a" && MLCHAIN_PRIVATE_KEY=$owner_key "$MLCHAIN" push > "$work/push-a.out" 2> "$work/push-a.err"; echo $? > "$work/push-a.rc") &
(cd "$work/b" && "$MLCHAIN" push > "$work/push-b.out" 2> "$work/push-b.err"; echo $? > "$work/push-b.rc") &
wait
set -e
codes="$(cat "$work/push-a.rc") $(cat "$work/push-b.rc")"
case $codes in
  "0 5") winner=a loser=b ;;
  "5 0") winner=b loser=a ;;
  *) fail "racing pushes exited $codes: $(cat "$work"/push-*.err)" ;;
esac
grep -q "the remote moved: fetch first" "$work/push-$loser.err" || fail "loser's message: $(cat "$work/push-$loser.err")"
echo "  $winner won, $loser: $(cat "$work/push-$loser.err")"
cd "$work/$loser"
expect 5 "$MLCHAIN" pull
[[ $err == *"has diverged"* ]] || fail "pull of a diverged branch: $err"
# Redo the loser's change on top of the winner's head: keep the file, take the remote's branch, commit.
cp "$loser.txt" "$work/kept.txt"
remote_head=$(cat .mlchain/refs/remotes/origin/main)
expect 0 "$MLCHAIN" checkout --force "$remote_head"
expect 0 "$MLCHAIN" branch -d main
expect 0 "$MLCHAIN" branch main "$remote_head"
expect 0 "$MLCHAIN" checkout main
cp "$work/kept.txt" "$loser.txt"
expect 0 "$MLCHAIN" commit -m "$loser again"
expect 0 "$MLCHAIN" push
head=$(head -n 1 <<< "$out")
[ "$(chain_head model-a main)" = "$(digest_of "$head")" ] || fail "the loser's second push did not move main"
export MLCHAIN_PRIVATE_KEY=$owner_key

cd "$work/a"
MLCHAIN_PRIVATE_KEY=$writer_key expect 5 "$MLCHAIN" registry revoke "$writer"
[[ $err == *"does not own model-a"* ]] || fail "revoke by a non-owner: $err"
expect 0 "$MLCHAIN" registry revoke origin "$writer"
[ "$("$cast" call --rpc-url "$rpc" "$registry" "isWriter(string,address)(bool)" model-a "$writer")" = false ] ||
  fail "revoke left $writer a writer"

echo "a remote on the wrong chain is refused before signing; an unreachable RPC is exit 4"
expect 0 "$MLCHAIN" remote add wrong --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo model-a --chain-id 1
echo more > more.txt
expect 0 "$MLCHAIN" commit -m more
before=$(nonce "$owner")
expect 2 "$MLCHAIN" push wrong
[[ $err == *"serves chain 31337, not chain 1"* ]] || fail "chain mismatch message: $err"
[ "$(nonce "$owner")" -eq "$before" ] || fail "a push to the wrong chain sent a transaction"
expect 0 "$MLCHAIN" remote add down --ipfs "$api" --rpc "http://127.0.0.1:9" --registry "$registry" --repo model-a --chain-id 31337
expect 4 "$MLCHAIN" push down
[ -z "$(ls -A .mlchain/journal 2> /dev/null)" ] || fail "failed pushes left journal entries"
echo "ok"
