#!/usr/bin/env bash
# Gated promotion end to end against a real anvil and js-ipfs daemon (tests/peers), every cross-check by
# Foundry's cast: governance deploy (EAS deployed too) and the registry naming it; the evaluator set and a
# stage's rules; results signed by `mlchain evaluate --out` that `cast wallet verify --data` accepts and that
# cast signs to the same bytes; one `mlchain submit` relaying several, dropping a non-evaluator's with its
# reason while the rest count; 2 of 3 passing -> promoted; one passing and one failing -> refused, exit 5,
# naming the rule with its values; the same evaluator twice counted once; improves-by-d against the holder;
# an unanchored commit refused before signing; approvals; two racing promotions -> one wins, the other exit 5;
# retrain flagged once per commit and rule; rollback to the previous holder; a changed evaluator set makes an
# older signed result stale; auto promotion; @STAGE; verify --chain --stage; the ledger and cast's view of it.
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
e3_key=$(account private_keys 3); e3=$(account available_accounts 3)
outsider_key=$(account private_keys 4); outsider=$(account available_accounts 4)
approver_key=$(account private_keys 5); approver=$(account available_accounts 5)
racer_a_key=$(account private_keys 6)
racer_b_key=$(account private_keys 7)
export MLCHAIN_PRIVATE_KEY=$owner_key

# evaluate KEY REV METRIC=V… > FILE, through mlchain evaluate --out.
evaluate() {
  local key=$1 rev=$2 file=$3
  shift 3
  local metrics=()
  for m in "$@"; do metrics+=(--metric "$m"); done
  expect 0 as_key "$key" "$MLCHAIN" evaluate "$rev" --suite "$work/suite" "${metrics[@]}" --out "$file"
}

echo "registry, repository, first candidate, governance deploy"
governed_repository
[ "$("$cast" call --rpc-url "$rpc" "$registry" "governanceOf(string)(address)" model)" = "$governance" ] ||
  fail "the registry does not name $governance as model's governance"
[ "$("$cast" call --rpc-url "$rpc" "$eas" "version()(string)")" = '"1.4.0"' ] || fail "no EAS 1.4.0 at $eas"
expect 5 as_key "$e1_key" "$MLCHAIN" governance deploy
has "does not own 'model'" <<< "$err" || fail "a non-owner's deploy: $err"

echo "policy"
expect 2 "$MLCHAIN" policy set --evaluator "$e1" --quorum 2
expect 2 "$MLCHAIN" policy set --stage production --require 'accuracy=>0.9'
expect 0 "$MLCHAIN" policy set --evaluator "$e1" --evaluator "$e2" --evaluator "$e3" --quorum 2
expect 0 "$MLCHAIN" policy set --stage production --require 'accuracy>=0.9' --improves 'accuracy+0.01' \
  --retrain-when 'drift>0.1' --rollback-when 'drift>0.2'
expect 0 "$MLCHAIN" policy show --json
[ "$(json_field <(echo "$out") quorum)" = 2 ] || fail "policy show: $out"
[ "$(json_field <(echo "$out") stages 0 require 0)" = "accuracy>=0.9" ] || fail "policy show: $out"
[ "$(json_field <(echo "$out") stages 0 improves 0)" = "accuracy+0.01" ] || fail "policy show: $out"
expect 5 as_key "$e1_key" "$MLCHAIN" policy set --stage production --require 'accuracy>=0.5'
has "is not the repository's owner" <<< "$err" || fail "a non-owner's policy: $err"

echo "results are signed EIP-712 typed data that cast verifies and signs alike"
evaluate "$e1_key" "$A" "$work/a-e1.json" accuracy=0.95
evaluate "$e2_key" "$A" "$work/a-e2.json" accuracy=0.93
typed=$(json_field "$work/a-e1.json" typed_data)
signature=$(json_field "$work/a-e1.json" signature)
"$cast" wallet verify --address "$e1" --data "$typed" "$signature" > /dev/null ||
  fail "cast wallet verify --data refuses e1's result"
[ "$("$cast" wallet sign --private-key "$e1_key" --data "$typed")" = "$signature" ] ||
  fail "cast signs e1's typed data to other bytes than mlchain"
