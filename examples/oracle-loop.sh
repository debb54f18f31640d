#!/usr/bin/env bash
# The oracle loop, end to end with no human step between the push and the deployment: the chain decides
# which model is in production, independent evaluators feed it signed results, and watchers act on its
# decisions.
#
# The model is the small logistic-regression classifier of examples/gated-promotion (train.py, Python's
# standard library only). The held-out suite, examples/oracle-loop/suites/holdout, prints its metrics as
# one JSON object, as `mlchain watch --evaluate` reads them; it is published to IPFS and named by its CID.
# The story:
#   1. Alice (the repository's owner) pushes a first model (so the registry records her as owner),
#      deploys the governance contract, names two evaluators with a quorum of 2, and sets production's
#      rules: accuracy >= 0.80 promotes by itself (--auto); drift > 0.1 flags retraining.
#   2. Three watchers run, each in its own repository, and nothing else happens by hand: the deployer
#      (`--on promoted=deploy.sh --on retrain=retrain.sh`, started before the governance contract exists:
#      it follows it once the registry names it), evaluator-1 (`mlchain watch --evaluate … --suite CID`,
#      the suite fetched from IPFS by its CID) and evaluator-2 (`--suite DIR`, its own copy, re-hashed
#      against the same CID), each with its own key.
#   3. Alice pushes a candidate. Each evaluator watcher clones it by CID into a private directory,
#      verifies every byte, signature and the anchor, runs the suite and submits its signed result; the
#      second result makes the contract promote the candidate to production; the deployer's handler checks
#      `mlchain verify --chain --stage production` and installs the bundle into a deploy directory.
#   4. Monitoring: the sensor x3 was replaced in the field. Both evaluators run the drift suite of
#      examples/gated-promotion on production's holder and submit; the contract flags retraining, and the
#      deployer's `retrain` handler records the request and trains a replacement without x3.
#   5. The watchers stop on SIGTERM (exit 0).
# Any step that does not behave as described stops the script with a non-zero exit.
#
# The remotes are real and local: Foundry's anvil and a js-ipfs daemon from the pinned npm packages in
# tests/peers, started here on free loopback ports and stopped on exit, as are the watchers. The keys are
# anvil's first three development accounts (public knowledge: never use them elsewhere): Alice's, and
# the two evaluators', who pay for their own submissions.
#   MLCHAIN             an mlchain binary to use (the test suite passes its own): no install, no build
#   MLCHAIN_BUILD_DIR   build directory otherwise (default: build/examples in the source tree)
#   EXAMPLE_DIR         where to work (default: a new temporary directory, kept so you can look around)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
example="$root/examples/oracle-loop"
model="$root/examples/gated-promotion"
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
mlchain=$(cd "$(dirname "$mlchain")" && pwd)/$(basename "$mlchain")

work=${EXAMPLE_DIR:-$(mktemp -d -t mlchain-oracle-loop.XXXXXX)}
mkdir -p "$work"
# What an earlier run in EXAMPLE_DIR left (its peers are stopped; their directories are reused).
rm -rf "$work/homes" "$work/logs" "$work/alice" "$work"/evaluator-* "$work/deployer" "$work/deploy" \
  "$work/retrain" "$work/results"
# Run as a test (MLCHAIN set) in a directory of its own making, a successful run leaves nothing behind.
keep_work=true
[[ -n ${MLCHAIN:-} && -z ${EXAMPLE_DIR:-} ]] && keep_work=false

