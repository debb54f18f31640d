#!/usr/bin/env bash
# age encryption and decryption of one warm file (default 1024 MiB of random bytes) through libmlchain's
# streaming PayloadEncryptor/PayloadDecryptor (tests/tools/age_tool.cpp: one mlchain.dev/ecies-secp256k1
# stanza, 1 MiB reads, output to a file), against OpenSSL's own ChaCha20-Poly1305 on 64 KiB blocks in
# memory (`openssl speed -evp chacha20-poly1305`, the cipher's floor on this machine) and `cat` of the same
# file (the read/write floor). Prints wall, user and system seconds, MB/s of the wall time and of the user
# time (the user time is the cryptography and the copies: the system time is the page cache's, and on a
# shared machine it varies several-fold from run to run), the ratio of the user-time rate to the cipher's
# floor, and peak RSS (/usr/bin/time -v); the peak RSS is measured again on a 64 MiB file to show it does
# not grow with the size. The decrypted file is compared with the input.
# Usage: bench/age_throughput.sh [SIZE_MIB]  (AGE_TOOL: default build/tests/mlchain_age_tool, target
# mlchain_age_tool; BENCH_DIR: where the files go, default /tmp, needs room for three copies; RUNS: best of,
# default 3).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tool=$(realpath "${AGE_TOOL:-$root/build/tests/mlchain_age_tool}")
size_mib=${1:-1024}
runs=${RUNS:-3}
[[ -x /usr/bin/time ]] || { echo "age_throughput.sh: needs /usr/bin/time (Debian package time)" >&2; exit 1; }
work=$(mktemp -d "${BENCH_DIR:-/tmp}/age-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

private_key=$(openssl rand -hex 32)
public_key=$("$tool" public "$private_key")

# best_of LABEL BYTES COMMAND…: the fastest of $runs runs; prints one table row.
best_of() {
  local label=$1 bytes=$2; shift 2
  local best_wall= best_user= best_sys= best_rss=
  for _ in $(seq "$runs"); do
    # Each run starts with no dirty pages left by the one before, which the kernel would make it write back.
    sync
    /usr/bin/time -v -o "$work/time" "$@" > /dev/null
    local wall user sys rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time")
    user=$(awk -F': ' '/User time/ { print $2 }' "$work/time")
    sys=$(awk -F': ' '/System time/ { print $2 }' "$work/time")
    rss=$(awk -F': ' '/Maximum resident set size/ { print int($2 / 1024) }' "$work/time")
    if [[ -z $best_wall ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$wall best_user=$user best_sys=$sys best_rss=$rss
    fi
  done
  local rate user_rate
  rate=$(awk -v b="$bytes" -v w="$best_wall" 'BEGIN { printf "%.0f", b / w / 1e6 }')
  user_rate=$(awk -v b="$bytes" -v u="$best_user" 'BEGIN { if (u > 0) printf "%.0f", b / u / 1e6; else print "-" }')
  printf '| %s | %.2f | %.2f | %.2f | %s | %s | %s |\n' "$label" "$best_wall" "$best_user" "$best_sys" "$rate" "$user_rate" "$best_rss"
  eval "rate_$label=$rate user_rate_$label=$user_rate"
}

echo "input: $size_mib MiB of random bytes; best of $runs"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/plain"
bytes=$(stat -c %s "$work/plain")
cat "$work/plain" > /dev/null  # warm

echo "| what | wall s | user s | system s | MB/s (wall) | MB/s (user) | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|"
best_of "cat" "$bytes" sh -c "cat '$work/plain' > '$work/copy'"
rm -f "$work/copy"
best_of "encrypt" "$bytes" "$tool" encrypt "$public_key" "$work/plain" "$work/sealed.age"
best_of "decrypt" "$bytes" "$tool" decrypt "$private_key" "$work/sealed.age" "$work/opened"
cmp "$work/plain" "$work/opened" || { echo "age_throughput.sh: the decrypted file differs" >&2; exit 1; }
rm -f "$work/opened"

openssl_rate=$(openssl speed -evp chacha20-poly1305 -bytes 65536 -seconds 3 2>/dev/null |
  awk '/^ChaCha20-Poly1305|^chacha20-poly1305/ { v = $NF; sub(/k$/, "", v); printf "%.0f", v * 1000 / 1e6 }')
echo
echo "openssl speed -evp chacha20-poly1305, 64 KiB blocks in memory: $openssl_rate MB/s"
awk -v e="$user_rate_encrypt" -v d="$user_rate_decrypt" -v o="$openssl_rate" 'BEGIN {
  printf "user-time rate vs the cipher floor: encrypt %.2fx slower, decrypt %.2fx slower\n", o / e, o / d }'

# Peak RSS on a file 16 times smaller: streaming keeps it the same.
head -c "$((64 * 1024 * 1024))" "$work/plain" > "$work/small"
rm -f "$work/plain" "$work/sealed.age"
/usr/bin/time -v -o "$work/time" "$tool" encrypt "$public_key" "$work/small" "$work/small.age"
small_encrypt=$(awk -F': ' '/Maximum resident set size/ { print int($2 / 1024) }' "$work/time")
/usr/bin/time -v -o "$work/time" "$tool" decrypt "$private_key" "$work/small.age" "$work/small.out"
small_decrypt=$(awk -F': ' '/Maximum resident set size/ { print int($2 / 1024) }' "$work/time")
echo "peak RSS on 64 MiB: encrypt $small_encrypt MiB, decrypt $small_decrypt MiB"
