#!/usr/bin/env bash
# mlchain watch against a real anvil and js-ipfs daemon (tests/peers), one of each for every case, each
# case on a repository of its own in the one registry, every chain fact cross-checked with Foundry's cast:
# three pushes -> three `pushed` deliveries in chain order, matching the commits, receipts and logs; kill -9
# between pushes and during a handler -> every event delivered, only the in-flight one twice, with the same
# MLCHAIN_EVENT_ID; a reorg (evm_snapshot/evm_revert) -> the dropped event handed to `reverted` and never
# delivered again, and never delivered at all with --confirmations 2; retries then success, retries then
# parked in failed/ while the next event still goes through; an RPC node gone for a while (a proxy that drops
# every connection) -> warnings, no exit, nothing lost; SIGTERM lets the running handler finish, exit 0, the
# cursor on its event; SIGUSR1's health line; status.json; the lock; bad input's exit codes; --log-format json;
# watch.<event> in the config and --on overriding it.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"

start_anvil
start_ipfs
MLCHAIN_PRIVATE_KEY=$(account private_keys 0)
export MLCHAIN_PRIVATE_KEY
pusher=$(account available_accounts 0)
expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)
head_updated=$("$cast" keccak 'HeadUpdated(bytes32,bytes32,address,string,string,bytes32,bytes32)')

# Watchers run in the background; whatever is left of them (and of handlers a kill -9 orphaned) dies on exit.
watcher_pids=()
stop_watchers() {
  for pid in "${watcher_pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for file in "$work"/*.handler-pid; do [ ! -f "$file" ] || kill -9 "$(cat "$file")" 2>/dev/null || true; done
}
at_exit stop_watchers

