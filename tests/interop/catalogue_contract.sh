#!/usr/bin/env bash
# The catalogue contract's behaviour on a real anvil, driven only by Foundry's cast (no mlchain code):
# the committed creation bytecode deploys, for a registry, to the committed runtime code with the registry
# filled into its immutable; the owner of a pushed repository publishes it under a name; a purchase at a
# price that leaves rounding dust credits 70/20/10 (the dust to the owner) and the three withdrawals sum
# exactly to the price (balances by `cast balance`, gas from each receipt's gasUsed × effectiveGasPrice);
# wrong amounts, unlisted, free and unknown listings, splits not summing to 10,000, bad names and terms,
# a stranger's publish and unlist are refused with their exact custom-error data (and fail when mined);
# two owners racing for one name in one block: one wins, the other's transaction fails, its call says
# NameTaken; unlisting keeps the listing's history (listingOf, accessOf and the logs still answer);
# a timed grant bought again extends from its end, or from now once expired; a payee contract whose
# receive() re-enters withdraw() and buy() gets its balance exactly once (re-entrant withdraw finds
# nothing), and one that refuses payment keeps its balance (TransferFailed); the catalogue always holds
# exactly the sum of the balances it owes. Every event is decoded by cast and compared field by field.
# Prints the gas of deployment, publish (3 payees, 2 tags), buy (3 payees) and withdraw (bench/README.md).
set -euo pipefail
: "${MLCHAIN_PEERS:?path to tests/peers}" "${MLCHAIN_SOURCE_DIR:?path to the source tree}"
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
[ -x "$cast" ] || { echo "FAIL: $cast is not installed (run cmake/install-deps.sh test)" >&2; exit 1; }
source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace
at_exit '"$MLCHAIN_PEERS/anvil.sh" stop "$work/anvil"'
json() { python3 -c 'import json, sys; print(eval(sys.argv[1], {"d": json.load(sys.stdin), "json": json}))' "$1"; }
same() { [ "$2" = "$3" ] || fail "$1: expected $3, got $2"; echo "  $1: $2"; }
lower() { tr 'A-F' 'a-f' <<< "$1"; }
# py EXPRESSION ARGS…: a Python expression over sys.argv (a), for the arithmetic on wei bash cannot hold.
py() { python3 -c "import sys; a = sys.argv[1:]; print($1)" "${@:2}"; }

"$MLCHAIN_PEERS/anvil.sh" start "$work/anvil"
ETH_RPC_URL=$(cat "$work/anvil/rpc-url")
export ETH_RPC_URL
echo "anvil at $ETH_RPC_URL"
account() { json "d['available_accounts'][$1].lower()" < "$work/anvil/anvil.json"; }
key() { json "d['private_keys'][$1]" < "$work/anvil/anvil.json"; }
owner=$(account 0) owner_key=$(key 0)
payee1=$(account 1) payee1_key=$(key 1)
payee2=$(account 2) payee2_key=$(key 2)
buyer=$(account 3) buyer_key=$(key 3)
rival=$(account 4) rival_key=$(key 4)
stranger=$(account 5) stranger_key=$(key 5)
zero=0x0000000000000000000000000000000000000000000000000000000000000000
forever=18446744073709551615

terms_type='(bytes,string,string[],bool,uint256,uint64,address[],uint16[])'
publish_sig="publish(string,string,$terms_type)"
listing_of_sig="listingOf(string)((string,string,address,bool,uint64,uint64,uint64,$terms_type))"
# `hello\n`'s CID (docs/format.md) in binary: the card of every listing here.
card=0x015512205891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03

