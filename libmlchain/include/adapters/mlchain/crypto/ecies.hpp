#pragma once
// ECIES on secp256k1 in the format of the npm package eciesjs 0.4 with its default configuration, and the
// age stanza that carries a file key wrapped that way (docs/format.md, "Private models"):
//
//   wrapped = ephemeral public key (65 bytes, uncompressed) ‖ nonce (16) ‖ AES-256-GCM tag (16) ‖ ciphertext
//   key     = HKDF-SHA256(ikm = ephemeral public key (65) ‖ shared point (65, uncompressed), no salt, no info, 32)
//
// where the shared point is the recipient's public key times the ephemeral secret (ECDH, libsecp256k1).
#include <array>
#include <cstdint>
#include <optional>

#include "mlchain/bytes.hpp"
#include "mlchain/crypto/age.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/result.hpp"

namespace mlchain::crypto {

// A secp256k1 public key, always a valid point.
class PublicKey {
 public:
  // 33 bytes compressed or 65 uncompressed; invalid_input unless it is a point on the curve.
  static Result<PublicKey> parse(ByteView bytes);
  static PublicKey of(const PrivateKey& key);
  const std::array<std::uint8_t, 33>& compressed() const { return compressed_; }
  std::array<std::uint8_t, 65> uncompressed() const;
  bool operator==(const PublicKey&) const = default;

 private:
  explicit PublicKey(const std::array<std::uint8_t, 33>& compressed) : compressed_(compressed) {}
  std::array<std::uint8_t, 33> compressed_{};
};

namespace ecies {

inline constexpr std::size_t overhead = 65 + 16 + 16;

// A fresh ephemeral key and nonce per call.
Result<Bytes> wrap(const PublicKey& recipient, ByteView plaintext);
// corrupt when the tag does not verify (damaged, or wrapped for another key: the two look alike);
// invalid_input when it is shorter than `overhead` or its ephemeral key is not a point.
Result<SecretBytes> unwrap(const PrivateKey& recipient, ByteView wrapped);

}  // namespace ecies

namespace age {

// The stanza type of a file key wrapped for a secp256k1 encryption key. The stanza has no arguments; its
// body is ecies::wrap of the 16-byte file key (113 bytes).
inline constexpr std::string_view ecies_stanza_type = "mlchain.dev/ecies-secp256k1";

Result<Stanza> wrap_file_key(const PublicKey& recipient, const SecretBytes& file_key);
// The file key, or nothing when the stanza is of another type or was not wrapped for `identity` (age tries
// the next stanza then). invalid_input for a stanza of this type that is malformed (arguments, body size).
Result<std::optional<SecretBytes>> unwrap_file_key(const PrivateKey& identity, const Stanza& stanza);

}  // namespace age

}  // namespace mlchain::crypto
