#!/usr/bin/env bash
# The registry contract's behaviour on a real anvil, driven only by Foundry's cast (no mlchain code):
# the committed creation bytecode deploys to the committed runtime code; the first push creates a
# repository owned by the pusher; a non-writer's push, a stale expectedOld, an empty head, a bad
# repository name and an empty branch revert with their custom errors (checked as exact revert data, and
# as mined transactions that fail and change nothing); only the owner grants and revokes; a granted writer
# pushes, a revoked one cannot; every event carries repo, branch, old, new and pusher as `log --remote`
# needs them; branchesOf lists branches in first-push order; the gas of a repository's first push and of a
# push moving an existing branch (target: under 80,000, checked with the longest names allowed) is printed;
# v2: anchoredAt keeps the block of a commit's first push in the repository, ownerOfId answers by id, and
# only the owner sets the governance and catalogue pointers (GovernanceSet, CatalogueSet).
set -euo pipefail
: "${MLCHAIN_PEERS:?path to tests/peers}" "${MLCHAIN_SOURCE_DIR:?path to the source tree}"
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
[ -x "$cast" ] || { echo "FAIL: $cast is not installed (run cmake/install-deps.sh test)" >&2; exit 1; }
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace
at_exit '"$MLCHAIN_PEERS/anvil.sh" stop "$work/anvil"'
json() { python3 -c 'import json, sys; print(eval(sys.argv[1], {"d": json.load(sys.stdin)}))' "$1"; }
same() { [ "$2" = "$3" ] || fail "$1: expected $3, got $2"; echo "  $1: $2"; }
lower() { tr 'A-F' 'a-f' <<< "$1"; }
# decode_data TYPES DATA: the ABI-encoded non-indexed event fields, decoded by cast, one line, space-separated.
decode_data() { "$cast" decode-abi --input "f($1)" "$2" --json | json "' '.join(d)"; }

"$MLCHAIN_PEERS/anvil.sh" start "$work/anvil"
ETH_RPC_URL=$(cat "$work/anvil/rpc-url")
export ETH_RPC_URL
echo "anvil at $ETH_RPC_URL"
account() { json "d['available_accounts'][$1].lower()" < "$work/anvil/anvil.json"; }
key() { json "d['private_keys'][$1]" < "$work/anvil/anvil.json"; }
owner=$(account 0) owner_key=$(key 0)
writer=$(account 1) writer_key=$(key 1)
stranger=$(account 2) stranger_key=$(key 2)

artifact="$MLCHAIN_SOURCE_DIR/contracts/MlchainRegistry.json"
json "d['bytecode']" < "$artifact" > "$work/creation"
"$cast" send --private-key "$owner_key" --create "$(cat "$work/creation")" --json > "$work/deploy.json"
same "deployment status" "$(json "d['status']" < "$work/deploy.json")" 0x1
registry=$(json "d['contractAddress']" < "$work/deploy.json")
echo "deployed at $registry, gas $(($(json "d['gasUsed']" < "$work/deploy.json")))"
[ "$("$cast" code "$registry")" = "$(json "d['deployedBytecode']" < "$artifact")" ] ||
  fail "the code at $registry is not the artifact's deployedBytecode"
echo "  the code at $registry is the artifact's deployedBytecode"

push_sig="push(string,string,bytes32,bytes32)"
zero=0x0000000000000000000000000000000000000000000000000000000000000000
digest() { printf '0x%s' "$(printf '%s' "$1" | sha256sum | cut -c1-64)"; }
head1=$(digest one) head2=$(digest two) head3=$(digest three) head4=$(digest four)

# send KEY SIG ARGS…: a transaction that must succeed; its receipt is left in $work/receipt.json.
send() {
  local signing_key=$1
  shift
  "$cast" send --private-key "$signing_key" "$registry" "$@" --json > "$work/receipt.json"
  [ "$(json "d['status']" < "$work/receipt.json")" = 0x1 ] || fail "$* failed"
}
gas_used() { echo $(($(json "d['gasUsed']" < "$work/receipt.json"))); }

