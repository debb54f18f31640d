# Sourced by the gated-promotion tests after lib/expect.sh, make_workspace and lib/peers.sh.
#   governed_repository   deploys a registry, makes the repository "model" in $work/a (commit A pushed,
#                         its CID in $A), deploys the governance for it; sets $registry, $governance, $eas,
#                         and the evaluation suite directory $work/suite; leaves the shell in $work/a
#   as_key KEY CMD…       CMD with MLCHAIN_PRIVATE_KEY=KEY
#   json_field FILE K…    the value at keys/indices K… of the JSON document in FILE
#   digest_of CID         the sha2-256 digest inside a base32 CIDv1, as 0x hex (the registry's bytes32)
as_key() { local key=$1; shift; MLCHAIN_PRIVATE_KEY=$key "$@"; }
json_field() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]: d = d[int(k)] if isinstance(d, list) else d[k]
print(json.dumps(d) if isinstance(d, (dict, list)) else d)' "$@"; }
digest_of() { python3 -c '
import base64, sys
cid = sys.argv[1][1:].upper()
print("0x" + base64.b32decode(cid + "=" * (-len(cid) % 8))[-32:].hex())' "$1"; }

governed_repository() {
  expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
  registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)
  mkdir "$work/suite" && echo "x,y" > "$work/suite/test.csv"
  mkdir "$work/a" && cd "$work/a"
  expect 0 "$MLCHAIN" init
  expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo model --chain-id 31337
  echo "weights A" > weights.bin
  expect 0 "$MLCHAIN" commit -m "candidate A"
  A=$(cat .mlchain/refs/heads/main)
  expect 0 "$MLCHAIN" push
  expect 0 "$MLCHAIN" governance deploy --json
  governance=$(json_field <(echo "$out") governance)
  eas=$(json_field <(echo "$out") eas)
}
