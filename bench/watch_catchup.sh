#!/usr/bin/env bash
# Catch-up of `mlchain watch`: a watcher started with `--from-block 0 --once` delivers every registry
# HeadUpdated (`pushed`) event of its repository to a no-op handler (`--on pushed=true`) and exits:
# wall seconds from start to exit, events per second, and peak RSS (/usr/bin/time -v), for 1,000 and
# 10,000 events, so that the RSS can be compared across the number of events.
#   - The events are made without `mlchain push`: anvil's first dev account (unlocked, the repository's
#     owner) sends registry transactions `push(repo, "main", old, new)` moving one branch head by head
#     (compare-and-swap on the old head), as JSON-RPC batches of eth_sendTransaction with explicit
#     nonces. Two layouts:
#       dense:  automine off, EVENTS_PER_BLOCK (default 300) transactions then one evm_mine: all the
#               events fall into one eth_getLogs range (the watcher reads up to 2000 blocks at once);
#       sparse: one transaction, then evm_mine, one at a time: one event per block, 10,000 blocks,
#               five eth_getLogs ranges of 2000 events.
#   - Heads are sha256 digests (commit words: the watcher reads them as dag-cbor CIDs).
#   - A second pass with no handler for `pushed` (`--on retrain=true`: the events are read, decoded
#     and the cursor is written after each, but no process is started) splits the time between the
#     handler's fork/exec and the rest.
# Usage: bench/watch_catchup.sh [MLCHAIN_BINARY]  (default build/cli/mlchain; anvil from tests/peers,
# cmake/install-deps.sh test; /usr/bin/time from Debian's `time`). LAYOUTS (default dense, about 3 minutes;
# "dense sparse" adds 8–12 minutes: anvil mines 11,000 blocks one by one ever more slowly), COUNTS
# (default "1000 10000").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mlchain=$(realpath "${1:-$root/build/cli/mlchain}")
peers=${MLCHAIN_PEERS:-$root/tests/peers}  # tests/peers with node_modules (a worktree may borrow another's)
per_block=${EVENTS_PER_BLOCK:-300}
layouts=${LAYOUTS:-dense}
counts=${COUNTS:-1000 10000}
[[ -x /usr/bin/time ]] || { echo "watch_catchup.sh: needs /usr/bin/time (Debian package time)" >&2; exit 1; }
work=$(mktemp -d)
cleanup() {
  bash "$peers/anvil.sh" stop "$work/anvil" || true
  rm -rf "$work"
}
trap cleanup EXIT
bash "$peers/anvil.sh" start "$work/anvil"
rpc=$(cat "$work/anvil/rpc-url")
key=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["private_keys"][0])' "$work/anvil/anvil.json")
owner=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["available_accounts"][0])' "$work/anvil/anvil.json")
export MLCHAIN_PRIVATE_KEY=$key MLCHAIN_HOME="$work/home"
registry=$("$mlchain" registry deploy --rpc "$rpc" --chain-id 31337 | awk 'NR == 1 {print $2}')

