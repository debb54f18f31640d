#!/usr/bin/env bash
# Runs every fuzz target built in BUILD_DIR for SECONDS each, over a scratch copy of its committed seed
# corpus (tests/fuzz/corpus/<name>/), so the run never changes the repository. Fails on the first
# crash, leak, timeout or sanitizer report, and keeps the input that caused it.
#   usage: tests/fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail

if [[ $# -ne 2 || ! $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build_dir=$1
seconds=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

shopt -s nullglob
targets=("$build_dir"/tests/fuzz/*_fuzz)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "no fuzz targets in $build_dir/tests/fuzz (configure with CC=clang CXX=clang++ -DMLCHAIN_BUILD_FUZZERS=ON)" >&2
  exit 1
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
findings="$build_dir/fuzz-findings"

# Inputs past these sizes explore nothing new for the decoder and only slow the run down.
max_len_for() {
  case $1 in
    varint) echo 16 ;;
    multibase | cid) echo 256 ;;
    unixfs) echo 1024 ;;
    age) echo 70000 ;;  # past one 64 KiB chunk, so the second chunk and its boundary are reached
    *) echo 4096 ;;
  esac
}

failed=0
passed=0
for target in "${targets[@]}"; do
  name=$(basename "$target" _fuzz)
  corpus="$scratch/$name"
  mkdir -p "$corpus"
  if [[ -d "$here/corpus/$name" ]]; then cp "$here/corpus/$name"/. "$corpus" -r; fi
  mkdir -p "$findings/$name"
  echo "fuzz: $name for ${seconds}s over $(find "$corpus" -type f | wc -l) seeds (max_len $(max_len_for "$name"))"
  if "$target" "$corpus" -max_total_time="$seconds" -max_len="$(max_len_for "$name")" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/$name/" \
      > "$scratch/$name.log" 2>&1; then
    passed=$((passed + 1))
    grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$scratch/$name.log" | sed "s/^/  /" || true
  else
    failed=$((failed + 1))
    echo "fuzz: $name FAILED; its output:" >&2
    tail -n 60 "$scratch/$name.log" >&2
    echo "fuzz: the input is kept in $findings/$name/; reproduce with $target <that file>" >&2
  fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