[ "$(json_field "$work/a-e1.json" signer | tr A-F a-f)" = "$(tr A-F a-f <<< "$e1")" ] || fail "signer field"
[ "$(json_field "$work/a-e1.json" typed_data message data | cut -c1-66)" = "$(digest_of "$A")" ] ||
  fail "the attested data does not start with A's digest"

echo "a non-evaluator: refused before signing; a result it forged with cast is dropped, the rest count"
expect 5 as_key "$outsider_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric accuracy=0.99 --out "$work/x.json"
has "is not an evaluator" <<< "$err" || fail "outsider evaluate: $err"
[ ! -e "$work/x.json" ] || fail "a refused evaluation wrote its file"
python3 - "$work/a-e1.json" "$work/forged.json" "$outsider" << 'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["typed_data"]["message"]["attester"] = sys.argv[3]
d["typed_data"]["message"]["nonce"] = "0"
d["signer"] = sys.argv[3]
json.dump(d, open(sys.argv[2], "w"))
EOF
forged_typed=$(json_field "$work/forged.json" typed_data)
forged_signature=$("$cast" wallet sign --private-key "$outsider_key" --data "$forged_typed")
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["signature"] = sys.argv[2]; json.dump(d, open(sys.argv[1], "w"))' \
  "$work/forged.json" "$forged_signature"
# A result whose signed data was edited afterwards (0.93 -> 0.99): its signature no longer holds.
python3 - "$work/a-e2.json" "$work/tampered.json" << 'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["typed_data"]["message"]
edited = m["data"].replace("ce80612991d0000", "dbd2fc137a30000")
assert edited != m["data"]
m["data"] = edited
json.dump(d, open(sys.argv[2], "w"))
EOF
expect 1 "$MLCHAIN" submit "$work/tampered.json"
has "tampered.json: evaluation file: the signature is not" <<< "$err" || fail "a lone tampered result: $err"
expect 0 "$MLCHAIN" submit "$work/a-e1.json" "$work/forged.json" "$work/tampered.json" "$work/a-e2.json"
has "^submitted 2 evaluations in transaction 0x" <<< "$out" || fail "submit: $out"
has "dropped $work/tampered.json: evaluation file: the signature is not" <<< "$out" || fail "submit kept the tampered result: $out"
has -i "dropped $work/forged.json: $outsider is not an evaluator" <<< "$out" || fail "submit did not drop the forgery: $out"

