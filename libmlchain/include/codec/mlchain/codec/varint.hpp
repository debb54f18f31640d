#pragma once
// Unsigned varint as multiformats defines it: LEB128, minimal, at most 9 bytes (63 bits).

#include <cstdint>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

inline constexpr std::size_t max_varint_bytes = 9;

void append_varint(Bytes& out, std::uint64_t value);
std::size_t varint_size(std::uint64_t value);

struct DecodedVarint {
  std::uint64_t value;
  std::size_t length;  // bytes consumed
};

// Reads one varint from the front of input. Rejects truncation, non-minimal encodings (a trailing
// 0x00 continuation byte) and anything longer than 9 bytes.
Result<DecodedVarint> read_varint(ByteView input);

}  // namespace mlchain::codec
