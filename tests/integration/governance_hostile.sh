#!/usr/bin/env bash
# Gated promotion against hostile users and files, on one anvil and js-ipfs daemon (tests/peers): bad flags
# are usage errors (exit 2) before anything is signed; a deadline that would wrap is refused; evaluation files
# edited after signing (metrics, data, signature, typed data, another repository, bytes after a NUL) are
# refused, naming what differs; a replayed result and a second result the same evaluator signed with the same
# EAS nonce are dropped saying so; a registry that names something else than the embedded governance contract
# is not trusted (exit 1), whatever the command; a submission whose RPC dies and a promotion killed with -9
# while their transactions wait to be mined are finished by their reruns, which sign no second transaction.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"

start_anvil
start_ipfs

owner_key=$(account private_keys 0)
e1_key=$(account private_keys 1); e1=$(account available_accounts 1)
e2_key=$(account private_keys 2); e2=$(account available_accounts 2)
e3=$(account available_accounts 3)
stranger=$(account available_accounts 4)
export MLCHAIN_PRIVATE_KEY=$owner_key
# edit FILE OUT PYTHON: OUT is FILE's JSON document `d` after the Python statement.
edit() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); $3; open(sys.argv[2], 'w').write(json.dumps(d))" "$1" "$2"; }

echo "a repository with governance, three evaluators, quorum 2"
governed_repository
expect 0 "$MLCHAIN" policy set --evaluator "$e1" --evaluator "$e2" --evaluator "$e3" --quorum 2
expect 0 "$MLCHAIN" policy set --stage production --require 'accuracy>=0.9'

echo "bad flags: usage errors"
expect 2 "$MLCHAIN" policy set --evaluator "$e1" --quorum 0
expect 2 "$MLCHAIN" policy set --evaluator "$e1" --evaluator "$e2" --quorum 3
expect 2 "$MLCHAIN" policy set --evaluator "$e1" --evaluator "$e1" --quorum 1
expect 2 "$MLCHAIN" policy set --stage production --approvals 1
for rule in 'accuracy=0.9' 'accuracy==0.9' 'accuracy=>0.9' 'accuracy!=0.9' 'accuracy>=1e3' 'accuracy >= 0.9' \
  'accuracy>=0.1234567890123456789' 'my metric>=1' 'a_metric_name_of_more_than_32_bytes>=1'; do
  expect 2 "$MLCHAIN" policy set --stage production --require "$rule"
done
expect 2 "$MLCHAIN" policy set --stage a_stage_name_of_more_than_32_bytes --require 'accuracy>=0.9'
expect 2 "$MLCHAIN" policy set --stage production --after production
for metric in accuracy accuracy=1e-3 accuracy=0.1234567890123456789 'my metric=1' accuracy=; do
  expect 2 as_key "$e1_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric "$metric" --out "$work/bad.json"
done
expect 2 "$MLCHAIN" show @a_stage_name_of_more_than_32_bytes
expect 3 "$MLCHAIN" show @nosuch

echo "a validity that would wrap the deadline, or none at all, is refused before signing"
for seconds in 0 18446744073709551615 99999999999999999999; do
  expect 2 as_key "$e1_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric accuracy=0.95 \
    --valid-for "$seconds" --out "$work/wrapped.json"
  has -- "--valid-for" <<< "$err" || fail "--valid-for $seconds: $err"
  [ ! -e "$work/wrapped.json" ] || fail "--valid-for $seconds wrote a result"
done

echo "a result whose deadline has passed is dropped, saying so"
expect 0 as_key "$e1_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric accuracy=0.95 --valid-for 60 --out "$work/late.json"
"$cast" rpc --rpc-url "$rpc" evm_increaseTime 120 > /dev/null
"$cast" rpc --rpc-url "$rpc" evm_mine > /dev/null
expect 5 "$MLCHAIN" submit "$work/late.json"
has "deadline has passed" <<< "$err" || fail "an expired result: $err"

