#pragma once
// The signers behind core::Signer, and the one rule that picks a signer for a command:
// --key NAME, else MLCHAIN_PRIVATE_KEY (CI: no keystore needed), else the default key.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "mlchain/core/signer.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/keys/key_directory.hpp"
#include "mlchain/keys/passphrase.hpp"

namespace mlchain::keys {

// Signs with a key held in memory (wiped with the signer): a key from MLCHAIN_PRIVATE_KEY, or one
// unlocked from a keystore.
class PrivateKeySigner final : public core::Signer {
 public:
  explicit PrivateKeySigner(crypto::PrivateKey key) : key_(std::move(key)), address_(key_.address()) {}
  codec::Address address() const override { return address_; }
  Result<codec::RecoverableSignature> sign_digest(const codec::Keccak256Digest& digest) override;

 private:
  crypto::PrivateKey key_;
  codec::Address address_;
};

// Asked for a stored key's passphrase when it is first needed.
using PassphraseSource = std::function<Result<crypto::SecretBytes>(const StoredKey&)>;

// Asks read_passphrase (--password-file, MLCHAIN_PASSWORD, the terminal) for the key's passphrase.
PassphraseSource standard_passphrase_source(std::optional<std::filesystem::path> password_file);

// A stored key that asks for its passphrase only when it first signs, so its address is known without it.
class KeystoreSigner final : public core::Signer {
 public:
  // The keystore must state its address (every key mlchain stores does).
  static Result<std::unique_ptr<KeystoreSigner>> create(StoredKey key, PassphraseSource passphrase);
  codec::Address address() const override { return address_; }
  Result<codec::RecoverableSignature> sign_digest(const codec::Keccak256Digest& digest) override;
  const StoredKey& stored() const { return key_; }

 private:
  KeystoreSigner(StoredKey key, PassphraseSource passphrase, codec::Address address)
      : key_(std::move(key)), passphrase_(std::move(passphrase)), address_(address) {}
  StoredKey key_;
  PassphraseSource passphrase_;
  codec::Address address_;
  std::optional<crypto::PrivateKey> unlocked_;
};

// MLCHAIN_PRIVATE_KEY as a key, if the variable is set; an invalid_argument error (that never shows the value) if it is
// not a valid key.
Result<std::optional<crypto::PrivateKey>> private_key_from_environment();

struct SignerChoice {
  std::shared_ptr<core::Signer> signer;
  std::string description;          // "key NAME" or "MLCHAIN_PRIVATE_KEY", for messages
  std::optional<StoredKey> stored;  // set when a keystore was chosen (for its file and mode)
};

// --key NAME → MLCHAIN_PRIVATE_KEY → the default key. No key at all is "not found" with what to do.
Result<SignerChoice> choose_signer(const KeyDirectory& keys, const std::optional<std::string>& key_name,
                                   PassphraseSource passphrase);

// `mlchain key verify`: the signer an EIP-191 personal_sign `signature` of `message` recovers to, which must
// be `expected`: bad_signature naming both addresses when another key made it.
Result<codec::Address> check_message_signature(ByteView message, const codec::RecoverableSignature& signature,
                                               const codec::Address& expected);

}  // namespace mlchain::keys
