#!/usr/bin/env bash
# Gated promotion, start to finish: which version of a model is in production is decided by a contract,
# fed by evaluation results that three independent evaluators sign, and every decision is on the chain.
#
# The model is a small logistic-regression classifier (examples/gated-promotion/train.py, Python's
# standard library only). Two evaluation suites are directories named by their CIDs: the held-out test
# set with the script that computes accuracy, and a live-traffic sample with the script that computes
# drift (the population stability index of the model's scores). The story:
#   1. Alice (the repository's owner) trains v1, commits and pushes it; deploys the governance contract
#      (and EAS, which a local chain lacks); names three evaluators with a quorum of 2; sets the rules:
#      staging needs accuracy >= 0.80 and promotes by itself; production needs accuracy >= 0.90 and
#      staging first, flags retraining when drift > 0.1 and rolls back when drift > 0.25.
#   2. Each evaluator fetches v1 by CID, verifies it against the chain, checks the suite's CID, runs the
#      suite and signs its result (no ether needed); Alice relays the three in one transaction. v1 goes
#      to staging by itself; Alice promotes it to production.
#   3. v2, a cheaper one-feature model, passes staging but its promotion to production is refused
#      (exit 5, with the failing rule, the values and how many evaluators support it).
#   4. v3 also reads a sensor (x3) that tracks the label in the collected data: better on the held-out
#      set, promoted to production over v1.
#   5. The sensor is replaced in the field. The drift suite on production's holder reports the shift;
#      the contract flags retraining and rolls production back to v1, its previous holder.
#   6. A deploy pipeline asks the chain whether its content holds production (verify --stage), and
#      checks out @production.
# Any step that does not behave as described stops the script with a non-zero exit.
#
# The remotes are real and local: Foundry's anvil and a js-ipfs daemon from the pinned npm packages in
# tests/peers, started here on free loopback ports and stopped on exit. Alice's key is anvil's first
# development account (public knowledge: never use it elsewhere); the evaluators make fresh keys.
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

