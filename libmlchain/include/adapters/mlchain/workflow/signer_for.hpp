#pragma once
// Which key signs: a commit, and a chain transaction (a push's anchoring, the registry commands).

#include <optional>
#include <string>

#include "mlchain/keys/signers.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::workflow {

// `key` (--key NAME), else (unless CI passes MLCHAIN_PRIVATE_KEY) the repository's user.key when there is
// a repository, else the default key.
Result<keys::SignerChoice> signer_for(const repo::Repository* repository, const std::optional<std::string>& key);

}  // namespace mlchain::workflow
