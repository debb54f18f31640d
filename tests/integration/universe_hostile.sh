#!/usr/bin/env bash
# The catalogue commands against hostile input, on one anvil and one js-ipfs daemon: listings written with
# cast directly, bypassing mlchain's checks (a card of junk bytes, a card of 128 bytes, an identity-hash
# card, tags and a licence of control characters, NUL and invalid UTF-8, 16 payees, an update turning a
# good card into junk): info shows every listing, escapes what it prints, names an unreadable card, and one
# bad listing never makes another unreadable; clone of a listing with a junk card still clones. Amounts,
# durations and splits a user mistypes are usage errors (exit 2); a key without funds and an owner buying
# its own listing are refusals (exit 5); a price raised between the buyer's read and the block is the
# contract's refusal naming what was sent, and the rerun buys once at the new price; a node that never
# answers costs one request timeout, not one per retry; a node serving another chain than the remote
# records is refused by info and clone NAME. search lists every listing (an unreadable card, invalid
# UTF-8 tags and all), and an index file of junk is corruption (exit 1), a directory in its place exit 5.
: "${MLCHAIN_PEERS:?path to tests/peers}"
lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
source "$lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/universe.sh"

start_anvil
start_ipfs
owner_key=$(account private_keys 0); owner=$(account available_accounts 0)
a=$(account available_accounts 2)
export MLCHAIN_PRIVATE_KEY=$owner_key
listed_repository
universe_flags=(--rpc "$rpc" --universe "$universe")

