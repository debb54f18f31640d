#!/usr/bin/env bash
# mlchain cite against a real anvil and js-ipfs daemon (tests/peers), each claim checked by another tool:
# the anchor's transaction, block and block time in `cite --format json` are what Foundry's cast reads
# from the chain; the author's did:pkh is cast's checksum address; a promoted commit's stage and
# attestations are what cast reads from the governance's holderOf; the BibTeX entry goes through pdflatex
# and bibtex (no warning, the key resolved, the CID in the .bbl); the CITATION.cff validates against the
# CFF 1.2.0 schema (tests/vectors/cff-1.2.0-schema.json) with python3-jsonschema; the fetch and verify
# commands the citation gives run as written. A commit anchored only through a descendant names that head;
# an unanchored commit, --offline, and a repository without a remote are cited with the author's claim only,
# said in every format. Unknown REV exit 3, bad --format exit 2, an unreachable RPC exit 4.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/governance.sh"
schema="$MLCHAIN_SOURCE_DIR/tests/vectors/cff-1.2.0-schema.json"
for tool in pdflatex bibtex; do command -v "$tool" > /dev/null || fail "$tool is missing: cmake/install-deps.sh test"; done

start_anvil
start_ipfs
owner_key=$(account private_keys 0); owner=$(account available_accounts 0)
e1_key=$(account private_keys 1); e1=$(account available_accounts 1)
export MLCHAIN_PRIVATE_KEY=$owner_key
field() { json_field "$work/cite.json" "$@"; }
cite_json() { expect 0 "$MLCHAIN" cite "$@" --format json; printf '%s\n' "$out" > "$work/cite.json"; }
lower() { tr 'A-F' 'a-f' <<< "$1"; }

echo "a pushed commit: the anchor as cast reads it"
governed_repository  # commit A pushed to repository "model", governance deployed; in $work/a
cite_json "$A"
[ "$(field cid)" = "$A" ] || fail "cid: $out"
[ "$(field tree)" = "$("$MLCHAIN" show "$A" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["tree"])')" ] ||
  fail "tree: $out"
[ "$(field title)" = "candidate A" ] || fail "title: $out"
[ "$(field author did)" = "did:pkh:eip155:31337:$("$cast" to-check-sum-address "$owner")" ] || fail "did: $out"
[ "$(field dated_by)" = block ] || fail "dated_by: $out"
tx=$(field anchor transaction)
block=$(field anchor block)
[ "$("$cast" tx --rpc-url "$rpc" "$tx" blockNumber)" = "$block" ] || fail "cast puts $tx in another block than $block"
[ "$(lower "$("$cast" tx --rpc-url "$rpc" "$tx" to)")" = "$(lower "$registry")" ] || fail "$tx was not sent to $registry"
status=$("$cast" receipt --rpc-url "$rpc" "$tx" status)
[[ $status == 1* || $status == success || $status == true ]] || fail "$tx did not succeed: status $status"
[ "$("$cast" block --rpc-url "$rpc" "$block" --field timestamp)" = "$(field anchor block_time)" ] ||
  fail "block $block's timestamp is not $(field anchor block_time)"
[ "$(field anchor block_time_utc)" = "$(date -u -d "@$(field anchor block_time)" +%Y-%m-%dT%H:%M:%SZ)" ] || fail "utc: $out"
[ "$(field anchor chain_id)" = "$("$cast" chain-id --rpc-url "$rpc")" ] || fail "chain id: $out"
[ "$(lower "$(field anchor registry)")" = "$(lower "$registry")" ] || fail "registry: $out"
[ "$(field anchor repo)" = model ] && [ "$(field anchor branch)" = main ] || fail "repo/branch: $out"
[ "$(field anchor head)" = "$A" ] && [ "$(field anchor commit_is_head)" = True ] || fail "head: $out"
[ "$(field governance stages)" = "[]" ] || fail "A holds no stage yet: $out"
[ -z "$err" ] || fail "an anchored citation warns: $err"

echo "the citation's own commands fetch and verify it"
fetch=$(field fetch); verify=$(field verify)
[[ $fetch == "mlchain clone mlchain://31337@"*"/model#main model --rpc $rpc --ipfs $api" ]] || fail "fetch: $fetch"
mkdir "$work/reader"
(cd "$work/reader" && PATH="$(dirname "$MLCHAIN"):$PATH" timeout 120 bash -ec "$fetch && $verify") > "$work/reader.log" 2>&1 ||
  fail "the citation's commands failed: $(cat "$work/reader.log")"
has "^verified $A" < "$work/reader.log" || fail "verify said: $(cat "$work/reader.log")"
has "^anchored by model/main at $A" < "$work/reader.log" || fail "verify --chain said: $(cat "$work/reader.log")"

