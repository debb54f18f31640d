#include "mlchain/codec/hex.hpp"

#include "mlchain/util/text.hpp"

namespace mlchain::codec {
namespace {

constexpr char digits[] = "0123456789abcdef";

}  // namespace

std::string to_hex(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

std::string to_0x_hex(ByteView bytes) { return "0x" + to_hex(bytes); }

Result<Bytes> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return make_error(ErrorKind::invalid_input, "hex string has an odd number of digits");
  Bytes out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = util::hex_digit_value(text[2 * i]);
    int lo = util::hex_digit_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return make_error(ErrorKind::invalid_input, "hex string has a character that is not a hex digit");
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

Result<Bytes> from_0x_hex(std::string_view text) {
  if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
    return make_error(ErrorKind::invalid_input, "hex value must start with 0x");
  return from_hex(text.substr(2));
}

}  // namespace mlchain::codec
