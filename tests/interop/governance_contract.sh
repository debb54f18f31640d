#!/usr/bin/env bash
# The governance contract's behaviour on a real anvil with the real EAS, driven only by Foundry's cast (no
# mlchain code): EAS's SchemaRegistry and EAS from the committed package artifacts, MlchainRegistry v2 and
# MlchainGovernance are deployed; a repository gets three evaluators with quorum 2 and a production
# policy (accuracy >= 0.9, improves accuracy by 0.01, retrain when drift > 0.3, roll back when
# accuracy < 0.8) and a release stage (accuracy >= 0.9, after production, 1 approval, automatic). Each
# behaviour is checked on chain: three EIP-712 signed requests (signed with `cast wallet sign --data`,
# verified with `cast wallet verify --data`) relayed in one multiAttestByDelegation; 2-of-3 passing ->
# promoted; 1 passing + 1 failing -> PolicyNotMet; a non-evaluator -> NotEvaluator; an evaluator counted
# once however often it reports; improves-by-d against the holder; retraining requested once; rollback to
# the previous holder; approvals (NotApprover, AlreadyApproved, the automatic promotion they complete);
# two promotions racing in one block with the same expectedHolder -> the second StaleHolder; an
# unanchored commit -> NotAnchored; a new evaluator set -> a request signed for the old round StaleRound.
# Reverts are checked as exact custom-error data through EAS, and as mined transactions that fail.
set -euo pipefail
: "${MLCHAIN_PEERS:?path to tests/peers}" "${MLCHAIN_SOURCE_DIR:?path to the source tree}"
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
[ -x "$cast" ] || { echo "FAIL: $cast is not installed (run cmake/install-deps.sh test)" >&2; exit 1; }
source "$(dirname "$0")/../integration/lib/expect.sh"
source "$(dirname "$0")/lib/governance.sh"
make_workspace
at_exit '"$MLCHAIN_PEERS/anvil.sh" stop "$work/anvil"'
same() { [ "$2" = "$3" ] || fail "$1: expected $3, got $2"; echo "  $1: $2"; }

"$MLCHAIN_PEERS/anvil.sh" start "$work/anvil"
ETH_RPC_URL=$(cat "$work/anvil/rpc-url")
export ETH_RPC_URL
account() { json "d['available_accounts'][$1].lower()" < "$work/anvil/anvil.json"; }
key() { json "d['private_keys'][$1]" < "$work/anvil/anvil.json"; }
owner=$(account 0) owner_key=$(key 0)
e1=$(account 1) k1=$(key 1)
e2=$(account 2) k2=$(key 2)
e3=$(account 3) k3=$(key 3)
stranger=$(account 4) stranger_key=$(key 4)
approver=$(account 5) approver_key=$(key 5)
relayer_key=$(key 6)

deploy_stack "$owner_key"
echo "deployed: SchemaRegistry $schema_registry, EAS $eas, registry $registry, governance $governance"
same "governance eas()" "$(lower "$("$cast" call "$governance" 'eas()(address)')")" "$eas"
same "governance registry()" "$(lower "$("$cast" call "$governance" 'registry()(address)')")" "$registry"
expected_schema=$("$cast" keccak "$("$cast" abi-encode --packed 'f(string,address,bool)' \
  'bytes32 commit,bytes32 suite,string[] metrics,int256[] values' "$governance" false)")
same "evaluationSchema() (keccak of schema, resolver, revocable)" "$evaluation_schema" "$expected_schema"
same "the schema registry's record of it" \
  "$("$cast" call "$schema_registry" 'getSchema(bytes32)((bytes32,address,bool,string))' "$evaluation_schema" --json | json "d[0][1].lower(), d[0][2], d[0][3]")" \
  "('$governance', False, 'bytes32 commit,bytes32 suite,string[] metrics,int256[] values')"

echo "a second governance on the same EAS, its evaluation schema registered by someone else beforehand"
next_address=$("$cast" compute-address --nonce "$("$cast" nonce "$stranger")" "$stranger" | awk '{print $NF}')
"$cast" send --private-key "$owner_key" "$schema_registry" 'register(string,address,bool)' \
  'bytes32 commit,bytes32 suite,string[] metrics,int256[] values' "$next_address" false > /dev/null