# deploy KEY ARTIFACT [--value WEI] [CONSTRUCTOR-SIG ARGS…]: prints the new contract's address (receipt in
# deploy.json).
deploy() {
  local signing_key=$1 artifact=$2 value=()
  shift 2
  if [ "${1-}" = --value ]; then value=(--value "$2"); shift 2; fi
  "$cast" send --private-key "$signing_key" ${value[@]+"${value[@]}"} --create "$(json "d['bytecode']" < "$artifact")" "$@" --json > "$work/deploy.json"
  [ "$(json "d['status']" < "$work/deploy.json")" = 0x1 ] || fail "deploying $artifact failed"
  json "d['contractAddress'].lower()" < "$work/deploy.json"
}
# send KEY TO SIG ARGS…: a transaction that must succeed; its receipt in $work/receipt.json.
send() {
  local signing_key=$1 to=$2
  shift 2
  "$cast" send --private-key "$signing_key" "$to" "$@" --json > "$work/receipt.json"
  [ "$(json "d['status']" < "$work/receipt.json")" = 0x1 ] || fail "$* failed"
}
gas_used() { echo $(($(json "d['gasUsed']" < "$work/receipt.json"))); }
gas_cost() { py "int(a[0], 16) * int(a[1], 16)" "$(json "d['gasUsed']" < "$work/receipt.json")" "$(json "d['effectiveGasPrice']" < "$work/receipt.json")"; }
balance() { "$cast" balance "$1"; }
# log_field INDEX EXPRESSION: of the receipt's log INDEX (l).
log_field() { json "(lambda l: $2)(d['logs'][$1])" < "$work/receipt.json"; }
topic_of() { "$cast" abi-encode 'f(address)' "$1"; }
# decoded TYPES DATA: the ABI-encoded fields decoded by cast, as compact JSON.
decoded() { "$cast" decode-abi --input "f($1)" "$2" --json | json "json.dumps(d, separators=(',', ':'))"; }

# expect_revert FROM KEY ERROR ERROR_ARGS… -- TO SIG ARGS… [--value WEI]: the call reverts with exactly the
# encoding of the custom error ERROR(ERROR_ARGS…) as `cast calldata` builds it, and the same transaction,
# mined with a fixed gas limit (no estimate to stop it), fails.
expect_revert() {
  local from=$1 signing_key=$2 error=$3
  shift 3
  local error_args=()
  while [ "$1" != -- ]; do error_args+=("$1"); shift; done
  shift
  local expected output actual
  expected=$("$cast" calldata "$error" ${error_args[@]+"${error_args[@]}"})
  if output=$("$cast" call --from "$from" "$@" 2>&1); then fail "$* from $from did not revert"; fi
  actual=$(sed -n 's/.*data: "\(0x[0-9a-fA-F]*\)".*/\1/p' <<< "$output")
  [ "$(lower "$actual")" = "$(lower "$expected")" ] ||
    fail "$* from $from: expected revert $error ($expected), got: $output"
  "$cast" send --private-key "$signing_key" --gas-limit 1000000 "$@" --json > "$work/reverted.json" 2> /dev/null
  [ "$(json "d['status']" < "$work/reverted.json")" = 0x0 ] || fail "$* from $from was mined successfully"
  echo "  ${2%%(*} ${3-} by $from reverts $error ${error_args[*]-}"
}

echo "deployment"
registry=$(deploy "$owner_key" "$MLCHAIN_SOURCE_DIR/contracts/MlchainRegistry.json")
artifact="$MLCHAIN_SOURCE_DIR/contracts/MlchainCatalogue.json"
catalogue=$(deploy "$owner_key" "$artifact" 'constructor(address)' "$registry")
deployment_gas=$(($(json "d['gasUsed']" < "$work/deploy.json")))
echo "  registry $registry, catalogue $catalogue"
same "registry()" "$(lower "$("$cast" call "$catalogue" 'registry()(address)')")" "$registry"
# The code on chain is the artifact's deployedBytecode but for the immutable registry: 32-byte slots that
# are zero in the artifact and hold the registry's address, left-padded, on chain.
immutables=$(python3 - "$("$cast" code "$catalogue")" "$(json "d['deployedBytecode']" < "$artifact")" "$registry" <<'EOF'
import sys
code, compiled, registry = (bytes.fromhex(x[2:]) for x in sys.argv[1:])
word = bytes(12) + registry
assert len(code) == len(compiled), "lengths differ"
expected, slots, at = bytearray(compiled), 0, 0
while at + 32 <= len(code):
    if compiled[at:at + 32] == bytes(32) and code[at:at + 32] == word:
        expected[at:at + 32] = word
        slots += 1
        at += 32
    else:
        at += 1
assert bytes(expected) == code, "the code differs from the artifact outside the registry's slots"
print(slots)
EOF
) || fail "the code at $catalogue is not the artifact's deployedBytecode with the registry filled in"
[ "$immutables" -ge 1 ] || fail "no immutable slot holds the registry"
echo "  the code at $catalogue is the artifact's deployedBytecode, the registry in $immutables immutable slot(s)"

