#!/usr/bin/env bash
# The main job on the embedded default, on a fresh machine, with no terminal and nothing else running:
# installs the missing Debian packages, builds mlchain, then versions the example model bundle in a
# local repository — two signed commits with metrics, log, diff, checkout back to the first version,
# verify — and prints the bundle's IPFS CIDs.
#   MLCHAIN_BUILD_DIR   build directory (default: build/quickstart in the source tree, apart from the
#                       test suite's build/, so neither inherits the other's settings)
#   QUICKSTART_DIR      where to work (default: a new temporary directory, kept so you can look around)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MLCHAIN_BUILD_DIR:-$root/build/quickstart}

"$root/cmake/install-deps.sh" build
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target mlchain_bin
mlchain="$build/cli/mlchain"

work=${QUICKSTART_DIR:-$(mktemp -d -t mlchain-quickstart.XXXXXX)}
mkdir -p "$work"
# A throwaway identity for this run: its own key directory and a passphrase from the environment.
export MLCHAIN_HOME="$work/home"
export MLCHAIN_PASSWORD="quickstart passphrase"
step() { printf '\n== %s\n' "$*"; }
run() { printf '$ mlchain'; printf ' %q' "$@"; printf '\n'; "$mlchain" "$@"; }

step "a signing key (Web3 Secret Storage keystore in $MLCHAIN_HOME/keys)"
address=$(run key new --light --name quickstart | tail -n 1)
echo "$address"

step "the bundle, versioned in place"
rm -rf "$work/tiny-mlp"
cp -r "$root/examples/model-bundle" "$work/tiny-mlp"
cd "$work/tiny-mlp"
run init
run commit -m "tiny-mlp v1" --metric accuracy=0.91 --metric loss=0.42 --param lr=0.001 --param epochs=10 \
    --license Apache-2.0 --data corpus=data/manifest.json

step "a second version: new weights and config"
sed -i 's/"num_layers": 2/"num_layers": 3/' config.json
printf 'fine-tuned\n' >> weights/model.safetensors
run status
run commit -m "tiny-mlp v2: one more layer" --metric accuracy=0.93 --metric loss=0.37 --param lr=0.0005 \
    --param epochs=12 --license Apache-2.0
run log
run diff main~1 main

step "back to the first version, and the CI gate"
run checkout main~1
run verify --signer "$address"
run checkout main
run verify main --signer "$address"

step "the IPFS CIDs: every file, then the whole bundle (as 'ipfs add -r --cid-version=1' gives them)"
find . -path ./.mlchain -prune -o -type f -print | LC_ALL=C sort | xargs "$mlchain" cid
tree=$("$mlchain" show --json | sed -n 's/.*"tree": *"\([^"]*\)".*/\1/p' | head -n 1)
echo "tree of HEAD: $tree"
printf '\nquickstart done: the repository is in %s\n' "$work/tiny-mlp"