second=$(deploy "$stranger_key" "$MLCHAIN_SOURCE_DIR/contracts/MlchainGovernance.json" 'constructor(address,address)' "$eas" "$registry")
same "its address" "$second" "$(lower "$next_address")"
same "its round schema (shared)" "$("$cast" call "$second" 'roundSchema()(bytes32)')" "$("$cast" call "$governance" 'roundSchema()(bytes32)')"
same "its evaluation schema (the one registered for it)" "$("$cast" call "$second" 'evaluationSchema()(bytes32)')" \
  "$("$cast" keccak "$("$cast" abi-encode --packed 'f(string,address,bool)' 'bytes32 commit,bytes32 suite,string[] metrics,int256[] values' "$second" false)")"

# send KEY TARGET SIG ARGS…: a transaction that must succeed; its receipt is left in $work/receipt.json.
send() {
  local signing_key=$1 target=$2
  shift 2
  "$cast" send --private-key "$signing_key" "$target" "$@" --json > "$work/receipt.json"
  [ "$(json "d['status']" < "$work/receipt.json")" = 0x1 ] || fail "$* failed"
}
# expect_revert FROM KEY TARGET ERROR ERROR_ARGS… -- SIG ARGS…: the call reverts with exactly the ABI
# encoding of ERROR(ERROR_ARGS…), and the same transaction, mined with a fixed gas limit, fails.
expect_revert() {
  local from=$1 signing_key=$2 target=$3 error=$4
  shift 4
  local error_args=()
  while [ "$1" != -- ]; do error_args+=("$1"); shift; done
  shift
  local expected output actual
  expected=$("$cast" calldata "$error" ${error_args[@]+"${error_args[@]}"})
  if output=$("$cast" call --from "$from" "$target" "$@" 2>&1); then fail "${1%%(*} from $from did not revert"; fi
  actual=$(sed -n 's/.*data: "\(0x[0-9a-fA-F]*\)".*/\1/p' <<< "$output")
  [ "$(lower "$actual")" = "$(lower "$expected")" ] || fail "${1%%(*} from $from: expected revert $error ($expected), got: $output"
  "$cast" send --private-key "$signing_key" --gas-limit 3000000 "$target" "$@" --json > "$work/reverted.json" 2> /dev/null
  [ "$(json "d['status']" < "$work/reverted.json")" = 0x0 ] || fail "${1%%(*} from $from was mined successfully"
  echo "  ${1%%(*} by $from reverts $error ${error_args[*]-}"
}
# count_logs EVENT-SIG: how many logs of the governance contract in the last receipt are EVENT.
count_logs() {
  json "sum(1 for l in d['logs'] if l['address'].lower() == '$governance' and l['topics'][0] == '$("$cast" sig-event "$1")')" \
    < "$work/receipt.json"
}
# last_uid: the UID of the last attestation EAS made in the last receipt.
last_uid() {
  json "[l['data'] for l in d['logs'] if l['address'].lower() == '$eas' and l['topics'][0] == '$("$cast" sig-event 'Attested(address,address,bytes32,bytes32)')'][-1]" \
    < "$work/receipt.json"
}
# attest KEY COMMIT NAMES VALUES: the evaluator attests directly (paying its own gas) in the current round.
attest() {
  send "$1" "$eas" "$attest_sig" "($evaluation_schema,$(request_data "$(evaluation_data "$2" "$suite" "$3" "$4")" "$(current_round demo)"))"
}
# attest_refused FROM KEY COMMIT NAMES VALUES ERROR ERROR_ARGS…: that attestation is refused with ERROR.
attest_refused() {
  local from=$1 signing_key=$2 data
  data=$(evaluation_data "$3" "$suite" "$4" "$5")
  shift 5
  expect_revert "$from" "$signing_key" "$eas" "$@" -- "$attest_sig" "($evaluation_schema,$(request_data "$data" "$(current_round demo)"))"
}
# rule FIELD CHECK-INDEX: a field of one RuleCheck of check(demo, STAGE, COMMIT) (STAGE, COMMIT in $3 $4).
rule() {
  "$cast" call "$governance" "$check_sig" demo "$3" "$4" --json > "$work/check.json"
  json "d[0][$2][$1]" < "$work/check.json"
}
holder() { "$cast" call "$governance" "$holder_of_sig" demo "$1" --json | json "d[0]"; }
e18() { python3 -c 'import sys; from decimal import Decimal; print(int(Decimal(sys.argv[1]) * 10**18))' "$1"; }