# expect_revert FROM KEY ERROR ERROR_ARGS… -- SIG ARGS…: the call reverts with exactly the ABI encoding of
# the custom error ERROR(ERROR_ARGS…) as `cast calldata` builds it, and the same transaction, mined with a
# fixed gas limit (no estimate to stop it), fails.
expect_revert() {
  local from=$1 signing_key=$2 error=$3
  shift 3
  local error_args=()
  while [ "$1" != -- ]; do error_args+=("$1"); shift; done
  shift
  local expected output actual
  expected=$("$cast" calldata "$error" ${error_args[@]+"${error_args[@]}"})
  if output=$("$cast" call --from "$from" "$registry" "$@" 2>&1); then fail "$* from $from did not revert"; fi
  actual=$(sed -n 's/.*data: "\(0x[0-9a-fA-F]*\)".*/\1/p' <<< "$output")
  [ "$(lower "$actual")" = "$(lower "$expected")" ] ||
    fail "$* from $from: expected revert $error ($expected), got: $output"
  "$cast" send --private-key "$signing_key" --gas-limit 300000 "$registry" "$@" --json > "$work/reverted.json" 2> /dev/null
  [ "$(json "d['status']" < "$work/reverted.json")" = 0x0 ] || fail "$* from $from was mined successfully"
  echo "  $* by $from reverts $error ${error_args[*]-}"
}

# check_head_updated LOG_INDEX REPO BRANCH OLD NEW PUSHER: the receipt's log is a HeadUpdated event
# with these topics and data.
head_updated_sig="HeadUpdated(bytes32 indexed,bytes32 indexed,address indexed,string,string,bytes32,bytes32)"
check_head_updated() {
  local index=$1 repo=$2 branch=$3 old=$4 new=$5 pusher=$6
  same "log $index topics" "$(json "' '.join(d['logs'][$index]['topics'])" < "$work/receipt.json")" \
    "$("$cast" sig-event "$head_updated_sig") $("$cast" keccak "$repo") $("$cast" keccak "$branch") $("$cast" abi-encode 'f(address)' "$pusher")"
  same "log $index data (repo, branch, old, new)" \
    "$(decode_data string,string,bytes32,bytes32 "$(json "d['logs'][$index]['data']" < "$work/receipt.json")")" \
    "$repo $branch $old $new"
}

echo "before any push"
same "ownerOf(models)" "$(lower "$("$cast" call "$registry" 'ownerOf(string)(address)' models)")" \
  0x0000000000000000000000000000000000000000
same "headOf(models, main)" "$("$cast" call "$registry" 'headOf(string,string)(bytes32)' models main)" "$zero"
same "branchesOf(models)" "$("$cast" call "$registry" 'branchesOf(string)(string[])' models)" "[]"
same "isWriter(models, 0x0)" \
  "$("$cast" call "$registry" 'isWriter(string,address)(bool)' models 0x0000000000000000000000000000000000000000)" false
expect_revert "$owner" "$owner_key" "UnknownRepository()" -- 'grant(string,address)' models "$writer"

echo "refused before anything is stored"
expect_revert "$owner" "$owner_key" "InvalidRepositoryName()" -- "$push_sig" "my models" main "$zero" "$head1"
expect_revert "$owner" "$owner_key" "InvalidRepositoryName()" -- "$push_sig" "" main "$zero" "$head1"
expect_revert "$owner" "$owner_key" "InvalidRepositoryName()" -- "$push_sig" "$(printf 'r%.0s' $(seq 65))" main "$zero" "$head1"
expect_revert "$owner" "$owner_key" "EmptyBranchName()" -- "$push_sig" models "" "$zero" "$head1"
expect_revert "$owner" "$owner_key" "EmptyHead()" -- "$push_sig" models main "$zero" "$zero"
same "ownerOf(models) after the refusals" "$(lower "$("$cast" call "$registry" 'ownerOf(string)(address)' models)")" \
  0x0000000000000000000000000000000000000000

echo "the first push creates the repository, owned by its pusher"
send "$owner_key" "$push_sig" models main "$zero" "$head1"
echo "  gas of the first push of a repository: $(gas_used)"
head1_block=$(($(json "d['blockNumber']" < "$work/receipt.json")))
same "log 0 topics (RepositoryCreated)" "$(json "' '.join(d['logs'][0]['topics'])" < "$work/receipt.json")" \
  "$("$cast" sig-event 'RepositoryCreated(bytes32 indexed,string,address indexed)') $("$cast" keccak models) $("$cast" abi-encode 'f(address)' "$owner")"
