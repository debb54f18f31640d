#!/usr/bin/env bash
# What the catalogue commands refuse, each with its exit code and one-line message, nothing signed or
# journaled for what is refused before signing: an invalid name, splits not summing to 10000, a malformed
# price, no card; another owner taking a name; a stranger publishing the repository; buying a free, an
# unknown and an unlisted listing; unlisting twice; withdrawing nothing; a remote without a universe setting
# finding the catalogue through the registry, and one whose repository names none; `universe deploy` keeping
# the universe a remote records (naming it in the registry once) and refusing a setting that is no catalogue.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/universe.sh"

start_anvil
start_ipfs

owner_key=$(account private_keys 0)
other_key=$(account private_keys 1)
a=$(account available_accounts 2); b=$(account available_accounts 3)
export MLCHAIN_PRIVATE_KEY=$owner_key
listed_repository

no_journal() { [ -z "$(ls -A .mlchain/journal 2>/dev/null)" ] || fail "$1 left a journal entry"; }

echo "usage errors before anything is signed"
expect 2 "$MLCHAIN" publish "Tiny MLP"
has "listing name" <<< "$err" || fail "invalid name: $err"
expect 2 "$MLCHAIN" publish tiny-mlp --price 1ether --split "$a=5000" --split "$b=2000"
has "10000" <<< "$err" || fail "splits summing to 7000: $err"
expect 2 "$MLCHAIN" publish tiny-mlp --split "$a=70%"
has -- "--split" <<< "$err" || fail "a malformed split: $err"
expect 2 "$MLCHAIN" publish tiny-mlp --price 1.5
has "'1.5' is not an amount" <<< "$err" || fail "a price without unit: $err"
expect 2 "$MLCHAIN" publish tiny-mlp --duration 30
has "free listing has no duration" <<< "$err" || fail "a free listing with a duration: $err"
expect 2 "$MLCHAIN" remote add other --rpc "$rpc" --registry "$registry" --repo model --universe 0x12
has -- "--universe" <<< "$err" || fail "remote add --universe 0x12: $err"
no_journal "a usage error"

echo "listings: a free one, a priced one"
expect 0 "$MLCHAIN" publish tiny-free --license MIT
expect 0 "$MLCHAIN" publish tiny-mlp --license MIT --price 5gwei --private --duration 30
listing=$("$cast" call --rpc-url "$rpc" "$universe" "listingOf(string)($listing_type)" tiny-mlp)
has -F "true, 5000000000 [5e9], 2592000 [2.592e6]," <<< "$listing" || fail "a private listing at 5 gwei for 30 days: $listing"

echo "another owner's repository cannot take the name; a stranger cannot publish ours"
mkdir "$work/b" && cd "$work/b"
expect 0 as_key "$other_key" "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo other \
  --universe "$universe"
expect 0 "$MLCHAIN" remote show origin --json
[ "$(json_field <(echo "$out") universe)" = "$universe" ] || fail "remote show: $out"
echo "other weights" > weights.bin
expect 0 as_key "$other_key" "$MLCHAIN" commit -m "other"
expect 0 as_key "$other_key" "$MLCHAIN" push
expect 2 as_key "$other_key" "$MLCHAIN" publish other-model
has -- "--card" <<< "$err" || fail "no README.md and no --card: $err"
echo "the other card" > "$work/other-card.md"
other_card=$("$MLCHAIN" cid "$work/other-card.md" | cut -d' ' -f1)
expect 5 as_key "$other_key" "$MLCHAIN" publish tiny-mlp --card "$work/other-card.md"
has "the name tiny-mlp is taken by repository model" <<< "$err" || fail "a taken name: $err"
! curl -sf --max-time 120 -X POST "$api/api/v0/pin/ls?arg=$other_card" > /dev/null || fail "a refused publish pinned its card"
expect 5 as_key "$other_key" "$MLCHAIN" publish stolen --repo model --card "$(cd "$work/a" && "$MLCHAIN" cid README.md | cut -d' ' -f1)"
has "does not own the repository" <<< "$err" || fail "a stranger publishing model: $err"
no_journal "a refused publish"

echo "purchases refused before signing"
expect 5 as_key "$other_key" "$MLCHAIN" buy tiny-free
has "is free" <<< "$err" || fail "buying a free listing: $err"
expect 3 as_key "$other_key" "$MLCHAIN" buy no-such-model
has "no-such-model" <<< "$err" || fail "buying an unknown listing: $err"
cd "$work/a"
expect 0 "$MLCHAIN" unlist tiny-mlp
expect 5 "$MLCHAIN" unlist tiny-mlp
has "is unlisted" <<< "$err" || fail "unlisting twice: $err"
cd "$work/b"
expect 5 as_key "$other_key" "$MLCHAIN" buy tiny-mlp
has "is unlisted" <<< "$err" || fail "buying an unlisted listing: $err"
expect 5 as_key "$other_key" "$MLCHAIN" withdraw
has "has nothing to withdraw" <<< "$err" || fail "withdrawing nothing: $err"
no_journal "a refused purchase or withdrawal"
[ "$("$cast" call --rpc-url "$rpc" "$universe" "listingOf(string)($listing_type)" tiny-mlp | cut -d, -f4)" = " false" ] ||
  fail "tiny-mlp is still listed"

echo "a remote without a universe setting: the catalogue its repository names in the registry"
mkdir "$work/c" && cd "$work/c"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --rpc "$rpc" --registry "$registry" --repo model
expect 0 "$MLCHAIN" earnings --address "$a" --json
[ "$(json_field <(echo "$out") universe)" = "$universe" ] || fail "the registry's catalogue: $out"
expect 0 "$MLCHAIN" remote add stray --rpc "$rpc" --registry "$registry" --repo other
expect 3 "$MLCHAIN" earnings stray --address "$a"
has "mlchain universe deploy" <<< "$err" || fail "a repository that names no catalogue: $err"
expect 3 "$MLCHAIN" earnings --rpc "$rpc" --universe "$a" --address "$a"
has "no contract at" <<< "$err" || fail "an address without code: $err"

echo "universe deploy where the remote records a universe: kept, and named in the registry by the owner"
cd "$work/b"
expect 0 as_key "$other_key" "$MLCHAIN" universe deploy --json
[ "$(json_field <(echo "$out") universe)" = "$universe" ] || fail "the recorded universe is not kept: $out"
[ "$(json_field <(echo "$out") recorded_already)" = True ] || fail "recorded_already: $out"
[ "$(json_field <(echo "$out") transactions 0 action)" = set-catalogue ] || fail "set-catalogue: $out"
[ "$("$cast" call --rpc-url "$rpc" "$registry" "catalogueOf(string)(address)" other)" = "$universe" ] ||
  fail "the registry does not name $universe for other"
expect 0 as_key "$other_key" "$MLCHAIN" universe deploy --json
[ "$(json_field <(echo "$out") transactions)" = "[]" ] || fail "a second run sent something: $out"
expect 0 "$MLCHAIN" config set remote.origin.universe "$registry"
expect 2 as_key "$other_key" "$MLCHAIN" universe deploy
has "is not a catalogue of registry" <<< "$err" || fail "a universe setting naming the registry: $err"
echo "ok"
