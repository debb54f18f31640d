#pragma once
// Each identity's encryption key (docs/format.md, "Encryption keys"): a secp256k1 key apart from the signing
// key, so no key both signs and decrypts. It is derived from the signer's EIP-191 signature of a fixed
// message: RFC 6979 makes that signature, and so the key, the same every time, for any signer (a keystore,
// MLCHAIN_PRIVATE_KEY, and later a hardware wallet) without storing a second secret.
//
//   secret = HKDF-SHA256(ikm = the 65-byte signature, salt = "mlchain.dev/encryption-key",
//                        info = "secp256k1" ‖ counter byte, 32)
//
// with the counter starting at 0 and raised in the (≈2^-128) case the secret is 0 or not below the order.
#include <string_view>

#include "mlchain/core/signer.hpp"
#include "mlchain/crypto/ecies.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/result.hpp"

namespace mlchain::keys {

// What the signer signs (personal_sign) to derive its encryption key. Never change it: every published
// encryption key and every grant wrapped to it derive from it.
inline constexpr std::string_view encryption_key_message =
    "mlchain encryption key v1\n"
    "\n"
    "Signing this message derives the key that decrypts private models granted to this address. "
    "Sign it only in mlchain.";

Result<crypto::PrivateKey> derive_encryption_key(core::Signer& signer);

}  // namespace mlchain::keys