# make_events REPO COUNT LAYOUT: COUNT pushes of REPO's main branch (the first creates the repository).
make_events() {
  python3 - "$rpc" "$registry" "$owner" "$1" "$2" "$3" "$per_block" <<'PY'
import hashlib, http.client, json, sys, time, urllib.parse
rpc, registry, owner, repo, count, layout, per_block = sys.argv[1:8]
count, per_block = int(count), int(per_block)
url = urllib.parse.urlparse(rpc)
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
def call(requests):
    connection.request("POST", "/", json.dumps(requests), {"Content-Type": "application/json"})
    answers = json.loads(connection.getresponse().read())
    for answer in answers if isinstance(answers, list) else [answers]:
        if "error" in answer:
            sys.exit(f"{answer['error']}")
    return answers
def string_word(text):
    data = text.encode()
    return len(data).to_bytes(32, "big") + data.ljust((len(data) + 31) // 32 * 32, b"\0")
def push_calldata(old, new):
    repo_part, branch_part = string_word(repo), string_word("main")
    head = (128).to_bytes(32, "big") + (128 + len(repo_part)).to_bytes(32, "big") + old + new
    return "0x7c2b85ea" + (head + repo_part + branch_part).hex()
nonce = int(call({"jsonrpc": "2.0", "id": 0, "method": "eth_getTransactionCount",
                  "params": [owner, "pending"]})["result"], 16)
gas = 80000  # a push moving the branch uses about 58,300 (it records anchoredAt)
first_block = int(call({"jsonrpc": "2.0", "id": 0, "method": "eth_blockNumber", "params": []})["result"], 16) + 1
heads = [bytes(32)] + [hashlib.sha256(f"{repo} {i}".encode()).digest() for i in range(count)]
def send(first, last):
    global last_hash
    last_hash = call([{"jsonrpc": "2.0", "id": i, "method": "eth_sendTransaction",
           "params": [{"from": owner, "to": registry, "gas": hex(200000 if i == 0 else gas),
                       "nonce": hex(nonce + i), "data": push_calldata(heads[i], heads[i + 1])}]}
          for i in range(first, last)])[-1]["result"]
call({"jsonrpc": "2.0", "id": 0, "method": "evm_setAutomine", "params": [False]})
step = per_block if layout == "dense" else 1
for start in range(0, count, step):
    send(start, min(count, start + step))
    call({"jsonrpc": "2.0", "id": 0, "method": "evm_mine", "params": []})
call({"jsonrpc": "2.0", "id": 0, "method": "evm_setAutomine", "params": [True]})
def pool_size():
    status = call({"jsonrpc": "2.0", "id": 0, "method": "txpool_status", "params": []})["result"]
    return int(status["pending"], 16) + int(status["queued"], 16)
# Every transaction succeeded: the last one's receipt says so (each moves the head the previous one set).
receipt = call({"jsonrpc": "2.0", "id": 0, "method": "eth_getTransactionReceipt", "params": [last_hash]})["result"]
if pool_size() or not receipt or receipt["status"] != "0x1":
    sys.exit(f"not every push was mined and succeeded: last receipt {receipt}")
print(int(receipt["blockNumber"], 16) - first_block + 1)
PY
}

# catch_up DIR LABEL EVENTS HANDLER…: one --once pass from block 0; prints a row.
catch_up() {
  local dir=$1 label=$2 events=$3
  shift 3
  rm -rf "$dir/.mlchain/watch"
  local start end
  start=$(date +%s.%N)
  (cd "$dir" && /usr/bin/time -v -o "$work/time" "$mlchain" watch --once --from-block 0 "$@" 2> "$work/watch.log")
  end=$(date +%s.%N)
  local handled retried
  handled=$(grep -c ' pushed block ' "$work/watch.log" || true)
  retried=$(grep -c 'retrying in' "$work/watch.log" || true)
  python3 - "$label" "$events" "$start" "$end" "$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time")" \
    "$handled" "$retried" "$(awk -F': ' '/User time/ {print $2}' "$work/time")" "$(awk -F': ' '/System time/ {print $2}' "$work/time")" <<'PY'
import sys
label, events, start, end, rss_kib, handled, retried, user, system = sys.argv[1:10]
seconds = float(end) - float(start)
print(f"{label:<44}{int(events):>7,}{seconds:9.2f}{int(events) / seconds:10.0f}{float(user) + float(system):9.2f}"
      f"{int(rss_kib) / 1024:9.1f}{'' if handled in ('0', events) else '  logged ' + handled + ' deliveries!'}"
      f"{'' if retried == '0' else '  (' + retried + ' node errors retried)'}")
PY
}

echo "mlchain watch --once --from-block 0 on anvil $("$peers/node_modules/.bin/anvil" --version | head -n 1 | cut -d' ' -f3)"
printf '%-44s%7s%9s%10s%9s%9s\n' "" events "wall s" "events/s" "CPU s" "RSS MiB"
for layout in $layouts; do
  for events in $counts; do
    repo="bench-$layout-$events"
    blocks=$(make_events "$repo" "$events" "$layout")
    dir="$work/$repo"
    mkdir "$dir"
    (cd "$dir" && "$mlchain" init > /dev/null &&
      "$mlchain" remote add origin --ipfs http://127.0.0.1:9 --rpc "$rpc" --registry "$registry" --repo "$repo" \
        --chain-id 31337 > /dev/null)
    catch_up "$dir" "$layout ($blocks blocks): --on pushed=true" "$events" --on pushed=true
    catch_up "$dir" "$layout ($blocks blocks): no handler" "$events" --on retrain=true
  done
done
