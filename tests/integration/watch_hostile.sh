#!/usr/bin/env bash
# mlchain watch against a hostile user, network and chain, on one anvil and one js-ipfs daemon (tests/peers):
# bad flags (a negative or beyond-the-head --from-block) are exit 2; .mlchain/watch or its cursor replaced by
# a file, a dangling link, a FIFO, junk or another repository's cursor are exit 1 or 2, never 70; fsck and gc
# beside leftover temporaries keep the cursor; handlers that print without end of line, print
# binary under --log-format json, kill their own process group, leave a process holding their output, or
# meet MLCHAIN_STAGE in the watcher's environment; signals: SIGTERM in a retry backoff, SIGHUP lets the
# handler finish, a second SIGINT kills the handler's group, SIGUSR1 storms; an RPC node that answers garbage,
# another chain, logs of another contract or out of range, or hangs (SIGTERM still stops the watcher at once);
# evaluator mode: a suite CID that is a single file is refused at start, bad metrics, content the IPFS node
# tampers with and a commit it no longer holds are parked with nothing signed.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"

source "$(dirname "${BASH_SOURCE[0]}")/lib/watch.sh"
# stopped_within SECONDS PID: waits for PID to end; its exit code in $code.
stopped_within() {
  local limit=$1 pid=$2
  wait_for "$limit" eval "! kill -0 $pid 2>/dev/null"
  set +e
  wait "$pid"
  code=$?
  set -e
}
longest_line() { awk '{ if (length($0) > longest) longest = length($0) } END { print longest + 0 }' "$1"; }

start_anvil
start_ipfs
export MLCHAIN_PRIVATE_KEY=$(account private_keys 0)
evaluator_key=$(account private_keys 1)
governed_repository
expect 0 "$MLCHAIN" policy set --evaluator "$(account available_accounts 1)" --quorum 1
W=.mlchain/watch

echo "flags"
expect 2 "$MLCHAIN" watch --once --on pushed=true --from-block -5
has "'-5' is not a whole number" <<< "$err" || fail "--from-block -5: $err"
expect 2 "$MLCHAIN" watch --once --on pushed=true --from-block 99999999
has "beyond the chain's head" <<< "$err" || fail "--from-block beyond the head: $err"
for flags in "--retries -1" "--poll 0" "--poll -1" "--poll nan" "--retry-delay nan" "--confirmations 0" \
  "--evaluate true" "--out-dir $work/out" "--log-format xml"; do
  # shellcheck disable=SC2086 # each entry is a flag and its value
  expect 2 "$MLCHAIN" watch --once --on pushed=true $flags
done
[ ! -e "$work/out" ] || fail "--out-dir without --evaluate made $work/out"
expect 0 "$MLCHAIN" watch --once --from-block 1 --on pushed=true
has "delivered 1," <<< "$err" || fail "the push of A was not delivered: $err"

