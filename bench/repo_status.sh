#!/usr/bin/env bash
# The stat cache and one-pass storing on a 4 GiB model bundle (the targets in bench/README.md):
#   - first commit of new data against `mlchain cid` of the same bundle (target: within 1.5x: hash and
#     store in one pass, no second read of the data), with the bytes each one read;
#   - `status` of the committed bundle, clean and with one 10 MB file changed (target: under 1 s);
#   - the re-commit after that change: the bytes it read (target: only that file).
#
#   bench/repo_status.sh [TOTAL_MIB] [FILES]       defaults: 4096 MiB in 40 files (one of them 10 MB)
#   MLCHAIN=path/to/mlchain (default: build/cli/mlchain)     BENCH_DIR=/tmp (needs twice TOTAL_MIB free)
#
# Bytes read are rchar from /proc/<pid>/io (every byte a read(2)/pread(2) returned, page cache or not),
# taken when the command has exited and before it is reaped. CPU seconds are user + system.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
total_mib=${1:-4096}
files=${2:-40}
mlchain=${MLCHAIN:-$root/build/cli/mlchain}
[ -x "$mlchain" ] || { echo "no mlchain binary at $mlchain (build it, or set MLCHAIN)" >&2; exit 1; }
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
export MLCHAIN_HOME

work=$(mktemp -d "${BENCH_DIR:-/tmp}/mlchain-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
MLCHAIN_HOME=$work/home
bundle=$work/bundle
mkdir -p "$bundle"

random() { { openssl enc -aes-128-ctr -nosalt -pass "pass:$1" -pbkdf2 </dev/zero 2>/dev/null || true; } | head -c "$2"; }
small=10000000
large=$(( (total_mib * 1024 * 1024 - small) / (files - 1) ))
for i in $(seq -w 1 $((files - 1))); do random "shard-$i" "$large" >"$bundle/shard-$i.bin"; done
random small-v1 "$small" >"$bundle/tokenizer-embeddings.bin"
cat "$bundle"/* >/dev/null
bytes=$(du -sb "$bundle" | cut -f1)

# Runs a command in the bundle; prints "<wall seconds> <CPU seconds> <bytes read>".
measure() {
  (cd "$bundle" && python3 - "$@" <<'PY'
import os, subprocess, sys, time
start = time.monotonic()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
wall = time.monotonic() - start
io = dict(line.split(": ") for line in open(f"/proc/{child.pid}/io").read().splitlines())
_, status, usage = os.wait4(child.pid, 0)
if status != 0:
    sys.exit(f"{sys.argv[1:]} failed: {status}")
print(f"{wall:.3f} {usage.ru_utime + usage.ru_stime:.3f} {io['rchar']}")
PY
  )
}
row() { printf '%-44s %9s %9s %14s\n' "$@"; }

read -r cid_wall cid_cpu cid_read < <(measure "$mlchain" cid .)
"$mlchain" init "$bundle" >/dev/null
sync
read -r commit_wall commit_cpu commit_read < <(measure "$mlchain" commit -m first)
# The floor of storing: the same bytes copied and flushed to the same disk, as the commit must.
start=$(date +%s%N)
cp -r "$bundle" "$work/copy" && sync -f "$work/copy"
copy_wall=$(awk -v ns=$(( $(date +%s%N) - start )) 'BEGIN { printf "%.3f", ns / 1e9 }')
rm -rf "$work/copy"
read -r clean_wall clean_cpu clean_read < <(measure "$mlchain" status)
read -r clean2_wall clean2_cpu clean2_read < <(measure "$mlchain" status)
random small-v2 "$small" >"$bundle/tokenizer-embeddings.bin"
read -r changed_wall changed_cpu changed_read < <(measure "$mlchain" status)
random small-v3 "$small" >"$bundle/tokenizer-embeddings.bin"
read -r recommit_wall recommit_cpu recommit_read < <(measure "$mlchain" commit -m second)

echo "bundle: $files files, $bytes bytes; $(nproc) cores; profile unixfs-v1-2025"
row "command" "wall s" "CPU s" "bytes read"
row "mlchain cid (warm)" "$cid_wall" "$cid_cpu" "$cid_read"
row "mlchain commit (first, all new)" "$commit_wall" "$commit_cpu" "$commit_read"
row "cp -r + sync of the bundle (disk floor)" "$copy_wall" "-" "-"
row "mlchain status (clean, first after commit)" "$clean_wall" "$clean_cpu" "$clean_read"
row "mlchain status (clean)" "$clean2_wall" "$clean2_cpu" "$clean2_read"
row "mlchain status (one 10 MB file changed)" "$changed_wall" "$changed_cpu" "$changed_read"
row "mlchain commit (that file changed again)" "$recommit_wall" "$recommit_cpu" "$recommit_read"
awk -v c="$commit_wall" -v i="$cid_wall" -v cc="$commit_cpu" -v ic="$cid_cpu" -v r="$commit_read" -v b="$bytes" \
  -v p="$copy_wall" 'BEGIN { printf "first commit / cid: %.2fx wall, %.2fx CPU; first commit / (cp -r + sync): %.2fx; the commit read %.3f x the bundle\n", c / i, cc / ic, c / p, r / b }'
