#!/usr/bin/env bash
# Reputation in `mlchain search` against a real anvil and js-ipfs daemon: a governed repository promoted to
# production on the evaluations of two evaluators (accuracy 0.95 and 0.91), listed by cast; search shows
# the stage holder with 2 evaluators and the spread of their results (text and --json), --stage production
# finds it and --stage staging does not; the stage facts come from the index, so --offline shows them too.
# A card the IPFS node does not hold does not hold up the search.
: "${MLCHAIN_PEERS:?path to tests/peers}"
: "${MLCHAIN_SOURCE_DIR:?path to the source tree}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"

start_anvil
start_ipfs
owner_key=$(account private_keys 0); owner=$(account available_accounts 0)
e1_key=$(account private_keys 1); e1=$(account available_accounts 1)
e2_key=$(account private_keys 2); e2=$(account available_accounts 2)
export MLCHAIN_PRIVATE_KEY=$owner_key

echo "a repository promoted to production on two evaluations"
governed_repository
echo "weights B" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate B"
B=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
expect 0 "$MLCHAIN" policy set --evaluator "$e1" --evaluator "$e2" --quorum 2
expect 0 "$MLCHAIN" policy set --stage production --require 'accuracy>=0.9'
for evaluator in "e1_key 0.95" "e2_key 0.91"; do
  read -r key accuracy <<< "$evaluator"
  expect 0 as_key "${!key}" "$MLCHAIN" evaluate "$B" --suite "$work/suite" --metric "accuracy=$accuracy" \
    --out "$work/$key.json"
done
expect 0 "$MLCHAIN" submit "$work/e1_key.json" "$work/e2_key.json"
expect 0 "$MLCHAIN" promote "$B" --stage production

echo "listed by cast"
terms_type='(bytes,string,string[],bool,uint256,uint64,address[],uint16[])'
card=0x015512205891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  # `hello\n` (docs/format.md)
"$cast" send --private-key "$owner_key" --rpc-url "$rpc" --create \
  "$(json_field "$MLCHAIN_SOURCE_DIR/contracts/MlchainCatalogue.json" bytecode)" 'constructor(address)' "$registry" \
  --json > "$work/deploy.json"
catalogue=$(json_field "$work/deploy.json" contractAddress)
"$cast" send --private-key "$owner_key" --rpc-url "$rpc" "$catalogue" "publish(string,string,$terms_type)" \
  tiny-mlp model "($card,MIT,[vision],false,0,0,[$owner],[10000])" > /dev/null
cd "$work"
where=(--rpc "$rpc" --universe "$catalogue")

echo "search shows the holder and its reputation"
# The card (`hello\n`) is on no node: the search does not wait for the network to find it.
expect 0 timeout 20 "$MLCHAIN" search "${where[@]}" --ipfs "$api"
grep -q "^tiny-mlp  MIT  free  production: 2 evaluators  tags: vision$" <<< "$out" || fail "search: $out"
expect 0 "$MLCHAIN" search "${where[@]}" --json --stage production
python3 - "$out" "$B" <<'PY' || fail "search --json --stage production: $out"
import json, sys
listings = json.loads(sys.argv[1])
assert [l["name"] for l in listings] == ["tiny-mlp"], listings
stages = listings[0]["stages"]
assert len(stages) == 1 and stages[0]["stage"] == "production" and stages[0]["commit"] == sys.argv[2], stages
assert stages[0]["evaluators"] == 2, stages
assert stages[0]["metrics"] == [{"metric": "accuracy", "low": 0.91, "high": 0.95, "evaluators": 2}], stages
PY
expect 0 "$MLCHAIN" search "${where[@]}" --stage staging
[ -z "$out" ] || fail "--stage staging found: $out"

echo "offline, from the index alone"
expect 0 "$MLCHAIN" search "${where[@]}" --offline --stage production
grep -q "^tiny-mlp  MIT  free  production: 2 evaluators  tags: vision$" <<< "$out" || fail "search --offline: $out"
echo "ok"
