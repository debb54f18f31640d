#!/usr/bin/env bash
# The Model Universe, start to finish: a team publishes a promoted model under a name, a researcher
# finds it, sees who made it, what it scored and under which licence, pays for it, and gets exactly the
# signed, anchored bytes; the contributors are paid by agreed shares without a middleman.
#
# The model is the logistic-regression classifier of examples/gated-promotion (its train.py and held-out
# suite, Python's standard library only). The story:
#   1. Alice trains and pushes the model; two evaluators run the held-out suite and sign their accuracy;
#      the governance contract promotes it to production by itself on their quorum.
#   2. Alice deploys the catalogue and publishes the model as "digits-classifier": its README.md as the
#      card, Apache-2.0, tags, a price of 0.01 ether, royalties 70% Alice, 20% Bob (co-author), 10% Carol
#      (who collected the data).
#   3. Dave, a researcher with no repository, searches the catalogue by text, reads the listing (owner,
#      licence, production holder with how many evaluators attested it and the spread of their results),
#      buys access, clones the model by its listing name and verifies it against the chain.
#   4. Alice, Bob and Carol see their earnings and withdraw them; what they received sums exactly to the
#      price Dave paid (checked with cast, independently of mlchain).
#   5. Alice unlists the model: search no longer shows it, the history stays, a paper that says
#      "clone digits-classifier" still gets the same bytes.
# Any step that does not behave as described stops the script with a non-zero exit.
#
# The remotes are real and local: Foundry's anvil and a js-ipfs daemon from the pinned npm packages in
# tests/peers, started here on free loopback ports and stopped on exit. Alice, Bob, Carol and Dave use
# anvil's development accounts 0-3 (public knowledge: never use them elsewhere); the evaluators make
# fresh keys and need no ether.
#   MLCHAIN             an mlchain binary to use (the test suite passes its own): no install, no build
#   MLCHAIN_BUILD_DIR   build directory otherwise (default: build/examples in the source tree)
#   EXAMPLE_DIR         where to work (default: a new temporary directory, kept so you can look around)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
example="$root/examples/gated-promotion"
peers="$root/tests/peers"

if [[ -n ${MLCHAIN:-} ]]; then
  mlchain=$MLCHAIN
else
  build=${MLCHAIN_BUILD_DIR:-$root/build/examples}
  "$root/cmake/install-deps.sh" peers
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" --target mlchain_bin
  mlchain="$build/cli/mlchain"
fi
cast="$peers/node_modules/.bin/cast"

work=${EXAMPLE_DIR:-$(mktemp -d -t mlchain-model-universe.XXXXXX)}
mkdir -p "$work"
rm -rf "$work/homes" "$work/results" "$work/alice" "$work/dave" "$work"/evaluator-*
keep_work=true
[[ -n ${MLCHAIN:-} && -z ${EXAMPLE_DIR:-} ]] && keep_work=false
finish() {
  local status=$?
  "$peers/ipfs-daemon.sh" stop "$work/ipfs" >/dev/null 2>&1 || true
  "$peers/anvil.sh" stop "$work/anvil" >/dev/null 2>&1 || true
  if [[ $status -eq 0 && $keep_work == false ]]; then rm -rf "$work"; fi
}
trap finish EXIT

step() { printf '\n== %s\n' "$*"; }
fail() {
  printf 'model-universe.sh: %s\n' "$*" >&2
  exit 1
}
# Each party has its own key directory holding its one key: `as PARTY mlchain ARGS…` shows the command
# (on stderr, so a caller can read the output) and runs it as PARTY.
as() {
  local party=$1
  shift 2
  { printf '[%s] $ mlchain' "$party"; printf ' %q' "$@"; printf '\n'; } >&2
  MLCHAIN_HOME="$work/homes/$party" "$mlchain" "$@"
}
# json_field KEY…: the value at KEY… of the JSON on stdin (strings as they are, the rest as JSON).
json_field() {
  python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value[int(key)] if isinstance(value, list) else value[key]
print(value if isinstance(value, str) else json.dumps(value))' "$@"
}
balance() { "$cast" balance --rpc-url "$rpc" "$1"; }
# fee_of TX: what transaction TX paid for gas, in wei.
fee_of() {
  "$cast" receipt --rpc-url "$rpc" "$1" --json |
    python3 -c 'import json, sys; r = json.load(sys.stdin); print(int(r["gasUsed"], 16) * int(r["effectiveGasPrice"], 16))'
}
wei() { python3 -c "print($*)"; }

