#pragma once
// MurmurHash3 x64 128-bit (Austin Appleby's MurmurHash3_x64_128). UnixFS HAMT directories hash entry
// names with it and keep only the first 64 bits, `h1` (multicodec murmur3-x64-64, 0x22).

#include <cstdint>

#include "mlchain/bytes.hpp"

namespace mlchain::codec {

struct Murmur3Hash128 {
  std::uint64_t h1 = 0;
  std::uint64_t h2 = 0;

  friend bool operator==(const Murmur3Hash128&, const Murmur3Hash128&) = default;
};

Murmur3Hash128 murmur3_x64_128(ByteView data, std::uint32_t seed = 0);

}  // namespace mlchain::codec
