#!/usr/bin/env bash
# `mlchain info NAME` and `mlchain clone NAME` against a real anvil and js-ipfs daemon (tests/peers): a
# governed repository promoted on the evaluations of two evaluators, listed in a catalogue by cast (the
# independent check of what mlchain reads); info shows the listing's terms, the branch head, the stage holder
# with 2 evaluators and the spread of what they attested, and the author's record; `clone NAME` gives the same
# head and files as cloning the listing's mlchain:// URL, inside a repository and outside it; an unknown name
# is not found (exit 3); an unlisted listing still clones, with a warning. An evaluator's later result
# replaces its earlier one in the spread; an author's second listing of the same repository counts as a
# listing, not as more promotions.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"
lower() { tr 'A-F' 'a-f' <<< "$1"; }

start_anvil
start_ipfs
owner_key=$(account private_keys 0); owner=$(account available_accounts 0)
e1_key=$(account private_keys 1); e1=$(account available_accounts 1)
e2_key=$(account private_keys 2); e2=$(account available_accounts 2)
export MLCHAIN_PRIVATE_KEY=$owner_key

echo "a repository promoted to production on two evaluations"
governed_repository
echo "# tiny-mlp" > README.md
echo "weights B" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate B"
B=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
expect 0 "$MLCHAIN" policy set --evaluator "$e1" --evaluator "$e2" --quorum 2
expect 0 "$MLCHAIN" policy set --stage production --require 'accuracy>=0.9'
for evaluator in "e1_key 0.95" "e2_key 0.91"; do
  read -r key accuracy <<< "$evaluator"
  expect 0 as_key "${!key}" "$MLCHAIN" evaluate "$B" --suite "$work/suite" --metric "accuracy=$accuracy" \
    --metric "loss=0.$((${accuracy#0.} - 80))" --out "$work/$key.json"
done
expect 0 "$MLCHAIN" submit "$work/e1_key.json" "$work/e2_key.json"
expect 0 "$MLCHAIN" promote "$B" --stage production

echo "a catalogue listing it, by cast"
terms_type='(bytes,string,string[],bool,uint256,uint64,address[],uint16[])'
# `hello\n`'s CID (docs/format.md) in binary, and as text.
card=0x015512205891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
card_text=$(python3 -c 'import base64, sys; print("b" + base64.b32encode(bytes.fromhex(sys.argv[1][2:])).decode().lower().rstrip("="))' "$card")
"$cast" send --private-key "$owner_key" --rpc-url "$rpc" --create \
  "$(json_field "$MLCHAIN_SOURCE_DIR/contracts/MlchainCatalogue.json" bytecode)" 'constructor(address)' "$registry" \
  --json > "$work/deploy.json"
catalogue=$(json_field "$work/deploy.json" contractAddress)
"$cast" send --private-key "$owner_key" --rpc-url "$rpc" "$catalogue" "publish(string,string,$terms_type)" \
  tiny-mlp model "($card,MIT,[vision,small],false,10000000000000000,0,[$owner,$e1],[7000,3000])" > /dev/null

