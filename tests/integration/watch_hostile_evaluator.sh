#!/usr/bin/env bash
# mlchain watch in evaluator mode against crashes and relayers, on one anvil and one js-ipfs daemon
# (tests/peers): kill -9 while the evaluation runs, and while its transaction waits to be mined (anvil's
# automine off): after the restart the journal settles that transaction, the candidate is attested once and
# not parked, and no second transaction is signed; two watchers with one key in two directories attest a
# candidate once; --out-dir: a restart after the file is written does not evaluate again, a file cut short
# or signed before a round change is made again, and results of two candidates signed before a relayer comes
# hold consecutive EAS nonces that one `mlchain submit` relays together.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"
cast() { "$MLCHAIN_PEERS/node_modules/.bin/cast" "$@"; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/watch.sh"
# attestations_by ADDRESS: how many Attested events EAS logged for ADDRESS as attester.
attestations_by() {
  cast logs --rpc-url "$rpc" --from-block 0 --address "$eas" 'Attested(address,address,bytes32,bytes32)' --json |
    python3 -c 'import json, sys
print(sum(1 for log in json.load(sys.stdin) if log["topics"][2][-40:].lower() == sys.argv[1][2:].lower()))' "$1"
}
automine() { cast rpc --rpc-url "$rpc" evm_setAutomine "$1" >/dev/null; }

start_anvil
start_ipfs
export MLCHAIN_PRIVATE_KEY=$(account private_keys 0)
e1_key=$(account private_keys 1)
e1=$(account available_accounts 1)
governed_repository
expect 0 "$MLCHAIN" policy set --evaluator "$e1" --quorum 1
evaluation='echo "{\"accuracy\": 0.9}"'

echo "kill -9 while the evaluation runs"
cp -r "$work/a" "$work/e1" && cd "$work/e1" && rm -rf .mlchain/watch
MLCHAIN_PRIVATE_KEY=$e1_key watch_in_background "$work/e1-run.log" --from-block 1 --retries 0 --poll 0.2 \
  --evaluate "touch $work/running; sleep 30; $evaluation" --suite "$work/suite"
wait_for 30 test -e "$work/running"
kill -9 "$watcher"
[ "$(attestations_by "$e1")" = 0 ] || fail "attested before the evaluation ended"

echo "kill -9 while the transaction waits to be mined"
automine false
MLCHAIN_PRIVATE_KEY=$e1_key watch_in_background "$work/e1-send.log" --retries 0 --poll 0.2 \
  --evaluate "$evaluation" --suite "$work/suite"
wait_for 30 eval '[ -n "$(cast rpc --rpc-url "$rpc" txpool_content | python3 -c "import json,sys; print(json.load(sys.stdin)[\"pending\"] or \"\")")" ]'
kill -9 "$watcher"
MLCHAIN_PRIVATE_KEY=$e1_key watch_in_background "$work/e1-again.log" --retries 0 --poll 0.2 \
  --evaluate "$evaluation" --suite "$work/suite"
sleep 2
automine true
cast rpc --rpc-url "$rpc" evm_mine >/dev/null
wait_for 30 eval 'logged "$work/e1-again.log" "evaluated $A in round\|attested accuracy"'
sleep 1
[ "$(attestations_by "$e1")" = 1 ] || fail "A was attested $(attestations_by "$e1") times: $(cat "$work/e1-again.log")"
[ "$(cast nonce --rpc-url "$rpc" "$e1")" = 1 ] || fail "a second transaction was signed: $(cat "$work/e1-again.log")"
[ ! -e .mlchain/watch/failed ] || fail "A was parked though attested: $(cat .mlchain/watch/failed/*)"
[ -z "$(ls .mlchain/journal 2>/dev/null)" ] || fail "the journal still holds $(ls .mlchain/journal)"
expect 0 "$MLCHAIN" ledger --json
[ "$(grep -c '"event": "evaluated"' <<< "$out")" = 1 ] || fail "the ledger holds other than one evaluation: $out"
kill "$watcher"

echo "two watchers with the same key in two directories"
cd "$work/a"
echo "weights B" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate B"
B=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
from=$(cast block-number --rpc-url "$rpc")
cp -r "$work/a" "$work/e1b" && rm -rf "$work/e1b/.mlchain/watch"
for directory in e1 e1b; do
  (cd "$work/$directory" && rm -rf .mlchain/watch &&
    MLCHAIN_PRIVATE_KEY=$e1_key "$MLCHAIN" watch --once --from-block "$from" --retries 1 --retry-delay 0.2 \
      --evaluate "sleep 0.5; $evaluation" --suite "$work/suite" 2>"$work/$directory-twin.log"; echo $? > "$work/$directory-twin.code") &
done
wait_for 60 eval '[ -s "$work/e1-twin.code" ] && [ -s "$work/e1b-twin.code" ]'
cat "$work/e1-twin.log" "$work/e1b-twin.log" >&2
[ "$(cat "$work/e1-twin.code")$(cat "$work/e1b-twin.code")" = 00 ] || fail "a twin watcher failed"
[ "$(attestations_by "$e1")" = 2 ] || fail "B was attested $(($(attestations_by "$e1") - 1)) times"
for directory in e1 e1b; do
  [ ! -e "$work/$directory/.mlchain/watch/failed" ] || fail "$directory parked B: $(cat "$work/$directory"/.mlchain/watch/failed/*)"
done
echo ok

echo "--out-dir: a restart after the file is written, a file cut short, a round change before relaying"
cd "$work/a"
echo "weights C" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate C"
C=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
from=$(cast block-number --rpc-url "$rpc")
mkdir "$work/results"
result="$work/results/$C-$(cast to-check-sum-address "$e1").json"
out_dir_watch() {
  rm -rf "$work/e1/.mlchain/watch"
  (cd "$work/e1" && expect 0 as_key "$e1_key" "$MLCHAIN" watch --once --from-block "$from" --retries 0 \
    --evaluate "echo ran >> $work/runs; $evaluation" --suite "$work/suite" --out-dir "$work/results")
}
out_dir_watch
[ -s "$result" ] || fail "no result file for C: $(ls "$work/results")"
out_dir_watch
[ "$(wc -l < "$work/runs")" = 1 ] || fail "C was evaluated again though its result was written"
head -c 100 "$result" > "$work/cut" && mv "$work/cut" "$result"
out_dir_watch
[ "$(wc -l < "$work/runs")" = 2 ] || fail "a result cut short counted as C evaluated"
expect 0 "$MLCHAIN" submit "$result"
[ "$(attestations_by "$e1")" = 3 ] || fail "the relayed result of C was not attested"
# A new round between signing and relaying: the file of the old round is refused, and made again.
echo "weights D" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate D"
D=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
from=$(cast block-number --rpc-url "$rpc")
result="$work/results/$D-$(cast to-check-sum-address "$e1").json"
out_dir_watch
expect 0 "$MLCHAIN" policy set --evaluator "$e1" --quorum 1
expect 5 "$MLCHAIN" submit "$result"
out_dir_watch
[ "$(wc -l < "$work/runs")" = 4 ] || fail "D was not evaluated again in the new round"
expect 0 "$MLCHAIN" submit "$result"
[ "$(attestations_by "$e1")" = 4 ] || fail "D's result of the new round was not attested"
echo ok

echo "--out-dir: two candidates signed before a relayer submits both"
cd "$work/a"
from=$(($(cast block-number --rpc-url "$rpc") + 1))
for candidate in E F; do
  echo "weights $candidate" > weights.bin
  expect 0 "$MLCHAIN" commit -m "candidate $candidate"
  expect 0 "$MLCHAIN" push
done
rm -f "$work"/results/*
out_dir_watch
[ "$(find "$work/results" -name '*.json' | wc -l)" = 2 ] || fail "E and F were not both signed: $(ls "$work/results")"
expect 0 "$MLCHAIN" submit "$work"/results/*.json
[ "$(attestations_by "$e1")" = 6 ] || fail "E and F were not both attested: $out"
echo ok