digest() { printf '0x%s' "$(printf '%s' "$1" | sha256sum | cut -c1-64)"; }
c1=$(digest one) c2=$(digest two) c3=$(digest three) c4=$(digest four) c5=$(digest five)
unanchored=$(digest never-pushed)
suite=$(digest suite)
production=$("$cast" format-bytes32-string production)
release=$("$cast" format-bytes32-string release)
accuracy=$("$cast" format-bytes32-string accuracy)
drift=$("$cast" format-bytes32-string drift)

echo "a repository with five anchored commits, three evaluators (quorum 2) and two stage policies"
head=$zero
for commit in "$c1" "$c2" "$c3" "$c4" "$c5"; do
  send "$owner_key" "$registry" 'push(string,string,bytes32,bytes32)' demo main "$head" "$commit"
  head=$commit
done
same "anchoredAt(demo, c1) != 0" "$(("$("$cast" call "$registry" 'anchoredAt(string,bytes32)(uint256)' demo "$c1")" > 0))" 1
same "anchoredAt(demo, unanchored)" "$("$cast" call "$registry" 'anchoredAt(string,bytes32)(uint256)' demo "$unanchored")" 0
send "$owner_key" "$registry" 'setGovernance(string,address)' demo "$governance"
same "governanceOf(demo)" "$(lower "$("$cast" call "$registry" 'governanceOf(string)(address)' demo)")" "$governance"
expect_revert "$stranger" "$stranger_key" "$governance" 'NotOwner(address)' "$stranger" -- \
  'setEvaluators(string,address[],uint8)' demo "[$e1,$e2,$e3]" 2
expect_revert "$owner" "$owner_key" "$governance" 'InvalidPolicy(string)' 'quorum must be 1 to the number of evaluators' -- \
  'setEvaluators(string,address[],uint8)' demo "[$e1,$e2,$e3]" 4
expect_revert "$owner" "$owner_key" "$governance" 'InvalidPolicy(string)' 'evaluator listed twice' -- \
  'setEvaluators(string,address[],uint8)' demo "[$e1,$e2,$e1]" 2
expect_revert "$owner" "$owner_key" "$governance" 'UnknownRepository(string)' nothing -- \
  'setEvaluators(string,address[],uint8)' nothing "[$e1]" 1
send "$owner_key" "$governance" 'setEvaluators(string,address[],uint8)' demo "[$e1,$e2,$e3]" 2
same "RoundStarted events" "$(count_logs 'RoundStarted(bytes32,uint64,bytes32,address[],uint8)')" 1
round1=$(current_round demo)
same "roundOf(demo)" "$("$cast" call "$governance" "$round_of_sig" demo --json | json "(d[0], d[2], d[3])" | tr 'A-F' 'a-f')" \
  "(1, ['$e1', '$e2', '$e3'], 2)"
same "the round attestation (EAS getAttestation: attester, data)" \
  "$("$cast" call "$eas" 'getAttestation(bytes32)((bytes32,bytes32,uint64,uint64,uint64,bytes32,address,address,bool,bytes))' "$round1" --json | json "d[0][7].lower(), d[0][9]")" \
  "('$governance', '$("$cast" abi-encode 'f(bytes32,uint64,address[],uint8)' "$("$cast" keccak demo)" 1 "[$e1,$e2,$e3]" 2)')"

no_rules='[]'
send "$owner_key" "$governance" "$set_stage_policy_sig" demo "$production" \
  "([($accuracy,0,$(e18 0.9))],[($accuracy,0,$(e18 0.01))],$zero,0,[],false,[($drift,2,$(e18 0.3))],[($accuracy,3,$(e18 0.8))])"
send "$owner_key" "$governance" "$set_stage_policy_sig" demo "$release" \
  "([($accuracy,0,$(e18 0.9))],$no_rules,$production,1,[$approver],true,$no_rules,$no_rules)"
