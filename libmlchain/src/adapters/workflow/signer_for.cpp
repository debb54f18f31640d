#include "mlchain/workflow/signer_for.hpp"

#include <cstdlib>

#include <memory>

#include "mlchain/keys/encryption_key.hpp"
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

privacy::ReaderSource reader_for(const repo::Repository* repository, std::optional<std::string> key) {
  auto derived = std::make_shared<std::optional<privacy::Reader>>();
  return [repository, key = std::move(key), derived]() -> Result<privacy::Reader> {
    if (!*derived) {
      MLCHAIN_TRY(auto choice, signer_for(repository, key));
      MLCHAIN_TRY(auto identity, keys::derive_encryption_key(*choice.signer));
      derived->emplace(privacy::Reader{choice.signer->address(), std::move(identity)});
    }
    MLCHAIN_TRY(auto copy, crypto::PrivateKey::from_bytes((*derived)->identity.bytes()));
    return privacy::Reader{(*derived)->address, std::move(copy)};
  };
}

}  // namespace mlchain::workflow
