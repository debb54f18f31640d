#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is missing, builds with warnings as errors,
# builds the fuzzers with clang, then runs every test (unit, integration, interop against the real
# peers, bounded fuzz runs, install check) under CTest.
#   MLCHAIN_BUILD_DIR   build directory (default: build/ in the source tree)
#   MLCHAIN_FUZZ_SECONDS  seconds per fuzz target (default 10)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MLCHAIN_BUILD_DIR:-$root/build}
jobs=$(nproc)

"$root/cmake/install-deps.sh" test

# Each build names its build type's flags in full (CMakeLists.txt turns an empty build type into
# RelWithDebInfo, whose -O2 -g would come last and win): most of the CI time is compiling, on two cores.
# Fuzzers: -O1 with line tables only. The sanitizers' reports keep their file and line, and the library
# compiles 10-15% faster than at -O2 -g (the fuzz runs are bounded by time, not by speed).
CC=clang CXX=clang++ cmake -S "$root" -B "$build/fuzz" -DMLCHAIN_BUILD_FUZZERS=ON -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" >/dev/null
cmake --build "$build/fuzz" -j"$jobs"

# The tested build: optimised as users build it, without debug information, which took a third of its
# compile time and which no test reads.
cmake -S "$root" -B "$build" -DMLCHAIN_WERROR=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
      -DMLCHAIN_FUZZ_BUILD_DIR="$build/fuzz" -DMLCHAIN_FUZZ_SECONDS="${MLCHAIN_FUZZ_SECONDS:-10}" >/dev/null
cmake --build "$build" -j"$jobs"

# A test that hangs (a peer that never answers) fails alone after 15 minutes instead of holding the run.
ctest --test-dir "$build" --output-on-failure -j"$jobs" --timeout 900
