#!/usr/bin/env bash
# The registry's private-model functions on a real anvil, driven only by Foundry's cast (no mlchain code):
# an encryption key is published under an EIP-712 signature made by `cast wallet sign --data` (anyone may
# send it; a replayed, wrong-signer, high-s or malformed signature and a key that is not a compressed point
# are refused); the owner alone makes a repository private; the owner or a writer grants readers access
# to anchored versions (one AccessGranted per version, ReaderAdded when a reader is added), revokes them and
# records shredded versions (idempotently); every custom error is checked as exact revert data and as a
# mined transaction that fails; the events are read back with `cast logs`; the gas of each call is printed.
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
decode_data() { "$cast" decode-abi --input "f($1)" "$2" --json | json "' '.join(str(v).lower() if isinstance(v, bool) else str(v) for v in d)"; }
word_of() { "$cast" abi-encode 'f(address)' "$1"; }

"$MLCHAIN_PEERS/anvil.sh" start "$work/anvil"
ETH_RPC_URL=$(cat "$work/anvil/rpc-url")
export ETH_RPC_URL
account() { json "d['available_accounts'][$1].lower()" < "$work/anvil/anvil.json"; }
key() { json "d['private_keys'][$1]" < "$work/anvil/anvil.json"; }
owner=$(account 0) owner_key=$(key 0)
writer=$(account 1) writer_key=$(key 1)
stranger=$(account 2) stranger_key=$(key 2)
reader=$(account 3) reader_key=$(key 3)
nobody=0x0000000000000000000000000000000000000000

artifact="$MLCHAIN_SOURCE_DIR/contracts/MlchainRegistry.json"
"$cast" send --private-key "$owner_key" --create "$(json "d['bytecode']" < "$artifact")" --json > "$work/deploy.json"
registry=$(json "d['contractAddress']" < "$work/deploy.json")
chain_id=$("$cast" chain-id)
echo "registry at $registry on chain $chain_id"

send() {
  local signing_key=$1
  shift
  "$cast" send --private-key "$signing_key" "$registry" "$@" --json > "$work/receipt.json"
  [ "$(json "d['status']" < "$work/receipt.json")" = 0x1 ] || fail "$* failed"
}
gas_used() { echo $(($(json "d['gasUsed']" < "$work/receipt.json"))); }
block_of_receipt() { echo $(($(json "d['blockNumber']" < "$work/receipt.json"))); }
gas_report=()
note_gas() { gas_report+=("$1: $(gas_used)"); echo "  gas of $1: $(gas_used)"; }
logs_in_receipt() { json "len(d['logs'])" < "$work/receipt.json"; }
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
  "$cast" send --private-key "$signing_key" --gas-limit 500000 "$registry" "$@" --json > "$work/reverted.json" 2> /dev/null
  [ "$(json "d['status']" < "$work/reverted.json")" = 0x0 ] || fail "$* from $from was mined successfully"
  echo "  ${1%%(*} by $from reverts $error ${error_args[*]-}"
}