echo "a commit anchored through a descendant names that head; an unpushed one has no anchor"
echo "weights B" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate B"
B=$(cat .mlchain/refs/heads/main)
cite_json "$B"
[ "$(field anchor)" = None ] && [ "$(field dated_by)" = author ] || fail "unpushed B: $out"
has "author's claim only" <<< "$(field notice)" || fail "notice: $out"
has "^mlchain: warning: $B is anchored on no chain: its date is the author's claim only" <<< "$err" || fail "warning: $err"
echo "weights C" > weights.bin
expect 0 "$MLCHAIN" commit -m "candidate C"
C=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
cite_json "$B"
[ "$(field anchor head)" = "$C" ] && [ "$(field anchor commit_is_head)" = False ] || fail "B through C: $out"
has "in the history of head $C" <<< "$(field notice)" || fail "notice: $out"
cite_json "$A"
[ "$(field anchor transaction)" = "$tx" ] || fail "A's anchor moved to a later push: $out"

echo "a promoted commit: its stage and attestations as cast reads them"
expect 0 "$MLCHAIN" policy set --evaluator "$e1" --quorum 1
expect 0 "$MLCHAIN" policy set --stage production --require 'accuracy>=0.9'
expect 0 as_key "$e1_key" "$MLCHAIN" evaluate "$A" --suite "$work/suite" --metric accuracy=0.95 --out "$work/a-e1.json"
expect 0 "$MLCHAIN" submit "$work/a-e1.json"
expect 0 "$MLCHAIN" promote "$A" --stage production
cite_json @production
[ "$(field cid)" = "$A" ] || fail "@production is not A: $out"
[ "$(lower "$(field governance contract)")" = "$(lower "$governance")" ] || fail "governance: $out"
[ "$(field governance stages 0 stage)" = production ] || fail "stage: $out"
holder=$("$cast" call --rpc-url "$rpc" "$governance" "holderOf(string,bytes32)(bytes32,uint64,bytes32,bytes32[])" \
  model "$("$cast" format-bytes32-string production)")
[ "$(sed -n 2p <<< "$holder" | cut -d' ' -f1)" = "$(field governance stages 0 since_block)" ] || fail "since: $holder"
[ "$(sed -n 4p <<< "$holder")" = "[$(field governance stages 0 attestations | python3 -c 'import json,sys; print(", ".join(json.load(sys.stdin)))')]" ] ||
  fail "attestations: cast reads $holder; cite says $out"
