#!/usr/bin/env bash
# Commit signers and `verify --chain --authorized` against a real anvil and js-ipfs (tests/peers), each claim
# checked with cast as well: `signer add` on a new repository creates it (its owner is the caller); a writer
# who is not the owner is refused (exit 5, NotOwner); key A is authorised, a commit signed by A and pushed by the
# owner verifies; rotation (add B, remove A, as cast's signerIntervalsOf and signerAuthorizedAt see it, and as
# `signer list` prints it) keeps A's old history valid and lets B's commit verify; a commit signed by A after
# its removal, pushed by the owner, fails with exit 1 naming the commit and A, with the anchoring block that
# cast's anchoredAt gives, while the revision before it still verifies; re-adding A authorises A's next commit
# but not the one signed while it was removed; removing a key that is not authorised is exit 5; a repository
# that never authorised a signer fails --authorized (exit 1), and --authorized without --chain is exit 2.
: "${MLCHAIN_PEERS:?path to tests/peers}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
make_workspace
cast="$MLCHAIN_PEERS/node_modules/.bin/cast"
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"

start_anvil
start_ipfs

owner_key=$(account private_keys 0)
writer_key=$(account private_keys 1); writer=$(account available_accounts 1)
# EIP-55, as mlchain prints addresses.
a_key=$(account private_keys 2); a=$("$cast" to-check-sum-address "$(account available_accounts 2)")
b_key=$(account private_keys 3); b=$("$cast" to-check-sum-address "$(account available_accounts 3)")
lower() { tr 'A-F' 'a-f' <<< "$1"; }
json() { python3 -c 'import json, sys; print(eval(sys.argv[1], {"d": json.load(sys.stdin)}))' "$1"; }
# The registry's bytes32 head of a commit: the sha2-256 digest inside its CIDv1 (base32, dag-cbor).
digest_of() { python3 -c '
import base64, sys
cid = sys.argv[1][1:].upper()
raw = base64.b32decode(cid + "=" * (-len(cid) % 8))
print("0x" + raw[-32:].hex())' "$1"; }
authorized_at() {
  "$cast" call --rpc-url "$rpc" "$registry" 'signerAuthorizedAt(string,address,uint256)(bool)' rotating "$1" "$2"
}
anchored_at() { "$cast" call --rpc-url "$rpc" "$registry" 'anchoredAt(string,bytes32)(uint256)' rotating "$(digest_of "$1")"; }
head_commit() { cat .mlchain/refs/heads/main; }
# commit_as KEY MESSAGE: a commit signed by KEY (the pusher stays the owner).
commit_as() {
  echo "$2" > weights.bin
  MLCHAIN_PRIVATE_KEY=$1 expect 0 "$MLCHAIN" commit -m "$2"
}

export MLCHAIN_PRIVATE_KEY=$owner_key
expect 0 "$MLCHAIN" registry deploy --rpc "$rpc" --chain-id 31337
registry=$(head -n 1 <<< "$out" | cut -d' ' -f2)

mkdir "$work/a"
cd "$work/a"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo rotating --chain-id 31337

echo "signer add on a new repository creates it; a writer who is not the owner is refused"
expect 0 "$MLCHAIN" signer list
[ "$out" = "repository rotating never authorised a signer" ] || fail "signer list before any: $out"
expect 0 "$MLCHAIN" signer add "$a"
grep -q "^authorised $a to sign for rotating from block [0-9]*: transaction 0x[0-9a-f]\{64\}, gas used [0-9]*$" <<< "$out" ||
  fail "signer add output: $out"
a_from=$(sed 's/.* from block \([0-9]*\):.*/\1/' <<< "$out")
echo "  $out"
[ "$(lower "$("$cast" call --rpc-url "$rpc" "$registry" 'ownerOf(string)(address)' rotating)")" = "$(lower "$(account available_accounts 0)")" ] ||
  fail "the owner is not the caller of the first signer add"
[ "$(authorized_at "$a" "$a_from")" = true ] || fail "cast: A is not authorised at block $a_from"
[ "$(authorized_at "$a" $((a_from - 1)))" = false ] || fail "cast: A is authorised before its addition"
MLCHAIN_PRIVATE_KEY=$writer_key expect 5 "$MLCHAIN" signer add "$writer"
grep -q "does not own rotating" <<< "$err" || fail "a non-owner's signer add: $err"

echo "A signs, the owner pushes: verify --chain --authorized holds"
commit_as "$a_key" "v1 by A"
c1=$(head_commit)
expect 0 "$MLCHAIN" push
expect 0 "$MLCHAIN" verify --chain --authorized
grep -q "^authorised: 1 commit each signed by a key the repository authorised" <<< "$out" || fail "verify output: $out"

echo "rotation: add B, remove A"
expect 0 "$MLCHAIN" signer add "$b"
expect 0 "$MLCHAIN" signer remove "$a"
grep -q "^removed $a as a signer of rotating at block [0-9]*:" <<< "$out" || fail "signer remove output: $out"
a_until=$(sed 's/.* at block \([0-9]*\):.*/\1/' <<< "$out")
[ "$("$cast" call --rpc-url "$rpc" "$registry" 'signerIntervalsOf(string,address)(uint256[],uint256[])' rotating "$a" | tr '\n' ' ')" = "[$a_from] [$a_until] " ] ||
  fail "cast: A's intervals are not [$a_from, $a_until)"
[ "$(authorized_at "$a" "$a_until")" = false ] || fail "cast: A is authorised at its removal's block"
expect 0 "$MLCHAIN" signer list --json
[ "$(json "[(s['signer'], s['current'], [(i['from_block'], i['until_block']) for i in s['intervals']]) for s in d['signers']]" <<< "$out")" = \
  "[('$a', False, [($a_from, $a_until)]), ('$b', True, [($((a_until - 1)), None)])]" ] || fail "signer list --json: $out"
expect 0 "$MLCHAIN" signer list
echo "$out" | sed 's/^/  /'

echo "B signs after the rotation: A's old history and B's commit verify"
expect 0 "$MLCHAIN" verify "$c1" --chain --authorized
commit_as "$b_key" "v2 by B"
c2=$(head_commit)
expect 0 "$MLCHAIN" push
expect 0 "$MLCHAIN" verify --chain --authorized
grep -q "^authorised: 2 commits" <<< "$out" || fail "verify output: $out"

echo "A signs after its removal: verify --chain --authorized fails naming the commit and A"
commit_as "$a_key" "v3 by A, removed"
c3=$(head_commit)
expect 0 "$MLCHAIN" push
c3_block=$(anchored_at "$c3")
expect 1 "$MLCHAIN" verify --chain --authorized
grep -q "^mlchain: verify: unauthorized-signer $c3: expected a signer authorised at block $c3_block, actual $a$" <<< "$out" ||
  fail "verify output: $out"
[ "$(grep -c unauthorized-signer <<< "$out")" = 1 ] || fail "more than the one commit refused: $out"
[ "$(authorized_at "$a" "$c3_block")" = false ] || fail "cast says A was authorised at block $c3_block"
expect 1 "$MLCHAIN" verify --chain --authorized --json
[ "$(json "d['signers']['unauthorized']" <<< "$out")" = "[{'commit': '$c3', 'signer': '$a', 'anchored_block': $c3_block}]" ] ||
  fail "verify --json: $out"
[ "$(json "[p['kind'] for p in d['problems']]" <<< "$out")" = "['unauthorized-signer']" ] || fail "verify --json problems: $out"
echo "  the revision before it still verifies"
mkdir "$work/v2" && echo "v2 by B" > "$work/v2/weights.bin"
expect 0 "$MLCHAIN" verify HEAD~1 --path "$work/v2" --chain --authorized
grep -q "^verified $c2: " <<< "$out" || fail "verify HEAD~1 did not check $c2: $out"
expect 0 "$MLCHAIN" verify --chain
echo "  without --authorized the chain check alone still holds"

echo "re-adding A authorises its next commit, not the one it signed while removed"
expect 5 "$MLCHAIN" signer add "$b"
grep -q "already signs for rotating" <<< "$err" || fail "a second add of B: $err"
expect 0 "$MLCHAIN" signer add "$a"
commit_as "$a_key" "v4 by A, re-added"
expect 0 "$MLCHAIN" push
expect 1 "$MLCHAIN" verify --chain --authorized --json
[ "$(json "[c['commit'] for c in d['signers']['unauthorized']]" <<< "$out")" = "['$c3']" ] || fail "after re-adding A: $out"
[ "$(json "d['signers']['checked']" <<< "$out")" = 4 ] || fail "not every commit checked: $out"
expect 0 "$MLCHAIN" signer remove "$a"
expect 5 "$MLCHAIN" signer remove "$a"
grep -q "does not sign for rotating now" <<< "$err" || fail "removing A twice: $err"

echo "--authorized needs --chain; a repository that never authorised a signer fails"
expect 2 "$MLCHAIN" verify --authorized
mkdir "$work/plain"
cd "$work/plain"
expect 0 "$MLCHAIN" init
expect 0 "$MLCHAIN" remote add origin --ipfs "$api" --rpc "$rpc" --registry "$registry" --repo plain --chain-id 31337
echo "weights" > weights.bin
expect 0 "$MLCHAIN" commit -m "unregistered"
expect 0 "$MLCHAIN" push
expect 0 "$MLCHAIN" verify --chain
expect 1 "$MLCHAIN" verify --chain --authorized
grep -q "unauthorized-signer .*never authorised a signer" <<< "$out" || fail "verify of a repository without signers: $out"
echo "PASS"
