#pragma once
// Recoverable secp256k1 signatures as Ethereum writes them: 65 bytes r ‖ s ‖ v, v ∈ {27, 28}.

#include <array>
#include <cstdint>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

struct RecoverableSignature {
  std::array<std::uint8_t, 65> bytes{};

  ByteView r() const { return ByteView(bytes).first(32); }
  ByteView s() const { return ByteView(bytes).subspan(32, 32); }
  std::uint8_t v() const { return bytes[64]; }
  // 0 or 1: which of the two candidate public keys signed.
  int recovery_id() const { return bytes[64] - 27; }
  auto operator<=>(const RecoverableSignature&) const = default;
};

// Strict: exactly 65 bytes, 0 < r < n, 0 < s ≤ n/2 (low s, EIP-2: the malleable twin is refused),
// v ∈ {27, 28}. Errors are verification failures: such bytes cannot be a valid signature.
Result<RecoverableSignature> parse_signature(ByteView bytes);

}  // namespace mlchain::codec
