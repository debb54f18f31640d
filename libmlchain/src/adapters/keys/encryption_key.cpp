#include "mlchain/keys/encryption_key.hpp"

#include <cstdint>

#include "mlchain/crypto/kdf.hpp"

namespace mlchain::keys {

Result<crypto::PrivateKey> derive_encryption_key(core::Signer& signer) {
  MLCHAIN_TRY(codec::RecoverableSignature signature, signer.sign_message(as_bytes(encryption_key_message)));
  const crypto::SecretBytes key_material(signature.bytes);
  crypto::secure_wipe(signature.bytes.data(), signature.bytes.size());
  constexpr std::string_view salt = "mlchain.dev/encryption-key";
  for (unsigned counter = 0; counter <= 0xff; ++counter) {
    Bytes info(as_bytes("secp256k1").begin(), as_bytes("secp256k1").end());
    info.push_back(static_cast<std::uint8_t>(counter));
    MLCHAIN_TRY(const crypto::SecretBytes secret, crypto::hkdf_sha256(key_material.view(), as_bytes(salt), info, 32));
    // from_bytes refuses only 0 and values not below the group order; the next counter gives another value.
    auto key = crypto::PrivateKey::from_bytes(secret.view());
    if (key.ok()) return std::move(key).value();
  }
  return make_error(ErrorKind::internal, "no encryption key could be derived from the signature");
}

}  // namespace mlchain::keys
