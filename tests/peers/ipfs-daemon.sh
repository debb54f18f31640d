#!/usr/bin/env bash
# The IPFS test peer: a js-ipfs 0.66.1 daemon (npm `ipfs`, README.md) on loopback only, with its HTTP RPC
# API and gateway on free ports, in a directory of its own so several can run at once (ctest -j).
#
#   ipfs-daemon.sh start DIR   init a repo in DIR/repo, start the daemon, wait until its API answers;
#                              prints the API URL and the gateway URL (one per line) and writes them to
#                              DIR/api-url and DIR/gateway-url; the daemon's output goes to DIR/daemon.log
#   ipfs-daemon.sh stop DIR    stop that daemon and wait until it has exited
#
# The node runs with --offline and no preload: it never dials out, bootstraps or announces anything.
set -euo pipefail

peers="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jsipfs="$peers/node_modules/.bin/jsipfs"
polyfill="$peers/promise-with-resolvers.cjs"
startup_seconds=90

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
command=$1
dir=$2

# Three ports nobody listens on now: the kernel picks them, the probe releases them. Another daemon
# may take one before ours binds it; start() then tries again with new ports.
free_ports() {
  node -e '
    const net = require("net")
    const servers = [0, 1, 2].map(() => net.createServer())
    Promise.all(servers.map(s => new Promise(ok => s.listen(0, "127.0.0.1", () => ok(s.address().port)))))
      .then(ports => { console.log(ports.join(" ")); servers.forEach(s => s.close()) })'
}

api_answers() {
  node -e '
    fetch(process.argv[1] + "/api/v0/id", { method: "POST" })
      .then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
}

daemon_alive() { [[ -f "$dir/daemon.pid" ]] && kill -0 "$(cat "$dir/daemon.pid")" 2>/dev/null; }

stop() {
  [[ -f "$dir/daemon.pid" ]] || return 0
  local pid
  pid=$(cat "$dir/daemon.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
  fi
  rm -f "$dir/daemon.pid"
}

start_once() {
  local api_port gateway_port rpc_port
  read -r api_port gateway_port rpc_port < <(free_ports)
  rm -rf "$dir/repo"
  cat > "$dir/config.json" <<JSON
{
  "Addresses": {
    "Swarm": ["/ip4/127.0.0.1/tcp/0"],
    "API": "/ip4/127.0.0.1/tcp/$api_port",
    "Gateway": "/ip4/127.0.0.1/tcp/$gateway_port",
    "RPC": "/ip4/127.0.0.1/tcp/$rpc_port",
    "Announce": [],
    "Delegates": []
  },
  "Bootstrap": [],
  "Discovery": { "MDNS": { "Enabled": false }, "webRTCStar": { "Enabled": false } }
}
JSON
  IPFS_PATH="$dir/repo" NODE_OPTIONS="--require $polyfill" \
    "$jsipfs" init --emptyRepo --profile test --defaultConfig "$dir/config.json" > "$dir/init.log" 2>&1 || {
    echo "ipfs-daemon.sh: jsipfs init failed in $dir/repo:" >&2
    cat "$dir/init.log" >&2
    return 1
  }
  IPFS_PATH="$dir/repo" NODE_OPTIONS="--require $polyfill" \
    nohup "$jsipfs" daemon --offline --enable-preload=false > "$dir/daemon.log" 2>&1 < /dev/null &
  echo $! > "$dir/daemon.pid"

  local api="http://127.0.0.1:$api_port" gateway="http://127.0.0.1:$gateway_port"
  local deadline=$((SECONDS + startup_seconds))
  until api_answers "$api"; do
    if ! daemon_alive; then
      rm -f "$dir/daemon.pid"
      return 1
    fi
    if (( SECONDS >= deadline )); then
      echo "ipfs-daemon.sh: the daemon's API at $api did not answer within ${startup_seconds}s; its log:" >&2
      cat "$dir/daemon.log" >&2
      stop
      exit 1
    fi
    sleep 0.5
  done
  echo "$api" > "$dir/api-url"
  echo "$gateway" > "$dir/gateway-url"
  echo "$api"
  echo "$gateway"
}

case $command in
  start)
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if daemon_alive; then echo "ipfs-daemon.sh: a daemon already runs in $dir" >&2; exit 1; fi
    for attempt in 1 2 3; do
      if start_once; then exit 0; fi
      if ! grep -q EADDRINUSE "$dir/daemon.log" 2>/dev/null || [[ $attempt -eq 3 ]]; then
        echo "ipfs-daemon.sh: the daemon exited while starting; its log:" >&2
        cat "$dir/daemon.log" >&2 2>/dev/null || true
        exit 1
      fi
    done
    ;;
  stop)
    [[ -d "$dir" ]] || exit 0
    stop
    ;;
  *) usage ;;
esac
