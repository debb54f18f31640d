#!/usr/bin/env bash
# A model's whole round trip through the remotes, on one machine: publish a version (artifacts to IPFS,
# the branch head anchored on a chain), then, as a reader with only the printed mlchain:// name, clone it
# into a fresh directory and verify it byte for byte against the chain's record.
#
# The remotes are real and local: Foundry's anvil (a development Ethereum node) and a js-ipfs daemon,
# both from the pinned npm packages in tests/peers, started here on free loopback ports and stopped on
# exit. The signing key is anvil's first development account (public knowledge: never use it elsewhere).
#   MLCHAIN_BUILD_DIR   build directory (default: build/examples in the source tree)
#   EXAMPLE_DIR         where to work (default: a new temporary directory, kept so you can look around)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MLCHAIN_BUILD_DIR:-$root/build/examples}
peers="$root/tests/peers"

"$root/cmake/install-deps.sh" peers
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target mlchain_bin
mlchain="$build/cli/mlchain"

work=${EXAMPLE_DIR:-$(mktemp -d -t mlchain-push-and-clone.XXXXXX)}
mkdir -p "$work"
stop_peers() {
  "$peers/ipfs-daemon.sh" stop "$work/ipfs" >/dev/null 2>&1 || true
  "$peers/anvil.sh" stop "$work/anvil" >/dev/null 2>&1 || true
}
trap stop_peers EXIT
step() { printf '\n== %s\n' "$*"; }
run() { printf '$ mlchain'; printf ' %q' "$@"; printf '\n'; "$mlchain" "$@"; }

step "the remotes: a local chain and a local IPFS node"
"$peers/anvil.sh" start "$work/anvil" >/dev/null
"$peers/ipfs-daemon.sh" start "$work/ipfs" >/dev/null
rpc=$(cat "$work/anvil/rpc-url")
ipfs=$(cat "$work/ipfs/api-url")
echo "chain (anvil): $rpc    IPFS (js-ipfs): $ipfs"
export MLCHAIN_HOME="$work/home"
export MLCHAIN_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80

step "the registry contract (deployed once per chain; mlchain embeds its bytecode)"
registry=$(run registry deploy --rpc "$rpc" --json | sed -n 's/.*"registry": *"\(0x[0-9a-fA-F]*\)".*/\1/p')
echo "registry: $registry"

step "publish: commit, then push (IPFS upload, pin, one transaction)"
rm -rf "$work/tiny-mlp"
cp -r "$root/examples/model-bundle" "$work/tiny-mlp"
cd "$work/tiny-mlp"
run init
run commit -m "tiny-mlp v1" --metric accuracy=0.91 --param lr=0.001 --license Apache-2.0
run remote add origin --ipfs "$ipfs" --rpc "$rpc" --registry "$registry" --repo tiny-mlp --chain-id 31337
run push
printf 'fine-tuned\n' >> weights/model.safetensors
run commit -m "tiny-mlp v2: fine-tuned" --metric accuracy=0.93
run push
run log --remote

step "read: clone by name into a fresh directory, then verify against the chain"
name="mlchain://31337@$registry/tiny-mlp"
run clone "$name" "$work/reader" --rpc "$rpc" --ipfs "$ipfs"
cd "$work/reader"
run log --oneline
run verify --chain
diff -r --exclude=.mlchain "$work/tiny-mlp" "$work/reader" && echo "the clone is byte-identical to the published bundle"

step "done: the work is in $work"
