#include "mlchain/crypto/secp256k1.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "curve_context.hpp"
#include "mlchain/crypto/random.hpp"
#include "mlchain/util/text.hpp"

namespace mlchain::crypto {
namespace {

Error not_a_key(std::string what) {
  return make_error(ErrorKind::invalid_input, "not a secp256k1 private key: " + what);
}

}  // namespace

Result<PrivateKey> PrivateKey::generate() {
  SecretBytes secret(32);
  // Rejection sampling: a uniform 256-bit value is outside [1, n-1] with probability about 2^-128.
  do {
    MLCHAIN_TRY_STATUS(fill_random({secret.data(), secret.size()}));
  } while (secp256k1_ec_seckey_verify(curve_context(), secret.data()) != 1);
  return PrivateKey(std::move(secret));
}

Result<PrivateKey> PrivateKey::from_bytes(ByteView bytes) {
  if (bytes.size() != 32) return not_a_key("it is " + std::to_string(bytes.size()) + " bytes, not 32");
  SecretBytes secret(bytes);
  if (secp256k1_ec_seckey_verify(curve_context(), secret.data()) != 1) return not_a_key("it is zero or not below n");
  return PrivateKey(std::move(secret));
}

Result<PrivateKey> PrivateKey::from_hex(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  if (text.size() != 64) return not_a_key("expected 64 hex digits");
  SecretBytes secret(32);
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = util::hex_digit_value(text[2 * i]);
    const int lo = util::hex_digit_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return not_a_key("expected 64 hex digits");
    secret.data()[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  if (secp256k1_ec_seckey_verify(curve_context(), secret.data()) != 1) return not_a_key("it is zero or not below n");
  return PrivateKey(std::move(secret));
}

codec::Address PrivateKey::address() const {
  secp256k1_pubkey public_key;
  // Cannot fail: the scalar was verified when the key was made, so a failure is memory corruption.
  if (secp256k1_ec_pubkey_create(curve_context(), &public_key, secret_.data()) != 1) std::abort();
  std::array<std::uint8_t, 65> serialized{};
  std::size_t length = serialized.size();
  secp256k1_ec_pubkey_serialize(curve_context(), serialized.data(), &length, &public_key, SECP256K1_EC_UNCOMPRESSED);
  return codec::address_from_public_key(std::span<const std::uint8_t, 64>(serialized.data() + 1, 64));
}

Result<codec::RecoverableSignature> sign_digest(const PrivateKey& key, const codec::Keccak256Digest& digest) {
  secp256k1_ecdsa_recoverable_signature signature;
  // A null nonce function is libsecp256k1's RFC 6979 default; its signatures are always low-s.
  if (secp256k1_ecdsa_sign_recoverable(curve_context(), &signature, digest.data(), key.bytes().data(), nullptr,
                                       nullptr) != 1)
    return make_error(ErrorKind::internal, "secp256k1 signing failed");
  codec::RecoverableSignature out;
  int recovery_id = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(curve_context(), out.bytes.data(), &recovery_id, &signature);
  if (recovery_id < 0 || recovery_id > 1)
    return make_error(ErrorKind::internal, "secp256k1 produced a recovery id Ethereum cannot express");
  out.bytes[64] = static_cast<std::uint8_t>(27 + recovery_id);
  return out;
}

Result<codec::Address> recover_address(const codec::Keccak256Digest& digest,
                                       const codec::RecoverableSignature& signature) {
  const int recovery_id = signature.recovery_id();
  secp256k1_ecdsa_recoverable_signature parsed;
  if (recovery_id < 0 || recovery_id > 1 ||
      secp256k1_ecdsa_recoverable_signature_parse_compact(curve_context(), &parsed, signature.bytes.data(),
                                                          recovery_id) != 1)
    return make_error(ErrorKind::bad_signature, "signature is malformed");
  secp256k1_pubkey public_key;
  if (secp256k1_ecdsa_recover(curve_context(), &public_key, &parsed, digest.data()) != 1)
    return make_error(ErrorKind::bad_signature, "no public key can have made this signature");
  std::array<std::uint8_t, 65> serialized{};
  std::size_t length = serialized.size();
  secp256k1_ec_pubkey_serialize(curve_context(), serialized.data(), &length, &public_key, SECP256K1_EC_UNCOMPRESSED);
  return codec::address_from_public_key(std::span<const std::uint8_t, 64>(serialized.data() + 1, 64));
}

const secp256k1_context* curve_context() {
  static const secp256k1_context* const shared = [] {
    secp256k1_context* created = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    SecretBytes seed(32);
    // Blinding is defence in depth: should it be unavailable, the unblinded context still signs correctly.
    const bool blinded =
        fill_random({seed.data(), seed.size()}).ok() && secp256k1_context_randomize(created, seed.data()) == 1;
    static_cast<void>(blinded);
    return created;
  }();
  return shared;
}

}  // namespace mlchain::crypto
