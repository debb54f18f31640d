#!/usr/bin/env bash
# Gas of gated promotion on a real anvil (auto-mining) with EAS 1.9.0 deployed from its package artifacts,
# driven by cast alone: one evaluation attestation through the governance resolver (attested directly by
# the evaluator, and by delegation through a relayer), a batch of k = 3 delegated evaluations in one
# multiAttestByDelegation, a promotion resting on 2 and on 3 evaluations, a push with the v2 registry;
# each attestation next to the same attestation (same data, same refUID) under a schema without a
# resolver, and the governance overhead per attestation (target: under 60,000).
# Policy: evaluators 3, quorum 2; production: accuracy >= 0.9, no automatic promotion, no monitoring.
# Usage: bench/governance_gas.sh  (peers from cmake/install-deps.sh test)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peers="$root/tests/peers"
cast="$peers/node_modules/.bin/cast"
work=$(mktemp -d)
cleanup() {
  bash "$peers/anvil.sh" stop "$work/anvil" || true
  rm -rf "$work"
}
trap cleanup EXIT
MLCHAIN_SOURCE_DIR=$root
source "$root/tests/interop/lib/governance.sh"
bash "$peers/anvil.sh" start "$work/anvil"
ETH_RPC_URL=$(cat "$work/anvil/rpc-url")
export ETH_RPC_URL
account() { json "d['available_accounts'][$1].lower()" < "$work/anvil/anvil.json"; }
key() { json "d['private_keys'][$1]" < "$work/anvil/anvil.json"; }
owner_key=$(key 0) relayer_key=$(key 6)
evaluators=("$(account 1)" "$(account 2)" "$(account 3)")
keys=("$(key 1)" "$(key 2)" "$(key 3)")

# gas KEY TARGET SIG ARGS…: sends the transaction (it must succeed) and prints its gas.
gas() {
  local signing_key=$1 target=$2
  shift 2
  "$cast" send --private-key "$signing_key" "$target" "$@" --json > "$work/receipt.json"
  [ "$(json "d['status']" < "$work/receipt.json")" = 0x1 ] || { echo "FAIL: $* failed" >&2; exit 1; }
  echo $(($(json "d['gasUsed']" < "$work/receipt.json")))
}

deploy_stack "$owner_key"
digest() { printf '0x%s' "$(printf '%s' "$1" | sha256sum | cut -c1-64)"; }
suite=$(digest suite)
first_push=$(gas "$owner_key" "$registry" 'push(string,string,bytes32,bytes32)' demo main "$zero" "$(digest c0)")
head=$(digest c0)
push_gas=()
for name in c1 c2 c3 c4; do
  push_gas+=("$(gas "$owner_key" "$registry" 'push(string,string,bytes32,bytes32)' demo main "$head" "$(digest "$name")")")
  head=$(digest "$name")
done
set_evaluators=$(gas "$owner_key" "$governance" 'setEvaluators(string,address[],uint8)' demo \
  "[${evaluators[0]},${evaluators[1]},${evaluators[2]}]" 2)
production=$("$cast" format-bytes32-string production)
accuracy=$("$cast" format-bytes32-string accuracy)
set_policy=$(gas "$owner_key" "$governance" "$set_stage_policy_sig" demo "$production" \
  "([($accuracy,0,900000000000000000)],[],$zero,0,[],false,[],[])")
round=$(current_round demo)
gas "$owner_key" "$schema_registry" 'register(string,address,bool)' \
  'bytes32 commit,bytes32 suite,string[] metrics,int256[] values' "$zero_address" false > /dev/null
bare_schema=$("$cast" keccak "$("$cast" abi-encode --packed 'f(string,address,bool)' \
  'bytes32 commit,bytes32 suite,string[] metrics,int256[] values' "$zero_address" false)")
resolver_schema=$evaluation_schema

# direct SCHEMA KEY DATA: gas of the evaluator's own attest.
direct() { gas "$2" "$eas" "$attest_sig" "($1,$(request_data "$3" "$round"))"; }
# delegated_entry SCHEMA INDEX DATA: one signed request of evaluator INDEX under SCHEMA (signed now).
delegated_entry() {
  local signature nonce
  evaluation_schema=$1
  nonce=$("$cast" call "$eas" 'getNonce(address)(uint256)' "${evaluators[$2]}")
  signature=$(sign_evaluation "${keys[$2]}" "${evaluators[$2]}" "$3" "$round" "$nonce" 0 "$work/typed.json")
  delegated_request "${evaluators[$2]}" "$3" "$round" "$signature" 0
}
single_delegated() {
  local entry
  entry=$(delegated_entry "$1" "$2" "$3")
  evaluation_schema=$resolver_schema
  # attestByDelegation takes the same fields with data and signature not in arrays.
  entry=$(sed 's/,\[(/,(/; s/)\],\[(/),(/; s/)\],/),/' <<< "$entry")
  gas "$relayer_key" "$eas" "$attest_by_delegation_sig" "$entry"
}
batch() {
  local schema=$1 commit=$2 entries=() i
  for i in 0 1 2; do
    entries+=("$(delegated_entry "$schema" "$i" "$(evaluation_data "$commit" "$suite" '[accuracy]' "[95000000000000000$i]")")")
  done
  evaluation_schema=$resolver_schema
  gas "$relayer_key" "$eas" "$multi_attest_by_delegation_sig" "[$(IFS=,; echo "${entries[*]}")]"
}