echo "repositories pushed to the registry"
push_sig="push(string,string,bytes32,bytes32)"
head=0x$(printf one | sha256sum | cut -c1-64)
send "$owner_key" "$registry" "$push_sig" models main "$zero" "$head"
send "$rival_key" "$registry" "$push_sig" rival-models main "$zero" "$head"

# The listing: price 10^18 + 3 wei, so 70/20/10 leaves 1 wei of dust: 700000000000000002 + 200000000000000000
# + 100000000000000000 = 10^18 + 2.
price=1000000000000000003
terms="($card,MIT,[vision,small],false,$price,0,[$owner,$payee1,$payee2],[7000,2000,1000])"
expected_terms="[\"$card\",\"MIT\",[\"vision\",\"small\"],false,$price,0,[\"$($cast to-check-sum-address "$owner")\",\"$($cast to-check-sum-address "$payee1")\",\"$($cast to-check-sum-address "$payee2")\"],[7000,2000,1000]]"
tiny_id=$("$cast" keccak tiny-mlp)

echo "refused before anything is stored"
for name in Tiny "" .tiny "tiny mlp" "$(printf 'n%.0s' $(seq 65))"; do
  expect_revert "$owner" "$owner_key" "InvalidName(string)" "$name" -- "$catalogue" "$publish_sig" "$name" models "$terms"
done
expect_revert "$owner" "$owner_key" "InvalidSplits(uint256)" 9999 -- "$catalogue" "$publish_sig" tiny-mlp models \
  "($card,MIT,[],false,$price,0,[$owner,$payee1,$payee2],[7000,2000,999])"
expect_revert "$owner" "$owner_key" "InvalidSplits(uint256)" 10001 -- "$catalogue" "$publish_sig" tiny-mlp models \
  "($card,MIT,[],false,$price,0,[$owner,$payee1],[7000,3001])"
expect_revert "$owner" "$owner_key" "InvalidSplits(uint256)" 0 -- "$catalogue" "$publish_sig" tiny-mlp models \
  "($card,MIT,[],false,$price,0,[],[])"
expect_revert "$owner" "$owner_key" "InvalidSplits(uint256)" 0 -- "$catalogue" "$publish_sig" tiny-mlp models \
  "($card,MIT,[],false,$price,0,[$owner,$payee1],[10000,0])"
expect_revert "$owner" "$owner_key" "InvalidSplits(uint256)" 0 -- "$catalogue" "$publish_sig" tiny-mlp models \
  "($card,MIT,[],false,$price,0,[$owner],[7000,3000])"
expect_revert "$owner" "$owner_key" "InvalidTerms(string)" "a free listing has no duration" -- "$catalogue" \
  "$publish_sig" tiny-mlp models "($card,MIT,[],false,0,86400,[$owner],[10000])"
expect_revert "$owner" "$owner_key" "InvalidTerms(string)" "license longer than 64 bytes" -- "$catalogue" \
  "$publish_sig" tiny-mlp models "($card,$(printf 'L%.0s' $(seq 65)),[],false,0,0,[$owner],[10000])"
expect_revert "$owner" "$owner_key" "InvalidTerms(string)" "more than 16 tags" -- "$catalogue" \
  "$publish_sig" tiny-mlp models "($card,MIT,[$(seq -s, 17)],false,0,0,[$owner],[10000])"