export MLCHAIN_PASSWORD="example passphrase"  # the keystores' passphrase, for every party here

step "the remotes: a local chain and a local IPFS node"
"$peers/anvil.sh" start "$work/anvil" >/dev/null
"$peers/ipfs-daemon.sh" start "$work/ipfs" >/dev/null
rpc=$(cat "$work/anvil/rpc-url")
ipfs=$(cat "$work/ipfs/api-url")
echo "chain (anvil): $rpc    IPFS (js-ipfs): $ipfs"

step "keys: Alice, Bob, Carol and Dave hold ether (anvil's accounts 0-3); the evaluators make their own"
mkdir -p "$work/homes" "$work/results"
declare -A address
parties=(alice bob carol dave)
for i in 0 1 2 3; do
  party=${parties[$i]}
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["private_keys"][int(sys.argv[2])])' \
    "$work/anvil/anvil.json" "$i" > "$work/$party.key"
  chmod 600 "$work/$party.key"
  address[$party]=$(as "$party" mlchain key import --private-key-file "$work/$party.key" --name "$party" --light | tail -n 1)
  rm "$work/$party.key"
  echo "$party: ${address[$party]}"
done
for e in evaluator-1 evaluator-2; do
  address[$e]=$(as "$e" mlchain key new --name "$e" --light | tail -n 1)
  echo "$e: ${address[$e]}"
done

step "Alice trains the model, commits and pushes it; the registry is deployed once per chain"
registry=$(as alice mlchain registry deploy --rpc "$rpc" --json | json_field registry)
alice_repo="$work/alice/digits"
mkdir -p "$alice_repo"
python3 "$example/train.py" "$alice_repo" --features x1,x2
cat > "$alice_repo/README.md" <<'EOF'
# digits-classifier

A logistic-regression classifier on two features, trained by Alice and Bob on data Carol collected.
Held-out accuracy is attested on chain by independent evaluators; see `mlchain info digits-classifier`.
EOF
cd "$alice_repo"
as alice mlchain init
as alice mlchain commit -m "digits classifier: logistic regression on x1, x2" --license Apache-2.0
as alice mlchain remote add origin --ipfs "$ipfs" --rpc "$rpc" --registry "$registry" --repo digits --chain-id 31337
as alice mlchain push
model=$(as alice mlchain show --json | json_field cid)

step "governance: two evaluators, quorum 2; production needs accuracy >= 0.90 and promotes by itself"
as alice mlchain governance deploy
as alice mlchain policy set --evaluator "${address[evaluator-1]}" --evaluator "${address[evaluator-2]}" --quorum 2
as alice mlchain policy set --stage production --require 'accuracy>=0.90' --auto
suite_dir="$example/suites/holdout"
suite=$("$mlchain" cid "$suite_dir" | cut -d' ' -f1)
for e in evaluator-1 evaluator-2; do
  (
    repo="$work/$e/digits"
    as "$e" mlchain clone "mlchain://31337@$registry/digits" "$repo" --rpc "$rpc" --ipfs "$ipfs"
    cd "$repo"
    as "$e" mlchain verify "$model" --chain
    metrics=()
    while IFS= read -r line; do metrics+=(--metric "$line"); done < <(python3 "$suite_dir/evaluate.py" "$repo")
    as "$e" mlchain evaluate "$model" --suite "$suite" "${metrics[@]}" --out "$work/results/$e.json"
  )
