#!/usr/bin/env bash
# `mlchain search` over a catalogue of COUNT listings (default 10,000): the first search indexes every
# Published event into a fresh $MLCHAIN_HOME (events per second, wall and CPU seconds, peak RSS from
# /usr/bin/time -v); then warm searches from that index, RUNS times each (median and max milliseconds of
# the whole process, peak RSS): with --offline (the index alone), and online (the index already at the
# head: the node is asked for its chain id, its head and the last indexed block's hash, then for the
# catalogue's registry and the repository's governance),
# for a text matching 1 % of the listings, one matching none, and every listing as JSON.
#   - The listings are made without `mlchain publish`: anvil's first dev account (unlocked) owns one
#     registry repository and sends `publish(name, repo, terms)` to the catalogue (deployed with cast from
#     contracts/MlchainCatalogue.json) as JSON-RPC batches of eth_sendTransaction with explicit nonces,
#     PER_BLOCK (default 100) per block: 100 blocks, so one eth_getLogs range. Each listing: name model-NNNNN, licence MIT, tags
#     ["bench", "tNN"] (NN = N mod 100), one payee.
# Usage: bench/catalogue_search.sh [MLCHAIN_BINARY]  (default build/cli/mlchain; anvil and cast from
# tests/peers, cmake/install-deps.sh test; /usr/bin/time from Debian's `time`). COUNT, PER_BLOCK, RUNS
# (default 11).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mlchain=$(realpath "${1:-$root/build/cli/mlchain}")
peers=${MLCHAIN_PEERS:-$root/tests/peers}
cast="$peers/node_modules/.bin/cast"
count=${COUNT:-10000}
per_block=${PER_BLOCK:-100}
runs=${RUNS:-11}
[[ -x /usr/bin/time ]] || { echo "catalogue_search.sh: needs /usr/bin/time (Debian package time)" >&2; exit 1; }
work=$(mktemp -d)
cleanup() {
  bash "$peers/anvil.sh" stop "$work/anvil" || true
  rm -rf "$work"
}
trap cleanup EXIT
bash "$peers/anvil.sh" start "$work/anvil" --gas-limit 100000000
rpc=$(cat "$work/anvil/rpc-url")
key=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["private_keys"][0])' "$work/anvil/anvil.json")
owner=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["available_accounts"][0])' "$work/anvil/anvil.json")
export MLCHAIN_PRIVATE_KEY=$key MLCHAIN_HOME="$work/home"
registry=$("$mlchain" registry deploy --rpc "$rpc" --chain-id 31337 | awk 'NR == 1 {print $2}')
# The repository the listings point at: created by its first push (any non-zero head).
"$cast" send --quiet --private-key "$key" --rpc-url "$rpc" "$registry" "push(string,string,bytes32,bytes32)" \
  bench main 0x0000000000000000000000000000000000000000000000000000000000000000 \
  0x1111111111111111111111111111111111111111111111111111111111111111 > /dev/null
bytecode=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["bytecode"])' "$root/contracts/MlchainCatalogue.json")
catalogue=$("$cast" send --json --private-key "$key" --rpc-url "$rpc" --create "$bytecode" "constructor(address)" "$registry" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["contractAddress"])')
selector=$("$cast" sig "publish(string,string,(bytes,string,string[],bool,uint256,uint64,address[],uint16[]))")

echo "making $count Published events ($per_block per block)…" >&2
made=$(date +%s.%N)
python3 - "$rpc" "$catalogue" "$owner" "$count" "$per_block" "$selector" <<'PY'
import hashlib, http.client, json, sys, urllib.parse
rpc, catalogue, owner, count, per_block, selector = sys.argv[1:7]
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
# The Solidity ABI for the one shape sent: (kind, value) pairs; arrays and tuples hold pairs.
def word(number): return number.to_bytes(32, "big")
def dynamic(item):
    kind, value = item
    return kind in ("bytes", "string", "array") or (kind == "tuple" and any(dynamic(v) for v in value))
