#pragma once
// Which key signs: a commit, and a chain transaction (a push's anchoring, the registry commands).

#include <optional>
#include <string>

#include "mlchain/keys/signers.hpp"
#include "mlchain/privacy/grants.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::workflow {

// `key` (--key NAME), else (unless CI passes MLCHAIN_PRIVATE_KEY) the repository's user.key when there is
// a repository, else the default key.
Result<keys::SignerChoice> signer_for(const repo::Repository* repository, const std::optional<std::string>& key);

// The reader of a private model: the key signer_for picks, with its encryption key derived once, on first
// use (a public fetch never unlocks it). `repository` must outlive the source.
privacy::ReaderSource reader_for(const repo::Repository* repository, std::optional<std::string> key);

}  // namespace mlchain::workflow