echo "odd watch directories and cursors"
mv "$W" "$work/watch.saved"
echo "not a directory" > "$W"
expect 1 "$MLCHAIN" watch --once --on pushed=true
has "$W is not a directory" <<< "$err" || fail ".mlchain/watch a file: $err"
rm "$W" && ln -s "$work/nowhere" "$W"
expect 1 "$MLCHAIN" watch --once --on pushed=true
rm "$W" && mv "$work/watch.saved" "$W"
cp "$W/cursor.json" "$work/cursor.good"
head -c 40 "$work/cursor.good" > "$W/cursor.json"
expect 1 "$MLCHAIN" watch --once --on pushed=true
has "is damaged" <<< "$err" || fail "a truncated cursor: $err"
head -c 10000000 /dev/urandom > "$W/cursor.json"
expect 1 "$MLCHAIN" watch --once --on pushed=true
rm "$W/cursor.json" && mkfifo "$W/cursor.json"
expect 1 "$MLCHAIN" watch --once --on pushed=true
rm "$W/cursor.json"
sed 's/"repo": "model"/"repo": "other"/' "$work/cursor.good" > "$W/cursor.json"
expect 2 "$MLCHAIN" watch --once --on pushed=true
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["position"]["block"] = -5
json.dump(d, open(sys.argv[2], "w"))' "$work/cursor.good" "$W/cursor.json"
expect 1 "$MLCHAIN" watch --once --on pushed=true
python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
d["position"] = {"block": 2 ** 64 - 1, "block_hash": "0x" + "00" * 32, "log_index": None}
d["checkpoints"] = [d["position"]]; d["delivered"] = []
json.dump(d, open(sys.argv[2], "w"))' "$work/cursor.good" "$W/cursor.json"
expect 0 "$MLCHAIN" watch --once --on pushed=true
has "stopped after block 18446744073709551615:" <<< "$err" || fail "a cursor at the last block went back: $err"
cp "$work/cursor.good" "$W/cursor.json"
rm -f "$W/cursor.json.lock" && mkdir "$W/cursor.json.lock"
expect 1 "$MLCHAIN" watch --once --on pushed=true
rmdir "$W/cursor.json.lock"

echo "fsck and gc beside a watcher's files"
dead_pid=$(sh -c 'echo $$')
touch "$W/.cursor.json.tmp-$dead_pid-0" "$W/cursor.json.tmp"
expect 0 "$MLCHAIN" fsck
expect 0 "$MLCHAIN" gc
cmp -s "$W/cursor.json" "$work/cursor.good" || fail "gc touched the cursor"

echo "handlers"
expect 0 "$MLCHAIN" watch --once --from-block 1 --on 'pushed=head -c 20000000 /dev/zero | tr "\0" x'
[ "$(longest_line "$work/.err")" -lt 70000 ] || fail "a handler's endless line became a log line of $(longest_line "$work/.err") bytes"
expect 0 "$MLCHAIN" watch --once --from-block 1 --log-format json \
  --on 'pushed=head -c 4000 /dev/urandom; printf "\377\376\n"'
python3 -c 'import json, sys
for line in open(sys.argv[1], "rb").read().splitlines(): json.loads(line.decode("utf-8"))' "$work/.err" ||
  fail "--log-format json wrote a line that is not JSON"
expect 0 env MLCHAIN_STAGE=production "$MLCHAIN" watch --once --from-block 1 \
  --on 'pushed=echo "stage=${MLCHAIN_STAGE-unset} \"q\" $MLCHAIN_EVENT"'
has 'stage=unset "q" pushed' <<< "$err" || fail "a handler's environment or quoting: $err"
expect 0 "$MLCHAIN" watch --once --from-block 1 --retries 0 --on 'pushed=kill -9 0'
[ -f "$W/failed/2-1-pushed.json" ] || fail "a handler that killed its own group was not parked: $err"
rm -r "$W/failed"
expect 0 timeout 20 "$MLCHAIN" watch --once --from-block 1 --on 'pushed=sleep 60 & echo started'
has "delivered 1," <<< "$err" || fail "a background process holding the handler's output: $err"

echo "signals"
watch_in_background "$work/backoff.log" --from-block 1 --retry-delay 30 --on 'pushed=exit 1'
wait_for 10 logged "$work/backoff.log" "retrying in 30 s"
kill -TERM "$watcher"
stopped_within 3 "$watcher"
[ "$code" -eq 0 ] || fail "SIGTERM in a retry backoff: exit $code"

watch_in_background "$work/hup.log" --from-block 1 --on "pushed=touch $work/started; sleep 1; touch $work/finished"
wait_for 10 test -e "$work/started"
kill -HUP "$watcher"
stopped_within 10 "$watcher"
[ "$code" -eq 0 ] || fail "SIGHUP: exit $code, not 0 after the handler finished: $(cat "$work/hup.log")"
[ -e "$work/finished" ] || fail "SIGHUP did not let the handler finish"

