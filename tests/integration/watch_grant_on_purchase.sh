#!/usr/bin/env bash
# `mlchain watch --grant-on-purchase` against a real anvil and js-ipfs daemon (tests/peers): the owner pushes
# a private repository, deploys its catalogue and lists it privately at a price; its watcher follows the
# catalogue. A buyer with a published encryption key buys, and within seconds clones the listing by name
# with its own key, byte for byte the owner's files; a `purchased` handler given with it sees the buyer,
# listing, price and access end in its JSON and environment. A buyer without a key is not granted: the
# watcher logs why, retries, and parks the event in failed/. A purchase of another repository's listing in
# the same catalogue is no event of this one. A watcher with a key that may not grant, or without a
# catalogue, does not start.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/watch.sh"
lower() { tr 'A-F' 'a-f' <<< "$1"; }

start_anvil
start_ipfs
owner_key=$(account private_keys 0)
buyer_key=$(account private_keys 1); buyer=$(account available_accounts 1)
keyless_key=$(account private_keys 2); keyless=$(account available_accounts 2)
export MLCHAIN_PRIVATE_KEY=$owner_key
price=1000000000000000

expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)
expect 0 as_key "$buyer_key" "$MLCHAIN" key encryption publish --rpc "$rpc" --registry "$registry"

echo "the owner pushes a private repository, deploys its catalogue, lists it privately at a price"
mkdir "$work/a" && cd "$work/a"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo model \
  --chain-id 31337 --private
printf '# model\nA private model.\n' > README.md
head -c 200000 /dev/urandom > weights.bin
echo '{"secret": "lantern-octopus-16"}' > config.json
expect 0 "$MLCHAIN" commit -m "v1" --license MIT
expect 0 "$MLCHAIN" push
expect 0 "$MLCHAIN" universe deploy --json
universe=$(json_field <(echo "$out") universe)
expect 0 "$MLCHAIN" publish private-model --card README.md --private --price "$price"

echo "another repository listed in the same catalogue: its purchases are not this watcher's"
mkdir "$work/other" && cd "$work/other"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo other \
  --chain-id 31337 --universe "$universe"
echo "other" > other.txt
expect 0 "$MLCHAIN" commit -m "other" --license MIT
expect 0 "$MLCHAIN" push
expect 0 "$MLCHAIN" publish other-model --card other.txt --price "$price"

echo "a watcher whose key is neither owner nor writer cannot grant: exit 5 before watching"
cd "$work/a"
expect 5 as_key "$buyer_key" "$MLCHAIN" watch --grant-on-purchase --once
has "is neither the owner nor a writer of model" <<< "$err" || fail "not a writer: $err"

echo "the owner's watcher grants on purchase, and runs a purchased handler after each grant"
cd "$work/a"
watch_in_background "$work/watch.log" --grant-on-purchase --poll 0.2 --retries 2 --retry-delay 0.2 \
  --on "purchased=cat > \"$work/purchase.\$MLCHAIN_EVENT_ID.json\"; env | grep ^MLCHAIN_ | sort > \"$work/purchase.\$MLCHAIN_EVENT_ID.env\""
wait_for 20 logged "$work/watch.log" "following purchases of model's listings in catalogue"
grep -q "names no governance" "$work/watch.log" && fail "a purchased handler is told to wait for a governance"

echo "a purchase of the other listing: nothing delivered"
expect 0 as_key "$buyer_key" "$MLCHAIN" buy other-model --rpc "$rpc" --universe "$universe"

echo "the buyer with a published key buys and clones by name within seconds"
expect 0 as_key "$buyer_key" "$MLCHAIN" buy private-model --rpc "$rpc" --universe "$universe"
wait_for 20 logged "$work/watch.log" "granted 1 version of model to buyer"
cd "$work"
expect 0 as_key "$buyer_key" "$MLCHAIN" clone private-model bought --rpc "$rpc" --universe "$universe" --ipfs "$api"
for file in README.md weights.bin config.json; do
  cmp "$work/a/$file" "$work/bought/$file" || fail "the buyer's $file differs from the owner's"