expect_revert "$owner" "$owner_key" "$governance" 'InvalidPolicy(string)' 'unknown rule operator' -- \
  "$set_stage_policy_sig" demo "$production" "([($accuracy,4,1)],[],$zero,0,[],false,[],[])"
expect_revert "$owner" "$owner_key" "$governance" 'InvalidPolicy(string)' 'more approvals than approvers' -- \
  "$set_stage_policy_sig" demo "$production" "([],[],$zero,2,[$approver],false,[],[])"
same "stagesOf(demo)" "$("$cast" call "$governance" 'stagesOf(string)(bytes32[])' demo)" "[$production, $release]"
same "stagePolicy(demo, production) rollbackWhen" \
  "$("$cast" call "$governance" "stagePolicy(string,bytes32)($policy_type)" demo "$production" --json | json "d[0][7]")" \
  "[['$accuracy', 3, $(e18 0.8)]]"

echo "three signed requests relayed in one multiAttestByDelegation: 2 of 3 pass -> c1 is promoted"
requests=()
for i in 1 2 3; do
  evaluator_var=e$i key_var=k$i
  value=$(e18 "$(echo '0 0.95 0.93 0.85' | cut -d' ' -f$((i + 1)))")
  data=$(evaluation_data "$c1" "$suite" '[accuracy]' "[$value]")
  nonce=$("$cast" call "$eas" 'getNonce(address)(uint256)' "${!evaluator_var}")
  signature=$(sign_evaluation "${!key_var}" "${!evaluator_var}" "$data" "$round1" "$nonce" 0 "$work/typed-$i.json")
  "$cast" wallet verify --address "${!evaluator_var}" --data --from-file "$work/typed-$i.json" "$signature" > /dev/null ||
    fail "cast wallet verify refuses evaluator $i's signature"
  requests+=("$(delegated_request "${!evaluator_var}" "$data" "$round1" "$signature" 0)")
done
echo "  cast wallet verify --data accepts the three signatures"
batch=$(IFS=,; echo "[${requests[*]}]")
send "$relayer_key" "$eas" "$multi_attest_by_delegation_sig" "$batch"
same "Evaluated events in the relayed transaction" "$(count_logs 'Evaluated(bytes32,bytes32,address,bytes32,uint64,bytes32)')" 3
same "check(production, c1) anchored, quorum" "$(rule 6 0 "$production" "$c1") $(rule 4 1 "$production" "$c1")" "True 3"
same "check(production, c1) accuracy: supporting, values" "$(rule 4 2 "$production" "$c1") $(rule 7 2 "$production" "$c1")" \
  "2 [$(e18 0.95), $(e18 0.93), $(e18 0.85)]"
same "check(production, c1) improves (no holder)" "$(rule 6 3 "$production" "$c1")" True
send "$stranger_key" "$governance" 'promote(string,bytes32,bytes32,bytes32)' demo "$production" "$c1" "$zero"
same "Promoted events" "$(count_logs 'Promoted(bytes32,bytes32,bytes32,bytes32,bytes32[],address)')" 1
same "holderOf(production)" "$(holder "$production")" "$c1"
same "attestations it rests on" "$("$cast" call "$governance" "$holder_of_sig" demo "$production" --json | json "len(d[3])")" 3
expect_revert "$stranger" "$stranger_key" "$governance" 'AlreadyHolds(bytes32)' "$c1" -- \
  'promote(string,bytes32,bytes32,bytes32)' demo "$production" "$c1" "$c1"

echo "one passing and one failing evaluation -> not promoted"
attest "$k1" "$c2" '[accuracy]' "[$(e18 0.95)]"
attest "$k2" "$c2" '[accuracy]' "[$(e18 0.80)]"
same "check(production, c2) accuracy supporting" "$(rule 4 2 "$production" "$c2")" 1
expect_revert "$stranger" "$stranger_key" "$governance" 'PolicyNotMet(bytes32,bytes32)' "$production" "$c2" -- \
  'promote(string,bytes32,bytes32,bytes32)' demo "$production" "$c2" "$c1"