echo "info outside a repository, with --rpc and --universe"
cd "$work"
expect 0 "$MLCHAIN" info tiny-mlp --rpc "$rpc" --universe "$catalogue" --json
echo "$out" > "$work/info.json"
field() { json_field "$work/info.json" "$@"; }
[ "$(field name)" = tiny-mlp ] || fail "info name: $out"
[ "$(field repo)" = model ] || fail "info repo: $out"
[ "$(lower "$(field owner)")" = "$(lower "$owner")" ] || fail "info owner: $out"
[ "$(field listed)" = True ] || [ "$(field listed)" = true ] || fail "info listed: $out"
[ "$(field license)" = MIT ] || fail "info license: $out"
[ "$(field tags)" = '["vision", "small"]' ] || fail "info tags: $out"
[ "$(field price_wei)" = 10000000000000000 ] || fail "info price: $out"
[ "$(field price_ether)" = 0.01 ] || fail "info price in ether: $out"
[ "$(field splits 0 bps)" = 7000 ] && [ "$(field splits 1 bps)" = 3000 ] || fail "info splits: $out"
[ "$(lower "$(field splits 1 payee)")" = "$(lower "$e1")" ] || fail "info split payee: $out"
[ "$(field purchases)" = 0 ] || fail "info purchases: $out"
[ "$(field clone_url)" = "mlchain://31337@$("$cast" to-check-sum-address "$registry")/model" ] || fail "info clone_url: $out"
[ "$(field branches 0 branch)" = main ] && [ "$(field branches 0 head)" = "$B" ] || fail "info branches: $out"
[ "$(lower "$(field governance address)")" = "$(lower "$governance")" ] || fail "info governance: $out"
[ "$(field stages 0 stage)" = production ] && [ "$(field stages 0 commit)" = "$B" ] || fail "info stage: $out"
[ "$(field stages 0 evaluators)" = 2 ] || fail "info evaluators: $out"
[ "$(field stages 0 metrics 0 metric)" = accuracy ] || fail "info metric: $out"
[ "$(field stages 0 metrics 0 low)" = 0.91 ] && [ "$(field stages 0 metrics 0 high)" = 0.95 ] ||
  fail "info accuracy spread: $out"
[ "$(field stages 0 metrics 0 evaluators)" = 2 ] || fail "info accuracy evaluators: $out"
[ "$(field stages 0 metrics 1 metric)" = loss ] && [ "$(field stages 0 metrics 1 low)" = 0.11 ] &&
  [ "$(field stages 0 metrics 1 high)" = 0.15 ] || fail "info loss spread: $out"
[ "$(field author published)" = 1 ] && [ "$(field author promotions)" = 1 ] || fail "info author: $out"
# The card as cast reads it from the listing.
listing_card=$("$cast" call --rpc-url "$rpc" "$catalogue" \
  "listingOf(string)((string,string,address,bool,uint64,uint64,uint64,$terms_type))" tiny-mlp | grep -o "$card")
[ "$listing_card" = "$card" ] || fail "cast reads another card"
[ "$(field card)" = "$card_text" ] || fail "info card: $out"

expect 0 "$MLCHAIN" info tiny-mlp --rpc "$rpc" --universe "$catalogue"
has "^  price       0.01 ether (10000000000000000 wei), access forever" <<< "$out" || fail "info text price: $out"
has "^  production  $B  since block [0-9]*: 2 evaluators; accuracy 0.91..0.95 (2); loss 0.11..0.15 (2)$" <<< "$out" ||
  fail "info text stage: $out"
has "^author  .*: 1 listing published, 1 promotion$" <<< "$out" || fail "info text author: $out"
has "70%" <<< "$out" && has "30%" <<< "$out" || fail "info text splits: $out"

echo "an evaluator's later result replaces its earlier one; a second listing of the same repository"
cd "$work/a"
expect 0 as_key "$e1_key" "$MLCHAIN" evaluate "$B" --suite "$work/suite" --metric accuracy=0.97 --metric loss=0.12 \
  --out "$work/e1-again.json"
expect 0 "$MLCHAIN" submit "$work/e1-again.json"
cd "$work"
"$cast" send --private-key "$owner_key" --rpc-url "$rpc" "$catalogue" "publish(string,string,$terms_type)" \
  tiny-mlp-2 model "($card,MIT,[],false,0,0,[$owner],[10000])" > /dev/null
expect 0 "$MLCHAIN" info tiny-mlp --rpc "$rpc" --universe "$catalogue" --json
echo "$out" > "$work/info.json"
[ "$(field stages 0 evaluators)" = 2 ] || fail "info counts an evaluator twice: $out"
[ "$(field stages 0 metrics 0 low)" = 0.91 ] && [ "$(field stages 0 metrics 0 high)" = 0.97 ] ||
  fail "info's accuracy spread after e1's second result: $out"