done
as alice mlchain submit "$work"/results/*.json
[[ $(as alice mlchain stage production --json | json_field 0 commit) == "$model" ]] ||
  fail "production is not held by $model"
echo "-> production holds $model"

step "Alice deploys the catalogue and publishes the model with royalties 70/20/10"
as alice mlchain universe deploy
universe=$(as alice mlchain config get remote.origin.universe)
as alice mlchain publish digits-classifier --tag classifier --tag tabular --price 0.01ether \
  --split "${address[alice]}=7000" --split "${address[bob]}=2000" --split "${address[carol]}=1000"

step "Dave, with no repository, finds the model, reads its listing, buys it and clones it by name"
mkdir -p "$work/dave" && cd "$work/dave"
found=$(as dave mlchain search classifier --rpc "$rpc" --universe "$universe" --ipfs "$ipfs" --json)
[[ $(json_field 0 name <<< "$found") == digits-classifier ]] || fail "search did not find digits-classifier: $found"
as dave mlchain search 'held-out accuracy' --stage production --rpc "$rpc" --universe "$universe" --ipfs "$ipfs"
as dave mlchain info digits-classifier --rpc "$rpc" --universe "$universe"
info=$(as dave mlchain info digits-classifier --rpc "$rpc" --universe "$universe" --json)
python3 - "$info" <<'EOF' || fail "info does not show production's holder attested by 2 evaluators"
import json, sys
info = json.loads(sys.argv[1])
stages = {s["stage"]: s for s in info["stages"]}
assert stages["production"]["evaluators"] == 2, stages
EOF
before=$(balance "${address[dave]}")
as dave mlchain buy digits-classifier --rpc "$rpc" --universe "$universe"
purchase=$("$cast" logs --rpc-url "$rpc" --address "$universe" --from-block 0 --json \
  'Purchased(bytes32 indexed,address indexed,string,uint256,uint64)' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)[-1]["transactionHash"])')
paid=$(wei "$before - $(balance "${address[dave]}") - $(fee_of "$purchase")")
[[ $paid == 10000000000000000 ]] || fail "Dave paid $paid wei, not 0.01 ether"
echo "-> Dave paid exactly 0.01 ether (cast balance, less the gas)"
as dave mlchain clone digits-classifier digits --rpc "$rpc" --universe "$universe" --ipfs "$ipfs"
cd digits
as dave mlchain verify --chain
[[ $(as dave mlchain show --json | json_field cid) == "$model" ]] || fail "Dave's clone is not $model"
echo "-> Dave has exactly $model, verified against the chain"

step "the contributors withdraw their shares; together exactly what Dave paid"
total=0
for party in alice bob carol; do
  as "$party" mlchain earnings --rpc "$rpc" --universe "$universe"
  before=$(balance "${address[$party]}")
  as "$party" mlchain withdraw --rpc "$rpc" --universe "$universe"
  withdrawal=$("$cast" logs --rpc-url "$rpc" --address "$universe" --from-block 0 --json \
    'Withdrawn(address indexed,uint256)' | python3 -c 'import json, sys; print(json.load(sys.stdin)[-1]["transactionHash"])')
  received=$(wei "$(balance "${address[$party]}") - $before + $(fee_of "$withdrawal")")
  echo "-> $party received $received wei"
  total=$(wei "$total + $received")
done
[[ $total == 10000000000000000 ]] || fail "the withdrawals sum to $total wei, not the 0.01 ether paid"
echo "-> 7,000 + 2,000 + 1,000 basis points: the three withdrawals sum exactly to the price"

step "Alice unlists the model: search stops showing it; history, grants and clone-by-name stay"
cd "$alice_repo"
as alice mlchain unlist digits-classifier
cd "$work/dave"
remaining=$(as dave mlchain search classifier --rpc "$rpc" --universe "$universe" --json)
[[ $remaining == "[]" ]] || fail "search still shows an unlisted model: $remaining"
as dave mlchain search classifier --all --rpc "$rpc" --universe "$universe"
as dave mlchain clone digits-classifier digits-again --rpc "$rpc" --universe "$universe" --ipfs "$ipfs"
[[ $(cd digits-again && as dave mlchain show --json | json_field cid) == "$model" ]] || fail "the clone by name changed"
echo "-> a citation of 'digits-classifier' still resolves to $model"

step "done"