expect_revert "$owner" "$owner_key" "UnknownRepository(string)" nothing -- "$catalogue" "$publish_sig" tiny-mlp nothing "$terms"
expect_revert "$stranger" "$stranger_key" "NotRepositoryOwner(address,address)" "$stranger" "$owner" -- "$catalogue" \
  "$publish_sig" tiny-mlp models "$terms"
same "listingOf(tiny-mlp) owner after the refusals" \
  "$("$cast" call "$catalogue" "$listing_of_sig" tiny-mlp --json | json "d[0][2].lower()")" 0x0000000000000000000000000000000000000000

echo "publish (3 payees, 2 tags)"
send "$owner_key" "$catalogue" "$publish_sig" tiny-mlp models "$terms"
publish_gas=$(gas_used)
published_block=$(($(json "d['blockNumber']" < "$work/receipt.json")))
same "Published topics" "$(log_field 0 "' '.join(l['topics'])")" \
  "$("$cast" sig-event "Published(bytes32 indexed,address indexed,string,string,$terms_type)") $tiny_id $(topic_of "$owner")"
same "Published data (name, repo, terms)" "$(decoded "string,string,$terms_type" "$(log_field 0 "l['data']")")" \
  "[\"tiny-mlp\",\"models\",$expected_terms]"
same "listingOf(tiny-mlp)" "$("$cast" call "$catalogue" "$listing_of_sig" tiny-mlp --json | json "json.dumps(d[0], separators=(',', ':'))")" \
  "[\"tiny-mlp\",\"models\",\"$($cast to-check-sum-address "$owner")\",true,$published_block,$published_block,0,$expected_terms]"

echo "two owners racing for one name in one block"
"$cast" rpc evm_setAutomine false > /dev/null
race_terms_owner="($card,MIT,[],false,0,0,[$owner],[10000])"
race_terms_rival="($card,MIT,[],false,0,0,[$rival],[10000])"
owner_tx=$("$cast" send --async --gas-limit 1000000 --private-key "$owner_key" "$catalogue" "$publish_sig" race models "$race_terms_owner")
rival_tx=$("$cast" send --async --gas-limit 1000000 --private-key "$rival_key" "$catalogue" "$publish_sig" race rival-models "$race_terms_rival")
"$cast" rpc evm_mine > /dev/null
"$cast" rpc evm_setAutomine true > /dev/null
owner_status=$("$cast" receipt "$owner_tx" --json | json "d['status']")
rival_status=$("$cast" receipt "$rival_tx" --json | json "d['status']")
same "both in one block" "$("$cast" receipt "$owner_tx" --json | json "d['blockNumber']")" \
  "$("$cast" receipt "$rival_tx" --json | json "d['blockNumber']")"
case "$owner_status $rival_status" in
  "0x1 0x0") winner=$owner winner_repo=models loser=$rival loser_key=$rival_key loser_repo=rival-models loser_terms=$race_terms_rival ;;
  "0x0 0x1") winner=$rival winner_repo=rival-models loser=$owner loser_key=$owner_key loser_repo=models loser_terms=$race_terms_owner ;;
  *) fail "racing publishes of one name: statuses $owner_status (owner) and $rival_status (rival), not one of each" ;;
esac
echo "  $winner won the name, $loser's transaction failed"
same "listingOf(race) owner" "$("$cast" call "$catalogue" "$listing_of_sig" race --json | json "d[0][2].lower()")" "$winner"
expect_revert "$loser" "$loser_key" "NameTaken(string,string,address)" race "$winner_repo" "$winner" -- "$catalogue" \
  "$publish_sig" race "$loser_repo" "$loser_terms"
# The owner of the name cannot move it to another repository either.
expect_revert "$rival" "$rival_key" "NameTaken(string,string,address)" tiny-mlp models "$owner" -- "$catalogue" \
  "$publish_sig" tiny-mlp rival-models "$race_terms_rival"