echo "a non-evaluator's passing result is refused"
attest_refused "$stranger" "$stranger_key" "$c2" '[accuracy]' "[$(e18 0.99)]" 'NotEvaluator(address)' "$stranger"
expect_revert "$stranger" "$stranger_key" "$governance" 'OnlyEAS()' -- \
  'attest((bytes32,bytes32,uint64,uint64,uint64,bytes32,address,address,bool,bytes))' \
  "($zero,$evaluation_schema,0,0,0,$round1,$zero_address,$e1,false,0x)"
attest_refused "$e1" "$k1" "$c2" '[accuracy,accuracy]' "[1,2]" 'MalformedEvaluation()'
attest_refused "$e1" "$k1" "$c2" '[accuracy,drift]' "[1]" 'MalformedEvaluation()'
attest_refused "$e1" "$k1" "$c2" "[$(printf 'm%.0s' $(seq 33))]" "[1]" 'MalformedEvaluation()'
attest_refused "$e1" "$k1" "$c2" '[accuracy]' "[$(python3 -c 'print(10**57 + 1)')]" 'MalformedEvaluation()'
# Not an ABI encoding at all: still MalformedEvaluation, never a bare revert.
expect_revert "$e1" "$k1" "$eas" 'MalformedEvaluation()' -- "$attest_sig" "($evaluation_schema,$(request_data 0x1234 "$round1"))"
expect_revert "$e1" "$k1" "$eas" 'MalformedEvaluation()' -- "$attest_sig" \
  "($evaluation_schema,$(request_data "$("$cast" abi-encode 'f(bytes32,bytes32,uint256,uint256)' "$c2" "$suite" 4096 4096)" "$round1"))"

echo "the same evaluator twice is counted once (its latest result counts)"
attest "$k1" "$c2" '[accuracy]' "[$(e18 0.97)]"
uid=$(last_uid)
same "check(production, c2) quorum, accuracy supporting" "$(rule 4 1 "$production" "$c2") $(rule 4 2 "$production" "$c2")" "2 1"
same "evaluationOf(c2, e1)" "$("$cast" call "$governance" 'evaluationOf(string,bytes32,address)(bytes32,uint64)' demo "$c2" "$e1" --json | json "tuple(d)")" \
  "('$uid', 1)"
expect_revert "$stranger" "$stranger_key" "$governance" 'PolicyNotMet(bytes32,bytes32)' "$production" "$c2" -- \
  'promote(string,bytes32,bytes32,bytes32)' demo "$production" "$c2" "$c1"

echo "a refUID that is not a round, and another schema naming the governance contract as its resolver"
expect_revert "$e1" "$k1" "$eas" 'UnknownRound(bytes32)' "$uid" -- "$attest_sig" \
  "($evaluation_schema,$(request_data "$(evaluation_data "$c2" "$suite" '[accuracy]' "[1]")" "$uid"))"
send "$stranger_key" "$schema_registry" 'register(string,address,bool)' 'uint256 x' "$governance" false
other_schema=$("$cast" keccak "$("$cast" abi-encode --packed 'f(string,address,bool)' 'uint256 x' "$governance" false)")
expect_revert "$e1" "$k1" "$eas" 'WrongSchema(bytes32)' "$other_schema" -- "$attest_sig" \
  "($other_schema,$(request_data "$(evaluation_data "$c2" "$suite" '[accuracy]' "[1]")" "$round1"))"

echo "improves accuracy by 0.01 over the holder c1 (0.95 and 0.93 by e1 and e2)"
attest "$k1" "$c3" '[accuracy]' "[$(e18 0.955)]"
attest "$k2" "$c3" '[accuracy]' "[$(e18 0.955)]"
same "check(production, c3) improves supporting (e2 only)" "$(rule 4 3 "$production" "$c3") $(rule 6 3 "$production" "$c3")" "1 False"
expect_revert "$stranger" "$stranger_key" "$governance" 'PolicyNotMet(bytes32,bytes32)' "$production" "$c3" -- \
  'promote(string,bytes32,bytes32,bytes32)' demo "$production" "$c3" "$c1"
