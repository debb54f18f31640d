#pragma once
// Deployment attestations (docs/format.md, "Deployment attestations"): the EAS schema under which a host
// attests that it runs a commit of a repository in an environment, and the attested data as typed values.
// Pure: no transport.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/result.hpp"

namespace mlchain::eth::deployment {

using Word = std::array<std::uint8_t, 32>;

// The schema's fields; registered with no resolver and revocable, so that a mistaken attestation can be
// withdrawn by its attester (a revoked one no longer counts).
inline constexpr std::string_view schema_text =
    "address registry,string repo,bytes32 commit,string environment,bytes32 tree";
inline constexpr bool schema_revocable = true;
// keccak256(schema_text ‖ address(0) ‖ true): the same on every chain.
Word schema_uid();

// One deployment claim: `commit` (the sha2-256 digest in the commit's CID, as the registry stores heads)
// of repository `repo` on registry `registry` runs in `environment`, and the files deployed hash to the tree
// whose CID's sha2-256 digest is `tree` (what the attesting host computed).
struct DeploymentData {
  codec::Address registry;
  std::string repo;
  Word commit{};
  std::string environment;
  Word tree{};
};

// invalid_argument unless `name` is 1 to 32 characters of [A-Za-z0-9._-] (as stage names).
Status check_environment(std::string_view name);

// abi.encode(address, string, bytes32, string, bytes32). invalid_argument for an environment that is not a
// valid name or an empty repository name.
Result<Bytes> encode(const DeploymentData& data);
// Strict: the canonical encoding only (nothing after it), a valid environment name, a non-empty repository
// name and a non-zero commit; invalid_input otherwise.
Result<DeploymentData> decode(ByteView data);

// The tree CID a digest stands for, as shown: CIDv1 dag-pb sha2-256 (a CIDv0 tree has the same digest).
codec::Cid tree_cid(const Word& tree);
// The sha2-256 digest in a tree CID; invalid_input for a CID hashed otherwise.
Result<Word> tree_digest(const codec::Cid& tree);

}  // namespace mlchain::eth::deployment
