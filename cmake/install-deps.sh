#!/usr/bin/env bash
# Installs what mlchain needs and is missing, and nothing else.
#   cmake/install-deps.sh build   the Debian packages to build mlchain
#   cmake/install-deps.sh peers   those, plus Node.js/npm and the pinned peers from tests/peers/package-lock.json
#                                 (anvil, the js-ipfs daemon, solc…), and Python 3 for the model and the
#                                 evaluation of examples/gated-promotion.sh: what the examples run
#   cmake/install-deps.sh test    all of that, plus what only the tests need: clang for the fuzzers,
#                                 Debian's ipfs-cid, pdflatex and bibtex (texlive-latex-base) and the CFF
#                                 schema's validator (python3-yaml, python3-jsonschema) for tests/integration/cite.sh,
#                                 and the pinned EAS contracts package (its compiled artifacts, which
#                                 contracts/eas/ embeds, compared by tests/interop/eas_artifacts.sh)
set -euo pipefail
mode=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(g++ cmake make pkg-config libcli11-dev libgit2-dev libssl-dev nlohmann-json3-dev
          libcurl4-openssl-dev catch2 libsecp256k1-dev libsqlite3-dev)
case "$mode" in
  build) ;;
  peers) packages+=(nodejs npm python3) ;;
  test) packages+=(clang libclang-rt-14-dev ipfs-cid nodejs npm python3 texlive-latex-base python3-yaml
                   python3-jsonschema) ;;
  *) echo "usage: $0 build|peers|test" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  # npm may come from NodeSource's nodejs rather than Debian's npm package: a working npm is enough.
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "mlchain: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$mode" != build ]; then
  peers="$root/tests/peers"
  stamp="$peers/node_modules/.mlchain-lock-sha256"
  want=$(sha256sum "$peers/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "mlchain: installing the test peers (npm ci in tests/peers)"
    (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
fi

if [ "$mode" = test ]; then
  # EAS's package is taken with npm pack and extracted, not installed: installing it pulls in hardhat.
  # Only its compiled artifacts are used, checked against the pinned version's registry integrity.
  eas_package=@ethereum-attestation-service/eas-contracts
  eas_version=1.9.0
  eas_integrity=sha512-L60y1fgKlY3a45xxnPlgRbiGQY8RF/lF+AzF1iVoR7/aEzitS0Nuyyjq8+IXs1sSSU0dl2+yGSmELxVeB6FelA==
  eas_dir="$root/tests/peers/eas-contracts"
  if [ "$(cat "$eas_dir/.mlchain-integrity" 2>/dev/null)" != "$eas_integrity" ]; then
    echo "mlchain: fetching $eas_package@$eas_version (npm pack)"
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    (cd "$scratch" && npm pack "$eas_package@$eas_version" --silent > tarball)
    tarball="$scratch/$(cat "$scratch/tarball")"
    got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
    if [ "$got" != "$eas_integrity" ]; then
      echo "mlchain: $eas_package@$eas_version has integrity $got, expected $eas_integrity" >&2
      exit 1
    fi
    rm -rf "$eas_dir"
    mkdir -p "$eas_dir"
    tar -xzf "$tarball" -C "$eas_dir" --strip-components=1
    echo "$eas_integrity" > "$eas_dir/.mlchain-integrity"
  fi
fi
