#!/usr/bin/env bash
# Installs a built tree into a temporary prefix and checks that everything docs/architecture.md promises is there:
# the binary, the man pages, the public headers (free of third-party types), and a CMake package that a
# separate project consumes with find_package(mlchain) → mlchain::mlchain.
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/mlchain"
"$prefix/bin/mlchain" --version
ls "$prefix"/share/man/man1/mlchain*.1 >/dev/null
test -f "$prefix/include/mlchain/codec/cid.hpp"
test -f "$prefix/include/mlchain/version.hpp"
if grep -rlE '#include <(openssl|secp256k1|curl|git2|nlohmann|CLI)' "$prefix/include/mlchain"; then
  echo "public headers include third-party headers" >&2
  exit 1
fi

cmake -S "$here/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer" | tee "$work/out"
grep -qx "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am" "$work/out"
echo "install check: 1 passed, 0 failed"