declare -A watcher_pid
finish() {
  local status=$?
  local name
  for name in "${!watcher_pid[@]}"; do kill -TERM "${watcher_pid[$name]}" 2>/dev/null || true; done
  for name in "${!watcher_pid[@]}"; do wait "${watcher_pid[$name]}" 2>/dev/null || true; done
  if [[ $status -ne 0 && -d $work/logs ]]; then
    for log in "$work"/logs/*.log; do
      printf '\n-- the last lines of %s\n' "$log" >&2
      tail -n 25 "$log" >&2
    done
  fi
  "$peers/ipfs-daemon.sh" stop "$work/ipfs" >/dev/null 2>&1 || true
  "$peers/anvil.sh" stop "$work/anvil" >/dev/null 2>&1 || true
  if [[ $status -eq 0 && $keep_work == false ]]; then rm -rf "$work"; fi
}
trap finish EXIT

step() { printf '\n== %s\n' "$*"; }
fail() {
  printf 'oracle-loop.sh: %s\n' "$*" >&2
  exit 1
}
# Each party has its own key directory, holding its one key (so the default key): `as PARTY mlchain
# ARGS…` shows the command (on stderr, so a caller can read the output) and runs it as PARTY.
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
    value = value[key]
print(value if isinstance(value, str) else json.dumps(value))' "$@"
}
# The commit that holds STAGE now, as `mlchain stage` reports it in Alice's repository (empty: none).
holder() {
  (cd "$alice_repo" && MLCHAIN_HOME="$work/homes/alice" "$mlchain" stage "$1" --json) |
    python3 -c 'import json, sys; rows = json.load(sys.stdin); print((rows[0]["commit"] or "") if rows else "")'
}
head_of() { (cd "$1" && MLCHAIN_HOME="$work/homes/alice" "$mlchain" show --json | json_field cid); }
# wait_for SECONDS WHAT COMMAND…: polls COMMAND (twice a second) until it succeeds; fails after SECONDS.
wait_for() {
  local seconds=$1 what=$2 waited=0
  shift 2
  printf '... waiting for %s\n' "$what"
  until "$@"; do
    sleep 0.5
    waited=$((waited + 1))
    [[ $waited -lt $((seconds * 2)) ]] || fail "no $what after $seconds s"
  done
  echo "-> $what (after $((waited / 2)) s)"
}
holds() { [[ $(holder "$1") == "$2" ]]; }
logged() { grep -sEq "$2" "$work/logs/$1.log"; }
# start_watcher NAME PARTY DIR ARGS…: `mlchain watch ARGS…` as PARTY in repository DIR, in the background,
# its log in $work/logs/NAME.log; returns once it follows the chain.
start_watcher() {
  local name=$1 party=$2 dir=$3
  shift 3
  { printf '[%s] %s $ mlchain watch' "$party" "${dir#"$work"/}"; printf ' %q' "$@"; printf ' &\n'; } >&2
  (cd "$dir" && MLCHAIN_HOME="$work/homes/$party" MLCHAIN_BIN="$mlchain" exec "$mlchain" watch "$@") \
    > "$work/logs/$name.log" 2>&1 &
  watcher_pid[$name]=$!
  wait_for 30 "$name watching" logged "$name" 'watching classifier for new events'
}

export MLCHAIN_PASSWORD="example passphrase"  # the keystores' passphrase, for every party here
alice_repo="$work/alice/classifier"

step "the remotes: a local chain and a local IPFS node"
"$peers/anvil.sh" start "$work/anvil" >/dev/null
"$peers/ipfs-daemon.sh" start "$work/ipfs" >/dev/null
rpc=$(cat "$work/anvil/rpc-url")
ipfs=$(cat "$work/ipfs/api-url")
echo "chain (anvil): $rpc    IPFS (js-ipfs): $ipfs"

step "keys: Alice owns the repository; each evaluator has its own key and pays for its own results"
mkdir -p "$work/homes" "$work/logs"
declare -A private_key=(
  [alice]=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
  [evaluator-1]=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
  [evaluator-2]=0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a
)
declare -A address
for party in alice evaluator-1 evaluator-2; do
  (umask 077 && echo "${private_key[$party]}" > "$work/$party.key")
  address[$party]=$(as "$party" mlchain key import --private-key-file "$work/$party.key" --name "$party" --light |
    tail -n 1)
  rm "$work/$party.key"
  echo "$party: ${address[$party]}"
done

step "the registry contract; Alice pushes a first model, which makes her the repository's owner"
registry=$(as alice mlchain registry deploy --rpc "$rpc" --json | json_field registry)
echo "registry: $registry"
name="mlchain://31337@$registry/classifier"
mkdir -p "$alice_repo"
python3 "$model/train.py" "$alice_repo" --features x1
cd "$alice_repo"  # Alice works here from now on
as alice mlchain init
as alice mlchain commit -m "classifier v1: logistic regression on x1" --param features=x1 --license Apache-2.0
as alice mlchain remote add origin --ipfs "$ipfs" --rpc "$rpc" --registry "$registry" --repo classifier --chain-id 31337
as alice mlchain push

step "the deployer's watcher starts now, in its own clone: it acts on production's promotions and retraining requests"
mkdir -p "$work/deployer"
as deployer mlchain clone "$name" "$work/deployer/classifier" --rpc "$rpc" --ipfs "$ipfs"
start_watcher deployer deployer "$work/deployer/classifier" --poll 0.5 \
  --on "promoted=$example/deploy.sh $work/deploy" --on "retrain=$example/retrain.sh $work/retrain"

step "Alice deploys the governance contract and sets the rules"
as alice mlchain governance deploy
# The registry names the new governance contract: the deployer's watcher follows it from that block on.
wait_for 30 "the deployer's watcher following the governance contract" logged deployer 'following governance'
as alice mlchain policy set --evaluator "${address[evaluator-1]}" --evaluator "${address[evaluator-2]}" --quorum 2
as alice mlchain policy set --stage production --require 'accuracy>=0.80' --auto --retrain-when 'drift>0.1'
as alice mlchain policy show

step "the held-out suite, published to IPFS and named by its CID (code and data together)"
holdout=$("$mlchain" cid "$example/suites/holdout" | cut -d' ' -f1)
# The node's own import (CIDv1, raw leaves, 1 MiB chunks: mlchain's default profile) must give the same CID.
files=()
for f in "$example"/suites/holdout/*; do files+=(-F "file=@$f;filename=holdout/$(basename "$f")"); done
published=$(curl -sS --max-time 120 -X POST "${files[@]}" \
  "$ipfs/api/v0/add?cid-version=1&raw-leaves=true&chunker=size-1048576&cid-base=base32&pin=true" |
  python3 -c 'import json, sys; print([e for e in map(json.loads, sys.stdin) if e["Name"] == "holdout"][0]["Hash"])')
[[ $published == "$holdout" ]] || fail "the IPFS node names the suite $published, mlchain cid $holdout"
echo "held-out accuracy suite: $holdout (pinned on the IPFS node)"
drift=$("$mlchain" cid "$model/suites/drift" | cut -d' ' -f1)
echo "drift suite:             $drift"

step "the evaluator watchers (the oracle network), each in its own repository with its own key"
for party in evaluator-1 evaluator-2; do
  mkdir -p "$work/$party"
  as "$party" mlchain clone "$name" "$work/$party/classifier" --rpc "$rpc" --ipfs "$ipfs"
done
cp -r "$example/suites/holdout" "$work/evaluator-2/suite-holdout"
start_watcher evaluator-1 evaluator-1 "$work/evaluator-1/classifier" \
  --evaluate 'python3 evaluate.py' --suite "$holdout" --key evaluator-1 --poll 0.5
start_watcher evaluator-2 evaluator-2 "$work/evaluator-2/classifier" \
  --evaluate 'python3 evaluate.py' --suite "$work/evaluator-2/suite-holdout" --key evaluator-2 --poll 0.5

step "Alice trains v2 (with the sensor x3), commits and pushes it; from here on, nobody acts by hand"
python3 "$model/train.py" "$alice_repo" --features x1,x2,x3
as alice mlchain commit -m "classifier v2: x1, x2 and the sensor x3" --param features=x1,x2,x3
v2=$(head_of "$alice_repo")
as alice mlchain push
echo "candidate v2: $v2"
wait_for 90 "evaluator-1's attestation" logged evaluator-1 'attested accuracy'
wait_for 90 "evaluator-2's attestation" logged evaluator-2 'attested accuracy'
wait_for 30 "v2 in production (promoted by the contract on the second result)" holds production "$v2"
wait_for 60 "the deployer's installation of v2" test -L "$work/deploy/current"
[[ $(readlink "$work/deploy/current") == "releases/$v2" ]] || fail "$work/deploy/current is not v2"
[[ $(json_field features < "$work/deploy/current/config.json") == '["x1", "x2", "x3"]' ]] ||
  fail "the installed bundle is not v2"
echo "-> $work/deploy/current is v2, as the chain vouched for it"
grep -E 'attested|verified' "$work/logs/evaluator-1.log" "$work/logs/evaluator-2.log" | sed "s|$work/logs/||"
grep -E 'deploy.sh|promoted' "$work/logs/deployer.log" | sed 's/^/deployer.log: /'
as alice mlchain stage

step "monitoring: the sensor was replaced in the field; both evaluators run the drift suite on production's holder"
mkdir -p "$work/results"
for party in evaluator-1 evaluator-2; do
  (
    cd "$work/$party/classifier"
    as "$party" mlchain fetch origin "$v2"
    as "$party" mlchain checkout "$v2"
    suite="$work/$party/suite-drift"
    cp -r "$model/suites/drift" "$suite"
    metrics=()
    while IFS= read -r line; do
      echo "   $line"
      metrics+=(--metric "$line")
    done < <(python3 "$suite/evaluate.py" .)
    as "$party" mlchain evaluate "$v2" --suite "$suite" "${metrics[@]}" --out "$work/results/drift-$party.json"
    as "$party" mlchain submit "$work/results/drift-$party.json"
  )
done
wait_for 60 "the retraining request's handler" test -d "$work/retrain/candidate"
request=$(ls "$work"/retrain/requests/*.json)
[[ $(json_field commit < "$request") == "$v2" && $(json_field stage < "$request") == production ]] ||
  fail "the retraining request is not about production's holder v2: $(cat "$request")"
# The event names the rule by its index in the stage's retrain-when list.
rule=$(MLCHAIN_HOME="$work/homes/alice" "$mlchain" policy show --json |
  python3 -c 'import json, sys; stage = [s for s in json.load(sys.stdin)["stages"] if s["stage"] == "production"][0]
print(stage["retrain_when"][int(sys.argv[1])])' "$(json_field rule < "$request")")
[[ $rule == 'drift>0.1' ]] || fail "the retraining request names rule '$rule', not drift>0.1"
[[ $(json_field features < "$work/retrain/candidate/config.json") == '["x1", "x2"]' ]] ||
  fail "the retrain handler did not train a replacement on x1, x2"
echo "-> retraining requested for v2 by rule $rule; a replacement without x3 is in $work/retrain/candidate"
grep -E 'retrain' "$work/logs/deployer.log" | sed 's/^/deployer.log: /'
as alice mlchain ledger

step "the watchers stop on SIGTERM, having delivered every event"
for party in evaluator-1 evaluator-2 deployer; do
  kill -TERM "${watcher_pid[$party]}"
  status=0
  wait "${watcher_pid[$party]}" || status=$?
  unset "watcher_pid[$party]"
  [[ $status -eq 0 ]] || fail "the $party watcher exited $status on SIGTERM"
  tail -n 1 "$work/logs/$party.log" | sed "s/^/$party.log: /"
  [[ ! -d $work/$party/classifier/.mlchain/watch/failed ]] || fail "the $party watcher parked events"
done

if [[ $keep_work == true ]]; then step "done: the work is in $work"; else step "done"; fi
