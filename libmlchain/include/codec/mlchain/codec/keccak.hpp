#pragma once
// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not FIPS 202 SHA3-256 (0x06), which
// is all OpenSSL 3.0 offers.

#include <array>
#include <cstdint>

#include "mlchain/bytes.hpp"

namespace mlchain::codec {

using Keccak256Digest = std::array<std::uint8_t, 32>;

Keccak256Digest keccak256(ByteView data);

// Incremental Keccak-256 for inputs that arrive in pieces.
class Keccak256 {
 public:
  Keccak256() = default;
  void update(ByteView data);
  // Ends the hash; the object must not be updated afterwards.
  Keccak256Digest finish();

 private:
  static constexpr std::size_t rate = 136;  // bytes absorbed per permutation: (1600 - 2·256) / 8
  std::array<std::uint64_t, 25> state_{};
  std::array<std::uint8_t, rate> pending_{};
  std::size_t pending_size_ = 0;

  void absorb_block(const std::uint8_t* block);
};

}  // namespace mlchain::codec
