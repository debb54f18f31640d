#pragma once
// Transactions that manage registries rather than branches: deploying the embedded registry, and the
// owner granting or revoking writers. Journaled and settled like a push (chain/transactor.hpp).

#include <optional>
#include <string>

#include "mlchain/chain/anchor.hpp"

namespace mlchain::chain {

struct Deployed {
  codec::Address address;
  Settled settled;
  bool resumed = false;  // an earlier, interrupted deploy to the same node, finished from the journal
};

// Where a deploy is journaled: inside a repository (`repository` set) its journal, elsewhere
// $MLCHAIN_HOME/journal.
Result<Journal> deploy_journal(const repo::Repository* repository);

// Deploys eth::registry_artifact() through `rpc_url`. An open deploy the journal holds for the same node
// is finished instead of sending a second one. `chain_id`, when given, must be the node's.
Result<Deployed> deploy_registry(Journal& journal, const std::string& rpc_url, std::optional<std::uint64_t> chain_id,
                                 core::Signer& signer, const ChainOptions& options);

enum class WriterChange { grant, revoke };

// The owner lets `writer` push to the remote's repository, or stops it. The remote's journaled
// transactions are finished first. A refusal (not the owner, no such repository) is explained before
// anything is signed.
Result<Settled> change_writer(repo::Repository& repository, const ChainRemote& remote, const codec::Address& writer,
                              WriterChange change, core::Signer& signer, const ChainOptions& options);

enum class SignerChange { add, remove };

// The owner authorises `signer` to sign the remote's commits from the block of this transaction on, or ends
// its authorisation at that block (docs/format.md §7.1). Journaled (purpose `signer`) and settled like a grant;
// a refusal (not the owner, no such repository, already or not authorised) is explained before anything is
// signed.
Result<Settled> change_signer(repo::Repository& repository, const ChainRemote& remote, const codec::Address& signer,
                              SignerChange change, core::Signer& key, const ChainOptions& options);

}  // namespace mlchain::chain