def encode(item):
    kind, value = item
    if kind == "uint": return word(value)
    if kind == "bool": return word(1 if value else 0)
    if kind == "address": return bytes(12) + bytes.fromhex(value[2:])
    if kind in ("bytes", "string"):
        data = value.encode() if kind == "string" else value
        return word(len(data)) + data.ljust((len(data) + 31) // 32 * 32, b"\0")
    if kind == "array": return word(len(value)) + encode_tuple(value)
    return encode_tuple(value)
def encode_tuple(items):
    head, tail = b"", b""
    size = 32 * len(items)
    for item in items:
        if dynamic(item):
            head += word(size + len(tail)); tail += encode(item)
        else:
            head += encode(item)
    return head + tail
# A CIDv1 raw sha2-256 of the bytes "card" (the card is never fetched: no IPFS node is given).
card = bytes.fromhex("01551220") + hashlib.sha256(b"card").digest()
def calldata(i):
    terms = ("tuple", [("bytes", card), ("string", "MIT"),
                       ("array", [("string", "bench"), ("string", f"t{i % 100:02d}")]),
                       ("bool", False), ("uint", 0), ("uint", 0),
                       ("array", [("address", owner)]), ("array", [("uint", 10000)])])
    return selector + encode_tuple([("string", f"model-{i:05d}"), ("string", "bench"), terms]).hex()
nonce = int(call({"jsonrpc": "2.0", "id": 0, "method": "eth_getTransactionCount", "params": [owner, "pending"]})["result"], 16)
call({"jsonrpc": "2.0", "id": 0, "method": "evm_setAutomine", "params": [False]})
for start in range(0, count, per_block):
    last = min(count, start + per_block)
    call([{"jsonrpc": "2.0", "id": i, "method": "eth_sendTransaction",
           "params": [{"from": owner, "to": catalogue, "gas": hex(600000), "nonce": hex(nonce + i),
                       "data": calldata(i)}]} for i in range(start, last)])
    call({"jsonrpc": "2.0", "id": 0, "method": "evm_mine", "params": []})
call({"jsonrpc": "2.0", "id": 0, "method": "evm_setAutomine", "params": [True]})
PY
echo "  made in $(python3 -c "import sys; print(round($(date +%s.%N) - $made, 1))") s, head block $("$cast" block-number --rpc-url "$rpc")" >&2

where=(--rpc "$rpc" --universe "$catalogue")
# timed LABEL COMMAND…: wall ms (nanosecond clock), CPU s and peak RSS of one run; the answer's line count.
timed() {
  local label=$1; shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -v -o "$work/time" "$@" > "$work/out" 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  end=$(date +%s%N)
  python3 - "$work/time" "$label" "$(wc -l < "$work/out")" "$start" "$end" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def field(name): return re.search(re.escape(name) + r": (.*)", text).group(1).strip()
# time -v rounds the wall time to 10 ms: the clock around it is finer (and includes time's own start).
seconds = (int(sys.argv[5]) - int(sys.argv[4])) / 1e9
cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
print(f"{sys.argv[2]}\t{seconds * 1000:.0f}\t{cpu:.2f}\t{int(field('Maximum resident set size (kbytes)')) / 1024:.1f}\t{sys.argv[3]}")
PY
}

printf 'run\twall ms\tCPU s\tpeak RSS MiB\tlines\n'
first=$(timed "index $count events (first search)" "$mlchain" search no-such-text "${where[@]}")
echo "$first"
wall_ms=$(cut -f2 <<< "$first")
echo "indexing: $(python3 -c "print(round($count / ($wall_ms / 1000)))") events/s (whole process, $count events)" >&2
[ -z "$(cat "$work/out")" ] || { echo "unexpected answer: $(cat "$work/out")" >&2; exit 1; }
[ "$("$mlchain" search "${where[@]}" --offline --json 2> /dev/null | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" = "$count" ] ||
  { echo "the index does not hold $count listings" >&2; exit 1; }

median() {  # LABEL COMMAND…: RUNS runs; median and max of the wall ms, the largest peak RSS
  local label=$1; shift
  for _ in $(seq "$runs"); do timed "$label" "$@"; done | python3 -c '
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in sys.stdin]
walls = [float(r[1]) for r in rows]
print(f"{rows[0][0]}\tmedian {statistics.median(walls):.0f}, max {max(walls):.0f}\t{statistics.median(float(r[2]) for r in rows):.2f}\t{max(float(r[3]) for r in rows):.1f}\t{rows[0][4]}")'
}
median "warm --offline, text in 1 % (t42)" "$mlchain" search t42 "${where[@]}" --offline
median "warm --offline, no match" "$mlchain" search no-such-text "${where[@]}" --offline
median "warm --offline, all as --json" "$mlchain" search "${where[@]}" --offline --json
median "warm online (index at head), text in 1 %" "$mlchain" search t42 "${where[@]}"
median "warm online (index at head), no match" "$mlchain" search no-such-text "${where[@]}"
