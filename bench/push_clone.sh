#!/usr/bin/env bash
# Push and clone of a large bundle through a local IPFS node (a target in bench/README.md): `mlchain push` of a
# SIZE_MIB bundle of FILES files to a fresh js-ipfs daemon (tests/peers/ipfs-daemon.sh), next to the
# floor the node sets — a plain `curl -F file=@… $API/api/v0/add` of the same files with the same
# profile options, into a second fresh daemon — then `mlchain clone` of the pushed head from the first
# node, next to `curl $API/api/v0/cat` of the same files. Peak RSS of mlchain by /usr/bin/time -v.
#
#   bench/push_clone.sh [SIZE_MIB] [FILES]      (defaults 1024 and 8)
# Files stay at most 174 MiB: js-ipfs 0.66.1's `add` puts at most 174 links in a file node, so a larger
# file gets another DAG than unixfs-v1-2025's 1024 links, and push stops there (exit 1, both CIDs named).
# Environment: MLCHAIN (binary; default build/cli/mlchain), BENCH_DIR (default /tmp),
#              MLCHAIN_PEERS (default tests/peers, where `npm ci` installed the daemon).
set -euo pipefail
size_mib=${1:-1024}
files=${2:-8}
mlchain=$(realpath "${MLCHAIN:-build/cli/mlchain}")
peers=$(realpath "${MLCHAIN_PEERS:-tests/peers}")
[ -x "$mlchain" ] || { echo "no mlchain binary at $mlchain (set MLCHAIN)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 2; }

work=$(mktemp -d "${BENCH_DIR:-/tmp}/mlchain-bench-push-XXXXXX")
cleanup() {
  "$peers/ipfs-daemon.sh" stop "$work/node1" >/dev/null 2>&1 || true
  "$peers/ipfs-daemon.sh" stop "$work/node2" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export MLCHAIN_HOME="$work/home"
export MLCHAIN_PRIVATE_KEY=7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }
rate() { echo "scale=1; $size_mib / $1" | bc; }
# Runs a command under /usr/bin/time -v; prints "seconds peak_rss_kib".
measured() {
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; return 1; }
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")"
}

mkdir -p "$work/node1" "$work/node2"
"$peers/ipfs-daemon.sh" start "$work/node1" >/dev/null
"$peers/ipfs-daemon.sh" start "$work/node2" >/dev/null
api1=$(cat "$work/node1/api-url")
api2=$(cat "$work/node2/api-url")

echo "input: $files files, $size_mib MiB in all, under $work"
mkdir -p "$work/repo/model"
per_file=$(( size_mib * 1024 * 1024 / files ))
for i in $(seq -w 1 "$files"); do head -c "$per_file" /dev/urandom > "$work/repo/model/shard-$i.bin"; done
cd "$work/repo"
"$mlchain" init >/dev/null
"$mlchain" commit -m "bundle" >/dev/null
"$mlchain" remote add origin --ipfs "$api1"

read -r push_time push_rss < <(measured "$mlchain" push)
head=$(cat .mlchain/refs/remotes/origin/main)

curl_add() {
  for file in "$work"/repo/model/*.bin; do
    curl -sf --max-time 120 -X POST -F "file=@$file" \
      "$api2/api/v0/add?cid-version=1&raw-leaves=true&chunker=size-1048576&cid-base=base32&pin=false" >/dev/null
  done
}
curl_time=$(seconds curl_add)

cd "$work"
# The node's and push's writes reach the disk first: clone flushes the file system (syncfs) as it stores,
# which would otherwise wait on the gigabyte the node has just taken in.
sync
read -r clone_time clone_rss < <(measured "$mlchain" clone "$head" clone --ipfs "$api1")
diff -r --exclude=.mlchain "$work/repo" "$work/clone" || { echo "the clone differs" >&2; exit 1; }
curl_cat() {
  for file in "$work"/repo/model/*.bin; do
    local cid; cid=$("$mlchain" cid "$file" | cut -d' ' -f1)
    curl -sf --max-time 120 -X POST "$api1/api/v0/cat?arg=$cid" >/dev/null
  done
}
sync
cat_time=$(seconds curl_cat)

printf '%-34s %9s %10s %12s\n' "" "seconds" "MiB/s" "peak RSS MiB"
printf '%-34s %9.2f %10s %12s\n' "mlchain push" "$push_time" "$(rate "$push_time")" "$((push_rss / 1024))"
printf '%-34s %9.2f %10s %12s\n' "curl add (the node's floor)" "$curl_time" "$(rate "$curl_time")" "-"
printf '%-34s %9.2f %10s %12s\n' "mlchain clone" "$clone_time" "$(rate "$clone_time")" "$((clone_rss / 1024))"
printf '%-34s %9.2f %10s %12s\n' "curl cat (the node's floor)" "$cat_time" "$(rate "$cat_time")" "-"
echo "push / curl add: $(echo "scale=2; $push_time / $curl_time" | bc)x the time; clone / curl cat: $(echo "scale=2; $clone_time / $cat_time" | bc)x"