# `listed_by_cast NAME CARD-HEX LICENSE-HEX TAGS-HEX PAYEES SHARES PRICE`: publish(NAME, "model", terms)
# sent by the owner with calldata built outside mlchain (strings as hex, so any bytes can be written).
hex() { printf "$1" | xxd -p | tr -d '\n'; }
listed_by_cast() {
  local data
  data=$(python3 "$lib/publish_calldata.py" \
    "$("$cast" sig 'publish(string,string,(bytes,string,string[],bool,uint256,uint64,address[],uint16[]))')" \
    "$1" model "$2" "$3" "$4" 0 "$7" 0 "$5" "$6")
  expect_exit 0 "$cast" send --rpc-url "$rpc" --private-key "$owner_key" "$universe" "$data"
}
readme_card=$("$MLCHAIN" cid README.md | cut -d' ' -f1)
readme_card_hex=$(python3 -c '
import sys
text, alphabet, bits, count, out = sys.argv[1][1:], "abcdefghijklmnopqrstuvwxyz234567", 0, 0, bytearray()
for c in text:
    bits, count = (bits << 5) | alphabet.index(c), count + 5
    if count >= 8:
        count -= 8
        out.append((bits >> count) & 255)
print(out.hex())' "$readme_card")

echo "listings cast wrote, bypassing mlchain's checks"
listed_by_cast good "$readme_card_hex" "$(hex MIT)" "$(hex good)" "$owner" 10000 0
listed_by_cast junk 0xdeadbeef "$(hex MIT)" "$(hex junk)" "$owner" 10000 0
listed_by_cast long "$(printf 'ab%.0s' $(seq 128))" "$(hex MIT)" "" "$owner" 10000 0
listed_by_cast ident "01550005$(hex hello)" "$(hex MIT)" "" "$owner" 10000 0
listed_by_cast controls "$readme_card_hex" "$(printf '01%.0s' $(seq 64))" \
  "$(hex 'a\nb'),$(hex '\033[31mred'),$(hex 'x\0y'),fffe" "$owner" 10000 0
payees=$(for i in $(seq 16); do printf '0x%040x,' "$i"; done)
listed_by_cast sixteen "$readme_card_hex" "$(hex MIT)" "" "${payees%,}" "$(printf '625,%.0s' $(seq 15))625" 1000

echo "info shows each, the good one too: one junk card of its owner does not make the others unreadable"
expect 0 "$MLCHAIN" info good "${universe_flags[@]}"
has "card        $readme_card" <<< "$out" || fail "info good: $out"
has "author  .*: 6 listings published" <<< "$out" || fail "the author's record counts every listing: $out"
expect 0 "$MLCHAIN" info junk "${universe_flags[@]}"
has -F "card        (unreadable: 0xdeadbeef is not a CID)" <<< "$out" || fail "info junk: $out"
expect 0 "$MLCHAIN" info junk --json "${universe_flags[@]}"
[ "$(json_field <(echo "$out") unreadable_card)" = 0xdeadbeef ] && [ "$(json_field <(echo "$out") card)" = None ] ||
  fail "info junk --json: $out"
expect 0 "$MLCHAIN" info long "${universe_flags[@]}"
has -F "(unreadable: 0x$(printf 'ab%.0s' $(seq 128)) is not a CID)" <<< "$out" || fail "info long: $out"
expect 0 "$MLCHAIN" info ident "${universe_flags[@]}"
has "card        bafkqablimvwgy3y" <<< "$out" || fail "info ident: $out"
expect 0 "$MLCHAIN" info controls "${universe_flags[@]}"
! LC_ALL=C grep -q $'[\x01\x1b\xfe\xff]' <<< "$out" || fail "info printed raw control bytes: $(cat -v <<< "$out")"
has -F 'tags        a\nb, \033[31mred, x\000y, \377\376' <<< "$out" || fail "info controls, tags: $out"
has -F 'license     \001\001' <<< "$out" || fail "info controls, licence: $out"
expect 0 "$MLCHAIN" info controls --json "${universe_flags[@]}"
[ "$(json_field <(echo "$out") tags 1)" = $'\e[31mred' ] || fail "info controls --json: $out"
expect 0 "$MLCHAIN" info sixteen "${universe_flags[@]}"
has -F "0x0000000000000000000000000000000000000010 6.25%" <<< "$out" || fail "info sixteen: $out"

echo "an update turning a good card into junk; clone still resolves the listing"
listed_by_cast good 0xdeadbeef "$(hex MIT)" "$(hex good)" "$owner" 10000 0
expect 0 "$MLCHAIN" info good "${universe_flags[@]}"
has -F "(unreadable: 0xdeadbeef is not a CID)" <<< "$out" || fail "info good after the update: $out"
expect 0 "$MLCHAIN" clone good "$work/cloned" "${universe_flags[@]}" --ipfs "$api"
cmp "$work/cloned/README.md" README.md || fail "clone good: README.md differs"

echo "search indexes every listing, escapes what it prints, and says what is wrong with an index file"
expect 0 "$MLCHAIN" search "${universe_flags[@]}" --ipfs "$api"
for name in good junk long ident controls sixteen; do has "^$name  " <<< "$out" || fail "search lacks $name: $out"; done
! LC_ALL=C grep -q $'[\x01\x1b\xfe\xff]' <<< "$out" || fail "search printed raw control bytes: $(cat -v <<< "$out")"
expect 0 "$MLCHAIN" search good --json "${universe_flags[@]}"
[ "$(json_field <(echo "$out") 0 unreadable_card)" = 0xdeadbeef ] || fail "search --json, the junk card: $out"
index_file=$(echo "$MLCHAIN_HOME"/catalogue/*.sqlite3)
cp "$index_file" "$work/index.sqlite3"
head -c 4096 /dev/urandom > "$index_file"
expect 1 "$MLCHAIN" search "${universe_flags[@]}"
has "remove the file" <<< "$err" || fail "a junk index: $err"
rm -f "$index_file"* && mkdir "$index_file"
expect 5 "$MLCHAIN" search "${universe_flags[@]}"
has "cannot open it" <<< "$err" || fail "a directory for the index: $err"
rmdir "$index_file" && cp "$work/index.sqlite3" "$index_file"

echo "amounts, durations and splits a user mistypes: usage errors"
for price in 0.1.1ether -1 1e18 0.0000000000000000001ether "1 ether" 5GWEI; do
  expect 2 "$MLCHAIN" publish priced --license MIT --price "$price"
  has -F -- "--price: '$price' is not an amount" <<< "$err" || fail "--price $price: $err"
done
for price in 99999999999999999999999999999999999999999ether 340282366920938463463374607431768211456; do
  expect 2 "$MLCHAIN" publish priced --license MIT --price "$price"
  has "price above 2^128 - 1 wei" <<< "$err" || fail "--price $price: $err"
done
expect 2 "$MLCHAIN" publish priced --license MIT --price 1 --split "$a=9999"
has "sum to 9999 basis points" <<< "$err" || fail "splits summing to 9999: $err"
expect 2 "$MLCHAIN" publish priced --license MIT --price 1 --split "$a=5000" --split "$owner=5001"
has "sum to 10001 basis points" <<< "$err" || fail "splits summing to 10001: $err"
expect 2 "$MLCHAIN" publish priced --license MIT --price 1 --split "$a=5000" --split "$a=5000"
has "names 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC twice" <<< "$err" || fail "a payee named twice: $err"
expect 2 "$MLCHAIN" publish priced --license MIT --price 1 --split "0x0000000000000000000000000000000000000000=10000"
has "zero address" <<< "$err" || fail "a zero payee: $err"
for days in -1 1.5 213503982334602; do
  expect 2 "$MLCHAIN" publish priced --license MIT --price 1 --duration "$days"
  has -F -- "--duration '$days' is not a whole number of days" <<< "$err" || fail "--duration $days: $err"
done
for name in UPPER "$(printf 'a%.0s' $(seq 65))" "tіny" ./dir; do
  expect 2 "$MLCHAIN" publish "$name" --license MIT
  has "listing name" <<< "$err" || fail "listing name $name: $err"
done
expect 2 "$MLCHAIN" earnings --address 0x12
expect 2 "$MLCHAIN" earnings --address 0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266
has "EIP-55 checksum" <<< "$err" || fail "a mistyped checksum: $err"
[ -z "$(ls -A .mlchain/journal 2>/dev/null)" ] || fail "a usage error left a journal entry"

echo "a key without funds: refused, not a usage error; an owner buying its own listing: refused"
expect 5 as_key "0x$(printf '1%.0s' $(seq 64))" "$MLCHAIN" buy sixteen
has "cannot pay for gas on chain 31337" <<< "$err" || fail "buying without funds: $err"
expect 5 "$MLCHAIN" buy sixteen
has "owns the listing sixteen and always has access" <<< "$err" || fail "buying one's own listing: $err"
[ "$("$cast" call --rpc-url "$rpc" "$universe" "listingOf(string)($listing_type)" sixteen | cut -d, -f7)" = " 0" ] ||
  fail "sixteen was bought"

echo "the owner raises the price between the buyer's read and the block: the contract's refusal, with what was sent"
buyer_key=$(account private_keys 4)
pending() { "$cast" rpc --rpc-url "$rpc" txpool_status | python3 -c 'import json, sys; print(int(json.load(sys.stdin)["pending"], 16))'; }
"$cast" rpc --rpc-url "$rpc" evm_setAutomine false > /dev/null
as_key "$buyer_key" "$MLCHAIN" buy sixteen > "$work/buy.out" 2> "$work/buy.err" & buyer=$!
for _ in $(seq 100); do [ "$(pending)" -ge 1 ] && break; sleep 0.1; done
[ "$(pending)" -ge 1 ] || fail "the purchase was not sent: $(cat "$work/buy.err")"
raise=$("$cast" calldata 'publish(string,string,(bytes,string,string[],bool,uint256,uint64,address[],uint16[]))' \
  sixteen model "(0x$readme_card_hex,\"MIT\",[],false,2000,0,[$owner],[10000])")
# A higher tip puts the owner's update first in the block.
expect_exit 0 "$cast" send --async --rpc-url "$rpc" --private-key "$owner_key" --gas-price 100gwei \
  --priority-gas-price 50gwei --gas-limit 500000 "$universe" "$raise"
"$cast" rpc --rpc-url "$rpc" evm_setAutomine true > /dev/null
"$cast" rpc --rpc-url "$rpc" evm_mine > /dev/null
code=0; wait "$buyer" || code=$?
[ "$code" -eq 5 ] || fail "a purchase at the old price exited $code: $(cat "$work/buy.err")"
has "refuses a payment of 1000 wei: the price is 2000 wei" < "$work/buy.err" || fail "the refusal: $(cat "$work/buy.err")"
expect 0 as_key "$buyer_key" "$MLCHAIN" buy sixteen
has "for 0.000000000000002 ether" <<< "$out" || fail "the rerun: $out"
[ "$("$cast" call --rpc-url "$rpc" "$universe" "listingOf(string)($listing_type)" sixteen | cut -d, -f7)" = " 1" ] ||
  fail "not exactly one purchase"
echo "a node that accepts the connection and never answers: one timeout (30 s), not one per retry"
python3 -c '
import socket, sys, time
server = socket.create_server(("127.0.0.1", 0))
open(sys.argv[1], "w").write(str(server.getsockname()[1]))
held = []
while True:
    held.append(server.accept()[0])' "$work/hang-port" & hanging=$!
at_exit "kill $hanging"
for _ in $(seq 100); do [ -s "$work/hang-port" ] && break; sleep 0.1; done
started=$(date +%s)
expect 4 "$MLCHAIN" info good --rpc "http://127.0.0.1:$(cat "$work/hang-port")" --universe "$universe"
has "timed out" <<< "$err" || fail "info against a hanging node: $err"
[ $(($(date +%s) - started)) -lt 50 ] || fail "info took $(($(date +%s) - started)) s against a hanging node"

echo "a remote recording another chain than its node serves: info and clone NAME refuse, naming both"
expect 0 "$MLCHAIN" config set remote.origin.chain-id 5
expect 2 "$MLCHAIN" info good
has "serves chain 31337, not chain 5 as configured for remote 'origin'" <<< "$err" || fail "info on another chain: $err"
expect 2 "$MLCHAIN" clone good "$work/chain5"
has "serves chain 31337, not chain 5" <<< "$err" || fail "clone NAME on another chain: $err"
echo "ok"