[ "$(field governance stages 0 attestations | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] ||
  fail "attestations: $out"

echo "BibTeX: pdflatex and bibtex take it without a warning"
echo "weights D" > weights.bin
title='Tiny_net: 50% & {more} #1 $x^2~\ok'
expect 0 "$MLCHAIN" commit -m "$title" --license MIT
D=$(cat .mlchain/refs/heads/main)
expect 0 "$MLCHAIN" push
expect 0 "$MLCHAIN" cite --format bibtex
mkdir "$work/tex" && printf '%s\n' "$out" > "$work/tex/refs.bib"
key=$(head -n 1 <<< "$out" | sed -n 's/^@misc{\(.*\),$/\1/p')
[ "$key" = "model-${D: -8}" ] || fail "key: $out"
has "the date is the author's claim only" <<< "$out" && fail "an anchored entry says the author's claim only: $out"
cat > "$work/tex/paper.tex" << EOF
\documentclass{article}
\begin{document}
The model~\cite{$key}.
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
EOF
(cd "$work/tex" && timeout 60 pdflatex -interaction=nonstopmode -halt-on-error paper > /dev/null &&
  timeout 60 bibtex paper > /dev/null && timeout 60 pdflatex -interaction=nonstopmode -halt-on-error paper > /dev/null &&
  timeout 60 pdflatex -interaction=nonstopmode -halt-on-error paper > /dev/null) ||
  fail "LaTeX failed: $(tail -n 20 "$work/tex/paper.log"; cat "$work/tex/paper.blg" 2> /dev/null)"
has -E "^Warning--|There (was|were) [0-9]+ (warning|error)|---line [0-9]+ of file" < "$work/tex/paper.blg" && fail "bibtex: $(cat "$work/tex/paper.blg")"
has "Citation .* undefined\|There were undefined references" < "$work/tex/paper.log" && fail "undefined citation"
bbl=$(tr '\n' ' ' < "$work/tex/paper.bbl" | tr -s ' ')  # bibtex wraps lines at spaces
has "$D" <<< "$bbl" || fail "the CID is not in the bibliography: $(cat "$work/tex/paper.bbl")"
has "$(field anchor transaction)" <<< "$bbl" && fail "the .bbl carries another commit's transaction"
cite_json "$D"
has "$(field anchor transaction)" <<< "$bbl" || fail "the transaction is not in the bibliography"
has 'Tiny\\_net: 50\\% \\& \\textbraceleft{}more\\textbraceright{} \\#1 \\\$x\\^{}2\\~{}\\textbackslash{}ok' \
  <<< "$bbl" || fail "the title is not escaped in the bibliography: $(cat "$work/tex/paper.bbl")"

# validate_cff FILE: the YAML as JSON against the CFF 1.2.0 schema, dates kept as text (as the schema asks).
# Debian's python3 (/usr/bin), whose python3-jsonschema and python3-yaml cmake/install-deps.sh installs.
validate_cff() {
  /usr/bin/python3 - "$schema" "$1" << 'EOF' || fail "CITATION.cff does not validate: $(cat "$1")"
import json, sys, yaml, jsonschema
class TextDates(yaml.SafeLoader): pass
TextDates.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
document = yaml.load(open(sys.argv[2]), Loader=TextDates)
jsonschema.validate(document, json.load(open(sys.argv[1])), format_checker=jsonschema.FormatChecker())
EOF
}

echo "CFF: valid under the CFF 1.2.0 schema"
expect 0 "$MLCHAIN" cite "$D" --format cff
printf '%s\n' "$out" > "$work/CITATION.cff"
validate_cff "$work/CITATION.cff"
python3 -c '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d["title"] == sys.argv[2], d["title"]
assert d["license"] == "MIT" and d["commit"] == sys.argv[3], d
assert str(d["date-released"]) == sys.argv[4], d["date-released"]
assert any(i["value"] == sys.argv[5] for i in d["identifiers"]), d["identifiers"]' \
  "$work/CITATION.cff" "$title" "$D" "$(date -u -d "@$(field anchor block_time)" +%Y-%m-%d)" "$(field anchor transaction)" ||
  fail "CITATION.cff: $(cat "$work/CITATION.cff")"

echo "--offline, and errors: unknown REV 3, bad --format 2, --remote unknown 3, RPC down 4"
expect 0 "$MLCHAIN" cite "$D" --offline --format json
[ "$(json_field <(echo "$out") anchor)" = None ] || fail "--offline: $out"
has "cited offline: its date is the author's claim only" <<< "$err" || fail "--offline warning: $err"
expect 3 "$MLCHAIN" cite nosuchbranch
expect 2 "$MLCHAIN" cite --format ris
has "ris" <<< "$err" || fail "bad format: $err"
expect 3 "$MLCHAIN" cite --remote nosuch
echo "credentials in the remote's URLs never reach the citation"
expect 0 "$MLCHAIN" remote add keyed --ipfs "$api" --rpc "http://user:pw@${rpc#http://}/?apikey=SECRETAPIKEY" \
  --registry "$registry" --repo model --chain-id 31337
expect 0 "$MLCHAIN" cite "$A" --remote keyed --format json
has "SECRETAPIKEY" <<< "$out" && fail "the RPC's API key is in the citation: $out"
has "user:pw" <<< "$out" && fail "the RPC's password is in the citation: $out"
has "apikey=\*\*\*" <<< "$out" || fail "the citation does not show where the reader's own key goes: $out"
expect 0 "$MLCHAIN" remote add down --ipfs "$api" --rpc "http://127.0.0.1:9" --registry "$registry" --repo model --chain-id 31337
expect 4 "$MLCHAIN" cite --remote down
expect 0 "$MLCHAIN" config set remote.origin.rpc "http://127.0.0.1:9"
expect 4 "$MLCHAIN" cite --format json

echo "no remote at all: cited with the author's claim only, in every format"
mkdir "$work/solo" && cd "$work/solo"
expect 0 "$MLCHAIN" init
echo "solo" > weights.bin
expect 0 "$MLCHAIN" commit -m "offline model" --license "MIT OR Apache-2.0"
S=$(cat .mlchain/refs/heads/main)
cite_json
[ "$(field cid)" = "$S" ] && [ "$(field anchor)" = None ] && [ "$(field dated_by)" = author ] || fail "solo: $out"
[ "$(field author did)" = "did:pkh:eip155:1:$("$cast" to-check-sum-address "$owner")" ] || fail "solo did: $out"
[ "$(field license)" = "MIT OR Apache-2.0" ] || fail "solo licence: $out"
has "author's claim only" <<< "$(field notice)" || fail "solo notice: $out"
expect 0 "$MLCHAIN" cite --format bibtex
has "the date is the author's claim only" <<< "$out" || fail "solo bibtex: $out"
expect 0 "$MLCHAIN" cite --format cff
printf '%s\n' "$out" > "$work/solo.cff"
validate_cff "$work/solo.cff"
has "author's claim only" < "$work/solo.cff" || fail "solo cff: $out"
has "^license:" < "$work/solo.cff" && fail "a licence expression CFF does not list: $out"
echo "ok"
