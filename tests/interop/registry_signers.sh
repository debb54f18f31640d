#!/usr/bin/env bash
# The registry's commit signers on a real anvil, driven only by Foundry's cast (no mlchain code): the owner
# alone adds and removes signers (NotOwner otherwise; a first addSigner creates the repository like a first
# push, removeSigner on none is UnknownRepository); a signer already authorised cannot
# be added again, one not authorised cannot be removed, the zero address is refused (each as exact revert data
# and as a mined transaction that fails); a removed signer is re-added in a new interval; signerAuthorizedAt
# answers at given blocks (the addition's block counts, the removal's does not, also for a push mined in
# the removal's block); signerIntervalsOf and signersOf list the history; SignerAdded and SignerRemoved are
# read back with `cast logs`; the gas of each call is printed (bench/README.md).
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
word_of() { "$cast" abi-encode 'f(address)' "$1"; }

"$MLCHAIN_PEERS/anvil.sh" start "$work/anvil"
ETH_RPC_URL=$(cat "$work/anvil/rpc-url")
export ETH_RPC_URL
account() { json "d['available_accounts'][$1].lower()" < "$work/anvil/anvil.json"; }
key() { json "d['private_keys'][$1]" < "$work/anvil/anvil.json"; }
owner=$(account 0) owner_key=$(key 0)
writer=$(account 1) writer_key=$(key 1)
alice=$(account 2)
bob=$(account 3)
nobody=0x0000000000000000000000000000000000000000

artifact="$MLCHAIN_SOURCE_DIR/contracts/MlchainRegistry.json"
"$cast" send --private-key "$owner_key" --create "$(json "d['bytecode']" < "$artifact")" --json > "$work/deploy.json"
registry=$(json "d['contractAddress']" < "$work/deploy.json")
echo "registry at $registry"

send() {
  local signing_key=$1
  shift
  timeout 60 "$cast" send --private-key "$signing_key" "$registry" "$@" --json > "$work/receipt.json"
  [ "$(json "d['status']" < "$work/receipt.json")" = 0x1 ] || fail "$* failed"
}
gas_used() { echo $(($(json "d['gasUsed']" < "$work/receipt.json"))); }
block_of_receipt() { echo $(($(json "d['blockNumber']" < "$work/receipt.json"))); }
gas_report=()
note_gas() { gas_report+=("$1: $(gas_used)"); echo "  gas of $1: $(gas_used)"; }
topics() { json "' '.join(d['logs'][$1]['topics'])" < "$work/receipt.json"; }
data() { json "d['logs'][$1]['data']" < "$work/receipt.json"; }

# expect_revert FROM KEY ERROR ERROR_ARGS… -- SIG ARGS…: exactly ERROR(ERROR_ARGS…) as revert data of the
# call, and the same transaction mined with a fixed gas limit fails.
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
  timeout 60 "$cast" send --private-key "$signing_key" --gas-limit 500000 "$registry" "$@" --json > "$work/reverted.json" 2> /dev/null
  [ "$(json "d['status']" < "$work/reverted.json")" = 0x0 ] || fail "$* from $from was mined successfully"
  echo "  ${1%%(*} by $from reverts $error ${error_args[*]-}"
}

add_sig="addSigner(string,address)"
remove_sig="removeSigner(string,address)"
authorized_at() { "$cast" call "$registry" 'signerAuthorizedAt(string,address,uint256)(bool)' models "$1" "$2"; }
intervals_of() { "$cast" call "$registry" 'signerIntervalsOf(string,address)(uint256[],uint256[])' models "$1" | tr '\n' ' ' | sed 's/ $//'; }
signers_of() { lower "$("$cast" call "$registry" 'signersOf(string)(address[])' models)"; }
added_event=$("$cast" sig-event 'SignerAdded(bytes32 indexed,address indexed,address indexed,uint256)')
removed_event=$("$cast" sig-event 'SignerRemoved(bytes32 indexed,address indexed,address indexed,uint256)')
models_id=$("$cast" keccak models)
head1=$("$cast" keccak head1)
head2=$("$cast" keccak head2)

echo "a repository that does not exist: removeSigner refuses, addSigner creates it like a first push"
expect_revert "$owner" "$owner_key" "UnknownRepository()" -- "$remove_sig" fresh "$alice"
expect_revert "$owner" "$owner_key" "InvalidRepositoryName()" -- "$add_sig" "bad name" "$alice"
expect_revert "$owner" "$owner_key" "ZeroSigner()" -- "$add_sig" fresh "$nobody"
send "$writer_key" "$add_sig" fresh "$alice"
note_gas "addSigner (creating the repository)"
same "RepositoryCreated topics" "$(topics 0)" \
  "$("$cast" sig-event 'RepositoryCreated(bytes32 indexed,string,address indexed)') $("$cast" keccak fresh) $(word_of "$writer")"
same "ownerOf(fresh)" "$(lower "$("$cast" call "$registry" 'ownerOf(string)(address)' fresh)")" "$writer"
same "signerAuthorizedAt(fresh, alice) at that block" \
  "$("$cast" call "$registry" 'signerAuthorizedAt(string,address,uint256)(bool)' fresh "$alice" "$(block_of_receipt)")" true
expect_revert "$owner" "$owner_key" "NotOwner(address)" "$owner" -- "$add_sig" fresh "$bob"
send "$owner_key" 'push(string,string,bytes32,bytes32)' models main 0x"$(printf '0%.0s' $(seq 64))" "$head1"
same "signersOf(models) before any addition" "$(signers_of)" "[]"
same "signerAuthorizedAt(alice) with no signer" "$(authorized_at "$alice" "$(block_of_receipt)")" false