echo "a purchase credits 70/20/10, the dust to the owner"
contract_before=$(balance "$catalogue")
buyer_before=$(balance "$buyer")
send "$buyer_key" "$catalogue" "buy(string)" tiny-mlp --value "$price"
buy_gas=$(gas_used)
same "buyer paid the price and the gas" "$(py "int(a[0]) - int(a[1])" "$buyer_before" "$(balance "$buyer")")" \
  "$(py "int(a[0]) + int(a[1])" "$price" "$(gas_cost)")"
same "catalogue holds the price" "$(py "int(a[0]) - int(a[1])" "$(balance "$catalogue")" "$contract_before")" "$price"
same "Purchased topics" "$(log_field 0 "' '.join(l['topics'])")" \
  "$("$cast" sig-event 'Purchased(bytes32 indexed,address indexed,string,uint256,uint64)') $tiny_id $(topic_of "$buyer")"
same "Purchased data (name, price, accessUntil)" "$(decoded string,uint256,uint64 "$(log_field 0 "l['data']")")" \
  "[\"tiny-mlp\",$price,$forever]"
same "accessOf(tiny-mlp, buyer)" "$("$cast" call "$catalogue" 'accessOf(string,address)(uint64)' tiny-mlp "$buyer" --json | json "d[0]")" "$forever"
same "accessOf(tiny-mlp, owner)" "$("$cast" call "$catalogue" 'accessOf(string,address)(uint64)' tiny-mlp "$owner" --json | json "d[0]")" "$forever"
same "accessOf(tiny-mlp, stranger)" "$("$cast" call "$catalogue" 'accessOf(string,address)(uint64)' tiny-mlp "$stranger" --json | json "d[0]")" 0
credited() { "$cast" call "$catalogue" 'balanceOf(address)(uint256,uint256)' "$1" --json | json "' '.join(str(x) for x in d)"; }
same "balanceOf(owner) (70 % and 1 wei of dust)" "$(credited "$owner")" "700000000000000003 700000000000000003"
same "balanceOf(payee1) (20 %)" "$(credited "$payee1")" "200000000000000000 200000000000000000"
same "balanceOf(payee2) (10 %)" "$(credited "$payee2")" "100000000000000000 100000000000000000"
same "purchases of tiny-mlp" "$("$cast" call "$catalogue" "$listing_of_sig" tiny-mlp --json | json "d[0][6]")" 1

