#!/usr/bin/env bash
# Private models against plain ones in ONE run (a target in bench/README.md): on one anvil and one js-ipfs
# daemon (tests/peers), a SIZE_MIB bundle (three quarters in one file, the rest in four) pushed to a chain
# remote and cloned through its mlchain:// URL, then another bundle of the same shape pushed to a private
# remote (`remote add --private`, every content sealed in age and uploaded as ciphertext, the version wrapped
# for a reader granted before the push) and cloned by that grantee (unwrap, decrypt, re-verify against the
# signed plaintext CIDs). Each side has its own registry, repository, data and MLCHAIN_HOME, so nothing one
# uploads is found by the other. Both sides first push a small version (the grant needs the repository on
# chain); the timed push is the bundle's. Wall seconds, MiB/s, CPU seconds and peak RSS of mlchain
# (/usr/bin/time -v), CPU seconds of the js-ipfs daemon in the same span, and private ÷ plain.
#
#   bench/private_transfer.sh [SIZE_MIB]      (default 1024; run 256 and 1024 to see RSS flat in the size)
# Environment: MLCHAIN (binary; default build/cli/mlchain), BENCH_DIR (default /tmp; needs about 9× SIZE_MIB
#              free), MLCHAIN_PEERS (default tests/peers, where `npm ci` installed js-ipfs and foundry).
set -euo pipefail
size_mib=${1:-1024}
mlchain=$(realpath "${MLCHAIN:-build/cli/mlchain}")
peers=$(realpath "${MLCHAIN_PEERS:-tests/peers}")
[ -x "$mlchain" ] || { echo "no mlchain binary at $mlchain (set MLCHAIN)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 2; }
(( size_mib >= 8 )) || { echo "SIZE_MIB must be at least 8" >&2; exit 2; }

work=$(mktemp -d "${BENCH_DIR:-/tmp}/mlchain-bench-private-XXXXXX")
cleanup() {
  bash "$peers/anvil.sh" stop "$work/anvil" >/dev/null 2>&1 || true
  bash "$peers/ipfs-daemon.sh" stop "$work/ipfs" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash "$peers/anvil.sh" start "$work/anvil" >/dev/null
rpc=$(cat "$work/anvil/rpc-url")
mkdir -p "$work/ipfs"
bash "$peers/ipfs-daemon.sh" start "$work/ipfs" >/dev/null
api=$(cat "$work/ipfs/api-url")
node_pid=$(cat "$work/ipfs/daemon.pid")
account() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][int(sys.argv[3])])' \
    "$work/anvil/anvil.json" "$1" "$2"
}
owner_key=$(account private_keys 0)
reader_key=$(account private_keys 1)
reader=$(account available_accounts 1)