echo "the owner alone adds and removes"
expect_revert "$writer" "$writer_key" "NotOwner(address)" "$writer" -- "$add_sig" models "$alice"
send "$owner_key" 'grant(string,address)' models "$writer"
expect_revert "$writer" "$writer_key" "NotOwner(address)" "$writer" -- "$add_sig" models "$alice"
expect_revert "$owner" "$owner_key" "ZeroSigner()" -- "$add_sig" models "$nobody"
expect_revert "$owner" "$owner_key" "SignerNotAuthorized(address)" "$alice" -- "$remove_sig" models "$alice"

echo "add, remove, re-add"
send "$owner_key" "$add_sig" models "$alice"
note_gas "addSigner (first)"
alice_from=$(block_of_receipt)
same "SignerAdded topics" "$(topics 0)" "$added_event $models_id $(word_of "$alice") $(word_of "$owner")"
same "SignerAdded fromBlock" "$(("$(data 0)"))" "$alice_from"
expect_revert "$owner" "$owner_key" "SignerAlreadyAuthorized(address)" "$alice" -- "$add_sig" models "$alice"
expect_revert "$writer" "$writer_key" "NotOwner(address)" "$writer" -- "$remove_sig" models "$alice"
send "$owner_key" "$add_sig" models "$bob"
note_gas "addSigner (another)"
bob_from=$(block_of_receipt)
send "$owner_key" "$remove_sig" models "$alice"
note_gas "removeSigner"
alice_until=$(block_of_receipt)
same "SignerRemoved topics" "$(topics 0)" "$removed_event $models_id $(word_of "$alice") $(word_of "$owner")"
same "SignerRemoved untilBlock" "$(("$(data 0)"))" "$alice_until"
expect_revert "$owner" "$owner_key" "SignerNotAuthorized(address)" "$alice" -- "$remove_sig" models "$alice"
"$cast" rpc evm_mine > /dev/null
"$cast" rpc evm_mine > /dev/null
send "$owner_key" "$add_sig" models "$alice"
note_gas "addSigner (re-add)"
alice_again=$(block_of_receipt)
same "signersOf(models), each once in order of first addition" "$(signers_of)" "[$alice, $bob]"
same "signerIntervalsOf(alice)" "$(intervals_of "$alice")" "[$alice_from, $alice_again] [$alice_until, 0]"
same "signerIntervalsOf(bob)" "$(intervals_of "$bob")" "[$bob_from] [0]"
same "signerIntervalsOf(never added)" "$(intervals_of "$owner")" "[] []"

echo "signerAuthorizedAt at given blocks"
same "alice before her addition" "$(authorized_at "$alice" $((alice_from - 1)))" false
same "alice at her addition's block" "$(authorized_at "$alice" "$alice_from")" true
same "alice the block before her removal" "$(authorized_at "$alice" $((alice_until - 1)))" true
same "alice at her removal's block" "$(authorized_at "$alice" "$alice_until")" false
same "alice between removal and re-addition" "$(authorized_at "$alice" $((alice_again - 1)))" false
same "alice at her re-addition" "$(authorized_at "$alice" "$alice_again")" true
same "alice far in the future" "$(authorized_at "$alice" 100000000)" true
same "bob before his addition" "$(authorized_at "$bob" $((bob_from - 1)))" false
same "a key never added" "$(authorized_at "$owner" "$alice_again")" false

echo "a push mined in the same block as the removal is not authorised by the removed key"
"$cast" rpc evm_setAutomine false > /dev/null
push_hash=$("$cast" send --async --private-key "$writer_key" "$registry" 'push(string,string,bytes32,bytes32)' models main "$head1" "$head2")
remove_hash=$("$cast" send --async --private-key "$owner_key" "$registry" "$remove_sig" models "$bob")
"$cast" rpc evm_mine > /dev/null
"$cast" rpc evm_setAutomine true > /dev/null
push_block=$(timeout 60 "$cast" receipt "$push_hash" blockNumber)
remove_block=$(timeout 60 "$cast" receipt "$remove_hash" blockNumber)
same "push and removal share a block" "$push_block" "$remove_block"
same "anchoredAt(head2)" "$("$cast" call "$registry" 'anchoredAt(string,bytes32)(uint256)' models "$head2")" "$push_block"
same "bob at the block of the push and of his removal" "$(authorized_at "$bob" "$push_block")" false
same "bob the block before" "$(authorized_at "$bob" $((push_block - 1)))" true

echo "the history, read back with cast logs"
"$cast" logs --address "$registry" --from-block 0 "$added_event" "$models_id" --json > "$work/logs.json"
same "SignerAdded logs (signer, fromBlock)" \
  "$(json "' '.join(l['topics'][2][-40:] + ':' + str(int(l['data'], 16)) for l in d)" < "$work/logs.json")" \
  "${alice:2}:$alice_from ${bob:2}:$bob_from ${alice:2}:$alice_again"
"$cast" logs --address "$registry" --from-block 0 "$removed_event" "$models_id" --json > "$work/logs.json"
same "SignerRemoved logs (signer, untilBlock)" \
  "$(json "' '.join(l['topics'][2][-40:] + ':' + str(int(l['data'], 16)) for l in d)" < "$work/logs.json")" \
  "${alice:2}:$alice_until ${bob:2}:$remove_block"

echo "gas (bench/README.md, \"Commit signers gas\")"
printf '  %s\n' "${gas_report[@]}"
echo "PASS"