echo "evaluation files edited after signing are refused, naming what differs"
expect 0 as_key "$e1_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric accuracy=0.95 --out "$work/e1.json"
edit "$work/e1.json" "$work/metrics.json" 'd["metrics"]["accuracy"] = 0.99'
edit "$work/e1.json" "$work/no-metrics.json" 'del d["metrics"]'
edit "$work/e1.json" "$work/more-metrics.json" 'd["metrics"]["drift"] = 0'
edit "$work/e1.json" "$work/data.json" 'm = d["typed_data"]["message"]; m["data"] = m["data"][:-2] + "01"'
edit "$work/e1.json" "$work/signature.json" 's = d["signature"]; d["signature"] = s[:10] + ("1" if s[10] == "0" else "0") + s[11:]'
edit "$work/e1.json" "$work/revoke.json" 'd["typed_data"]["primaryType"] = "Revoke"'
edit "$work/e1.json" "$work/nonce-number.json" 'd["typed_data"]["message"]["nonce"] = 0'
edit "$work/e1.json" "$work/other-repo.json" 'd["repo"] = "other"'
{ cat "$work/e1.json"; printf '\0{"metrics": {"accuracy": 0.99}}'; } > "$work/nul.json"
echo "not json" > "$work/text.json"
{ head -c 2000000 /dev/zero | tr '\0' ' '; cat "$work/e1.json"; } > "$work/padded.json"
for name in metrics no-metrics more-metrics; do
  expect 2 "$MLCHAIN" submit "$work/$name.json"
  has '"metrics" is missing or not an object\|"metrics" is not what the signed data names' <<< "$err" || fail "$name: $err"
done
expect 2 "$MLCHAIN" submit "$work/nul.json"
expect 2 "$MLCHAIN" submit "$work/padded.json"
has "more than an evaluation file" <<< "$err" || fail "a 2 MB file: $err"
expect 2 "$MLCHAIN" submit "$work/text.json"
expect 2 "$MLCHAIN" submit "$work/revoke.json"
expect 2 "$MLCHAIN" submit "$work/nonce-number.json"
expect 1 "$MLCHAIN" submit "$work/data.json"
expect 1 "$MLCHAIN" submit "$work/signature.json"
expect 5 "$MLCHAIN" submit "$work/other-repo.json"
has "a result for repository 'other'" <<< "$err" || fail "another repository's result: $err"

echo "two results of one evaluator signed before either is submitted, then a replay"
expect 0 as_key "$e2_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric accuracy=0.93 --out "$work/e2.json"
expect 0 as_key "$e2_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric accuracy=0.94 --out "$work/e2-second.json"
expect 0 "$MLCHAIN" submit --json "$work/e1.json" "$work/e2.json" "$work/e2-second.json"
python3 -c 'import json, sys
d = json.load(sys.stdin)
assert [a["file"] for a in d["accepted"]] == [sys.argv[1], sys.argv[2]], d
assert len(d["dropped"]) == 1 and "same EAS nonce as #2" in d["dropped"][0]["reason"], d' \
  "$work/e1.json" "$work/e2.json" <<< "$out" || fail "the batch: $out"
expect 5 "$MLCHAIN" submit "$work/e2-second.json"
has "submitted already" <<< "$err" || fail "the second result after the first: $err"
expect 5 "$MLCHAIN" submit "$work/e1.json"
has "submitted already" <<< "$err" || fail "a replay: $err"

echo "the RPC dies while a submission waits for its receipt: the rerun finishes it, with no second transaction"
expect 0 as_key "$e1_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric accuracy=0.96 --out "$work/r1.json"
expect 0 as_key "$e2_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric accuracy=0.97 --out "$work/r2.json"
start_proxy rpc-drop-proxy.mjs "$rpc"
expect 0 "$MLCHAIN" remote add flaky --ipfs "$api" --rpc "$proxy" --registry "$registry" --repo model --chain-id 31337
"$cast" rpc --rpc-url "$rpc" evm_setAutomine false > /dev/null
"$MLCHAIN" submit flaky "$work/r1.json" "$work/late.json" "$work/r2.json" > "$work/cut.out" 2>&1 &
submitter=$!
for _ in $(seq 100); do
  [ "$("$cast" rpc --rpc-url "$rpc" txpool_status | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["pending"], 16))')" -ge 1 ] && break
  sleep 0.1
done
kill "${proxy_pids[-1]}"
wait "$submitter" && fail "the submission whose RPC died succeeded: $(cat "$work/cut.out")"
nonce_before=$("$cast" nonce --rpc-url "$rpc" "$(account available_accounts 0)" --block pending)
"$cast" rpc --rpc-url "$rpc" evm_setAutomine true > /dev/null
"$cast" rpc --rpc-url "$rpc" evm_mine > /dev/null
expect 0 "$MLCHAIN" config set remote.flaky.rpc "$rpc"
expect 0 "$MLCHAIN" submit flaky "$work/r1.json" "$work/late.json" "$work/r2.json"
has "^submitted 2 evaluations in transaction" <<< "$out" || fail "the rerun of the submission: $out"
has "dropped $work/late.json: .*deadline has passed" <<< "$out" || fail "the rerun's dropped result: $out"
[ "$("$cast" nonce --rpc-url "$rpc" "$(account available_accounts 0)")" = "$nonce_before" ] ||
  fail "the rerun of the submission signed a second transaction"