# typed_data ACCOUNT KEY NONCE: the EIP-712 document an account signs to publish KEY (docs/format.md §7.1).
typed_data() {
  cat << EOF
{"types": {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                            {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
           "EncryptionKey": [{"name": "account", "type": "address"}, {"name": "key", "type": "bytes"},
                             {"name": "nonce", "type": "uint256"}]},
 "primaryType": "EncryptionKey",
 "domain": {"name": "mlchain", "version": "1", "chainId": $chain_id, "verifyingContract": "$registry"},
 "message": {"account": "$1", "key": "$2", "nonce": $3}}
EOF
}
# sign_key SIGNING_KEY ACCOUNT KEY NONCE: r ‖ s ‖ v by SIGNING_KEY over that document, made by cast.
sign_key() {
  typed_data "$2" "$3" "$4" > "$work/typed.json"
  "$cast" wallet sign --private-key "$1" --data --from-file "$work/typed.json"
}
# high_s SIGNATURE: the same signature's twin (n - s, the other v), which ecrecover accepts too.
high_s() {
  python3 - "$1" << 'EOF'
import sys
n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
sig = bytes.fromhex(sys.argv[1][2:])
s = n - int.from_bytes(sig[32:64], 'big')
print('0x' + (sig[:32] + s.to_bytes(32, 'big') + bytes([55 - sig[64]])).hex())
EOF
}

publish_sig="publishEncryptionKey(address,bytes,bytes)"
key_of() { "$cast" call "$registry" 'encryptionKeyOf(address)(bytes,uint256)' "$1" | tr '\n' ' ' | sed 's/ $//'; }
# Two compressed secp256k1 points: the generator G and 2G.
key1=0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798
key2=0x02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5

echo "encryption keys"
same "encryptionKeyOf(reader) before" "$(key_of "$reader")" "0x 0"
signature=$(sign_key "$reader_key" "$reader" "$key1" 0)
expect_revert "$stranger" "$stranger_key" "InvalidEncryptionKey()" -- "$publish_sig" "$reader" "0x04${key1:4}" "$signature"
expect_revert "$stranger" "$stranger_key" "InvalidEncryptionKey()" -- "$publish_sig" "$reader" "${key1:0:66}" "$signature"
expect_revert "$stranger" "$stranger_key" "BadKeySignature()" -- "$publish_sig" "$reader" "$key1" \
  "$(sign_key "$stranger_key" "$reader" "$key1" 0)"
expect_revert "$stranger" "$stranger_key" "BadKeySignature()" -- "$publish_sig" "$reader" "$key1" \
  "$(sign_key "$reader_key" "$reader" "$key1" 1)"
expect_revert "$stranger" "$stranger_key" "BadKeySignature()" -- "$publish_sig" "$reader" "$key2" "$signature"
expect_revert "$stranger" "$stranger_key" "BadKeySignature()" -- "$publish_sig" "$reader" "$key1" "${signature:0:130}"
expect_revert "$stranger" "$stranger_key" "BadKeySignature()" -- "$publish_sig" "$reader" "$key1" "$(high_s "$signature")"
expect_revert "$stranger" "$stranger_key" "BadKeySignature()" -- "$publish_sig" "$nobody" "$key1" \
  "0x$(printf '00%.0s' $(seq 65))"
# Anyone may send it: the stranger relays the reader's signature.
send "$stranger_key" "$publish_sig" "$reader" "$key1" "$signature"
note_gas "publishEncryptionKey (first)"
same "EncryptionKeyPublished topics" "$(topics 0)" \
  "$("$cast" sig-event 'EncryptionKeyPublished(address indexed,bytes,uint256)') $(word_of "$reader")"
same "EncryptionKeyPublished data (key, nonce)" "$(decode_data bytes,uint256 "$(data 0)")" "$key1 0"
same "encryptionKeyOf(reader)" "$(key_of "$reader")" "$key1 1"
expect_revert "$stranger" "$stranger_key" "BadKeySignature()" -- "$publish_sig" "$reader" "$key1" "$signature"
send "$reader_key" "$publish_sig" "$reader" "$key2" "$(sign_key "$reader_key" "$reader" "$key2" 1)"
note_gas "publishEncryptionKey (replacing)"
same "encryptionKeyOf(reader) after a replacement" "$(key_of "$reader")" "$key2 2"

push_sig="push(string,string,bytes32,bytes32)"
grant_sig="grantAccess(string,address,bytes32[],bytes[])"
shred_sig="shred(string,bytes32[])"
zero=0x0000000000000000000000000000000000000000000000000000000000000000
digest() { printf '0x%s' "$(printf '%s' "$1" | sha256sum | cut -c1-64)"; }
head1=$(digest one) head2=$(digest two) head3=$(digest three)
# Access blocks are named by binary CIDs (CIDv1 dag-cbor sha2-256).
keys1=0x01711220${head3:2} keys2=0x01711220${head1:2}

echo "a repository that does not exist"
expect_revert "$owner" "$owner_key" "UnknownRepository()" -- 'setPrivate(string,bool)' models true
expect_revert "$owner" "$owner_key" "UnknownRepository()" -- "$grant_sig" models "$reader" "[]" "[]"
expect_revert "$owner" "$owner_key" "UnknownRepository()" -- 'revokeAccess(string,address)' models "$reader"
expect_revert "$owner" "$owner_key" "UnknownRepository()" -- "$shred_sig" models "[]"
send "$owner_key" "$push_sig" models main "$zero" "$head1"
send "$owner_key" "$push_sig" models main "$head1" "$head2"
send "$owner_key" 'grant(string,address)' models "$writer"

echo "visibility: the owner alone"
same "isPrivate(models) before" "$("$cast" call "$registry" 'isPrivate(string)(bool)' models)" false
expect_revert "$writer" "$writer_key" "NotOwner(address)" "$writer" -- 'setPrivate(string,bool)' models true
send "$owner_key" 'setPrivate(string,bool)' models true
note_gas "setPrivate"
same "VisibilitySet topics" "$(topics 0)" \
  "$("$cast" sig-event 'VisibilitySet(bytes32 indexed,bool,address indexed)') $("$cast" keccak models) $(word_of "$owner")"
same "VisibilitySet data" "$(decode_data bool "$(data 0)")" true
same "isPrivate(models)" "$("$cast" call "$registry" 'isPrivate(string)(bool)' models)" true

echo "grants: the owner or a writer, anchored versions only"
expect_revert "$stranger" "$stranger_key" "NotWriter(address)" "$stranger" -- "$grant_sig" models "$reader" "[$head1]" "[$keys1]"
expect_revert "$owner" "$owner_key" "ZeroGrantee()" -- "$grant_sig" models "$nobody" "[$head1]" "[$keys1]"
expect_revert "$owner" "$owner_key" "LengthMismatch()" -- "$grant_sig" models "$reader" "[$head1,$head2]" "[$keys1]"
expect_revert "$owner" "$owner_key" "UnanchoredCommit(bytes32)" "$head3" -- "$grant_sig" models "$reader" "[$head1,$head3]" "[$keys1,$keys2]"
expect_revert "$owner" "$owner_key" "EmptyKeys()" -- "$grant_sig" models "$reader" "[$head1]" "[0x]"
same "hasAccess(models, reader) after the refusals" \
  "$("$cast" call "$registry" 'hasAccess(string,address)(bool)' models "$reader")" false
send "$writer_key" "$grant_sig" models "$reader" "[$head1,$head2]" "[$keys1,$keys2]"
note_gas "grantAccess (new reader, 2 versions)"
granted_event='AccessGranted(bytes32 indexed,address indexed,bytes32 indexed,address,bytes)'
reader_added_event='ReaderAdded(bytes32 indexed,address indexed,address indexed)'
same "logs of the first grant" "$(logs_in_receipt)" 3
same "ReaderAdded topics" "$(topics 0)" \
  "$("$cast" sig-event "$reader_added_event") $("$cast" keccak models) $(word_of "$reader") $(word_of "$writer")"
same "AccessGranted 1 topics" "$(topics 1)" \
  "$("$cast" sig-event "$granted_event") $("$cast" keccak models) $(word_of "$reader") $head1"
same "AccessGranted 1 data (by, keys)" "$(decode_data address,bytes "$(data 1)")" "$("$cast" to-check-sum-address "$writer") $keys1"
same "AccessGranted 2 data (by, keys)" "$(decode_data address,bytes "$(data 2)")" "$("$cast" to-check-sum-address "$writer") $keys2"
same "hasAccess(models, reader)" "$("$cast" call "$registry" 'hasAccess(string,address)(bool)' models "$reader")" true
send "$owner_key" "$grant_sig" models "$reader" "[$head2]" "[$keys2]"
note_gas "grantAccess (existing reader, 1 version)"
same "logs of a grant to a reader (no ReaderAdded)" "$(logs_in_receipt)" 1
send "$owner_key" "$grant_sig" models "$stranger" "[]" "[]"
note_gas "grantAccess (new reader, future versions only)"
same "logs of a grant of future versions only" "$(logs_in_receipt)" 1
same "that log's topic 0" "$(topics 0 | cut -d' ' -f1)" "$("$cast" sig-event "$reader_added_event")"
same "readersOf(models)" "$(lower "$("$cast" call "$registry" 'readersOf(string)(address[])' models)")" "[$reader, $stranger]"

echo "revocation: the owner or a writer; a revoked reader stays listed, a second grant adds it again"
expect_revert "$stranger" "$stranger_key" "NotWriter(address)" "$stranger" -- 'revokeAccess(string,address)' models "$reader"
send "$writer_key" 'revokeAccess(string,address)' models "$reader"
note_gas "revokeAccess"
same "AccessRevoked topics" "$(topics 0)" \
  "$("$cast" sig-event 'AccessRevoked(bytes32 indexed,address indexed,address indexed)') $("$cast" keccak models) $(word_of "$reader") $(word_of "$writer")"
same "hasAccess(models, reader) after the revocation" \
  "$("$cast" call "$registry" 'hasAccess(string,address)(bool)' models "$reader")" false
send "$owner_key" "$grant_sig" models "$reader" "[]" "[]"
same "logs of a grant after a revocation (ReaderAdded)" "$(logs_in_receipt)" 1
same "readersOf(models) after it" "$(lower "$("$cast" call "$registry" 'readersOf(string)(address[])' models)")" "[$reader, $stranger]"

echo "shredding: the owner or a writer, anchored versions, idempotent"
expect_revert "$stranger" "$stranger_key" "NotWriter(address)" "$stranger" -- "$shred_sig" models "[$head1]"
expect_revert "$owner" "$owner_key" "UnanchoredCommit(bytes32)" "$head3" -- "$shred_sig" models "[$head1,$head3]"
same "shreddedAt(models, head1) before" "$("$cast" call "$registry" 'shreddedAt(string,bytes32)(uint256)' models "$head1")" 0
send "$owner_key" "$shred_sig" models "[$head1]"
note_gas "shred (1 version)"
shred_block=$(block_of_receipt)
same "VersionShredded topics" "$(topics 0)" \
  "$("$cast" sig-event 'VersionShredded(bytes32 indexed,bytes32 indexed,address indexed)') $("$cast" keccak models) $head1 $(word_of "$owner")"
same "shreddedAt(models, head1)" "$("$cast" call "$registry" 'shreddedAt(string,bytes32)(uint256)' models "$head1")" "$shred_block"
send "$writer_key" "$shred_sig" models "[$head1,$head2]"
same "logs of shredding one version again and a new one" "$(logs_in_receipt)" 1
same "its commit" "$(topics 0 | cut -d' ' -f3)" "$head2"
same "shreddedAt(models, head1) keeps its first block" \
  "$("$cast" call "$registry" 'shreddedAt(string,bytes32)(uint256)' models "$head1")" "$shred_block"
expect_revert "$owner" "$owner_key" "VersionIsShredded(bytes32)" "$head1" -- "$grant_sig" models "$reader" "[$head1]" "[$keys1]"

echo "the history, read back with cast logs"
"$cast" logs --address "$registry" --from-block 0 "$granted_event" "$("$cast" keccak models)" "$reader" --json > "$work/logs.json"
same "AccessGranted logs to the reader" "$(json "' '.join(l['topics'][3] for l in d)" < "$work/logs.json")" "$head1 $head2 $head2"
"$cast" logs --address "$registry" --from-block 0 'EncryptionKeyPublished(address indexed,bytes,uint256)' "$reader" --json > "$work/logs.json"
same "EncryptionKeyPublished logs of the reader" "$(json "len(d)" < "$work/logs.json")" 2
"$cast" logs --address "$registry" --from-block 0 "$reader_added_event" "$("$cast" keccak models)" --json > "$work/logs.json"
same "ReaderAdded logs" "$(json "len(d)" < "$work/logs.json")" 3

echo "gas (bench/README.md, \"Private models gas\")"
printf '  %s\n' "${gas_report[@]}"
echo "PASS"
