#!/usr/bin/env bash
# Deployment attestations end to end against a real anvil and IPFS daemon (tests/peers): `attest deploy`
# verifies the deployed files (the work tree, or --path DIR) before it attests, registers the schema once;
# `verify --chain --deployed-to ENV` passes for the commit attested last and fails, naming it, for any
# other; an outsider's attestation is ignored unless --attester names it; a writer's counts; a revoked one
# no longer counts; a tampered work tree or directory is refused (exit 1) with nothing sent; an unanchored
# commit is refused (exit 5); an unreachable RPC is exit 4; an environment never attested is exit 1
# "nothing attested"; the ledger lists the deployments.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"

start_anvil
start_ipfs
owner_key=$(account private_keys 0); owner=$(account available_accounts 0)
writer_key=$(account private_keys 1); writer=$(account available_accounts 1)
outsider_key=$(account private_keys 4); outsider=$(account available_accounts 4)
export MLCHAIN_PRIVATE_KEY=$owner_key
nonce() { "$cast" nonce --rpc-url "$rpc" "$1"; }
lower() { tr A-F a-f <<< "$1"; }

echo "registry, repository with commit A pushed, governance (EAS deployed with it)"
governed_repository
mkdir "$work/deploy-a" && cp weights.bin "$work/deploy-a/"

echo "attest A (the work tree) to prod: the schema is registered first"
expect 0 "$MLCHAIN" attest deploy HEAD --env prod --json
[ "$(json_field <(echo "$out") commit)" = "$A" ] || fail "attest commit: $out"
[ "$(lower "$(json_field <(echo "$out") eas)")" = "$(lower "$eas")" ] || fail "attest used another EAS: $out"
[ "$(json_field <(echo "$out") schema_registration)" != "None" ] || fail "the first attestation registered no schema: $out"
uid_a=$(json_field <(echo "$out") uid)

echo "B committed and pushed: verify --deployed-to prod passes for A only"
echo "weights B" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate B"
B=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
expect 0 "$MLCHAIN" verify "$A" --path "$work/deploy-a" --chain --deployed-to prod
has "last attested deployed to 'prod': $A" <<< "$out" || fail "verify A: $out"
expect 1 "$MLCHAIN" verify "$B" --chain --deployed-to prod
has "not-deployed prod: expected $A, actual $B" <<< "$out" || fail "verify B before its attestation: $out"

echo "attest B (text output): B passes, A fails; the schema is not registered again"
expect 0 "$MLCHAIN" attest deploy "$B" --env prod --json
[ "$(json_field <(echo "$out") schema_registration)" = "None" ] || fail "the schema was registered twice: $out"
uid_b=$(json_field <(echo "$out") uid)
expect 0 "$MLCHAIN" verify "$B" --chain --deployed-to prod
expect 1 "$MLCHAIN" verify "$A" --path "$work/deploy-a" --chain --deployed-to prod
has "expected $B, actual $A" <<< "$out" || fail "verify A after B: $out"

echo "an outsider's attestation of A is ignored, unless --attester names it"
expect 0 as_key "$outsider_key" "$MLCHAIN" attest deploy "$A" --env prod --path "$work/deploy-a"
expect 0 "$MLCHAIN" verify "$B" --chain --deployed-to prod
expect 1 "$MLCHAIN" verify "$A" --path "$work/deploy-a" --chain --deployed-to prod
expect 0 "$MLCHAIN" verify "$A" --path "$work/deploy-a" --chain --deployed-to prod --attester "$outsider" --json
[ "$(lower "$(json_field <(echo "$out") deployment attester)")" = "$(lower "$outsider")" ] || fail "--attester: $out"
expect 1 "$MLCHAIN" verify "$B" --chain --deployed-to prod --attester "$outsider"

echo "a writer's attestation counts; once it revokes it, B is the current deployment again"
expect 0 "$MLCHAIN" registry grant "$writer"
expect 0 as_key "$writer_key" "$MLCHAIN" attest deploy "$A" --env prod --path "$work/deploy-a" --json
uid_w=$(json_field <(echo "$out") uid)
expect 0 "$MLCHAIN" verify "$A" --path "$work/deploy-a" --chain --deployed-to prod
expect 5 "$MLCHAIN" attest revoke "$uid_w"
has "only its attester" <<< "$err" || fail "revoke by another: $err"
expect 0 as_key "$writer_key" "$MLCHAIN" attest revoke "$uid_w"
expect 0 "$MLCHAIN" verify "$B" --chain --deployed-to prod
expect 1 "$MLCHAIN" verify "$A" --path "$work/deploy-a" --chain --deployed-to prod

