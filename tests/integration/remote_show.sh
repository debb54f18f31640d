#!/usr/bin/env bash
# Remote URLs are shown with their credentials redacted wherever they are printed (remote list, its
# --json, remote show, error messages), and `remote show NAME [--json]` gives a remote's settings and
# its remote-tracking branches; an unknown NAME is exit 3.
source "$(dirname "$0")/lib/expect.sh"

make_workspace
export MLCHAIN_PRIVATE_KEY=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318

password=hunter2secret
key=9aa3d95b3bc440fa88ea12eaa4456161
no_secrets() {
  [[ "$2" != *"$password"* && "$2" != *"$key"* && "$2" != *"tok3nvalue"* ]] || fail "$1 shows a credential: $2"
}

"$MLCHAIN" remote --help | has ' show ' || fail "remote --help does not list show"
mkdir "$work/bundle" && cd "$work/bundle"
"$MLCHAIN" init >/dev/null
printf 'w' > weights.bin && "$MLCHAIN" commit -m one >/dev/null
registry=0x5FbDB2315678afecb367f032d93F642f64180aa3
"$MLCHAIN" remote add origin --ipfs "http://alice:$password@127.0.0.1:5001" \
  --gateway "https://gw.example/?apikey=tok3nvalue" --rpc "https://mainnet.infura.io/v3/$key" \
  --registry "$registry" --repo models --chain-id 1 --confirmations 2
"$MLCHAIN" remote add backup --gateway https://ipfs.io

expect 0 "$MLCHAIN" remote list
no_secrets "remote list" "$out"
[[ "$out" == *"origin  ipfs http://127.0.0.1:5001  gateway https://gw.example/?apikey=***  rpc https://mainnet.infura.io/v3/*** "* ]] ||
  fail "remote list: $out"
expect 0 "$MLCHAIN" remote list --json
no_secrets "remote list --json" "$out"
printf '%s' "$out" | python3 -c '
import json, sys
origin = [r for r in json.load(sys.stdin) if r["name"] == "origin"][0]
assert origin["ipfs"] == "http://127.0.0.1:5001", origin
assert origin["rpc"] == "https://mainnet.infura.io/v3/***", origin
assert origin["chain_id"] == 1 and origin["confirmations"] == 2, origin
' || fail "remote list --json: $out"

# The stored value is still there for whoever asks for it by name.
[ "$("$MLCHAIN" config get remote.origin.ipfs)" = "http://alice:$password@127.0.0.1:5001" ] || fail "config get"

# Errors that name a remote URL redact it too.
expect 5 "$MLCHAIN" remote add origin --ipfs http://127.0.0.1:5001
no_secrets "remote add conflict" "$err"
expect 2 "$MLCHAIN" remote add third --ipfs "ftp://bob:$password@host"
no_secrets "remote add with a bad URL" "$err"

# remote show: settings, then the remote-tracking branches.
expect 0 "$MLCHAIN" remote show backup
[ "$out" = "remote backup
  gateway        https://ipfs.io
  no remote-tracking branches (mlchain fetch backup)" ] || fail "remote show backup: $out"
head=$("$MLCHAIN" log --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["cid"])')
mkdir -p .mlchain/refs/remotes/origin && printf '%s\n' "$head" > .mlchain/refs/remotes/origin/main
expect 0 "$MLCHAIN" remote show origin
no_secrets "remote show" "$out"
[ "$out" = "remote origin
  ipfs           http://127.0.0.1:5001
  gateway        https://gw.example/?apikey=***
  rpc            https://mainnet.infura.io/v3/***
  registry       $registry
  repo           models
  chain-id       1
  confirmations  2
  remote-tracking branches:
    origin/main  $head" ] || fail "remote show origin: $out"
expect 0 "$MLCHAIN" remote show origin --json
no_secrets "remote show --json" "$out"
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["name"] == "origin" and d["ipfs"] == "http://127.0.0.1:5001" and d["repo"] == "models", d
assert d["tracking"] == [{"branch": "main", "commit": sys.argv[1]}], d["tracking"]
' "$head" || fail "remote show --json: $out"
expect 3 "$MLCHAIN" remote show nowhere
expect 2 "$MLCHAIN" remote show
echo "remote show and redaction: all checks passed"
