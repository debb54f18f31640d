#!/usr/bin/env bash
# The Model Universe's money path against a real anvil and js-ipfs daemon (tests/peers), every figure checked
# by Foundry's cast: `universe deploy` records the catalogue in the remote and names it in the registry;
# `publish` with an uploaded card, licence, tags, a price of 1 ether and a 70/20/10 split (the listing as
# cast reads it); a second listing takes README.md and the licence of the remote's head; a purchase from
# another key; `earnings` of each payee; three withdrawals whose `cast balance` deltas (plus their fees) sum
# to exactly the price; the catalogue's events decoded by cast; a purchase interrupted after it was sent
# finished from the journal by the rerun; buy, earnings and withdraw outside a repository with
# --rpc/--universe.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/universe.sh"

start_anvil
start_ipfs

owner_key=$(account private_keys 0); owner=$(account available_accounts 0)
buyer_key=$(account private_keys 1)
# Access bought without end is bought once: the interrupted purchase and the one outside a repository
# are other buyers'.
second_buyer_key=$(account private_keys 5)
third_buyer_key=$(account private_keys 6)
a_key=$(account private_keys 2); a=$(account available_accounts 2)
b_key=$(account private_keys 3); b=$(account available_accounts 3)
c_key=$(account private_keys 4); c=$(account available_accounts 4)
export MLCHAIN_PRIVATE_KEY=$owner_key
price=1000000000000000000

echo "registry, repository, universe deploy"
listed_repository
[ "$("$cast" call --rpc-url "$rpc" "$registry" "catalogueOf(string)(address)" model)" = "$universe" ] ||
  fail "the registry does not name $universe as model's catalogue"
expect 0 "$MLCHAIN" config get remote.origin.universe
[ "$out" = "$universe" ] || fail "remote.origin.universe is '$out', not $universe"
[ "$("$cast" call --rpc-url "$rpc" "$universe" "registry()(address)")" = "$registry" ] ||
  fail "the catalogue does not serve $registry"

echo "publish with an uploaded card, licence, tags, price and splits"
printf '# tiny-mlp\nA small model.\n' > "$work/card.md"
expect 0 "$MLCHAIN" publish tiny-mlp --card "$work/card.md" --license MIT --tag vision --tag small \
  --price 1ether --split "$a=7000" --split "$b=2000" --split "$c=1000" --json
card=$(json_field <(echo "$out") card)
[ "$card" = "$("$MLCHAIN" cid "$work/card.md" | cut -d" " -f1)" ] || fail "the card CID $card is not the file's"
[ "$(json_field <(echo "$out") updated)" = False ] || fail "a first publish reads as an update: $out"
curl -sf --max-time 120 -X POST "$api/api/v0/cat?arg=$card" | cmp - "$work/card.md" || fail "the IPFS node does not serve the card"
listing=$("$cast" call --rpc-url "$rpc" "$universe" "listingOf(string)($listing_type)" tiny-mlp)
for want in '"tiny-mlp"' '"model"' "$owner" true '"MIT"' '\["vision", "small"\]' "$price" \
  "\[$a, $b, $c\]" '\[7000, 2000, 1000\]'; do
  grep -qi -- "$want" <<< "$listing" || fail "cast's listing lacks $want: $listing"
done

echo "without --card and --license: README.md and the licence of the remote's head"
expect 0 "$MLCHAIN" publish tiny-free --json
[ "$(json_field <(echo "$out") card)" = "$("$MLCHAIN" cid README.md | cut -d" " -f1)" ] || fail "default card: $out"
[ "$(json_field <(echo "$out") license)" = "Apache-2.0" ] || fail "default licence: $out"
[ "$(json_field <(echo "$out") price_wei)" = 0 ] || fail "default price: $out"
expect 0 "$MLCHAIN" publish tiny-free --tag updated --license Apache-2.0 --json
[ "$(json_field <(echo "$out") updated)" = True ] || fail "a re-publish is not an update: $out"

echo "a purchase from another key credits 70/20/10"
before=$("$cast" balance --rpc-url "$rpc" "$(account available_accounts 1)")
expect 0 as_key "$buyer_key" "$MLCHAIN" buy tiny-mlp --json
[ "$(json_field <(echo "$out") price_wei)" = "$price" ] || fail "buy: $out"
paid=$(wei "$before - $("$cast" balance --rpc-url "$rpc" "$(account available_accounts 1)") - $(fee_of "$(json_field <(echo "$out") transaction)")")
[ "$paid" = "$price" ] || fail "the buyer paid $paid wei besides gas, not $price"
expect 0 as_key "$buyer_key" "$MLCHAIN" earnings --address "$a"
has "balance 0.7 ether (700000000000000000 wei), earned 0.7 ether" <<< "$out" || fail "earnings of a: $out"
expect 0 as_key "$b_key" "$MLCHAIN" earnings --json
[ "$(json_field <(echo "$out") balance_wei)" = 200000000000000000 ] || fail "earnings of b: $out"
[ "$("$cast" call --rpc-url "$rpc" "$universe" "balanceOf(address)(uint256,uint256)" "$c" | head -n 1 | cut -d' ' -f1)" = 100000000000000000 ] ||
  fail "cast: c's balance"