same "log 0 data (repo)" "$(decode_data string "$(json "d['logs'][0]['data']" < "$work/receipt.json")")" models
check_head_updated 1 models main "$zero" "$head1" "$owner"
same "ownerOf(models)" "$(lower "$("$cast" call "$registry" 'ownerOf(string)(address)' models)")" "$owner"
same "headOf(models, main)" "$("$cast" call "$registry" 'headOf(string,string)(bytes32)' models main)" "$head1"

echo "moving an existing branch"
send "$owner_key" "$push_sig" models main "$head1" "$head2"
moving_gas=$(gas_used)
echo "  gas of a push moving an existing branch: $moving_gas"
[ "$moving_gas" -lt 80000 ] || fail "a push moving an existing branch used $moving_gas gas, over the 80,000 target"
same "logs in the receipt" "$(json "len(d['logs'])" < "$work/receipt.json")" 1
check_head_updated 0 models main "$head1" "$head2" "$owner"

echo "a stranger cannot push; a stale expectedOld is refused"
expect_revert "$stranger" "$stranger_key" "NotWriter(address)" "$stranger" -- "$push_sig" models main "$head2" "$head3"
expect_revert "$owner" "$owner_key" "StaleHead(bytes32,bytes32)" "$head1" "$head2" -- "$push_sig" models main "$head1" "$head3"
expect_revert "$owner" "$owner_key" "StaleHead(bytes32,bytes32)" "$zero" "$head2" -- "$push_sig" models main "$zero" "$head3"
same "headOf(models, main) after the refusals" "$("$cast" call "$registry" 'headOf(string,string)(bytes32)' models main)" "$head2"

echo "only the owner grants and revokes"
expect_revert "$stranger" "$stranger_key" "NotOwner(address)" "$stranger" -- 'grant(string,address)' models "$stranger"
send "$owner_key" 'grant(string,address)' models "$writer"
same "WriterGranted topics" "$(json "' '.join(d['logs'][0]['topics'])" < "$work/receipt.json")" \
  "$("$cast" sig-event 'WriterGranted(bytes32 indexed,address indexed,address indexed)') $("$cast" keccak models) $("$cast" abi-encode 'f(address)' "$writer") $("$cast" abi-encode 'f(address)' "$owner")"
for who in "$owner:true" "$writer:true" "$stranger:false"; do
  same "isWriter(models, ${who%%:*})" "$("$cast" call "$registry" 'isWriter(string,address)(bool)' models "${who%%:*}")" "${who#*:}"
done
expect_revert "$writer" "$writer_key" "NotOwner(address)" "$writer" -- 'grant(string,address)' models "$stranger"
expect_revert "$writer" "$writer_key" "NotOwner(address)" "$writer" -- 'revoke(string,address)' models "$owner"

echo "a granted writer pushes, to an existing branch and to a new one"
send "$writer_key" "$push_sig" models main "$head2" "$head3"
check_head_updated 0 models main "$head2" "$head3" "$writer"
send "$writer_key" "$push_sig" models dev "$zero" "$head4"
check_head_updated 0 models dev "$zero" "$head4" "$writer"
same "branchesOf(models)" "$("$cast" call "$registry" 'branchesOf(string)(string[])' models)" '["main", "dev"]'

echo "a revoked writer cannot push"
send "$owner_key" 'revoke(string,address)' models "$writer"
same "WriterRevoked topics" "$(json "' '.join(d['logs'][0]['topics'])" < "$work/receipt.json")" \
  "$("$cast" sig-event 'WriterRevoked(bytes32 indexed,address indexed,address indexed)') $("$cast" keccak models) $("$cast" abi-encode 'f(address)' "$writer") $("$cast" abi-encode 'f(address)' "$owner")"
same "isWriter(models, $writer)" "$("$cast" call "$registry" 'isWriter(string,address)(bool)' models "$writer")" false
expect_revert "$writer" "$writer_key" "NotWriter(address)" "$writer" -- "$push_sig" models main "$head3" "$head1"

