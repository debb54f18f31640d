# Shared by tests/interop/governance_contract.sh and bench/governance_gas.sh: deploys EAS (from the
# committed package artifacts, contracts/eas/), MlchainRegistry and MlchainGovernance with cast alone, and
# builds, signs (EIP-712, `cast wallet sign --data`) and submits evaluation attestations the way an
# evaluator and a relayer would. Needs $cast, $work, $MLCHAIN_SOURCE_DIR and an exported ETH_RPC_URL.

zero=0x0000000000000000000000000000000000000000000000000000000000000000
zero_address=0x0000000000000000000000000000000000000000
attest_sig='attest((bytes32,(address,uint64,bool,bytes32,bytes,uint256)))'
attest_by_delegation_sig='attestByDelegation((bytes32,(address,uint64,bool,bytes32,bytes,uint256),(uint8,bytes32,bytes32),address,uint64))'
multi_attest_by_delegation_sig='multiAttestByDelegation((bytes32,(address,uint64,bool,bytes32,bytes,uint256)[],(uint8,bytes32,bytes32)[],address,uint64)[])'
rule_type='(bytes32,uint8,int256)'
policy_type="($rule_type[],$rule_type[],bytes32,uint8,address[],bool,$rule_type[],$rule_type[])"
set_stage_policy_sig="setStagePolicy(string,bytes32,$policy_type)"
check_sig='check(string,bytes32,bytes32)((uint8,bytes32,uint8,int256,uint256,uint256,bool,int256[],bool[])[])'
holder_of_sig='holderOf(string,bytes32)(bytes32,uint64,bytes32,bytes32[])'
round_of_sig='roundOf(string)(uint64,bytes32,address[],uint8)'

json() { python3 -c 'import json, sys; print(eval(sys.argv[1], {"d": json.load(sys.stdin)}))' "$1"; }
lower() { tr 'A-F' 'a-f' <<< "$1"; }

# deploy KEY ARTIFACT [CONSTRUCTOR-SIG ARGS…]: deploys the artifact's creation code (constructor arguments
# ABI-encoded and appended by cast) and prints the new contract's address.
deploy() {
  local signing_key=$1 artifact=$2
  shift 2
  "$cast" send --private-key "$signing_key" --create "$(json "d['bytecode']" < "$artifact")" "$@" --json > "$work/deploy.json"
  [ "$(json "d['status']" < "$work/deploy.json")" = 0x1 ] || { echo "FAIL: deploying $artifact failed" >&2; exit 1; }
  json "d['contractAddress'].lower()" < "$work/deploy.json"
}

# deploy_stack KEY: SchemaRegistry, EAS, MlchainRegistry and MlchainGovernance, in $schema_registry, $eas,
# $registry and $governance; the evaluation schema's UID in $evaluation_schema.
deploy_stack() {
  local signing_key=$1 contracts="$MLCHAIN_SOURCE_DIR/contracts"
  schema_registry=$(deploy "$signing_key" "$contracts/eas/SchemaRegistry.json")
  eas=$(deploy "$signing_key" "$contracts/eas/EAS.json" 'constructor(address)' "$schema_registry")
  registry=$(deploy "$signing_key" "$contracts/MlchainRegistry.json")
  governance=$(deploy "$signing_key" "$contracts/MlchainGovernance.json" 'constructor(address,address)' "$eas" "$registry")
  governance_deploy_gas=$(($(json "d['gasUsed']" < "$work/deploy.json")))
  evaluation_schema=$("$cast" call "$governance" 'evaluationSchema()(bytes32)')
}

# evaluation_data COMMIT SUITE NAMES VALUES: the attestation data, NAMES and VALUES as cast arrays
# ("[accuracy,drift]" "[950000000000000000,0]").
evaluation_data() { "$cast" abi-encode 'f(bytes32,bytes32,string[],int256[])' "$@"; }

# current_round REPO: the round UID evaluations of REPO must carry as refUID.
current_round() { "$cast" call "$governance" "$round_of_sig" "$1" --json | json "d[1]"; }

# sign_evaluation KEY ATTESTER DATA REFUID NONCE DEADLINE FILE: writes the EIP-712 typed data of the EAS
# Attest request to FILE (as `cast wallet sign --data` and `cast wallet verify --data` take it) and prints
# the 65-byte signature.
sign_evaluation() {
  local signing_key=$1 attester=$2 data=$3 ref=$4 nonce=$5 deadline=$6 file=$7
  python3 - "$attester" "$evaluation_schema" "$ref" "$data" "$nonce" "$deadline" "$("$cast" chain-id)" "$eas" > "$file" <<'EOF'
import json, sys
attester, schema, ref, data, nonce, deadline, chain, eas = sys.argv[1:]
print(json.dumps({
    "types": {
        "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                         {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
        "Attest": [{"name": n, "type": t} for n, t in [
            ("attester", "address"), ("schema", "bytes32"), ("recipient", "address"), ("expirationTime", "uint64"),
            ("revocable", "bool"), ("refUID", "bytes32"), ("data", "bytes"), ("value", "uint256"),
            ("nonce", "uint256"), ("deadline", "uint64")]],
    },
    "primaryType": "Attest",
    "domain": {"name": "EAS", "version": "1.4.0", "chainId": int(chain), "verifyingContract": eas},
    "message": {"attester": attester, "schema": schema, "recipient": "0x" + "0" * 40, "expirationTime": "0",
                "revocable": False, "refUID": ref, "data": data, "value": "0", "nonce": nonce, "deadline": deadline},
}))
EOF
  "$cast" wallet sign --private-key "$signing_key" --data --from-file "$file"
}

# signature_tuple SIGNATURE: "(v,r,s)" as EAS's Signature struct takes it.
signature_tuple() { echo "($((16#${1:130:2})),0x${1:2:64},0x${1:66:64})"; }

# request_data DATA REFUID: the AttestationRequestData of an evaluation.
request_data() { echo "($zero_address,0,false,$2,$1,0)"; }

# delegated_request ATTESTER DATA REFUID SIGNATURE DEADLINE: one MultiDelegatedAttestationRequest entry.
delegated_request() {
  echo "($evaluation_schema,[$(request_data "$2" "$3")],[$(signature_tuple "$4")],$1,$5)"
}