c1=$(digest c1) c2=$(digest c2) c3=$(digest c3) c4=$(digest c4)
# EAS stores each attester's delegation nonce: its first delegated attestation pays for that slot. One
# unmeasured delegated attestation per evaluator first, so both sides of each comparison pay the same.
for i in 0 1 2; do
  entry=$(delegated_entry "$bare_schema" "$i" "$(evaluation_data "$c4" "$suite" '[warmup]' '[1]')")
  evaluation_schema=$resolver_schema
  gas "$relayer_key" "$eas" "$multi_attest_by_delegation_sig" "[$entry]" > /dev/null
done
one_metric=$(evaluation_data "$c1" "$suite" '[accuracy]' '[950000000000000000]')
four_metrics=$(evaluation_data "$c2" "$suite" '[accuracy,precision,recall,f1]' \
  '[950000000000000000,940000000000000000,930000000000000000,935000000000000000]')
sixteen_metrics=$(evaluation_data "$c4" "$suite" "[$(seq -s, -f 'metric%g' 0 15)]" "[$(seq -s, -f '9%g00000000000000000' 0 15)]")

# Each resolver attestation is measured next to a bare one with byte-identical data and refUID.
direct_bare=$(direct "$bare_schema" "${keys[0]}" "$one_metric")
direct_resolver=$(direct "$resolver_schema" "${keys[0]}" "$one_metric")
# A new value: the same data again within one second would collide with the first attestation's UID,
# and EAS would pay to derive another.
new_value=$(evaluation_data "$c1" "$suite" '[accuracy]' '[951000000000000000]')
direct_again_bare=$(direct "$bare_schema" "${keys[0]}" "$new_value")
direct_again_resolver=$(direct "$resolver_schema" "${keys[0]}" "$new_value")
direct4_bare=$(direct "$bare_schema" "${keys[0]}" "$four_metrics")
direct4_resolver=$(direct "$resolver_schema" "${keys[0]}" "$four_metrics")
direct16_bare=$(direct "$bare_schema" "${keys[1]}" "$sixteen_metrics")
direct16_resolver=$(direct "$resolver_schema" "${keys[1]}" "$sixteen_metrics")
delegated_bare=$(single_delegated "$bare_schema" 1 "$one_metric")
delegated_resolver=$(single_delegated "$resolver_schema" 1 "$one_metric")
batch_bare=$(batch "$bare_schema" "$c3")
batch_resolver=$(batch "$resolver_schema" "$c3")
promote2=$(gas "$owner_key" "$governance" 'promote(string,bytes32,bytes32,bytes32)' demo "$production" "$c1" "$zero")
promote3=$(gas "$owner_key" "$governance" 'promote(string,bytes32,bytes32,bytes32)' demo "$production" "$c3" "$c1")
direct_holder_bare=$(direct "$bare_schema" "${keys[2]}" "$(evaluation_data "$c3" "$suite" '[accuracy]' '[950000000000000000]')")
direct_holder_resolver=$(direct "$resolver_schema" "${keys[2]}" "$(evaluation_data "$c3" "$suite" '[accuracy]' '[950000000000000000]')")

row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
overhead() { echo $((($2 - $1) / $3)); }
echo "anvil $("$cast" rpc web3_clientVersion | tr -d '"'), EAS 1.9.0, MlchainGovernance $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["compiler"]["version"].split("+")[0])' "$root/contracts/MlchainGovernance.json")"
echo
echo "| transaction | through the resolver | same data, no resolver | governance overhead per attestation |"
echo "|---|---:|---:|---:|"
row "attest, evaluator's first result for the commit (1 metric)" "$direct_resolver" "$direct_bare" "$(overhead "$direct_bare" "$direct_resolver" 1)"
row "attest, evaluator's new result for the same commit" "$direct_again_resolver" "$direct_again_bare" "$(overhead "$direct_again_bare" "$direct_again_resolver" 1)"
row "attest, first result, 4 metrics" "$direct4_resolver" "$direct4_bare" "$(overhead "$direct4_bare" "$direct4_resolver" 1)"
row "attest, first result, 16 metrics (the most allowed)" "$direct16_resolver" "$direct16_bare" "$(overhead "$direct16_bare" "$direct16_resolver" 1)"
row "attestByDelegation (relayer), first result" "$delegated_resolver" "$delegated_bare" "$(overhead "$delegated_bare" "$delegated_resolver" 1)"
row "multiAttestByDelegation, k = 3 evaluators" "$batch_resolver" "$batch_bare" "$(overhead "$batch_bare" "$batch_resolver" 3)"
row "attest, new result for the commit holding production (monitoring, no rules)" "$direct_holder_resolver" "$direct_holder_bare" "$(overhead "$direct_holder_bare" "$direct_holder_resolver" 1)"
echo
echo "| transaction | gas |"
echo "|---|---:|"
row2() { printf '| %s | %s |\n' "$1" "$2"; }
row2 "promote, first holder, resting on 2 evaluations" "$promote2"
row2 "promote, replacing a holder, resting on 3 evaluations" "$promote3"
row2 "setEvaluators (3, quorum 2: round attestation)" "$set_evaluators"
row2 "setStagePolicy (1 requirement)" "$set_policy"
row2 "registry v2: a repository's first push" "$first_push"
row2 "registry v2: push moving a branch to a new commit (records anchoredAt)" "${push_gas[0]}"
row2 "deploy MlchainGovernance (registers 2 schemas)" "$governance_deploy_gas"