echo "repositories are independent"
send "$writer_key" "$push_sig" datasets main "$zero" "$head1"
same "ownerOf(datasets)" "$(lower "$("$cast" call "$registry" 'ownerOf(string)(address)' datasets)")" "$writer"
expect_revert "$owner" "$owner_key" "NotWriter(address)" "$owner" -- "$push_sig" datasets main "$head1" "$head2"
same "headOf(models, main)" "$("$cast" call "$registry" 'headOf(string,string)(bytes32)' models main)" "$head3"

echo "the history of one repository from eth_getLogs alone (as log --remote reads it)"
"$cast" logs --address "$registry" --from-block 0 "$head_updated_sig" "$("$cast" keccak models)" --json > "$work/logs.json"
history=""
while read -r topics data; do
  pusher=0x${topics: -40}
  history+="$(decode_data string,string,bytes32,bytes32 "$data") $pusher; "
done < <(json "'\n'.join(l['topics'][3] + ' ' + l['data'] for l in d)" < "$work/logs.json")
same "HeadUpdated events of models" "$history" \
  "models main $zero $head1 $owner; models main $head1 $head2 $owner; models main $head2 $head3 $writer; models dev $zero $head4 $writer; "

echo "gas with the longest names allowed (64-byte repository, 255-byte branch)"
long_repo=$(printf 'r%.0s' $(seq 64))
long_branch=$(printf 'b%.0s' $(seq 255))
send "$owner_key" "$push_sig" "$long_repo" "$long_branch" "$zero" "$head1"
echo "  gas of the first push: $(gas_used)"
send "$owner_key" "$push_sig" "$long_repo" "$long_branch" "$head1" "$head2"
long_gas=$(gas_used)
echo "  gas of a push moving the branch: $long_gas"
[ "$long_gas" -lt 80000 ] || fail "a push moving a branch with the longest names used $long_gas gas, over 80,000"
same "branchesOf(long repository)" "$("$cast" call "$registry" 'branchesOf(string)(string[])' "$long_repo")" "[\"$long_branch\"]"
echo "v2: the block each commit was first anchored at, the owner by id, governance and catalogue pointers"
models_id=$("$cast" keccak models)
send "$owner_key" "$push_sig" models again "$zero" "$head1"
same "anchoredAt(models, head1) (first push's block, not the later push to 'again')" \
  "$("$cast" call "$registry" 'anchoredAt(string,bytes32)(uint256)' models "$head1")" "$head1_block"
same "anchoredAtId(keccak(models), head1)" "$("$cast" call "$registry" 'anchoredAtId(bytes32,bytes32)(uint256)' "$models_id" "$head1")" "$head1_block"
same "anchoredAt(models, a commit never pushed)" "$("$cast" call "$registry" 'anchoredAt(string,bytes32)(uint256)' models "$(digest never)")" 0
same "anchoredAt(other repository, head1)" "$("$cast" call "$registry" 'anchoredAt(string,bytes32)(uint256)' nothing "$head1")" 0
same "ownerOfId(keccak(models))" "$(lower "$("$cast" call "$registry" 'ownerOfId(bytes32)(address)' "$models_id")")" "$owner"
for pointer in Governance Catalogue; do
  contract=0x00000000000000000000000000000000000000$([ $pointer = Governance ] && echo 01 || echo 02)
  expect_revert "$stranger" "$stranger_key" "NotOwner(address)" "$stranger" -- "set$pointer(string,address)" models "$contract"
  expect_revert "$owner" "$owner_key" "UnknownRepository()" -- "set$pointer(string,address)" nothing "$contract"
  send "$owner_key" "set$pointer(string,address)" models "$contract"
  same "$pointer""Set topics" "$(json "' '.join(d['logs'][0]['topics'])" < "$work/receipt.json")" \
    "$("$cast" sig-event "${pointer}Set(bytes32 indexed,address indexed,address indexed)") $models_id $("$cast" abi-encode 'f(address)' "$contract") $("$cast" abi-encode 'f(address)' "$owner")"
  getter=$(tr 'GC' 'gc' <<< "${pointer:0:1}")${pointer:1}Of
  same "$getter(models)" "$(lower "$("$cast" call "$registry" "$getter(string)(address)" models)")" "$contract"
done
echo "registry contract: all checks passed"
