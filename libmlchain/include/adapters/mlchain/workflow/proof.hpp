#pragma once
// `mlchain prove` and `mlchain verify --proof` (man/mlchain-prove.1, docs/format.md §9): a proof that one
// file belongs to a signed commit, small enough to hand to anyone, and its check, which needs no repository.
//
// prove reads the commit and the blocks on the way to the path from the repository and, when the
// remote's chain holds a head update to that very commit, records where (core::AnchorFacts). verify
// re-hashes every block, checks the commit's signature and every link down to the path, and on request
// that a local file imports to the proven CID and that the chain still says what the anchor facts say.
// What does not hold is a problem in the report, not an error.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/core/proof.hpp"

namespace mlchain::workflow {

struct ProveRequest {
  std::string revision = "HEAD";
  std::string path;  // in the commit's tree, '/'-separated
  std::filesystem::path out;
  // Whose chain the anchoring is looked up on. Nothing: remote "origin" when it is a chain remote; when
  // there is no such remote the proof carries no anchor.
  std::optional<std::string> remote;
  std::filesystem::path start;  // where the repository is looked for; empty: the current directory
};

struct ProveResult {
  codec::Cid commit;
  codec::Cid root;  // the proof block's CID, the CAR's root
  core::ProvenFile file;
  std::optional<core::AnchorFacts> anchor;
  std::string not_anchored;  // why the proof carries no anchor, when it carries none
  std::uint64_t blocks = 0;
  std::uint64_t bytes = 0;
};

// Errors: not_found (no repository, an unknown revision or remote, no such path), invalid_argument (a path
// that is not a file, a remote without chain settings), remote_unavailable (the chain cannot be asked),
// and the atomic write's. The file at `out` is written whole or not at all.
Result<ProveResult> prove(const ProveRequest& request);

struct ProofChainCheck {
  std::optional<std::string> rpc;  // a JSON-RPC URL; nothing: the rpc of the repository's `remote`
  std::string remote = "origin";
  std::uint64_t min_confirmations = 1;  // of the anchoring block, itself included
};

struct ProofVerifyRequest {
  std::filesystem::path proof;
  std::optional<std::filesystem::path> file;  // must import to the proven file's CID
  std::vector<codec::Address> signers;        // empty: any author whose signature holds
  std::optional<ProofChainCheck> chain;
  std::filesystem::path start;  // where a repository is looked for (for the remote); empty: current directory
};

struct ProofProblem {
  std::string kind;  // proof, signature, signer, file, not-anchored, chain
  std::string detail;
};

// What the chain said about the anchor facts, when they all held.
struct ConfirmedAnchor {
  codec::Address pusher;
  std::uint64_t time = 0;  // the block's timestamp
  std::uint64_t confirmations = 0;
};

struct ProofReport {
  std::optional<core::OpenedProof> opened;  // nothing: the file is not a proof (a problem says why)
  std::optional<codec::Address> signer;     // recovered from the commit's signature
  std::optional<codec::Cid> local_file;     // what --file imported to
  std::optional<ConfirmedAnchor> anchor;    // set when --chain confirmed the anchor facts
  std::vector<ProofProblem> problems;
  bool ok() const { return problems.empty(); }
};

// The offline checks of a proof in memory: every block against its CID, the structure, the signature
// (and the signer being one of `signers`, when any are given).
ProofReport check_proof(ByteView car, const std::vector<codec::Address>& signers);

// Errors only when checking cannot start or the chain cannot be asked: not_found (the proof or --file
// missing), invalid_argument (--chain without --rpc outside a repository, an unknown profile), a remote
// without chain settings, remote_unavailable. The chain is asked only when the proof could be read.
Result<ProofReport> verify_proof(const ProofVerifyRequest& request);

}  // namespace mlchain::workflow
