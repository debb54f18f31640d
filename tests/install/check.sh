#!/usr/bin/env bash
# Installs a built tree into a temporary prefix and checks what docs/architecture.md promises: the binary,
# the man pages, the public headers (free of third-party types, each compiling on its own), and a CMake
# package that a separate project consumes with find_package(mlchain) → mlchain::mlchain.
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

# Every installed header compiles on its own against the installed tree: nothing it includes was left out.
headers=0
while IFS= read -r -d '' header; do
  printf '#include "%s"\n' "${header#"$prefix/include/"}" |
    "${CXX:-c++}" -std=c++20 -fsyntax-only -I"$prefix/include" -x c++ - ||
    { echo "installed header ${header#"$prefix/include/"} does not compile on its own" >&2; exit 1; }
  headers=$((headers + 1))
done < <(find "$prefix/include/mlchain" -name '*.hpp' -print0)
echo "$headers installed headers compile on their own"

cmake -S "$here/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer" | tee "$work/out"
grep -qx "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am" "$work/out"
echo "install check: 1 passed, 0 failed"