attest "$k1" "$c3" '[accuracy]' "[$(e18 0.965)]"
same "check(production, c3) improves supporting after e1's new result" "$(rule 4 3 "$production" "$c3")" 2
send "$stranger_key" "$governance" 'promote(string,bytes32,bytes32,bytes32)' demo "$production" "$c3" "$c1"
same "holderOf(production): holder, previous" \
  "$("$cast" call "$governance" "$holder_of_sig" demo "$production" --json | json "d[0], d[2]")" "('$c3', '$c1')"

echo "monitoring: retraining is requested once per commit and rule"
attest "$k1" "$c3" '[accuracy,drift]' "[$(e18 0.96),$(e18 0.5)]"
same "RetrainRequested after one drift report" "$(count_logs 'RetrainRequested(bytes32,bytes32,bytes32,uint256)')" 0
attest "$k2" "$c3" '[accuracy,drift]' "[$(e18 0.96),$(e18 0.4)]"
same "RetrainRequested after the second (quorum)" "$(count_logs 'RetrainRequested(bytes32,bytes32,bytes32,uint256)')" 1
same "its topics (stage, commit)" "$(json "[l['topics'][2:] for l in d['logs'] if l['address'].lower() == '$governance'][-1]" < "$work/receipt.json")" \
  "['$production', '$c3']"
attest "$k3" "$c3" '[accuracy,drift]' "[$(e18 0.96),$(e18 0.6)]"
same "RetrainRequested after a third drift report" "$(count_logs 'RetrainRequested(bytes32,bytes32,bytes32,uint256)')" 0
same "all RetrainRequested events of the chain" \
  "$("$cast" logs --address "$governance" --from-block 0 'RetrainRequested(bytes32 indexed,bytes32 indexed,bytes32 indexed,uint256)' --json | json "len(d)")" 1

echo "monitoring: accuracy < 0.8 reported by 2 evaluators rolls production back to c1"
attest "$k1" "$c3" '[accuracy]' "[$(e18 0.7)]"
same "holder after one low report" "$(holder "$production")" "$c3"
attest "$k2" "$c3" '[accuracy]' "[$(e18 0.75)]"
same "RolledBack events" "$(count_logs 'RolledBack(bytes32,bytes32,bytes32,bytes32,uint256)')" 1
same "RolledBack data (to, rule)" \
  "$("$cast" decode-abi --input 'f(bytes32,uint256)' "$(json "[l['data'] for l in d['logs'] if l['address'].lower() == '$governance'][-1]" < "$work/receipt.json")" --json | json "tuple(d)")" \
  "('$c1', 0)"
same "holderOf(production): holder, previous, attestations" \
  "$("$cast" call "$governance" "$holder_of_sig" demo "$production" --json | json "d[0], d[2], len(d[3])")" "('$c1', '$zero', 3)"

echo "approvals: release needs production first and 1 approval, then promotes itself"
same "check(release, c2) after production" "$(rule 6 3 "$release" "$c2")" False
same "check(release, c1): after, approvals" "$(rule 6 3 "$release" "$c1") $(rule 4 4 "$release" "$c1")" "True 0"
expect_revert "$stranger" "$stranger_key" "$governance" 'NotApprover(address)' "$stranger" -- \
  'approve(string,bytes32,bytes32)' demo "$release" "$c1"
expect_revert "$approver" "$approver_key" "$governance" 'NotAnchored(bytes32)' "$unanchored" -- \
  'approve(string,bytes32,bytes32)' demo "$release" "$unanchored"
send "$approver_key" "$governance" 'approve(string,bytes32,bytes32)' demo "$release" "$c1"
same "Approved, Promoted events of the approval" \
  "$(count_logs 'Approved(bytes32,bytes32,bytes32,address)') $(count_logs 'Promoted(bytes32,bytes32,bytes32,bytes32,bytes32[],address)')" "1 1"
same "holderOf(release)" "$(holder "$release")" "$c1"
same "Promoted data (previous, by the approver)" \
  "$("$cast" decode-abi --input 'f(bytes32,bytes32[],address)' "$(json "[l['data'] for l in d['logs'] if l['address'].lower() == '$governance'][-1]" < "$work/receipt.json")" --json | json "d[0], d[2].lower()")" \
  "('$zero', '$approver')"
