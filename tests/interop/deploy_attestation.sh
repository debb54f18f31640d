#!/usr/bin/env bash
# A deployment attestation made by `mlchain attest deploy`, read back only with Foundry's cast and the
# reference UnixFS importer (no mlchain code): EAS's getAttestation decoded with `cast abi-decode`, every
# field checked (uid, schema = keccak of the schema text, no resolver, revocable; time = the block's; no
# expiration or revocation; recipient = the commit's author; attester; the data's registry, repository,
# commit digest, environment and tree digest, the tree computed by ipfs-unixfs-importer); the schema's record
# at EAS's SchemaRegistry; the Attested log's topics. Then a revocation sent with cast makes
# `mlchain verify --deployed-to` report nothing attested, and `mlchain ledger` marks it revoked.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
[ -x "$cast" ] || fail "$cast is not installed (run cmake/install-deps.sh test)"
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib/governance.sh"
same() { [ "$2" = "$3" ] || fail "$1: expected $3, got $2"; echo "  $1: $2"; }
lower() { tr A-F a-f <<< "$1"; }

start_anvil
start_ipfs
owner_key=$(account private_keys 0); owner=$(account available_accounts 0)
export MLCHAIN_PRIVATE_KEY=$owner_key
governed_repository
mkdir "$work/deployed" && cp weights.bin "$work/deployed/"

expect 0 "$MLCHAIN" attest deploy "$A" --env prod --path "$work/deployed" --json
uid=$(json_field <(echo "$out") uid)
block=$(json_field <(echo "$out") attestation block)
transaction=$(json_field <(echo "$out") attestation transaction)
gas_register=$(json_field <(echo "$out") schema_registration gas_used)
gas_first=$(json_field <(echo "$out") attestation gas_used)
[ "$("$cast" receipt --rpc-url "$rpc" "$transaction" gasUsed)" = "$gas_first" ] || fail "attest's gas_used is not the receipt's"

schema_text='address registry,string repo,bytes32 commit,string environment,bytes32 tree'
zero_address=0x0000000000000000000000000000000000000000
zero_word=0x0000000000000000000000000000000000000000000000000000000000000000
schema=$("$cast" keccak "$("$cast" abi-encode --packed 'f(string,address,bool)' "$schema_text" "$zero_address" true)")
tree=$(cd "$MLCHAIN_PEERS" && node unixfs-cid.mjs unixfs-v1-2025 "$work/deployed" | cut -d' ' -f1)
block_time=$("$cast" block --rpc-url "$rpc" "$block" --field timestamp)

echo "getAttestation, decoded by cast"
"$cast" call --rpc-url "$rpc" "$eas" \
  'getAttestation(bytes32)((bytes32,bytes32,uint64,uint64,uint64,bytes32,address,address,bool,bytes))' "$uid" \
  --json > "$work/attestation.json"
field() { python3 -c 'import json, sys; print(str(json.load(open(sys.argv[1]))[0][int(sys.argv[2])]).lower())' "$work/attestation.json" "$1"; }
same "uid" "$(field 0)" "$(lower "$uid")"
same "schema" "$(field 1)" "$schema"
same "time (the block's)" "$(field 2)" "$block_time"
same "expirationTime" "$(field 3)" 0
same "revocationTime" "$(field 4)" 0
same "refUID" "$(field 5)" "$zero_word"
same "recipient (A's author)" "$(field 6)" "$(lower "$owner")"
same "attester" "$(field 7)" "$(lower "$owner")"
same "revocable" "$(field 8)" true
"$cast" abi-decode --input 'f(address,string,bytes32,string,bytes32)' "$(field 9)" --json > "$work/data.json"
data() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[int(sys.argv[2])].lower())' "$work/data.json" "$1"; }
same "data: registry" "$(data 0)" "$(lower "$registry")"
same "data: repo" "$(data 1)" model
same "data: commit (A's digest)" "$(data 2)" "$(digest_of "$A")"
same "data: environment" "$(data 3)" prod
same "data: tree (the reference importer's)" "$(data 4)" "$(digest_of "$tree")"

echo "the schema's record"
schema_registry=$("$cast" call --rpc-url "$rpc" "$eas" 'getSchemaRegistry()(address)')
same "getSchema" "$("$cast" call --rpc-url "$rpc" "$schema_registry" 'getSchema(bytes32)((bytes32,address,bool,string))' \
  "$schema" --json | python3 -c 'import json, sys; r = json.load(sys.stdin)[0]; print(r[0], r[1].lower(), r[2], r[3])')" \
  "$schema $zero_address True $schema_text"

echo "the Attested log: recipient, attester, schema indexed; uid in data"
"$cast" receipt --rpc-url "$rpc" "$transaction" --json > "$work/receipt.json"
same "Attested log" "$(python3 - "$work/receipt.json" "$eas" << 'PY'
import json, sys
receipt = json.load(open(sys.argv[1]))
logs = [log for log in receipt["logs"] if log["address"].lower() == sys.argv[2].lower()]
assert len(logs) == 1, logs
print(" ".join(logs[0]["topics"][1:] + [logs[0]["data"]]).lower())
PY
)" "$(lower "0x000000000000000000000000${owner:2} 0x000000000000000000000000${owner:2} $schema $uid")"
[ "$("$cast" keccak 'Attested(address,address,bytes32,bytes32)')" = "$(json_field "$work/receipt.json" logs 0 topics 0)" ] ||
  fail "the log is not EAS's Attested event"

echo "verify --deployed-to before and after a revocation sent with cast"
expect 0 "$MLCHAIN" verify "$A" --chain --deployed-to prod
"$cast" send --rpc-url "$rpc" --private-key "$owner_key" "$eas" 'revoke((bytes32,(bytes32,uint256)))' \
  "($schema,($uid,0))" --json > "$work/revoke.json"
gas_revoke=$(json_field "$work/revoke.json" gasUsed)
"$cast" call --rpc-url "$rpc" "$eas" \
  'getAttestation(bytes32)((bytes32,bytes32,uint64,uint64,uint64,bytes32,address,address,bool,bytes))' "$uid" \
  --json | python3 -c 'import json, sys; assert json.load(sys.stdin)[0][4] > 0' || fail "cast's revocation did not hold"
expect 1 "$MLCHAIN" verify "$A" --chain --deployed-to prod
has "nothing attested deployed to 'prod'" <<< "$out" || fail "verify after the revocation: $out"
expect 0 "$MLCHAIN" ledger
has "deployed $A to 'prod' by .* (revoked)" <<< "$out" || fail "ledger after the revocation: $out"

echo "a second attestation: the schema is not registered again"
expect 0 "$MLCHAIN" attest deploy "$A" --env staging --path "$work/deployed" --json
[ "$(json_field <(echo "$out") schema_registration)" = None ] || fail "the schema was registered again: $out"
gas_second=$(json_field <(echo "$out") attestation gas_used)
echo "gas: register schema $gas_register, first attest $gas_first, later attest $gas_second, revoke $((gas_revoke))"
echo "ok"