rm -f "$work/started"
watch_in_background "$work/int.log" --from-block 1 --on "pushed=echo \$\$ > $work/started; sleep 30; true"
wait_for 10 test -s "$work/started"
handler=$(cat "$work/started")
kill -INT "$watcher"
sleep 0.2
kill -INT "$watcher"
stopped_within 3 "$watcher"
[ "$code" -eq 130 ] || fail "a second SIGINT: exit $code"
wait_for 3 eval "! kill -0 $handler 2>/dev/null"

watch_in_background "$work/usr1.log" --from-block 1 --poll 0.1 --on 'pushed=sleep 0.5'
wait_for 10 logged "$work/usr1.log" "pushed block"
for _ in $(seq 200); do kill -USR1 "$watcher"; done
wait_for 10 logged "$work/usr1.log" "health: at block"
kill -0 "$watcher" || fail "a storm of SIGUSR1 ended the watcher: $(cat "$work/usr1.log")"
kill -TERM "$watcher"
stopped_within 5 "$watcher"
[ "$code" -eq 0 ] || fail "SIGTERM after SIGUSR1s: exit $code"

echo "a lying RPC node"
cat > "$work/liar.py" << 'EOF'
# A JSON-RPC node in front of anvil that lies as the file MODE_FILE says, read at each request: pass,
# garbage (no JSON), chain (another chain id), foreign (logs of another contract), far (logs of a block
# outside the range asked), hang (no answer, after eth_chainId).
import http.server, json, os, sys, time, urllib.request
port_file, upstream, mode_file = sys.argv[1:4]
class Liar(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        mode = open(mode_file).read().strip()
        call = json.loads(body)
        method = call.get('method') if isinstance(call, dict) else None
        if mode == 'hang' and method != 'eth_chainId':
            time.sleep(600)
            return
        if mode == 'garbage' and method != 'eth_chainId':
            out = b'\x00\xffnot json{{'
        else:
            answer = json.loads(urllib.request.urlopen(urllib.request.Request(
                upstream, data=body, headers={'Content-Type': 'application/json'})).read())
            if mode == 'chain' and method == 'eth_chainId': answer['result'] = '0x1'
            if method == 'eth_getLogs' and isinstance(answer.get('result'), list):
                for log in answer['result']:
                    if mode == 'foreign': log['address'] = '0x' + '12' * 20
                    if mode == 'far': log['blockNumber'] = '0xffffff'
            out = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(out)))
        self.end_headers()
        self.wfile.write(out)
server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Liar)
server.daemon_threads = True
open(port_file + '.tmp', 'w').write(str(server.server_address[1]))
os.rename(port_file + '.tmp', port_file)
server.serve_forever()
EOF
echo pass > "$work/liar.mode"
python3 "$work/liar.py" "$work/liar.port" "$rpc" "$work/liar.mode" &
proxy_pids+=($!)
wait_for 10 test -s "$work/liar.port"
expect 0 "$MLCHAIN" remote add liar --ipfs "$api" --rpc "http://127.0.0.1:$(cat "$work/liar.port")" \
  --registry "$registry" --repo model --chain-id 31337
for case in garbage:4 chain:2 foreign:4 far:4; do
  echo "${case%:*}" > "$work/liar.mode"
  # The log's lines come first (the start), the error last.
  expect_exit "${case#*:}" "$MLCHAIN" watch liar --once --from-block 1 --on pushed=true
  [[ "$(tail -n 1 <<< "$err")" == "mlchain: error: "* ]] || fail "the ${case%:*} node: $err"
done
echo pass > "$work/liar.mode"
watch_in_background "$work/hang.log" liar --poll 0.1 --on pushed=true
wait_for 10 logged "$work/hang.log" "resuming model"
sleep 0.5
echo hang > "$work/liar.mode"
sleep 1
kill -TERM "$watcher"
stopped_within 3 "$watcher"
[ "$code" -eq 0 ] || fail "SIGTERM while the node hangs: exit $code"
echo pass > "$work/liar.mode"

