#pragma once
// Commit signers on chain (docs/format.md §7.1): the keys the owner authorised to sign a repository's commits,
// and `mlchain verify --chain --authorized`, which checks every commit of a revision's history against the
// block that first anchored it (core/signer_authorization.hpp has the rule).

#include <cstdint>
#include <vector>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/core/signer_authorization.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::chain {

struct SignerRecord {
  codec::Address signer;
  std::vector<core::SignerInterval> intervals;  // oldest first; the last one open while it is authorised
};

// Every signer the remote's repository ever added, in the order of their first additions.
Result<std::vector<SignerRecord>> list_signers(const ChainRemote& remote);

struct SignerCheck {
  std::vector<SignerRecord> signers;  // empty: the repository never added a signer, so nothing is authorised
  core::SignerCoverage coverage;      // `commit`'s history with each commit's first anchoring block
  std::vector<core::FirstAnchoring> unauthorized;
};

// The head updates of the remote's repository, oldest first, walked through the local objects (a commit
// whose signature does not recover to its author has no signer, so it is never authorised). Only a failure
// to ask is an error; an unauthorised commit is a result.
Result<SignerCheck> check_signers(repo::Repository& repository, const ChainRemote& remote, const codec::Cid& commit);

}  // namespace mlchain::chain
