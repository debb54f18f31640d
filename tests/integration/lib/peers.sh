# Sourced by the tests that talk to the real peers, after lib/expect.sh and make_workspace. Each peer runs
# in a directory of $work on free loopback ports; on exit, whatever was started is stopped.
#   start_ipfs [NAME]                    js-ipfs daemon in $work/NAME (default ipfs); its RPC API URL in $api
#   start_anvil [ANVIL ARGS…]            anvil in $work/anvil; its RPC URL in $rpc, dev accounts through
#                                        `account addresses|private_keys N`
#   start_proxy SCRIPT UPSTREAM [ARGS…]  a misbehaving proxy from tests/peers; its URL in $proxy
proxy_pids=()
ipfs_dirs=()
stop_peers() {
  for pid in "${proxy_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ ! -d "$work/anvil" ] || bash "$MLCHAIN_PEERS/anvil.sh" stop "$work/anvil" >/dev/null 2>&1 || true
  for dir in "${ipfs_dirs[@]}"; do bash "$MLCHAIN_PEERS/ipfs-daemon.sh" stop "$dir" >/dev/null 2>&1 || true; done
}
at_exit stop_peers

start_ipfs() {
  local dir="$work/${1:-ipfs}"
  mkdir -p "$dir"
  ipfs_dirs+=("$dir")
  bash "$MLCHAIN_PEERS/ipfs-daemon.sh" start "$dir" >/dev/null
  api=$(cat "$dir/api-url")
}

start_anvil() {
  bash "$MLCHAIN_PEERS/anvil.sh" start "$work/anvil" "$@" >/dev/null
  rpc=$(cat "$work/anvil/rpc-url")
}

account() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][int(sys.argv[3])])' \
    "$work/anvil/anvil.json" "$1" "$2"
}

start_proxy() {
  local script=$1 upstream=$2
  shift 2
  local port_file="$work/proxy-port-${#proxy_pids[@]}"
  node "$MLCHAIN_PEERS/$script" "$port_file" "$upstream" "$@" 2>>"$work/proxy.log" &
  proxy_pids+=($!)
  for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
  [ -s "$port_file" ] || fail "$script did not start: $(cat "$work/proxy.log")"
  proxy="http://127.0.0.1:$(cat "$port_file")"
}