[ "$(field stages 0 metrics 1 low)" = 0.11 ] && [ "$(field stages 0 metrics 1 high)" = 0.12 ] ||
  fail "info's loss spread after e1's second result: $out"
[ "$(field author published)" = 2 ] && [ "$(field author promotions)" = 1 ] || fail "info author, two listings: $out"

echo "an unknown name: not found"
expect 3 "$MLCHAIN" info tiny-mlq --rpc "$rpc" --universe "$catalogue"
has "tiny-mlq" <<< "$err" || fail "info of an unknown name: $err"
expect 2 "$MLCHAIN" info tiny-mlp
expect 2 "$MLCHAIN" info tiny-mlp --rpc "$rpc"

echo "inside the repository: the remote's universe"
cd "$work/a"
expect 0 "$MLCHAIN" config set remote.origin.universe "$catalogue"
expect 0 "$MLCHAIN" info tiny-mlp --json
[ "$(json_field <(echo "$out") stages 0 evaluators)" = 2 ] || fail "info inside the repository: $out"

echo "clone NAME gives what cloning the listing's URL gives"
cd "$work"
url=$(field clone_url)
expect 0 "$MLCHAIN" clone "$url" by-url --rpc "$rpc" --ipfs "$api"
expect 0 "$MLCHAIN" clone tiny-mlp by-name --rpc "$rpc" --universe "$catalogue" --ipfs "$api"
has "^listing tiny-mlp is $url$" <<< "$out" || fail "clone NAME: $out"
[ "$(cat by-name/.mlchain/refs/heads/main)" = "$B" ] || fail "clone NAME's head is not B"
[ "$(cat by-name/.mlchain/refs/heads/main)" = "$(cat by-url/.mlchain/refs/heads/main)" ] || fail "heads differ"
diff -r -x .mlchain by-url by-name > /dev/null || fail "clone NAME's files differ from the URL's"
[ "$(cat by-name/weights.bin)" = "weights B" ] || fail "clone NAME's weights"
(cd by-name && expect 0 "$MLCHAIN" config get remote.origin.repo && [ "$out" = model ]) || fail "clone NAME's origin"
(cd "$work/a" && expect 0 "$MLCHAIN" clone tiny-mlp "$work/from-inside") || fail "clone NAME inside a repository"
[ "$(cat from-inside/.mlchain/refs/heads/main)" = "$B" ] || fail "clone NAME inside a repository: head"

echo "clone NAME refusals"
expect 3 "$MLCHAIN" clone tiny-mlq by-typo --rpc "$rpc" --universe "$catalogue" --ipfs "$api"
has "tiny-mlq" <<< "$err" || fail "clone of an unknown name: $err"
[ ! -e by-typo ] || fail "a failed clone left by-typo behind"
expect 2 "$MLCHAIN" clone tiny-mlp no-flags
has -- "--rpc URL --universe ADDR --ipfs URL" <<< "$err" || fail "clone NAME without flags: $err"
[ ! -e no-flags ] || fail "a refused clone left no-flags behind"

echo "an unlisted listing still clones, with a warning"
"$cast" send --private-key "$owner_key" --rpc-url "$rpc" "$catalogue" "unlist(string)" tiny-mlp > /dev/null
expect 0 "$MLCHAIN" clone tiny-mlp unlisted --rpc "$rpc" --universe "$catalogue" --ipfs "$api"
has "warning: listing 'tiny-mlp' is unlisted" <<< "$err" || fail "clone of an unlisted listing: $err"
[ "$(cat unlisted/.mlchain/refs/heads/main)" = "$B" ] || fail "the unlisted clone's head"
expect 0 "$MLCHAIN" info tiny-mlp --rpc "$rpc" --universe "$catalogue" --json
[ "$(json_field <(echo "$out") listed)" = False ] || [ "$(json_field <(echo "$out") listed)" = false ] ||
  fail "info of an unlisted listing: $out"
echo "ok"
