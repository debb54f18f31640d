#!/usr/bin/env bash
# A local Ethereum node for tests: Foundry's anvil (npm @foundry-rs/anvil-linux-amd64, pinned in
# package-lock.json) on a loopback port the kernel picks, so parallel test runs (ctest -j) never collide.
#
#   tests/peers/anvil.sh start DIR [ANVIL ARGS…]   starts anvil, waits until eth_chainId answers, writes
#                                                 DIR/rpc-url (http://127.0.0.1:PORT), DIR/anvil.pid,
#                                                 DIR/anvil.json (dev accounts and keys), DIR/anvil.log
#   tests/peers/anvil.sh stop DIR                  stops the anvil started in DIR (if any)
#
# Extra arguments go to anvil as they are (--no-mining, --chain-id N, --block-time S, …).
set -euo pipefail

peers=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
anvil="$peers/node_modules/.bin/anvil"
cast="$peers/node_modules/.bin/cast"

usage() {
  echo "usage: $0 start DIR [ANVIL ARGS…] | stop DIR" >&2
  exit 2
}

start() {
  local dir=$1
  shift
  for tool in "$anvil" "$cast"; do
    [[ -x $tool ]] || { echo "anvil.sh: $tool is not installed (run cmake/install-deps.sh test)" >&2; exit 1; }
  done
  mkdir -p "$dir"
  [[ ! -e $dir/anvil.pid ]] || { echo "anvil.sh: $dir/anvil.pid exists: an anvil is running there" >&2; exit 1; }
  # The log exists before the node starts: the background shell opens it only when scheduled, and the
  # wait below reads it from its first pass.
  : > "$dir/anvil.log"
  # setsid: the node outlives this script and ignores the terminal's signals; stop ends it by its pid.
  setsid "$anvil" --host 127.0.0.1 --port 0 --config-out "$dir/anvil.json" "$@" > "$dir/anvil.log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$dir/anvil.pid"
  local url=
  for _ in $(seq 300); do
    if ! kill -0 "$pid" 2> /dev/null; then
      rm -f "$dir/anvil.pid"
      echo "anvil.sh: anvil exited; its log:" >&2
      cat "$dir/anvil.log" >&2
      exit 1
    fi
    if [[ -z $url ]]; then
      local listening
      listening=$(sed -n 's/^Listening on //p' "$dir/anvil.log" | head -n 1)
      [[ -n $listening ]] && url="http://$listening"
    fi
    if [[ -n $url ]] && "$cast" chain-id --rpc-url "$url" > /dev/null 2>&1; then
      echo "$url" > "$dir/rpc-url"
      return 0
    fi
    sleep 0.1
  done
  echo "anvil.sh: anvil did not answer eth_chainId within 30 s; its log:" >&2
  cat "$dir/anvil.log" >&2
  stop "$dir"
  exit 1
}

stop() {
  local dir=$1
  [[ -f $dir/anvil.pid ]] || return 0
  local pid
  pid=$(cat "$dir/anvil.pid")
  if kill "$pid" 2> /dev/null; then
    for _ in $(seq 100); do
      kill -0 "$pid" 2> /dev/null || break
      sleep 0.05
    done
    kill -9 "$pid" 2> /dev/null || true
  fi
  rm -f "$dir/anvil.pid" "$dir/rpc-url"
}

[[ $# -ge 2 ]] || usage
command=$1
shift
case $command in
  start) start "$@" ;;
  stop) [[ $# -eq 1 ]] || usage; stop "$1" ;;
  *) usage ;;
esac