echo "evaluator mode"
export MLCHAIN_PRIVATE_KEY=$evaluator_key
mkdir "$work/results"
echo "one file" > "$work/file"
file_cid=$("$MLCHAIN" cid "$work/file" | cut -d' ' -f1)
expect 2 "$MLCHAIN" watch --once --from-block 1 --evaluate 'echo {}' --suite "$file_cid"
expect 2 "$MLCHAIN" watch --once --from-block 1 --evaluate 'echo {}' --suite "$work/suite" --out-dir "$work/file"
expect 5 env MLCHAIN_PRIVATE_KEY="$(account private_keys 2)" \
  "$MLCHAIN" watch --once --evaluate 'echo {}' --suite "$work/suite"
for metrics in 'hello' '[1]' '{"a": NaN}' '{"a": 1e400}' '{"a": 0.1234567890123456789}' '{}' '{"a b": 1}' \
  "{$(seq -s, -f '"m%g": 1' 17)}"; do
  expect 0 "$MLCHAIN" watch --once --from-block 1 --retries 0 --evaluate "echo '$metrics'" --suite "$work/suite" \
    --out-dir "$work/results"
  [ -f "$W/failed/2-1-pushed.json" ] || fail "metrics $metrics were not parked: $err"
  rm -r "$W/failed"
done
[ -z "$(ls "$work/results")" ] || fail "bad metrics were signed: $(ls "$work/results")"
start_proxy hostile-proxy.mjs "$api" flip-byte
expect 0 "$MLCHAIN" remote add tampered --ipfs "$proxy" --rpc "$rpc" --registry "$registry" --repo model \
  --chain-id 31337
expect 0 "$MLCHAIN" watch tampered --once --from-block 1 --retries 0 --evaluate 'echo "{\"accuracy\": 1}"' \
  --suite "$work/suite" --out-dir "$work/results"
[ -f "$W/failed/2-1-pushed.json" ] || fail "a commit served tampered was not parked: $err"
[ -z "$(ls "$work/results")" ] || fail "a commit served tampered was signed: $(ls "$work/results")"
expect 0 "$MLCHAIN" watch --once --from-block 1 --evaluate 'echo "{\"accuracy\": 1}"' --suite "$work/suite" \
  --out-dir "$work/results"
[ -n "$(ls "$work/results")" ] || fail "the honest node's commit was not evaluated: $err"
echo "C" >> weights.bin
expect 0 "$MLCHAIN" commit -m "candidate C, then dropped by the node"
expect 0 env MLCHAIN_PRIVATE_KEY="$(account private_keys 0)" "$MLCHAIN" push
C=$(cat .mlchain/refs/heads/main)
curl -sf --max-time 120 -X POST "$api/api/v0/pin/rm?arg=$C&recursive=true" > /dev/null
curl -sf --max-time 120 -X POST "$api/api/v0/repo/gc" > /dev/null
expect 0 timeout 30 "$MLCHAIN" watch --once --from-block 1 --retries 0 --evaluate 'echo "{\"accuracy\": 1}"' \
  --suite "$work/suite" --out-dir "$work/results"
has "$C not found" <<< "$err" || fail "a commit the node lacks: $err"
! ls "$work/results" | has "$C" || fail "a commit the node lacks was signed"

mkdir "$work/plain" && cd "$work/plain"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo plain --chain-id 31337
echo "weights" > weights.bin
expect 0 "$MLCHAIN" commit -m "ungoverned"
expect 0 env MLCHAIN_PRIVATE_KEY="$(account private_keys 0)" "$MLCHAIN" push
expect 3 "$MLCHAIN" watch --once --evaluate 'echo {}' --suite "$work/suite"
has "has no governance" <<< "$err" || fail "an ungoverned repository: $err"
echo ok
