#!/usr/bin/env bash
# Delivery latency of `mlchain watch` at its default poll interval (1 s), on anvil 1.7.1 mining a block
# every second (--block-time 1): from the moment the block holding a registry HeadUpdated event exists
# to the moment the `pushed` handler starts.
#   - a side loop asks anvil for eth_blockNumber every 20 ms over one kept-alive connection and records
#     the wall time at which each block was first seen (the block's own timestamp has 1 s resolution;
#     the latency against it is printed too, for comparison);
#   - the handler's first act is `date +%s.%N`;
#   - the pushes are registry transactions (`push(repo, branch, old, new)`, cast send --async, the
#     transaction `mlchain push` anchors with): the watcher only sees the HeadUpdated event, so no IPFS
#     node is needed;
#   - the watcher is restarted (at a random offset) before each push, so that the phase of its poll
#     against anvil's block clock is sampled evenly (both tick at 1 s).
# Usage: [POLL=SECONDS] bench/watch_latency.sh [PUSHES] [MLCHAIN_BINARY]  (default 20 pushes, build/cli/mlchain;
# anvil and cast from tests/peers, cmake/install-deps.sh test)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pushes=${1:-20}
poll=${POLL:-}  # empty: the watcher's default interval
mlchain=$(realpath "${2:-$root/build/cli/mlchain}")
peers=${MLCHAIN_PEERS:-$root/tests/peers}  # tests/peers with node_modules (a worktree may borrow another's)
cast="$peers/node_modules/.bin/cast"
work=$(mktemp -d)
watcher_pid= seer_pid=
cleanup() {
  set +e  # a killed child's status must not end the cleanup before anvil is stopped
  for pid in $watcher_pid $seer_pid; do
    kill "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
  done
  bash "$peers/anvil.sh" stop "$work/anvil"
  rm -rf "$work"
}
trap cleanup EXIT
bash "$peers/anvil.sh" start "$work/anvil" --block-time 1
rpc=$(cat "$work/anvil/rpc-url")
key=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["private_keys"][0])' "$work/anvil/anvil.json")
export MLCHAIN_PRIVATE_KEY=$key MLCHAIN_HOME="$work/home"

registry=$("$mlchain" registry deploy --rpc "$rpc" --chain-id 31337 | awk 'NR == 1 {print $2}')
mkdir "$work/repo" && cd "$work/repo"
"$mlchain" init > /dev/null
# The watcher reads only the chain: the IPFS URL is never contacted.
"$mlchain" remote add origin --ipfs http://127.0.0.1:9 --rpc "$rpc" --registry "$registry" --repo bench-watch \
  --chain-id 31337 > /dev/null
word() { printf '0x%064x' "$1"; }
push() { "$cast" send --rpc-url "$rpc" --private-key "$key" "$registry" "push(string,string,bytes32,bytes32)" \
  bench-watch main "$(word "$1")" "$(word "$2")" "${@:3}" > /dev/null; }
push 0 1  # creates the repository (waits for its receipt)

# Wall time at which each block number is first seen, polled every 20 ms.
python3 - "$rpc" > "$work/seen" <<'PY' &
import http.client, json, sys, time, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
connection = http.client.HTTPConnection(url.hostname, url.port)
body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []})
last = -1
while True:
    connection.request("POST", "/", body, {"Content-Type": "application/json"})
    block = int(json.loads(connection.getresponse().read())["result"], 16)
    now = time.time()
    for number in range(last + 1, block + 1):
        print(number, f"{now:.6f}", flush=True)
    last = max(last, block)
    time.sleep(0.02)
PY
seer_pid=$!

start_watcher() {
  "$mlchain" watch ${poll:+--poll "$poll"} --on pushed='started=$(date +%s.%N); echo "$MLCHAIN_BLOCK $started" >> ../handled' \
    2>> "$work/watch.log" &
  watcher_pid=$!
  for _ in $(seq 100); do [[ $(grep -c -E 'watching|resuming' "$work/watch.log") -ge $1 ]] && return 0; sleep 0.02; done
  cat "$work/watch.log" >&2
  exit 1
}
stop_watcher() { kill "$watcher_pid"; wait "$watcher_pid"; watcher_pid=; }
echo "mlchain watch (--poll ${poll:-1, the default}) on anvil $("$peers/node_modules/.bin/anvil" --version | head -n 1 | cut -d' ' -f3) --block-time 1: $pushes pushes"
: > "$work/watch.log"
: > "$work/handled"
for i in $(seq "$pushes"); do
  # A new watcher at a random phase against anvil's blocks each time: both tick every second, so one
  # long-running watcher would sample one narrow band of phases. It resumes from its cursor (nothing is
  # left to deliver when it starts) and has polled at least once before the push is sent.
  sleep "0.$(printf '%03d' $((RANDOM % 1000)))"
  start_watcher "$i"
  sleep 1.2
  push "$i" "$((i + 1))" --async
  for _ in $(seq 150); do [[ $(wc -l < "$work/handled") -ge $i ]] && break; sleep 0.02; done
  [[ $(wc -l < "$work/handled") -ge $i ]] || { echo "push $i was not handled within 3 s; the watcher's log:" >&2; cat "$work/watch.log" >&2; exit 1; }
  stop_watcher
done

# The block timestamps, for the second column.
while read -r block _; do
  echo "$block $("$cast" block "$block" --field timestamp --rpc-url "$rpc")"
done < "$work/handled" > "$work/stamps"
python3 - "$work/seen" "$work/handled" "$work/stamps" <<'PY'
import statistics, sys
seen = dict(line.split() for line in open(sys.argv[1]))
stamps = dict(line.split() for line in open(sys.argv[3]))
rows = [line.split() for line in open(sys.argv[2])]
from_seen = sorted(float(started) - float(seen[block]) for block, started in rows)
from_stamp = sorted(float(started) - float(stamps[block]) for block, started in rows)
def quantile(values, q):
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]
print(f"{'latency (ms), ' + str(len(rows)) + ' events':<44}{'median':>8}{'p90':>8}{'max':>8}{'min':>8}")
for name, values in (("block first seen -> handler start", from_seen),
                     ("block timestamp (1 s steps) -> handler start", from_stamp)):
    print(f"{name:<44}{statistics.median(values) * 1000:8.0f}{quantile(values, 0.9) * 1000:8.0f}"
          f"{values[-1] * 1000:8.0f}{values[0] * 1000:8.0f}")
PY