echo "tampered content is refused before anything is signed"
before=$(nonce "$owner")
echo "tampered" > weights.bin
expect 1 "$MLCHAIN" attest deploy HEAD --env prod
has "refusing to attest $B" <<< "$err" || fail "tampered work tree: $err"
echo "weights B" > weights.bin
echo "tampered" > "$work/deploy-a/weights.bin"
expect 1 "$MLCHAIN" attest deploy "$A" --env prod --path "$work/deploy-a"
echo "weights A" > "$work/deploy-a/weights.bin"
echo "extra" > "$work/deploy-a/extra.bin"
expect 1 "$MLCHAIN" attest deploy "$A" --env prod --path "$work/deploy-a"
rm "$work/deploy-a/extra.bin"
[ "$(nonce "$owner")" -eq "$before" ] || fail "a refused attestation sent a transaction"

echo "an unanchored commit is refused; a bad environment name is a usage error"
echo "weights C" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate C"
expect 5 "$MLCHAIN" attest deploy HEAD --env prod
has "is not anchored" <<< "$err" || fail "unanchored: $err"
expect 2 "$MLCHAIN" attest deploy HEAD --env "prod/eu"
expect 2 "$MLCHAIN" verify "$B" --deployed-to prod
[ "$(nonce "$owner")" -eq "$before" ] || fail "a refused attestation sent a transaction"
expect 0 "$MLCHAIN" checkout "$B"

echo "an environment never attested: exit 1, nothing attested"
expect 1 "$MLCHAIN" verify "$B" --chain --deployed-to staging
has "nothing attested deployed to 'staging'" <<< "$out" || fail "unknown environment: $out"
has "not-deployed staging: expected nothing attested" <<< "$out" || fail "unknown environment: $out"

echo "the ledger lists the deployments, oldest first, the revoked one marked"
expect 0 "$MLCHAIN" ledger --json
echo "$out" > "$work/ledger.json"
python3 - "$work/ledger.json" "$A" "$B" "$uid_a" "$uid_b" "$uid_w" "$owner" "$outsider" "$writer" << 'PY' ||
import json, sys
ledger, a, b, uid_a, uid_b, uid_w, owner, outsider, writer = sys.argv[1:]
rows = [row for row in json.load(open(ledger)) if row["event"] == "deployed"]
got = [(row["commit"], row["environment"], row["attester"].lower(), row["revoked"]) for row in rows]
want = [(a, "prod", owner.lower(), False), (b, "prod", owner.lower(), False), (a, "prod", outsider.lower(), False),
        (a, "prod", writer.lower(), True)]
assert got == want, got
assert [row["uid"] for row in rows][:2] == [uid_a, uid_b] and rows[3]["uid"] == uid_w, rows
assert all(row["block"] > 0 and row["time"] > 0 for row in rows), rows
PY
  fail "ledger: $out"
expect 0 "$MLCHAIN" ledger "$B"
has "deployed $B to 'prod' by" <<< "$out" || fail "ledger text: $out"
has "deployed $A" <<< "$out" && fail "ledger REV lists another commit: $out"

echo "cite carries a commit's standing deployments by writers: not the outsider's, not the revoked one"
expect 0 "$MLCHAIN" cite "$A" --format json
echo "$out" > "$work/cite-a.json"
python3 - "$work/cite-a.json" "$uid_a" "$owner" << 'PY' || fail "cite A's deployments: $out"
import json, sys
citation, uid_a, owner = sys.argv[1:]
rows = json.load(open(citation))["deployments"]
assert [(row["environment"], row["uid"], row["attester"].lower()) for row in rows] == [("prod", uid_a, owner.lower())], rows
assert rows[0]["block"] > 0 and rows[0]["time"] > 0 and rows[0]["transaction"].startswith("0x"), rows
PY
expect 0 "$MLCHAIN" cite "$A"
has "Attested deployed to prod by" <<< "$out" || fail "the BibTeX note lacks the deployment: $out"

echo "an ancestor of a pushed head is anchored as verify --chain finds it: it is attested"
expect 0 "$MLCHAIN" checkout main
C=$(cat .mlchain/refs/heads/main)
echo "weights D" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate D"
expect 0 "$MLCHAIN" push
expect 0 "$MLCHAIN" checkout "$C"
expect 0 "$MLCHAIN" attest deploy "$C" --env canary
expect 0 "$MLCHAIN" verify "$C" --chain --deployed-to canary
expect 0 "$MLCHAIN" checkout "$B"

echo "an unreachable RPC is exit 4"
expect 0 "$MLCHAIN" remote add down --ipfs "$api" --rpc "http://127.0.0.1:9" --registry "$registry" --repo model --chain-id 31337
expect 4 "$MLCHAIN" attest deploy "$B" down --env prod
expect 4 "$MLCHAIN" verify "$B" --chain --remote down --deployed-to prod
expect 4 "$MLCHAIN" ledger down
echo "ok"