done
[ "$("$cast" call --rpc-url "$rpc" "$registry" 'hasAccess(string,address)(bool)' model "$buyer")" = true ] ||
  fail "the registry does not record the buyer's access"

echo "the purchased handler saw the purchase, after the grant"
wait_for 10 bash -c "ls \"$work\"/purchase.*.env >/dev/null 2>&1"
[ "$(ls "$work"/purchase.*.json | wc -l)" = 1 ] || fail "the handler ran for another number of purchases: $(ls "$work")"
event_json=$(ls "$work"/purchase.*.json)
[ "$(json_field "$event_json" event)" = purchased ] || fail "event name: $(cat "$event_json")"
[ "$(json_field "$event_json" listing)" = private-model ] || fail "listing: $(cat "$event_json")"
[ "$(json_field "$event_json" repo)" = model ] || fail "repo: $(cat "$event_json")"
[ "$(lower "$(json_field "$event_json" buyer)")" = "$(lower "$buyer")" ] || fail "buyer: $(cat "$event_json")"
[ "$(json_field "$event_json" price)" = "$price" ] || fail "price: $(cat "$event_json")"
[ "$(json_field "$event_json" access_until)" = None ] || fail "access without end: $(cat "$event_json")"
[ "$(lower "$(json_field "$event_json" contract)")" = "$(lower "$universe")" ] || fail "contract: $(cat "$event_json")"
event_env=$(ls "$work"/purchase.*.env)
for want in "MLCHAIN_EVENT=purchased" "MLCHAIN_LISTING=private-model" "MLCHAIN_PRICE=$price" "MLCHAIN_REPO=model"; do
  grep -qx "$want" "$event_env" || fail "the handler's environment lacks $want: $(cat "$event_env")"
done
grep -qix "MLCHAIN_BUYER=$buyer" "$event_env" || fail "MLCHAIN_BUYER: $(cat "$event_env")"
grep -q "MLCHAIN_ACCESS_UNTIL" "$event_env" && fail "MLCHAIN_ACCESS_UNTIL set for access without end"

echo "a buyer without an encryption key: the watcher says why, retries, then parks the event"
expect 0 as_key "$keyless_key" "$MLCHAIN" buy private-model --rpc "$rpc" --universe "$universe"
wait_for 20 logged "$work/watch.log" "purchased parked after 3 attempts"
grep -qi "cannot grant private-model to buyer $keyless: $keyless has published no encryption key" "$work/watch.log" ||
  fail "the watcher does not say why it could not grant: $(tail -n 8 "$work/watch.log")"
parked=$(ls "$work/a/.mlchain/watch/failed/"*-purchased.json)
grep -q "has published no encryption key" "$parked" || fail "the parked event lacks the reason: $(cat "$parked")"
[ "$(ls "$work"/purchase.*.json | wc -l)" = 1 ] || fail "the handler ran for a purchase that was not granted"
[ "$("$cast" call --rpc-url "$rpc" "$registry" 'hasAccess(string,address)(bool)' model "$keyless")" = false ] ||
  fail "the keyless buyer was granted"
expect 6 as_key "$keyless_key" "$MLCHAIN" clone private-model keyless --rpc "$rpc" --universe "$universe" --ipfs "$api"

echo "watch --grant-on-purchase where no catalogue is named: exit 3 before watching"
cd "$work"
mkdir "$work/c" && cd "$work/c"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo third --chain-id 31337
echo "third" > third.txt
expect 0 "$MLCHAIN" commit -m "third"
expect 0 "$MLCHAIN" push
expect 3 "$MLCHAIN" watch --grant-on-purchase --once
has "names no catalogue" <<< "$err" || fail "no catalogue: $err"
echo "ok"
