#pragma once
// Ethereum's signature scheme: ECDSA on secp256k1 with RFC 6979 nonces, low s and a recovery id, so a
// signature alone names its signer (ecrecover).

#include <array>
#include <cstdint>
#include <string_view>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/codec/signature.hpp"
#include "mlchain/crypto/secret.hpp"
#include "mlchain/result.hpp"

namespace mlchain::crypto {

// A secp256k1 secret scalar in [1, n-1]; wiped when it dies.
class PrivateKey {
 public:
  static Result<PrivateKey> generate();
  // 32 big-endian bytes; refuses 0 and values ≥ n.
  static Result<PrivateKey> from_bytes(ByteView bytes);
  // 64 hex digits with or without "0x"; surrounding white space (a trailing newline) is ignored.
  static Result<PrivateKey> from_hex(std::string_view text);

  ByteView bytes() const { return secret_.view(); }
  codec::Address address() const;

 private:
  explicit PrivateKey(SecretBytes secret) : secret_(std::move(secret)) {}
  SecretBytes secret_;
};

// Signs a 32-byte digest as it is (the caller has hashed already, e.g. EIP-191 or a transaction hash).
Result<codec::RecoverableSignature> sign_digest(const PrivateKey& key, const codec::Keccak256Digest& digest);

// The address whose key made `signature` over `digest`; a verification failure if none can have.
Result<codec::Address> recover_address(const codec::Keccak256Digest& digest,
                                       const codec::RecoverableSignature& signature);

}  // namespace mlchain::crypto