[ -z "$(ls .mlchain/journal)" ] || fail "the journal still holds $(ls .mlchain/journal)"

echo "a promotion interrupted by kill -9 is finished by its rerun, with no second transaction"
"$cast" rpc --rpc-url "$rpc" evm_setAutomine false > /dev/null
"$MLCHAIN" promote "$A" --stage production > "$work/killed.out" 2>&1 &
promoter=$!
for _ in $(seq 100); do
  [ "$("$cast" rpc --rpc-url "$rpc" txpool_status | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["pending"], 16))')" -ge 1 ] && break
  sleep 0.1
done
kill -9 "$promoter"
{ wait "$promoter"; } 2> /dev/null || true
nonce_before=$("$cast" nonce --rpc-url "$rpc" "$(account available_accounts 0)" --block pending)
"$cast" rpc --rpc-url "$rpc" evm_setAutomine true > /dev/null
"$cast" rpc --rpc-url "$rpc" evm_mine > /dev/null
expect 0 "$MLCHAIN" promote "$A" --stage production
has "^promoted $A to 'production'" <<< "$out" || fail "the rerun of the promotion: $out"
[ "$("$cast" nonce --rpc-url "$rpc" "$(account available_accounts 0)")" = "$nonce_before" ] ||
  fail "the rerun signed a second transaction"
[ -z "$(ls .mlchain/journal)" ] || fail "the journal still holds $(ls .mlchain/journal)"
expect 0 "$MLCHAIN" verify "$A" --chain --stage production

echo "@STAGE is a revision for diff too"
echo "weights B" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate B"
expect 0 "$MLCHAIN" diff @production HEAD
has "changed  weights.bin" <<< "$out" || fail "diff @production HEAD: $out"
expect 3 "$MLCHAIN" diff @nosuch HEAD

echo "a registry naming something else than the governance contract is not trusted"
for impostor in "$stranger" "$registry"; do
  "$cast" send --rpc-url "$rpc" --private-key "$owner_key" "$registry" "setGovernance(string,address)" model "$impostor" > /dev/null
  for command in "stage production" "policy show --json" "ledger" "verify $A --chain --stage production" \
    "promote $A --stage production" "show @production"; do
    # shellcheck disable=SC2086
    expect 1 "$MLCHAIN" $command
    has "is not the mlchain governance\|there is no contract there" <<< "$err" || fail "$command with $impostor: $err"
  done
  expect 1 as_key "$e1_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric accuracy=0.99 --out "$work/x.json"
  expect 1 "$MLCHAIN" submit "$work/e2-second.json"
done
"$cast" send --rpc-url "$rpc" --private-key "$owner_key" "$registry" "setGovernance(string,address)" model "$governance" > /dev/null
expect 0 "$MLCHAIN" stage production

echo "a new evaluator set interrupted by kill -9: the rerun starts one new round, not two"
expect 0 "$MLCHAIN" policy show --json
round_before=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["round"])' <<< "$out")
"$cast" rpc --rpc-url "$rpc" evm_setAutomine false > /dev/null
"$MLCHAIN" policy set --evaluator "$e1" --evaluator "$e2" --quorum 2 > "$work/killed.out" 2>&1 &
setter=$!
for _ in $(seq 100); do
  [ "$("$cast" rpc --rpc-url "$rpc" txpool_status | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["pending"], 16))')" -ge 1 ] && break
  sleep 0.1
done
kill -9 "$setter"
{ wait "$setter"; } 2> /dev/null || true
"$cast" rpc --rpc-url "$rpc" evm_setAutomine true > /dev/null
"$cast" rpc --rpc-url "$rpc" evm_mine > /dev/null
expect 0 "$MLCHAIN" policy set --evaluator "$e1" --evaluator "$e2" --quorum 2
expect 0 "$MLCHAIN" policy show --json
[ "$(python3 -c 'import json, sys; print(json.load(sys.stdin)["round"])' <<< "$out")" = $((round_before + 1)) ] ||
  fail "the rerun of policy set started another round: $out"
echo "ok"