echo "three withdrawals sum to the price"
total=0
for key in "$a_key" "$b_key" "$c_key"; do
  payee=$("$cast" wallet address --private-key "$key")
  before=$("$cast" balance --rpc-url "$rpc" "$payee")
  expect 0 as_key "$key" "$MLCHAIN" withdraw --json
  received=$(wei "$("$cast" balance --rpc-url "$rpc" "$payee") - $before + $(fee_of "$(json_field <(echo "$out") transaction)")")
  [ "$received" = "$(json_field <(echo "$out") amount_wei)" ] || fail "withdraw says $out, cast $received"
  total=$(wei "$total + $received")
done
[ "$total" = "$price" ] || fail "the withdrawals sum to $total wei, not $price"
expect 0 as_key "$a_key" "$MLCHAIN" earnings
has "balance 0 ether (0 wei), earned 0.7 ether" <<< "$out" || fail "earnings after withdraw: $out"

echo "the catalogue's events, decoded by cast"
topic=$("$cast" keccak "Purchased(bytes32,address,string,uint256,uint64)")
logs=$("$cast" logs --rpc-url "$rpc" --from-block 0 --address "$universe" "$topic" --json)
[ "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <<< "$logs")" = 1 ] || fail "Purchased logs: $logs"
data=$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["data"])' <<< "$logs")
"$cast" abi-decode --input "x(string,uint256,uint64)" "$data" | has "^$price" || fail "Purchased data: $data"

echo "a purchase interrupted once sent is finished by the rerun, not bought twice"
"$cast" rpc --rpc-url "$rpc" evm_setAutomine false > /dev/null
expect 5 as_key "$buyer_key" "$MLCHAIN" buy tiny-mlp
has "already has access to tiny-mlp without end" <<< "$err" || fail "a second purchase of a lasting grant: $err"
expect 4 as_key "$second_buyer_key" "$MLCHAIN" buy tiny-mlp --timeout 1
entry=$(ls .mlchain/journal/*.json)
[ "$(json_field "$entry" purpose) $(json_field "$entry" action)" = "catalogue buy" ] || fail "journal: $(cat "$entry")"
"$cast" rpc --rpc-url "$rpc" evm_setAutomine true > /dev/null
"$cast" rpc --rpc-url "$rpc" evm_mine > /dev/null
expect 0 as_key "$second_buyer_key" "$MLCHAIN" buy tiny-mlp
has "finished the interrupted transaction" <<< "$out" || fail "the rerun: $out"
[ -z "$(ls -A .mlchain/journal)" ] || fail "the settled purchase is still journaled"
[ "$("$cast" call --rpc-url "$rpc" "$universe" "listingOf(string)($listing_type)" tiny-mlp | cut -d, -f7)" = " 2" ] ||
  fail "not exactly two purchases"

echo "outside a repository: --rpc and --universe"
cd "$work"
expect 0 as_key "$third_buyer_key" "$MLCHAIN" buy tiny-mlp --rpc "$rpc" --universe "$universe"
ls "$MLCHAIN_HOME/journal" > /dev/null || fail "no journal in MLCHAIN_HOME"
expect 0 "$MLCHAIN" earnings --rpc "$rpc" --universe "$universe" --address "$b"
has "balance 0.4 ether" <<< "$out" || fail "earnings outside: $out"
expect 0 as_key "$b_key" "$MLCHAIN" withdraw --rpc "$rpc" --universe "$universe"
has "withdrew 0.4 ether (400000000000000000 wei)" <<< "$out" || fail "withdraw outside: $out"
expect 0 "$MLCHAIN" publish tiny-elsewhere --rpc "$rpc" --universe "$universe" --repo model --card "$card" --license MIT
has "published tiny-elsewhere -> model" <<< "$out" || fail "publish outside: $out"
expect 2 "$MLCHAIN" publish tiny-file --rpc "$rpc" --universe "$universe" --repo model --card "$work/card.md"
has "pass the card's CID" <<< "$err" || fail "a card file outside a repository: $err"
expect 0 "$MLCHAIN" universe deploy --rpc "$rpc" --registry "$registry" --json
second=$(json_field <(echo "$out") universe)
[ "$second" != "$universe" ] && [ "$(json_field <(echo "$out") remote)" = None ] || fail "deploy outside: $out"
[ "$("$cast" call --rpc-url "$rpc" "$second" "registry()(address)")" = "$registry" ] || fail "$second's registry"
expect 2 "$MLCHAIN" universe deploy --rpc "$rpc"
has -- "--registry" <<< "$err" || fail "--rpc without --registry: $err"
expect 2 "$MLCHAIN" earnings --rpc "$rpc"
has "universe" <<< "$err" || fail "--rpc alone: $err"
expect 2 "$MLCHAIN" earnings
has -- "--rpc URL --universe ADDR" <<< "$err" || fail "no catalogue outside a repository: $err"
echo "ok"
