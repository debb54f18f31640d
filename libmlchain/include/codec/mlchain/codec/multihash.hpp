#pragma once

#include <cstdint>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

namespace multihash_code {
inline constexpr std::uint64_t identity = 0x00;
inline constexpr std::uint64_t sha2_256 = 0x12;
}  // namespace multihash_code

struct Multihash {
  std::uint64_t code = multihash_code::sha2_256;
  Bytes digest;

  static Multihash sha2_256_of(ByteView data);

  Bytes to_bytes() const;
  void append_to(Bytes& out) const;
  // Reads <code varint><length varint><digest>. sha2-256 digests must be 32 bytes.
  // `consumed` receives the bytes read; trailing bytes are the caller's to judge.
  static Result<Multihash> read(ByteView input, std::size_t& consumed);

  // True when `data` hashes to this multihash; false for hash functions mlchain cannot compute.
  bool matches(ByteView data) const;

  friend bool operator==(const Multihash&, const Multihash&) = default;
  friend auto operator<=>(const Multihash&, const Multihash&) = default;
};

}  // namespace mlchain::codec
