#include "mlchain/keys/signers.hpp"

#include <cstdlib>

#include "mlchain/codec/eip191.hpp"

namespace mlchain::keys {

Result<codec::RecoverableSignature> PrivateKeySigner::sign_digest(const codec::Keccak256Digest& digest) {
  return crypto::sign_digest(key_, digest);
}

PassphraseSource standard_passphrase_source(std::optional<std::filesystem::path> password_file) {
  return [password_file = std::move(password_file)](const StoredKey& key) {
    return read_passphrase(PassphraseRequest{password_file, key.name, false});
  };
}

Result<std::unique_ptr<KeystoreSigner>> KeystoreSigner::create(StoredKey key, PassphraseSource passphrase) {
  if (!key.keystore.address)
    return make_error(ErrorKind::corrupt, key.file.string() +
                                              ": the keystore does not state its address; import it with "
                                              "'mlchain key import' instead of copying it");
  const codec::Address address = *key.keystore.address;
  return std::unique_ptr<KeystoreSigner>(new KeystoreSigner(std::move(key), std::move(passphrase), address));
}

Result<codec::RecoverableSignature> KeystoreSigner::sign_digest(const codec::Keccak256Digest& digest) {
  if (!unlocked_) {
    MLCHAIN_TRY(crypto::SecretBytes passphrase, passphrase_(key_));
    MLCHAIN_TRY(crypto::PrivateKey key, unlock(key_, passphrase.view()));
    unlocked_.emplace(std::move(key));
  }
  return crypto::sign_digest(*unlocked_, digest);
}

Result<std::optional<crypto::PrivateKey>> private_key_from_environment() {
  const char* value = std::getenv("MLCHAIN_PRIVATE_KEY");
  if (value == nullptr) return std::optional<crypto::PrivateKey>();
  auto key = crypto::PrivateKey::from_hex(value);
  if (!key)
    return make_error(ErrorKind::invalid_argument,
                      "MLCHAIN_PRIVATE_KEY is not a private key (64 hex digits, 0x optional): " + key.error().message);
  return std::optional<crypto::PrivateKey>(std::move(*key));
}

Result<SignerChoice> choose_signer(const KeyDirectory& keys, const std::optional<std::string>& key_name,
                                   PassphraseSource passphrase) {
  std::optional<std::string> name = key_name;
  if (!name) {
    MLCHAIN_TRY(std::optional<crypto::PrivateKey> environment_key, private_key_from_environment());
    if (environment_key)
      return SignerChoice{std::make_shared<PrivateKeySigner>(std::move(*environment_key)), "MLCHAIN_PRIVATE_KEY",
                          std::nullopt};
    MLCHAIN_TRY(name, keys.default_name());
    if (!name)
      return make_error(ErrorKind::not_found,
                        "no signing key: create one with 'mlchain key new', import one with "
                        "'mlchain key import', or set MLCHAIN_PRIVATE_KEY");
  }
  MLCHAIN_TRY(StoredKey stored, keys.load(*name));
  MLCHAIN_TRY(std::unique_ptr<KeystoreSigner> signer, KeystoreSigner::create(stored, std::move(passphrase)));
  return SignerChoice{std::shared_ptr<core::Signer>(std::move(signer)), "key " + *name, std::move(stored)};
}

Result<codec::Address> check_message_signature(ByteView message, const codec::RecoverableSignature& signature,
                                               const codec::Address& expected) {
  MLCHAIN_TRY(const auto signer, crypto::recover_address(codec::personal_message_digest(message), signature));
  if (signer != expected)
    return make_error(ErrorKind::bad_signature, "signature does not verify: it was made by " +
                                                    codec::to_checksum_address(signer) + ", not " +
                                                    codec::to_checksum_address(expected));
  return signer;
}

}  // namespace mlchain::keys