echo "2 of 3 passing: promoted"
expect 0 "$MLCHAIN" promote "$A" --stage production
has "^promoted $A to 'production' (previous none)" <<< "$out" || fail "promote: $out"
expect 0 "$MLCHAIN" stage production --json
[ "$(json_field <(echo "$out") 0 commit)" = "$A" ] || fail "stage: $out"
[ "$(json_field <(echo "$out") 0 attestations | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] ||
  fail "the promotion does not rest on 2 attestations: $out"
holder=$("$cast" call --rpc-url "$rpc" "$governance" "holderOf(string,bytes32)(bytes32,uint64,bytes32,bytes32[])" \
  model "$("$cast" format-bytes32-string production)" | head -n 1)
[ "$holder" = "$(digest_of "$A")" ] || fail "cast reads holder $holder, not A"
expect 0 "$MLCHAIN" verify "$A" --chain --stage production
has "holds stage 'production'" <<< "$out" || fail "verify --stage: $out"

echo "an unanchored commit is refused before signing"
echo "weights B" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate B, never pushed"
B=$(cat .mlchain/refs/heads/main)
expect 5 as_key "$e1_key" "$MLCHAIN" evaluate "$B" --suite "$work/suite" --metric accuracy=0.99 --out "$work/b.json"
has "was never anchored" <<< "$err" || fail "unanchored evaluate: $err"
expect 1 "$MLCHAIN" verify "$B" --chain --stage production

echo "one passing, one failing: refused with the values; the same evaluator twice counts once"
echo "weights C" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate C"
C=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
evaluate "$e1_key" "$C" "$work/c-e1.json" accuracy=0.97
evaluate "$e2_key" "$C" "$work/c-e2.json" accuracy=0.80
expect 0 "$MLCHAIN" submit "$work/c-e1.json" "$work/c-e2.json"
evaluate "$e1_key" "$C" "$work/c-e1b.json" accuracy=0.98
expect 0 "$MLCHAIN" submit "$work/c-e1b.json"
expect 5 "$MLCHAIN" promote "$C" --stage production
has "refused by policy: accuracy>=0.9: 1 of 2 evaluators agree" <<< "$err" || fail "refusal: $err"
has "0.98" <<< "$err" && has "0.8" <<< "$err" || fail "the refusal does not show the values: $err"
[ "$("$cast" call --rpc-url "$rpc" "$governance" "holderOf(string,bytes32)(bytes32,uint64,bytes32,bytes32[])" \
  model "$("$cast" format-bytes32-string production)" | head -n 1)" = "$(digest_of "$A")" ] || fail "the stage moved"

echo "improves by 0.01 on the holder, per evaluator"
evaluate "$e2_key" "$C" "$work/c-e2b.json" accuracy=0.935
expect 0 "$MLCHAIN" submit "$work/c-e2b.json"
expect 5 "$MLCHAIN" promote "$C" --stage production
has "improves accuracy+0.01 on the holder: 1 of 2" <<< "$err" || fail "improves refusal: $err"
evaluate "$e2_key" "$C" "$work/c-e2c.json" accuracy=0.95
expect 0 "$MLCHAIN" submit "$work/c-e2c.json"
expect 0 "$MLCHAIN" promote "$C" --stage production
has "(previous $A)" <<< "$out" || fail "promote C: $out"

echo "approvals, after"
expect 0 "$MLCHAIN" policy set --stage release --after production --approvals 1 --approver "$approver"
expect 5 "$MLCHAIN" promote "$C" --stage release
has "approvals: 0 of 1" <<< "$err" || fail "release refusal: $err"
expect 5 as_key "$outsider_key" "$MLCHAIN" approve "$C" --stage release
has "is not an approver" <<< "$err" || fail "outsider approve: $err"
expect 0 as_key "$approver_key" "$MLCHAIN" approve "$C" --stage release
expect 0 "$MLCHAIN" promote "$C" --stage release

echo "two racing promotions of different candidates: one wins, the other exits 5"
expect 0 "$MLCHAIN" policy set --stage staging --require 'accuracy>=0.5'
for name in D E; do
  echo "weights $name" > weights.bin
  expect 0 "$MLCHAIN" commit -m "candidate $name"
  expect 0 "$MLCHAIN" push
  declare "$name=$(cat .mlchain/refs/heads/main)"
done
for name in D E; do
  evaluate "$e1_key" "${!name}" "$work/$name-e1.json" accuracy=0.9
  evaluate "$e2_key" "${!name}" "$work/$name-e2.json" accuracy=0.9
  expect 0 "$MLCHAIN" submit "$work/$name-e1.json" "$work/$name-e2.json"
done
for racer in a b; do
  mkdir "$work/racer-$racer"
  (cd "$work/racer-$racer" && "$MLCHAIN" init > /dev/null &&
    "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo model --chain-id 31337)
done
"$cast" rpc --rpc-url "$rpc" evm_setAutomine false > /dev/null
(set +e; cd "$work/racer-a" && MLCHAIN_PRIVATE_KEY=$racer_a_key "$MLCHAIN" promote "$D" --stage staging > "$work/race-a.out" 2>&1; echo $? > "$work/race-a.rc") &
(set +e; cd "$work/racer-b" && MLCHAIN_PRIVATE_KEY=$racer_b_key "$MLCHAIN" promote "$E" --stage staging > "$work/race-b.out" 2>&1; echo $? > "$work/race-b.rc") &
# The loser is refused either when its transaction is mined after the winner's (reverted) or, when the
# winner's is already pending as it prices its own, before it signs: both are exit 5 "the stage moved".
for _ in $(seq 300); do
  pending=$("$cast" rpc --rpc-url "$rpc" txpool_status | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["pending"], 16))')
  finished=0
  for rc in "$work"/race-a.rc "$work"/race-b.rc; do [ ! -e "$rc" ] || finished=$((finished + 1)); done
  [ "$pending" -ge 2 ] || { [ "$pending" -ge 1 ] && [ "$finished" -ge 1 ]; } && break
  sleep 0.1
done
[ "$pending" -ge 1 ] || fail "no racing promotion reached the pool: $(cat "$work"/race-*.out)"
"$cast" rpc --rpc-url "$rpc" evm_mine > /dev/null
"$cast" rpc --rpc-url "$rpc" evm_setAutomine true > /dev/null
wait
codes="$(cat "$work/race-a.rc") $(cat "$work/race-b.rc")"
[ "$codes" = "0 5" ] || [ "$codes" = "5 0" ] || fail "racing promotions exited $codes: $(cat "$work"/race-*.out)"
grep -h "stage moved" "$work"/race-*.out > /dev/null || fail "the loser's message: $(cat "$work"/race-*.out)"

echo "monitoring: retraining flagged once per commit and rule, then rollback to the previous holder"
evaluate "$e1_key" "$C" "$work/m1.json" accuracy=0.98 drift=0.15
evaluate "$e2_key" "$C" "$work/m2.json" accuracy=0.95 drift=0.15
expect 0 "$MLCHAIN" submit "$work/m1.json" "$work/m2.json"
evaluate "$e3_key" "$C" "$work/m3.json" accuracy=0.95 drift=0.12
expect 0 "$MLCHAIN" submit "$work/m3.json"
expect 0 "$MLCHAIN" ledger "$C" --json
retrains=$(json_field <(echo "$out") | python3 -c 'import json,sys; print(sum(e["event"] == "retrain" for e in json.load(sys.stdin)))')
[ "$retrains" = 1 ] || fail "retraining was requested $retrains times: $out"
evaluate "$e1_key" "$C" "$work/m4.json" accuracy=0.98 drift=0.3
evaluate "$e2_key" "$C" "$work/m5.json" accuracy=0.95 drift=0.25
expect 0 "$MLCHAIN" submit "$work/m4.json" "$work/m5.json"
expect 0 "$MLCHAIN" stage production --json
[ "$(json_field <(echo "$out") 0 commit)" = "$A" ] || fail "production did not roll back to A: $out"
expect 1 "$MLCHAIN" verify "$C" --chain --stage production
has "not-stage-holder" <<< "$out" || fail "verify of the rolled-back commit: $out"
expect 0 "$MLCHAIN" ledger --json
has '"event": "rolled-back"' <<< "$out" || fail "the ledger has no rollback: $out"
rolled=$("$cast" logs --rpc-url "$rpc" --from-block 0 --address "$governance" \
  "RolledBack(bytes32 indexed,bytes32 indexed,bytes32 indexed,bytes32,uint256)" --json |
  python3 -c 'import json,sys; logs = json.load(sys.stdin); print(logs[-1]["topics"][3])')
[ "$rolled" = "$(digest_of "$C")" ] || fail "cast's RolledBack log names $rolled, not C"

echo "a new evaluator set: results signed for the old round are refused"
evaluate "$e3_key" "$A" "$work/old-round.json" accuracy=0.99
expect 0 "$MLCHAIN" policy set --evaluator "$e1" --evaluator "$e2" --evaluator "$e3" --quorum 2
expect 5 "$MLCHAIN" submit "$work/old-round.json"
has "stale round" <<< "$err" || fail "old-round submit: $err"

echo "auto promotion with the last missing result; @STAGE"
expect 0 "$MLCHAIN" policy set --stage canary --require 'accuracy>=0.9' --auto
evaluate "$e1_key" "$D" "$work/auto1.json" accuracy=0.91
evaluate "$e3_key" "$D" "$work/auto3.json" accuracy=0.92
expect 0 "$MLCHAIN" submit "$work/auto1.json" "$work/auto3.json"
expect 0 "$MLCHAIN" stage canary --json
[ "$(json_field <(echo "$out") 0 commit)" = "$D" ] || fail "canary was not promoted automatically: $out"
expect 0 "$MLCHAIN" checkout @production
[ "$(cat weights.bin)" = "weights A" ] || fail "checkout @production did not check out A"
expect 3 "$MLCHAIN" show @nosuchstage
echo "ok"