same "approvalsOf(release, c1)" "$(lower "$("$cast" call "$governance" 'approvalsOf(string,bytes32,bytes32)(address[])' demo "$release" "$c1")")" "[$approver]"
expect_revert "$approver" "$approver_key" "$governance" 'AlreadyApproved(address)' "$approver" -- \
  'approve(string,bytes32,bytes32)' demo "$release" "$c1"

echo "two promotions racing in one block with the same expectedHolder: the first wins, the second StaleHolder"
for commit in "$c4" "$c5"; do
  attest "$k1" "$commit" '[accuracy]' "[$(e18 0.99)]"
  attest "$k2" "$commit" '[accuracy]' "[$(e18 0.99)]"
done
"$cast" rpc evm_setAutomine false > /dev/null
hashes=()
for candidate in "$c4" "$c5"; do
  key_var=k1
  [ "$candidate" = "$c5" ] && key_var=k2
  hashes+=("$("$cast" send --async --gas-limit 3000000 --private-key "${!key_var}" "$governance" \
    'promote(string,bytes32,bytes32,bytes32)' demo "$production" "$candidate" "$c1")")
done
"$cast" rpc evm_mine > /dev/null
"$cast" rpc evm_setAutomine true > /dev/null
candidates=("$c4" "$c5") keys=("$k1" "$k2") senders=("$e1" "$e2")
statuses=() blocks=()
for hash in "${hashes[@]}"; do
  "$cast" receipt "$hash" --json > "$work/race.json"
  statuses+=("$(json "d['status']" < "$work/race.json")")
  blocks+=("$(($(json "d['blockNumber']" < "$work/race.json")))")
done
same "both mined in one block" "$([ "${blocks[0]}" = "${blocks[1]}" ] && echo yes)" yes
same "receipt statuses (one wins, one fails)" "$(printf '%s\n' "${statuses[@]}" | sort | tr '\n' ' ')" "0x0 0x1 "
winner=0 loser=1
[ "${statuses[0]}" = 0x1 ] || { winner=1 loser=0; }
same "holderOf(production) is the winner" "$(holder "$production")" "${candidates[$winner]}"
expect_revert "${senders[$loser]}" "${keys[$loser]}" "$governance" 'StaleHolder(bytes32,bytes32)' "$c1" "${candidates[$winner]}" -- \
  'promote(string,bytes32,bytes32,bytes32)' demo "$production" "${candidates[$loser]}" "$c1"
holder_now=${candidates[$winner]}

echo "an unanchored commit can be neither evaluated nor promoted"
attest_refused "$e1" "$k1" "$unanchored" '[accuracy]' "[$(e18 0.99)]" 'NotAnchored(bytes32)' "$unanchored"
same "check(production, unanchored) anchored" "$(rule 6 0 "$production" "$unanchored")" False
expect_revert "$stranger" "$stranger_key" "$governance" 'PolicyNotMet(bytes32,bytes32)' "$production" "$unanchored" -- \
  'promote(string,bytes32,bytes32,bytes32)' demo "$production" "$unanchored" "$holder_now"

echo "a new evaluator set starts a new round: a request signed for the old round is refused"
data=$(evaluation_data "$c5" "$suite" '[accuracy]' "[$(e18 0.99)]")
nonce=$("$cast" call "$eas" 'getNonce(address)(uint256)' "$e3")
signature=$(sign_evaluation "$k3" "$e3" "$data" "$round1" "$nonce" 0 "$work/typed-old.json")
send "$owner_key" "$governance" 'setEvaluators(string,address[],uint8)' demo "[$e1,$e2,$e3]" 2
round2=$(current_round demo)
[ "$round2" != "$round1" ] || fail "the round UID did not change"
expect_revert "$stranger" "$stranger_key" "$eas" 'StaleRound(bytes32,bytes32)' "$round1" "$round2" -- \
  "$attest_by_delegation_sig" "($evaluation_schema,$(request_data "$data" "$round1"),$(signature_tuple "$signature"),$e3,0)"
same "check(production, c5) quorum: round-1 results no longer count" "$(rule 4 1 "$production" "$c5")" 0
attest "$k1" "$c5" '[accuracy]' "[$(e18 0.99)]"
same "check(production, c5) quorum after a round-2 result" "$(rule 4 1 "$production" "$c5")" 1
echo "governance contract: all checks passed"
