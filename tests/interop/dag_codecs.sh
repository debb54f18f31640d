#!/usr/bin/env bash
# mlchain's dag-cbor and dag-pb codecs against the IPLD reference codecs, @ipld/dag-cbor 10.0.2 and
# @ipld/dag-pb 4.2.0 (tests/peers/dag-codecs.mjs). For generated values (integers at every head width
# up to ±2^64, floats, bytes, multi-byte UTF-8 text and keys, nested lists and maps, v0/v1/identity
# links; dag-pb nodes with and without names, sizes and data) it checks that:
#   1. mlchain encodes each value to the same bytes, hence the same CID, as the JS codec;
#   2. mlchain's strict decoder accepts every JS block and re-encodes it unchanged;
#   3. the JS decoder accepts every mlchain block and re-encodes it unchanged.
#   MLCHAIN_TEST_SEED  picks the generated values (printed, so a failure can be replayed)
#   MLCHAIN_DAG_CASES  values per codec (default 400)
set -euo pipefail
: "${MLCHAIN_DAG_CODEC_TOOL:?path of the dag_codec_tool binary}" "${MLCHAIN_PEERS:?tests/peers with node_modules installed}"
[[ -d $MLCHAIN_PEERS/node_modules/@ipld/dag-cbor ]] || { echo "@ipld/dag-cbor is missing: run tests/peers/setup.sh" >&2; exit 1; }

source "$(dirname "$0")/../integration/lib/expect.sh"
make_workspace

seed=${MLCHAIN_TEST_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
cases=${MLCHAIN_DAG_CASES:-400}
echo "seed: $seed, $cases values per codec"

failures=0
# Compares two files line by line; prints up to three differing lines with their descriptions.
same_lines() {
  local what=$1 expected=$2 actual=$3 descriptions=$4
  local differing
  differing=$(paste "$expected" "$actual" | awk -F'\t' '$1 != $2 { print NR }')
  if [[ -z $differing ]]; then
    echo "  ok: $what ($(wc -l < "$expected") of $(wc -l < "$expected"))"
    return
  fi
  failures=$((failures + 1))
  echo "  MISMATCH: $what on $(wc -l <<< "$differing") of $(wc -l < "$expected") lines" >&2
  for line in $(head -n 3 <<< "$differing"); do
    echo "    value:    $(sed -n "${line}p" "$descriptions" | cut -c1-300)" >&2
    echo "    expected: $(sed -n "${line}p" "$expected" | cut -c1-300)" >&2
    echo "    actual:   $(sed -n "${line}p" "$actual" | cut -c1-300)" >&2
  done
}

for codec in cbor pb; do
  name=$([[ $codec == cbor ]] && echo dag-cbor || echo dag-pb)
  echo "$name: $cases generated values, mlchain vs @ipld/$name"
  node "$MLCHAIN_PEERS/dag-codecs.mjs" generate "$codec" "$cases" "$seed" > "$work/$codec.tsv"
  cut -f1 "$work/$codec.tsv" > "$work/$codec.values"
  cut -f2,3 --output-delimiter=' ' "$work/$codec.tsv" > "$work/$codec.js"
  cut -f2 "$work/$codec.tsv" > "$work/$codec.js-blocks"

  "$MLCHAIN_DAG_CODEC_TOOL" encode "$codec" < "$work/$codec.values" > "$work/$codec.ours"
  same_lines "mlchain encodes to the JS bytes and CID" "$work/$codec.js" "$work/$codec.ours" "$work/$codec.values"

  "$MLCHAIN_DAG_CODEC_TOOL" recode "$codec" < "$work/$codec.js-blocks" > "$work/$codec.ours-recoded"
  same_lines "mlchain decodes JS blocks and re-encodes them unchanged" \
    "$work/$codec.js-blocks" "$work/$codec.ours-recoded" "$work/$codec.values"

  cut -d' ' -f1 "$work/$codec.ours" > "$work/$codec.our-blocks"
  node "$MLCHAIN_PEERS/dag-codecs.mjs" recode "$codec" < "$work/$codec.our-blocks" > "$work/$codec.js-recoded"
  same_lines "JS decodes mlchain blocks and re-encodes them unchanged" \
    "$work/$codec.our-blocks" "$work/$codec.js-recoded" "$work/$codec.values"
done

if [[ $failures -ne 0 ]]; then
  echo "dag codecs: $failures comparison(s) failed (seed $seed)" >&2
  exit 1
fi
echo "dag codecs: mlchain and the @ipld codecs agree on every value"