echo "three withdrawals sum exactly to the price"
withdrawn_total=0
for who in "$owner:$owner_key" "$payee1:$payee1_key" "$payee2:$payee2_key"; do
  payee=${who%%:*} payee_key=${who#*:}
  owed=$(credited "$payee" | cut -d' ' -f1)
  before=$(balance "$payee")
  send "$payee_key" "$catalogue" "withdraw()"
  withdraw_gas=$(gas_used)
  same "$payee received its balance (less gas)" "$(py "int(a[0]) - int(a[1]) + int(a[2])" "$(balance "$payee")" "$before" "$(gas_cost)")" "$owed"
  same "Withdrawn topics" "$(log_field 0 "' '.join(l['topics'])")" \
    "$("$cast" sig-event 'Withdrawn(address indexed,uint256)') $(topic_of "$payee")"
  same "Withdrawn data (amount)" "$(decoded uint256 "$(log_field 0 "l['data']")")" "[$owed]"
  same "balanceOf($payee) after" "$(credited "$payee")" "0 $owed"
  withdrawn_total=$(py "int(a[0]) + int(a[1])" "$withdrawn_total" "$owed")
  expect_revert "$payee" "$payee_key" "NothingToWithdraw(address)" "$payee" -- "$catalogue" "withdraw()"
done
same "sum of the withdrawals" "$withdrawn_total" "$price"
same "catalogue balance" "$(balance "$catalogue")" "$contract_before"

echo "refused purchases"
balance_before_refusals=$(balance "$catalogue")
expect_revert "$buyer" "$buyer_key" "WrongPayment(uint256,uint256)" "$price" "$(py "int(a[0]) - 1" "$price")" -- \
  "$catalogue" "buy(string)" tiny-mlp --value "$(py "int(a[0]) - 1" "$price")"
expect_revert "$buyer" "$buyer_key" "WrongPayment(uint256,uint256)" "$price" "$(py "int(a[0]) + 1" "$price")" -- \
  "$catalogue" "buy(string)" tiny-mlp --value "$(py "int(a[0]) + 1" "$price")"
expect_revert "$buyer" "$buyer_key" "WrongPayment(uint256,uint256)" "$price" 0 -- "$catalogue" "buy(string)" tiny-mlp
expect_revert "$buyer" "$buyer_key" "UnknownListing(string)" nothing -- "$catalogue" "buy(string)" nothing --value 1
expect_revert "$buyer" "$buyer_key" "FreeListing(string)" race -- "$catalogue" "buy(string)" race
expect_revert "$buyer" "$buyer_key" "FreeListing(string)" race -- "$catalogue" "buy(string)" race --value 1

echo "unlisting keeps the history"
expect_revert "$stranger" "$stranger_key" "NotListingOwner(address,address)" "$stranger" "$owner" -- "$catalogue" "unlist(string)" tiny-mlp
expect_revert "$owner" "$owner_key" "UnknownListing(string)" nothing -- "$catalogue" "unlist(string)" nothing
send "$owner_key" "$catalogue" "unlist(string)" tiny-mlp
unlisted_block=$(($(json "d['blockNumber']" < "$work/receipt.json")))
same "Unlisted topics" "$(log_field 0 "' '.join(l['topics'])")" \
  "$("$cast" sig-event 'Unlisted(bytes32 indexed,address indexed,string)') $tiny_id $(topic_of "$owner")"
same "Unlisted data (name)" "$(decoded string "$(log_field 0 "l['data']")")" '["tiny-mlp"]'
same "listingOf(tiny-mlp) after unlist (owner, listed, published, updated, purchases)" \
  "$("$cast" call "$catalogue" "$listing_of_sig" tiny-mlp --json | json "' '.join(str(x).lower() for x in d[0][2:7])")" \
  "$owner false $published_block $unlisted_block 1"
same "accessOf(tiny-mlp, buyer) after unlist" "$("$cast" call "$catalogue" 'accessOf(string,address)(uint64)' tiny-mlp "$buyer" --json | json "d[0]")" "$forever"
expect_revert "$buyer" "$buyer_key" "NotListed(string)" tiny-mlp -- "$catalogue" "buy(string)" tiny-mlp --value "$price"
expect_revert "$owner" "$owner_key" "NotListed(string)" tiny-mlp -- "$catalogue" "unlist(string)" tiny-mlp
same "catalogue balance after the refusals" "$(balance "$catalogue")" "$balance_before_refusals"
echo "the listing's history from eth_getLogs alone"
"$cast" logs --address "$catalogue" --from-block 0 --json > "$work/logs.json"
history=$(json "' '.join(l['topics'][0] for l in d if len(l['topics']) > 1 and l['topics'][1] == '$tiny_id')" < "$work/logs.json")
same "events of tiny-mlp" "$history" \
  "$("$cast" sig-event "Published(bytes32 indexed,address indexed,string,string,$terms_type)") $("$cast" sig-event 'Purchased(bytes32 indexed,address indexed,string,uint256,uint64)') $("$cast" sig-event 'Unlisted(bytes32 indexed,address indexed,string)')"
echo "publishing again lists it again, as an update"
updated_terms="($card,Apache-2.0,[vision],true,$price,0,[$owner,$payee1,$payee2],[7000,2000,1000])"
send "$owner_key" "$catalogue" "$publish_sig" tiny-mlp models "$updated_terms"
same "Updated topics" "$(log_field 0 "' '.join(l['topics'])")" \
  "$("$cast" sig-event "Updated(bytes32 indexed,address indexed,string,string,$terms_type)") $tiny_id $(topic_of "$owner")"
same "Updated data (name, repo, terms)" "$(decoded "string,string,$terms_type" "$(log_field 0 "l['data']")")" \
  "[\"tiny-mlp\",\"models\",$(sed 's/"MIT",\["vision","small"\],false/"Apache-2.0",["vision"],true/' <<< "$expected_terms")]"
same "listingOf(tiny-mlp) listed, published at, purchases" \
  "$("$cast" call "$catalogue" "$listing_of_sig" tiny-mlp --json | json "' '.join(str(x).lower() for x in (d[0][3], d[0][4], d[0][6]))")" \
  "true $published_block 1"
send "$stranger_key" "$catalogue" "buy(string)" tiny-mlp --value "$price"
buy_again_gas=$(gas_used)
same "purchases of tiny-mlp after a second buyer" "$("$cast" call "$catalogue" "$listing_of_sig" tiny-mlp --json | json "d[0][6]")" 2

echo "a timed grant extends from its end, or from now once it expired"
day=86400
send "$owner_key" "$catalogue" "$publish_sig" timed models "($card,MIT,[],false,1000,$day,[$owner],[10000])"
until_of_purchase() { decoded string,uint256,uint64 "$(log_field 0 "l['data']")" | json "d[2]"; }
block_time() { "$cast" block "$(json "d['blockNumber']" < "$work/receipt.json")" -f timestamp; }
send "$buyer_key" "$catalogue" "buy(string)" timed --value 1000
first_until=$(until_of_purchase)
same "first purchase: until" "$first_until" "$(( $(block_time) + day ))"
send "$buyer_key" "$catalogue" "buy(string)" timed --value 1000
same "second purchase extends from the end" "$(until_of_purchase)" "$(( first_until + day ))"
same "accessOf(timed, buyer)" "$("$cast" call "$catalogue" 'accessOf(string,address)(uint64)' timed "$buyer" --json | json "d[0]")" "$(( first_until + day ))"
"$cast" rpc evm_increaseTime $(( 3 * day )) > /dev/null
send "$buyer_key" "$catalogue" "buy(string)" timed --value 1000
same "a purchase after expiry runs from now" "$(until_of_purchase)" "$(( $(block_time) + day ))"

echo "re-entrancy: a payee contract whose receive() re-enters withdraw() and buy()"
cat > "$work/Reentrant.sol" <<'EOF'
// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

interface ICatalogue {
    function withdraw() external;
    function buy(string calldata name) external payable;
}

contract Reentrant {
    ICatalogue private immutable catalogue;
    string private bait;
    uint256 private immutable price;
    bool public refuse;
    uint256 public payments;
    uint256 public received;
    bytes public withdrawRefusal;

    constructor(ICatalogue catalogue_, string memory bait_, uint256 price_) payable {
        catalogue = catalogue_;
        bait = bait_;
        price = price_;
    }

    function setRefuse(bool refuse_) external {
        refuse = refuse_;
    }

    function attack() external {
        catalogue.withdraw();
    }

    receive() external payable {
        require(!refuse, "refused");
        payments += 1;
        received += msg.value;
        try catalogue.withdraw() {} catch (bytes memory reason) {
            withdrawRefusal = reason;
        }
        catalogue.buy{value: price}(bait);
    }
}
EOF
cat > "$work/compile.mjs" <<'EOF'
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const [peers, source] = process.argv.slice(2);
const solc = createRequire(`${peers}/package.json`)('solc');
const input = {
  language: 'Solidity',
  sources: { 'Reentrant.sol': { content: readFileSync(source, 'utf8') } },
  settings: { evmVersion: 'paris', optimizer: { enabled: true, runs: 200 },
              outputSelection: { 'Reentrant.sol': { Reentrant: ['evm.bytecode.object'] } } },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
for (const problem of output.errors ?? []) console.error(problem.formattedMessage);
if ((output.errors ?? []).some((problem) => problem.severity === 'error')) process.exit(1);
console.log(JSON.stringify({ version: solc.version(),
                             bytecode: '0x' + output.contracts['Reentrant.sol'].Reentrant.evm.bytecode.object }));
EOF
node "$work/compile.mjs" "$MLCHAIN_PEERS" "$work/Reentrant.sol" > "$work/Reentrant.json"
echo "  compiled with solc $(json "d['version']" < "$work/Reentrant.json")"
bait_price=1000000000000000000
attacker=$(deploy "$stranger_key" "$work/Reentrant.json" --value "$bait_price" 'constructor(address,string,uint256)' \
  "$catalogue" bait "$bait_price")
send "$owner_key" "$catalogue" "$publish_sig" bait models "($card,MIT,[],false,$bait_price,0,[$attacker,$owner],[5000,5000])"
send "$buyer_key" "$catalogue" "buy(string)" bait --value "$bait_price"
half=500000000000000000
same "balanceOf(attacker)" "$(credited "$attacker")" "$half $half"
echo "  a payee that refuses the payment keeps its balance"
send "$stranger_key" "$attacker" "setRefuse(bool)" true
expect_revert "$stranger" "$stranger_key" "TransferFailed(address,uint256)" "$attacker" "$half" -- "$attacker" "attack()"
same "balanceOf(attacker) after the refused payment" "$(credited "$attacker")" "$half $half"
echo "  the re-entering payee"
send "$stranger_key" "$attacker" "setRefuse(bool)" false
attacker_before=$(balance "$attacker")
contract_before=$(balance "$catalogue")
send "$stranger_key" "$attacker" "attack()"
same "payments the attacker received" "$("$cast" call "$attacker" 'payments()(uint256)')" 1
same "wei it received" "$("$cast" call "$attacker" 'received()(uint256)' --json | json "d[0]")" "$half"
same "its re-entrant withdraw() was refused" "$("$cast" call "$attacker" 'withdrawRefusal()(bytes)')" \
  "$("$cast" calldata 'NothingToWithdraw(address)' "$attacker")"
withdrawn_topic=$("$cast" sig-event 'Withdrawn(address indexed,uint256)')
same "Withdrawn logs in the attack" "$(json "len([l for l in d['logs'] if l['topics'][0] == '$withdrawn_topic'])" < "$work/receipt.json")" 1
same "the Withdrawn log (payee, amount)" \
  "$(json "[(l['topics'][1], l['data']) for l in d['logs'] if l['topics'][0] == '$withdrawn_topic'][0]" < "$work/receipt.json" | tr -d "()',")" \
  "$(topic_of "$attacker") $("$cast" abi-encode 'f(uint256)' "$half")"
same "its re-entrant buy() went through as a purchase (buyer)" \
  "$(json "[l['topics'][2] for l in d['logs'] if l['topics'][0] == '$("$cast" sig-event 'Purchased(bytes32 indexed,address indexed,string,uint256,uint64)')'][0]" < "$work/receipt.json")" \
  "$(topic_of "$attacker")"
same "attacker's wei: + its balance once, - the price it paid" "$(py "int(a[0]) - int(a[1])" "$(balance "$attacker")" "$attacker_before")" \
  "$(py "int(a[0]) - int(a[1])" "$half" "$bait_price")"
same "balanceOf(attacker): credited again only by its own purchase" "$(credited "$attacker")" "$half $bait_price"
same "catalogue's wei: + the price, - the one withdrawal" "$(py "int(a[0]) - int(a[1])" "$(balance "$catalogue")" "$contract_before")" \
  "$(py "int(a[0]) - int(a[1])" "$bait_price" "$half")"
owed=$(py "sum(int(x.split()[0]) for x in a)" "$(credited "$owner")" "$(credited "$payee1")" "$(credited "$payee2")" \
  "$(credited "$attacker")")
same "the catalogue holds exactly what it owes" "$(balance "$catalogue")" "$owed"

echo "gas"
echo "  deployment of the catalogue: $deployment_gas"
echo "  publish (3 payees, 2 tags, a 36-byte card, no duration): $publish_gas"
echo "  buy (3 payees, first purchase: every slot new): $buy_gas"
echo "  buy (3 payees, a later purchase: payees credited before): $buy_again_gas"
echo "  withdraw (a payee's whole balance): $withdraw_gas"
echo "catalogue contract: all checks passed"