# `eventually DESCRIPTION COMMAND…`: COMMAND succeeds within 20 s, or the test fails showing the watcher logs.
eventually() {
  local description=$1; shift
  for _ in $(seq 200); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  for log in "$work"/*.log; do echo "--- $log" >&2; tail -n 30 "$log" >&2; done
  fail "$description did not happen within 20 s"
}
lines_at_least() { [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]; }
log_has() { [ -f "$1" ] && grep -q -- "$2" "$1"; }

# `start_watcher LOG ARG…`: mlchain watch ARG… in the background, its log in $work/LOG.log, its pid in $watcher;
# returns once it has chosen where it starts.
start_watcher() {
  local log="$work/$1.log"; shift
  "$MLCHAIN" watch "$@" 2> "$log" &
  watcher=$!
  watcher_pids+=("$watcher")
  eventually "the watcher's start ($log)" log_has "$log" 'watching \|resuming '
}
# `end_watcher PID`: kill -9 and reaped.
end_watcher() { kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# The handler that records: one JSON line per delivery in FILE, with its MLCHAIN_* environment and its
# stdin. While $work/slow exists it first writes its pid to $work/NAME.handler-pid, then sleeps that many
# seconds; while $work/always-fail exists it fails.
cat > "$work/record.py" << 'EOF'
import json, os, sys, time
out, name = sys.argv[1], sys.argv[2]
work = os.path.dirname(out)
given = sys.stdin.read()
slow = os.path.join(work, "slow")
if os.path.exists(slow):
    seconds = float(open(slow).read())
    with open(os.path.join(work, name + ".handler-pid"), "w") as f: f.write(str(os.getpid()))
    time.sleep(seconds)
if os.path.exists(os.path.join(work, "always-fail")):
    print("failing on purpose for " + os.environ["MLCHAIN_EVENT_ID"])
    sys.exit(3)
env = {k: v for k, v in os.environ.items() if k.startswith("MLCHAIN_") and k not in ("MLCHAIN_HOME", "MLCHAIN_PRIVATE_KEY")}
with open(out, "a") as f:
    f.write(json.dumps({"env": env, "input": json.loads(given), "newline": given.endswith("\n")}) + "\n")
print("recorded " + os.environ["MLCHAIN_EVENT_ID"])
EOF
record() { echo "python3 $work/record.py $work/$1.jsonl $1"; }

# `new_repository NAME`: $work/NAME, its remote origin naming repository NAME of the registry, one commit
# pushed; the shell is left there and $commits holds the pushed commits (the newest last).
new_repository() {
  mkdir "$work/$1" && cd "$work/$1"
  expect 0 "$MLCHAIN" init
  expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo "$1" --chain-id 31337
  commits=()
  push_commit "$1 first"
}
push_commit() {
  echo "$1" > weights.bin
  expect 0 "$MLCHAIN" commit -m "$1"
  expect 0 "$MLCHAIN" push "${@:2}"
  commits+=("$(cat .mlchain/refs/heads/main)")
}
head_block() { "$cast" block-number --rpc-url "$rpc"; }
# `cursor_past BLOCK`: the cursor of the repository in the current directory has passed the one event of BLOCK.
cursor_past() { python3 -c 'import json, sys
sys.exit(json.load(open(sys.argv[1]))["position"]["block"] < int(sys.argv[2]))' .mlchain/watch/cursor.json "$1" 2>/dev/null; }

# `check_records FILE EVENT COMMIT…`: FILE holds exactly one delivery of EVENT per COMMIT, in that order, each
# with its environment and stdin agreeing, in the block and log the node's receipt puts it (no receipt at all
# for the commits in $DROPPED).
cat > "$work/check.py" << 'EOF'
import json, os, subprocess, sys
cast, rpc, registry, pusher, path, event = sys.argv[1:7]
commits = sys.argv[7:]
dropped = os.environ.get("DROPPED", "").split()
records = [json.loads(line) for line in open(path)]
def fail(message):
    sys.exit(f"{path}: {message}; records: {json.dumps(records, indent=1)}")
if [r["input"]["event"] for r in records] != [event] * len(commits): fail(f"not {len(commits)} {event} events")
for r, commit in zip(records, commits):
    env, given = r["env"], r["input"]
    original = given["reverted"] if event == "reverted" else given
    if not r["newline"]: fail("stdin did not end with a newline")
    if original["commit"] != commit: fail(f"commit {original['commit']}, not {commit}")
    if event == "pushed":
        if original["branch"] != "main" or original["pusher"].lower() != pusher.lower(): fail("branch or pusher")
    want_id = f"{original['tx']}:{original['log_index']}"
    if given["id"] != want_id or env["MLCHAIN_EVENT_ID"] != want_id: fail(f"id is not {want_id}")
    checks = {"MLCHAIN_EVENT": event, "MLCHAIN_COMMIT": commit, "MLCHAIN_BRANCH": original["branch"],
              "MLCHAIN_BLOCK": str(original["block"]), "MLCHAIN_TX": original["tx"], "MLCHAIN_REMOTE": "origin",
              "MLCHAIN_REPO": original["repo"]}
    for name, value in checks.items():
        if env.get(name) != value: fail(f"{name}={env.get(name)}, not {value}")
    if "MLCHAIN_STAGE" in env: fail("MLCHAIN_STAGE set for a pushed event")
    if event == "reverted": continue
    receipt = json.loads(subprocess.check_output([cast, "rpc", "--rpc-url", rpc, "eth_getTransactionReceipt", original["tx"]]))
    if commit in dropped:
        if receipt is not None: fail(f"the dropped {original['tx']} is still on the chain")
        continue
    if int(receipt["blockNumber"], 16) != original["block"] or receipt["blockHash"] != original["block_hash"]:
        fail(f"cast receipt puts {original['tx']} in block {receipt['blockNumber']}")
    if not any(int(log["logIndex"], 16) == original["log_index"] and log["address"].lower() == registry.lower()
               for log in receipt["logs"]):
        fail(f"cast receipt of {original['tx']} has no registry log {original['log_index']}")
EOF
check_records() { python3 "$work/check.py" "$cast" "$rpc" "$registry" "$pusher" "$work/$1.jsonl" "${@:2}" || fail "records of $1"; }
delivered_ids() { python3 -c 'import json, sys
for line in open(sys.argv[1]): print(json.loads(line)["env"]["MLCHAIN_EVENT_ID"])' "$work/$1.jsonl"; }

echo "three pushes -> three pushed deliveries in chain order, as cast sees them"
new_repository three
first_block=$(( $(head_block) + 1 ))
start_watcher three --on "pushed=$(record three)" --poll 0.2 --log-format json
three_watcher=$watcher
push_commit "three 1"; push_commit "three 2"; push_commit "three 3"
eventually "three deliveries" lines_at_least "$work/three.jsonl" 3
check_records three pushed "${commits[@]:1}"
"$cast" logs --rpc-url "$rpc" --json --address "$registry" --from-block "$first_block" --to-block latest "$head_updated" |
  python3 -c 'import json, sys
print("\n".join(log["transactionHash"] + ":" + str(int(log["logIndex"], 16)) for log in json.load(sys.stdin)))' > "$work/cast-ids"
delivered_ids three > "$work/three-ids"
diff "$work/cast-ids" "$work/three-ids" > /dev/null || fail "cast logs: $(cat "$work/cast-ids"); delivered: $(cat "$work/three-ids")"
has 'recorded 0x' < "$work/three.log" || fail "the handler's output is not in the log"
python3 -c 'import json, sys
for line in open(sys.argv[1]):
    entry = json.loads(line)
    assert {"time", "level"} <= entry.keys() and ("message" in entry or "output" in entry), line
    if "output" in entry: assert entry["event_id"].startswith("0x"), line' "$work/three.log" ||
  fail "--log-format json wrote a line that is not such an object: $(cat "$work/three.log")"

echo "status.json, the health line on SIGUSR1, the lock"
python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
assert s["block"] >= 1 and s["head"] >= s["block"] and s["lag"] == s["head"] - s["block"] and s["pid"] == int(sys.argv[2]), s' \
  .mlchain/watch/status.json "$three_watcher" || fail "status.json: $(cat .mlchain/watch/status.json)"
kill -USR1 "$three_watcher"
eventually "the health line" log_has "$work/three.log" '"health: at block '
expect 5 "$MLCHAIN" watch --on pushed=true --once
has "cursor.json.lock is held by pid $three_watcher" <<< "$err" || fail "the second watcher's refusal: $err"
end_watcher "$three_watcher"

echo "bad input"
expect 2 "$MLCHAIN" watch --on nope=x --once
has "unknown event 'nope'" <<< "$err" || fail "--on nope=x: $err"
expect 2 "$MLCHAIN" watch --on pushed --once
expect 2 "$MLCHAIN" watch --once
has "nothing to do" <<< "$err" || fail "no handler: $err"
expect 2 "$MLCHAIN" watch --on pushed=true --log-format xml --once
expect 3 "$MLCHAIN" watch nosuch --on pushed=true --once
# A governance event's handler on a repository with no governance: the log says why nothing will come.
expect 0 "$MLCHAIN" watch --on promoted=true --once
has "names no governance for three" <<< "$err" || fail "a promoted handler without governance: $err"
expect 0 "$MLCHAIN" remote add dead --ipfs "$api" --rpc http://127.0.0.1:1 --registry "$registry" --repo three --chain-id 31337
expect 4 "$MLCHAIN" watch dead --on pushed=true --once
expect 2 "$MLCHAIN" watch dead --once
has "nothing to do" <<< "$err" || fail "no handler, an unreachable node: $err"

echo "kill -9 between pushes and during a handler: every event, only the in-flight one twice"
new_repository killed
start_watcher killed-1 --on "pushed=$(record killed)" --poll 0.2
push_commit "killed 1"
eventually "the first delivery" lines_at_least "$work/killed.jsonl" 1
eventually "the cursor past the first delivery" cursor_past "$(head_block)"
end_watcher "$watcher"
push_commit "killed 2"
start_watcher killed-2 --on "pushed=$(record killed)" --poll 0.2
eventually "the second delivery after a restart" lines_at_least "$work/killed.jsonl" 2
echo 2 > "$work/slow"
push_commit "killed 3"
eventually "the third handler's start" test -s "$work/killed.handler-pid"
end_watcher "$watcher"
rm "$work/slow"
start_watcher killed-3 --on "pushed=$(record killed)" --poll 0.2
eventually "the third delivery again" lines_at_least "$work/killed.jsonl" 3
# The orphaned handler of the killed watcher finishes too: both deliveries of the in-flight event recorded.
orphan_gone() { ! kill -0 "$(cat "$work/killed.handler-pid")" 2>/dev/null; }
eventually "the orphaned handler's end" orphan_gone
lines_at_least "$work/killed.jsonl" 4 || fail "the orphaned handler did not record: $(cat "$work/killed.jsonl")"
push_commit "killed 4"
eventually "the fourth delivery" lines_at_least "$work/killed.jsonl" 5
end_watcher "$watcher"
python3 - "$work/killed.jsonl" "${commits[@]:1}" << 'EOF' || fail "deliveries across kill -9: $(cat "$work/killed.jsonl")"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
commits = [r["env"]["MLCHAIN_COMMIT"] for r in records]
want = sys.argv[2:]
assert commits[:2] == want[:2] and commits[2:4] == [want[2]] * 2 and commits[4:] == want[3:], commits
ids = [r["env"]["MLCHAIN_EVENT_ID"] for r in records]
assert ids[2] == ids[3] == records[2]["input"]["id"] and len(set(ids)) == 4, ids
EOF

echo "a reorg: the dropped event is reverted, not delivered again, and with --confirmations 2 never delivered"
new_repository reorg
mkdir "$work/reorg-deep" && cd "$work/reorg-deep"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo reorg --chain-id 31337
start_watcher reorg-deep --on "pushed=$(record deep)" --confirmations 2 --poll 0.2
deep_watcher=$watcher
cd "$work/reorg"
start_watcher reorg --on "pushed=$(record shallow)" --on "reverted=$(record reverted)" --poll 0.2
push_commit "reorg 1"
"$cast" rpc --rpc-url "$rpc" anvil_mine > /dev/null
eventually "the first push 2 deep" lines_at_least "$work/deep.jsonl" 2
snapshot=$("$cast" rpc --rpc-url "$rpc" evm_snapshot | tr -d '"')
push_commit "reorg dropped"
dropped_block=$(head_block)
eventually "the dropped push's delivery" lines_at_least "$work/shallow.jsonl" 2
deep_saw_head() { python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["head"] < int(sys.argv[2]))' \
  "$work/reorg-deep/.mlchain/watch/status.json" "$dropped_block"; }
eventually "the deep watcher's poll of the dropped block" deep_saw_head
[ "$("$cast" rpc --rpc-url "$rpc" evm_revert "$snapshot")" = true ] || fail "evm_revert $snapshot"
"$cast" rpc --rpc-url "$rpc" anvil_mine 3 > /dev/null
eventually "the reverted delivery" lines_at_least "$work/reverted.jsonl" 1
check_records reverted reverted "${commits[2]}"
[ "$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["input"]["reverted"]["id"])' "$work/reverted.jsonl")" = \
  "$(sed -n 2p <(delivered_ids shallow))" ] || fail "the reverted event is not the dropped delivery"
# The chain's head of main is the first push again: pull learns it (main, ahead of it, stays), then push.
expect 0 "$MLCHAIN" pull origin main
push_commit "reorg after"
"$cast" rpc --rpc-url "$rpc" anvil_mine > /dev/null
eventually "the push after the reorg, shallow" lines_at_least "$work/shallow.jsonl" 3
eventually "the push after the reorg, deep" lines_at_least "$work/deep.jsonl" 3
DROPPED=${commits[2]} check_records shallow pushed "${commits[1]}" "${commits[2]}" "${commits[3]}"
# With 2 confirmations its start (the confirmed head) is before the first push: that one is new to it too.
check_records deep pushed "${commits[0]}" "${commits[1]}" "${commits[3]}"
[ "$(wc -l < "$work/reverted.jsonl")" -eq 1 ] || fail "reverted more than once: $(cat "$work/reverted.jsonl")"
end_watcher "$watcher"; end_watcher "$deep_watcher"

echo "retries: fails twice then succeeds -> three runs, never again; always failing -> parked, the next goes on"
new_repository flaky
cat > "$work/flaky.sh" << 'EOF'
count="$1/attempts-$MLCHAIN_EVENT_ID"
n=$(( $(cat "$count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$count"
echo "$MLCHAIN_EVENT_ID $MLCHAIN_ATTEMPT" >> "$1/flaky-runs"
if [ -e "$1/always-fail" ]; then echo "failing on purpose, attempt $n"; exit 3; fi
[ "$n" -ge 3 ] || { echo "not yet, attempt $n"; exit 1; }
EOF
start_watcher flaky --on "pushed=sh $work/flaky.sh $work" --retries 3 --retry-delay 0.1 --poll 0.2 --log-format json
push_commit "flaky 1"
eventually "the flaky handler's third run" lines_at_least "$work/flaky-runs" 3
touch "$work/always-fail"
push_commit "flaky 2"
eventually "the always failing event's four runs" lines_at_least "$work/flaky-runs" 7
eventually "the parked file" log_has "$work/flaky.log" 'pushed parked after 4 attempts'
rm "$work/always-fail"
push_commit "flaky 3"
eventually "the event after the parked one" lines_at_least "$work/flaky-runs" 10
sleep 0.5
end_watcher "$watcher"
parked=$(ls .mlchain/watch/failed/)
[ "$(wc -l <<< "$parked")" -eq 1 ] || fail "parked: $parked"
python3 - "$work/flaky-runs" ".mlchain/watch/failed/$parked" "${commits[@]:1}" << 'EOF' || fail "retries: $(cat "$work/flaky-runs")"
import json, sys
runs = [line.split() for line in open(sys.argv[1])]
ids = list(dict.fromkeys(run[0] for run in runs))
assert len(ids) == 3, runs
for event_id in ids:
    assert [int(run[1]) for run in runs if run[0] == event_id] == ([1, 2, 3, 4] if event_id == ids[1] else [1, 2, 3]), runs
parked = json.load(open(sys.argv[2]))
event = parked["event"]
assert event["id"] == ids[1] and event["commit"] == sys.argv[4], parked
assert sys.argv[2].endswith(f"/{event['block']}-{event['log_index']}-pushed.json"), sys.argv[2]
assert parked["attempts"] == 4 and parked["failure"] == "exited with 3", parked
assert "failing on purpose, attempt 4" in parked["output"], parked
EOF
python3 -c 'import json, sys
[json.loads(line) for line in open(sys.argv[1])]' "$work/flaky.log" || fail "--log-format json: $(cat "$work/flaky.log")"
has '"level":"warning"' < "$work/flaky.log" || fail "no warning for a retry"

echo "an RPC node unreachable for a while: warnings, no exit, every event after it"
new_repository outage
start_proxy hostile-proxy.mjs "$rpc" pass
set_mode() { curl -sf --max-time 120 -X POST "$proxy/__proxy/mode?mode=$1" > /dev/null || fail "cannot switch the proxy to $1"; }
expect 0 "$MLCHAIN" remote add direct --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo outage --chain-id 31337
expect 0 "$MLCHAIN" pull direct main
# The watcher reads the chain through the proxy; the pushes go straight to anvil.
expect 0 "$MLCHAIN" config set remote.origin.rpc "$proxy"
start_watcher outage --on "pushed=$(record outage)" --poll 0.2
push_commit "outage 1" direct
eventually "the delivery before the outage" lines_at_least "$work/outage.jsonl" 1
set_mode drop
push_commit "outage 2" direct
eventually "a warning about the node" log_has "$work/outage.log" ' warning .*retrying in'
sleep 1
kill -0 "$watcher" 2>/dev/null || fail "the watcher exited while the node was unreachable: $(cat "$work/outage.log")"
[ "$(wc -l < "$work/outage.jsonl")" -eq 1 ] || fail "delivered through a proxy that drops everything"
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["last_error"], "no last_error"' .mlchain/watch/status.json ||
  fail "status.json during the outage: $(cat .mlchain/watch/status.json)"
push_commit "outage 3" direct
set_mode pass
eventually "the deliveries after the outage" lines_at_least "$work/outage.jsonl" 3
eventually "the node's return in the log" log_has "$work/outage.log" 'the node answers again'
end_watcher "$watcher"
# A long-running watcher started while the node is down waits for it too (only --once gives up).
set_mode drop
"$MLCHAIN" watch --on "pushed=$(record outage)" --poll 0.2 2> "$work/outage-start.log" &
watcher=$!
watcher_pids+=("$watcher")
eventually "a warning at the start" log_has "$work/outage-start.log" ' warning .*retrying in'
push_commit "outage 4" direct
sleep 1
kill -0 "$watcher" 2>/dev/null || fail "the watcher started while the node was down exited: $(cat "$work/outage-start.log")"
set_mode pass
eventually "the delivery after a start during the outage" lines_at_least "$work/outage.jsonl" 4
end_watcher "$watcher"
check_records outage pushed "${commits[@]:1}"

echo "SIGTERM during a handler: it finishes, exit 0, the cursor on its event"
new_repository term
start_watcher term --on "pushed=$(record term)" --poll 0.2
echo 1.5 > "$work/slow"
push_commit "term 1"
eventually "the slow handler's start" test -s "$work/term.handler-pid"
kill -TERM "$watcher"
set +e; wait "$watcher"; code=$?; set -e
rm "$work/slow"
[ "$code" -eq 0 ] || fail "SIGTERM: exit $code: $(cat "$work/term.log")"
lines_at_least "$work/term.jsonl" 1 || fail "the handler did not finish: $(cat "$work/term.log")"
python3 -c 'import json, sys
cursor, record = json.load(open(sys.argv[1])), json.loads(open(sys.argv[2]).readline())["input"]
assert cursor["position"]["block"] == record["block"] and cursor["position"]["log_index"] == record["log_index"], cursor' \
  .mlchain/watch/cursor.json "$work/term.jsonl" || fail "cursor after SIGTERM: $(cat .mlchain/watch/cursor.json)"

echo "watch.pushed in the config, and --on over it"
expect 0 "$MLCHAIN" config set watch.pushed "$(record config)"
expect 0 "$MLCHAIN" watch --once --from-block 1
check_records config pushed "${commits[@]}"
expect 0 "$MLCHAIN" watch --once --from-block 1 --on "pushed=$(record over)"
check_records over pushed "${commits[@]}"
check_records config pushed "${commits[@]}"

echo "ok"