work=${EXAMPLE_DIR:-$(mktemp -d -t mlchain-gated-promotion.XXXXXX)}
mkdir -p "$work"
# What an earlier run in EXAMPLE_DIR left (its peers are stopped; their directories are reused).
rm -rf "$work/homes" "$work/results" "$work/alice" "$work"/evaluator-* "$work/deploy"
# Run as a test (MLCHAIN set) in a directory of its own making, a successful run leaves nothing behind.
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
  printf 'gated-promotion.sh: %s\n' "$*" >&2
  exit 1
}
# Each party has its own key directory, holding its one key (so the default key): `as PARTY mlchain
# ARGS…` shows the command (on stderr, so a caller can read the output) and runs it as PARTY.
as() {
  local party=$1
  shift 2
  show_command "$party" "$@"
  MLCHAIN_HOME="$work/homes/$party" "$mlchain" "$@"
}
show_command() {
  local party=$1
  shift
  { printf '[%s] $ mlchain' "$party"; printf ' %q' "$@"; printf '\n'; } >&2
}
# `as_refused CODE PATTERN PARTY mlchain ARGS…`: a step that must be refused with exit CODE and say PATTERN
# (grep -E, on stdout and stderr). Shows the refusal; anything else stops the script.
as_refused() {
  local code=$1 pattern=$2 party=$3 status=0
  shift 4
  show_command "$party" "$@"
  MLCHAIN_HOME="$work/homes/$party" "$mlchain" "$@" > "$work/refusal" 2>&1 || status=$?
  cat "$work/refusal"
  [[ $status -eq $code ]] || fail "'mlchain $*' by $party exited $status, not $code"
  grep -Eq "$pattern" "$work/refusal" || fail "'mlchain $*' by $party: the message does not say /$pattern/"
  echo "-> refused (exit $status), as it should be"
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
expect_holder() {
  local stage=$1 want=$2 name=$3 got
  got=$(holder "$stage")
  [[ $got == "$want" ]] || fail "$stage is held by '${got:-nobody}', not $name ($want)"
  echo "-> $stage is held by $name"
}
# head_of REPO: the commit CID its HEAD names.
head_of() { (cd "$1" && MLCHAIN_HOME="$work/homes/alice" "$mlchain" show --json | json_field cid); }

export MLCHAIN_PASSWORD="example passphrase"  # the keystores' passphrase, for every party here
alice_repo="$work/alice/classifier"

step "the remotes: a local chain and a local IPFS node"
"$peers/anvil.sh" start "$work/anvil" >/dev/null
"$peers/ipfs-daemon.sh" start "$work/ipfs" >/dev/null
rpc=$(cat "$work/anvil/rpc-url")
ipfs=$(cat "$work/ipfs/api-url")
echo "chain (anvil): $rpc    IPFS (js-ipfs): $ipfs"

step "keys: Alice pays for every transaction; each evaluator makes its own key and needs no ether"
mkdir -p "$work/homes" "$work/results"
(umask 077 && echo 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 > "$work/alice.key")
as alice mlchain key import --private-key-file "$work/alice.key" --name alice --light
rm "$work/alice.key"
evaluators=(evaluator-1 evaluator-2 evaluator-3)
declare -A address
for e in "${evaluators[@]}"; do
  address[$e]=$(as "$e" mlchain key new --name "$e" --light | tail -n 1)
  echo "$e: ${address[$e]}"
done

step "the registry contract (deployed once per chain)"
registry=$(as alice mlchain registry deploy --rpc "$rpc" --json | json_field registry)
echo "registry: $registry"
name="mlchain://31337@$registry/classifier"

step "Alice trains v1 on x1 and x2, commits and pushes it"
mkdir -p "$alice_repo"
python3 "$example/train.py" "$alice_repo" --features x1,x2
cd "$alice_repo"  # Alice works here from now on
as alice mlchain init
as alice mlchain commit -m "classifier v1: logistic regression on x1, x2" --param features=x1,x2 --license Apache-2.0
v1=$(head_of "$alice_repo")
as alice mlchain remote add origin --ipfs "$ipfs" --rpc "$rpc" --registry "$registry" --repo classifier --chain-id 31337
as alice mlchain push

step "Alice deploys the governance contract (and EAS, which a local chain lacks) and sets the rules"
as alice mlchain governance deploy
as alice mlchain policy set --evaluator "${address[evaluator-1]}" --evaluator "${address[evaluator-2]}" \
  --evaluator "${address[evaluator-3]}" --quorum 2
as alice mlchain policy set --stage staging --require 'accuracy>=0.80' --auto
as alice mlchain policy set --stage production --require 'accuracy>=0.90' --after staging \
  --retrain-when 'drift>0.1' --rollback-when 'drift>0.25'
as alice mlchain policy show

step "the evaluation suites: directories named by their CIDs, the code and the data together"
holdout=$("$mlchain" cid "$example/suites/holdout" | cut -d' ' -f1)
drift=$("$mlchain" cid "$example/suites/drift" | cut -d' ' -f1)
echo "held-out accuracy suite: $holdout"
echo "drift suite:             $drift"

# evaluate EVALUATOR LABEL CANDIDATE SUITE: as EVALUATOR, fetch CANDIDATE by CID (cloning the repository
# the first time), verify it against the chain, check that the copy of suite SUITE (holdout or drift)
# has the announced CID, run it on the work tree and sign the result into $work/results/LABEL-SUITE-*.
# In a subshell: the caller stays where it is.
evaluate() (
  local e=$1 label=$2 candidate=$3 suite_name=$4
  local repo="$work/$e/classifier" suite="$work/$e/suite-$suite_name" suite_cid
  [[ $suite_name == holdout ]] && suite_cid=$holdout || suite_cid=$drift
  [[ -d $repo ]] || as "$e" mlchain clone "$name" "$repo" --rpc "$rpc" --ipfs "$ipfs"
  cd "$repo"
  as "$e" mlchain fetch origin "$candidate"
  as "$e" mlchain checkout "$candidate"
  as "$e" mlchain verify "$candidate" --chain
  # The suite may arrive by any channel: its CID says whether it is the one the rules were set for.
  [[ -d $suite ]] || cp -r "$example/suites/$suite_name" "$suite"
  [[ $("$mlchain" cid "$suite" | cut -d' ' -f1) == "$suite_cid" ]] || fail "$e: $suite is not $suite_cid"
  local metrics=() line
  while IFS= read -r line; do
    echo "   $line"
    metrics+=(--metric "$line")
  done < <(python3 "$suite/evaluate.py" "$repo")
  as "$e" mlchain evaluate "$candidate" --suite "$suite" "${metrics[@]}" --out "$work/results/$label-$suite_name-$e.json"
)
# submit FILE…: Alice relays the signed results in one transaction.
submit() { as alice mlchain submit "$@"; }

step "v1: three evaluators sign their results; Alice relays them in one transaction"
for e in "${evaluators[@]}"; do evaluate "$e" v1 "$v1" holdout; done
# Anyone can check a signed result with standard tools: its EIP-712 typed data and signature.
result="$work/results/v1-holdout-evaluator-1.json"
printf '$ cast wallet verify --address %s --data TYPED_DATA SIGNATURE   (of %s)\n' "${address[evaluator-1]}" "$result"
"$cast" wallet verify --address "${address[evaluator-1]}" --data "$(json_field typed_data < "$result")" \
  "$(json_field signature < "$result")"
submit "$work"/results/v1-holdout-*.json
expect_holder staging "$v1" "v1 (promoted by the contract when the second passing result arrived)"
as alice mlchain promote "$v1" --stage production
expect_holder production "$v1" v1

step "v2: a cheaper model on x1 alone reaches staging and is refused production"
python3 "$example/train.py" "$alice_repo" --features x1
as alice mlchain commit -m "classifier v2: x1 only, cheaper to serve" --param features=x1
v2=$(head_of "$alice_repo")
as alice mlchain push
for e in evaluator-1 evaluator-3; do evaluate "$e" v2 "$v2" holdout; done
submit "$work"/results/v2-holdout-*.json
expect_holder staging "$v2" v2
as_refused 5 'accuracy>=0[.]9' alice mlchain promote "$v2" --stage production
expect_holder production "$v1" "v1 (unchanged)"

step "v3: with the sensor reading x3 as well, better on the held-out set: promoted over v1"
python3 "$example/train.py" "$alice_repo" --features x1,x2,x3
as alice mlchain commit -m "classifier v3: x1, x2 and the sensor x3" --param features=x1,x2,x3
v3=$(head_of "$alice_repo")
as alice mlchain push
for e in "${evaluators[@]}"; do evaluate "$e" v3 "$v3" holdout; done
submit "$work"/results/v3-holdout-*.json
expect_holder staging "$v3" v3
as alice mlchain promote "$v3" --stage production
expect_holder production "$v3" v3
as alice mlchain stage

step "monitoring: the sensor was replaced in the field; the drift suite runs on production's holder"
for e in evaluator-1 evaluator-2; do evaluate "$e" v3-live "$v3" drift; done
submit "$work"/results/v3-live-drift-*.json
expect_holder production "$v1" "v1 again: rolled back to its previous holder"
as alice mlchain stage
as alice mlchain ledger
# The ledger holds both monitoring decisions about v3: the retraining request and the rollback to v1.
MLCHAIN_HOME="$work/homes/alice" "$mlchain" ledger --json | python3 -c '
import json, sys
v1, v3 = sys.argv[1:]
events = json.load(sys.stdin)
retrain = [e for e in events if e["event"] == "retrain" and e["commit"] == v3]
rollback = [e for e in events if e["event"] == "rolled-back" and (e["from"], e["to"]) == (v3, v1)]
sys.exit(None if len(retrain) == 1 and len(rollback) == 1 else
         "gated-promotion.sh: the ledger does not show one retraining request and one rollback from v3 to v1")
' "$v1" "$v3"

step "a deploy pipeline asks before it ships: does this exact content hold production now?"
as deployer mlchain clone "$name" "$work/deploy" --rpc "$rpc" --ipfs "$ipfs"
cd "$work/deploy"
# The branch head is v3, which no longer holds production: the chain says no, naming the holder.
as_refused 1 "@production: expected $v1" deployer mlchain verify --chain --stage production
as deployer mlchain checkout @production
as deployer mlchain verify @production --chain --stage production
[[ $(json_field features < config.json) == '["x1", "x2"]' ]] || fail "@production did not check out v1"
echo "-> the work tree is v1, the version production rolled back to: ship it"

if [[ $keep_work == true ]]; then step "done: the work is in $work"; else step "done"; fi
