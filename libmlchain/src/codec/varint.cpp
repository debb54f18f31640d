#include "mlchain/codec/varint.hpp"

namespace mlchain::codec {

void append_varint(Bytes& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

std::size_t varint_size(std::uint64_t value) {
  std::size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

Result<DecodedVarint> read_varint(ByteView input) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (i == max_varint_bytes) return make_error(ErrorKind::invalid_input, "varint longer than 9 bytes");
    const std::uint8_t byte = input[i];
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      if (byte == 0 && i > 0) return make_error(ErrorKind::invalid_input, "varint is not minimally encoded");
      return DecodedVarint{value, i + 1};
    }
  }
  return make_error(ErrorKind::invalid_input, "varint is truncated");
}

}  // namespace mlchain::codec