# CPU seconds (user + system) the js-ipfs daemon and its threads have used so far.
node_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$node_pid/stat"
}
# Runs a command under /usr/bin/time -v as KEY's owner with HOME_DIR as MLCHAIN_HOME; sets $row to
# "seconds cpu_seconds peak_rss_kib node_cpu_seconds".
measured() {
  local key=$1 home=$2 start end node_start node_end
  shift 2
  sync
  node_start=$(node_cpu)
  start=$(date +%s.%N)
  MLCHAIN_PRIVATE_KEY=$key MLCHAIN_HOME=$home /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null \
    2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; return 1; }
  end=$(date +%s.%N)
  node_end=$(node_cpu)
  local user sys rss
  user=$(sed -n 's/.*User time (seconds): //p' "$work/time.txt")
  sys=$(sed -n 's/.*System time (seconds): //p' "$work/time.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
  row="$(echo "$end - $start" | bc) $(echo "$user + $sys" | bc) $rss $(echo "$node_end - $node_start" | bc)"
}
quietly() { "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; return 1; }; }

# A bundle of SIZE_MIB in DIR: one file of three quarters, four of a sixteenth each.
make_bundle() {
  local dir=$1 big=$(( size_mib * 3 / 4 )) small=$(( size_mib / 16 ))
  mkdir -p "$dir/model"
  head -c "$(( big * 1024 * 1024 ))" /dev/urandom > "$dir/model/weights.bin"
  for i in 1 2 3 4; do head -c "$(( small * 1024 * 1024 ))" /dev/urandom > "$dir/model/shard-$i.bin"; done
  echo '{"layers": 12}' > "$dir/config.json"
}

# One side: a registry of its own, a first small version pushed, then the bundle committed and pushed
# (timed), then cloned (timed) by CLONE_KEY.
run_side() {
  local side=$1 private=$2 clone_key=$3 home="$work/$1/home"
  mkdir -p "$work/$side/repo" "$home"
  local registry
  registry=$(MLCHAIN_PRIVATE_KEY=$owner_key MLCHAIN_HOME=$home "$mlchain" registry deploy --rpc "$rpc" \
    --chain-id 31337 | awk 'NR == 1 {print $2}')
  local flags=()
  [ "$private" = no ] || flags=(--private)
  cd "$work/$side/repo"
  export MLCHAIN_PRIVATE_KEY=$owner_key MLCHAIN_HOME=$home
  quietly "$mlchain" init
  quietly "$mlchain" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo "$side" \
    --chain-id 31337 "${flags[@]}"
  echo "first version" > README.md
  quietly "$mlchain" commit -m "v0"
  quietly "$mlchain" push
  if [ "$private" != no ]; then
    MLCHAIN_PRIVATE_KEY=$clone_key MLCHAIN_HOME="$work/$side/reader-home" quietly "$mlchain" key encryption publish \
      --rpc "$rpc" --registry "$registry"
    quietly "$mlchain" access grant "$reader"
  fi
  make_bundle "$work/$side/repo"
  quietly "$mlchain" commit -m "bundle"
  unset MLCHAIN_PRIVATE_KEY MLCHAIN_HOME
  measured "$owner_key" "$home" "$mlchain" push
  push_row=$row
  if [ "$private" != no ] && ! grep -q "wrapped .* for reader" "$work/stderr.txt"; then
    echo "the private push did not wrap the bundle for the reader:" >&2
    cat "$work/stderr.txt" >&2
    return 1
  fi
  cd "$work/$side"
  measured "$clone_key" "$work/$side/reader-home" "$mlchain" clone "mlchain://31337@$registry/$side" clone \
    --rpc "$rpc" --ipfs "$api"
  clone_row=$row
  diff -r --exclude=.mlchain "$work/$side/repo" "$work/$side/clone" || { echo "the $side clone differs" >&2; exit 1; }
  rm -rf "$work/$side/clone" "$work/$side/reader-home"
}

echo "$(nproc) cores; bundle of $size_mib MiB ($(( size_mib * 3 / 4 )) MiB + 4 × $(( size_mib / 16 )) MiB); anvil $rpc, js-ipfs $api"
run_side plain no "$reader_key"
plain_push=$push_row plain_clone=$clone_row
run_side private yes "$reader_key"
private_push=$push_row private_clone=$clone_row

rate() { echo "scale=1; $size_mib / $1" | bc; }
line() {
  local seconds cpu rss node
  read -r seconds cpu rss node <<< "$2"
  printf '%-30s %8.2f %8s %10.2f %10.2f %9s\n' "$1" "$seconds" "$(rate "$seconds")" "$cpu" "$node" "$((rss / 1024))"
}
printf '%-30s %8s %8s %10s %10s %9s\n' "" seconds "MiB/s" "CPU s" "node CPU s" "RSS MiB"
line "plain push" "$plain_push"
line "private push (seal, 1 reader)" "$private_push"
line "plain clone" "$plain_clone"
line "grantee clone (decrypt)" "$private_clone"
ratio() { echo "scale=2; $(cut -d' ' -f1 <<< "$1") / $(cut -d' ' -f1 <<< "$2")" | bc; }
echo "private / plain: push $(ratio "$private_push" "$plain_push")x, clone $(ratio "$private_clone" "$plain_clone")x (target ≤ 1.3x)"
