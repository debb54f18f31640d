#include "mlchain/workflow/signer_for.hpp"

#include <cstdlib>

#include "mlchain/keys/key_directory.hpp"
#include "mlchain/repo/config.hpp"

namespace mlchain::workflow {

Result<keys::SignerChoice> signer_for(const repo::Repository* repository, const std::optional<std::string>& key) {
  std::optional<std::string> name = key;
  if (!name && repository != nullptr && std::getenv("MLCHAIN_PRIVATE_KEY") == nullptr) {
    MLCHAIN_TRY(auto config, repo::Config::load(repository->paths().config()));
    name = config.get("user.key");
  }
  MLCHAIN_TRY(auto directory, keys::KeyDirectory::from_environment());
  return keys::choose_signer(directory, name, keys::standard_passphrase_source(std::nullopt));
}

}  // namespace mlchain::workflow
