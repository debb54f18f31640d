#pragma once
// Who signs: the core asks a Signer for an address and signatures and never sees a key, so a keystore,
// an environment key in CI, or a remote signer can stand behind it alike.

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/eip191.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/codec/signature.hpp"
#include "mlchain/result.hpp"

namespace mlchain::core {

class Signer {
 public:
  virtual ~Signer() = default;

  virtual codec::Address address() const = 0;

  // Signs a 32-byte digest as it is (e.g. a transaction's signing hash); r ‖ s ‖ v, low s, v ∈ {27, 28}.
  // May fail: a keystore signer asks for its passphrase the first time.
  virtual Result<codec::RecoverableSignature> sign_digest(const codec::Keccak256Digest& digest) = 0;

  // EIP-191 personal_sign over `message` (a commit signs its 32-byte digest as 32 raw bytes).
  Result<codec::RecoverableSignature> sign_message(ByteView message) {
    return sign_digest(codec::personal_message_digest(message));
  }
};

}  // namespace mlchain::core
