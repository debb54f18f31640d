#include "mlchain/codec/multibase.hpp"

#include <array>

#include "mlchain/codec/hex.hpp"

namespace mlchain::codec {
namespace {

constexpr std::string_view base32_alphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view base58_alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

constexpr std::array<int, 256> reverse_table(std::string_view alphabet) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  return table;
}

constexpr auto base32_values = reverse_table(base32_alphabet);
constexpr auto base58_values = reverse_table(base58_alphabet);

}  // namespace

std::string base32_encode(ByteView bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (auto b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(base32_alphabet[(buffer >> (bits - 5)) & 0x1f]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(base32_alphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}

Result<Bytes> base32_decode(std::string_view text) {
  // Lengths of 1, 3 and 6 mod 8 cannot come from whole bytes.
  const std::size_t rem = text.size() % 8;
  if (rem == 1 || rem == 3 || rem == 6)
    return make_error(ErrorKind::invalid_input, "base32 text has an impossible length");
  Bytes out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base32_values[static_cast<unsigned char>(c)];
    if (v < 0)
      return make_error(ErrorKind::invalid_input, "base32 text has a character outside the lowercase alphabet");
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
    buffer &= (1u << bits) - 1;
  }
  if (buffer != 0) return make_error(ErrorKind::invalid_input, "base32 text has non-zero trailing bits");
  return out;
}

std::string base58btc_encode(ByteView bytes) {
  std::size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0) ++zeros;
  // log(256)/log(58) < 1.37: enough digits for the remaining bytes.
  std::vector<std::uint8_t> digits((bytes.size() - zeros) * 137 / 100 + 1, 0);
  std::size_t used = 0;
  for (std::size_t i = zeros; i < bytes.size(); ++i) {
    std::uint32_t carry = bytes[i];
    std::size_t j = 0;
    for (auto it = digits.rbegin(); (carry != 0 || j < used) && it != digits.rend(); ++it, ++j) {
      carry += 256u * *it;
      *it = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    used = j;
  }
  std::string out(zeros, '1');
  auto it = digits.begin() + static_cast<std::ptrdiff_t>(digits.size() - used);
  while (it != digits.end() && *it == 0) ++it;
  for (; it != digits.end(); ++it) out.push_back(base58_alphabet[*it]);
  return out;
}

Result<Bytes> base58btc_decode(std::string_view text) {
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  // log(58)/log(256) < 0.733
  Bytes value((text.size() - ones) * 733 / 1000 + 1, 0);
  std::size_t used = 0;
  for (std::size_t i = ones; i < text.size(); ++i) {
    const int v = base58_values[static_cast<unsigned char>(text[i])];
    if (v < 0) return make_error(ErrorKind::invalid_input, "base58btc text has a character outside its alphabet");
    std::uint32_t carry = static_cast<std::uint32_t>(v);
    std::size_t j = 0;
    for (auto it = value.rbegin(); (carry != 0 || j < used) && it != value.rend(); ++it, ++j) {
      carry += 58u * *it;
      *it = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    used = j;
  }
  Bytes out(ones, 0);
  auto it = value.begin() + static_cast<std::ptrdiff_t>(value.size() - used);
  while (it != value.end() && *it == 0) ++it;
  out.insert(out.end(), it, value.end());
  return out;
}

std::string multibase_encode(Multibase base, ByteView bytes) {
  std::string out(1, static_cast<char>(base));
  switch (base) {
    case Multibase::base16:
      out += to_hex(bytes);
      break;
    case Multibase::base32:
      out += base32_encode(bytes);
      break;
    case Multibase::base58btc:
      out += base58btc_encode(bytes);
      break;
  }
  return out;
}

Result<Bytes> multibase_decode(std::string_view text) {
  if (text.empty()) return make_error(ErrorKind::invalid_input, "empty multibase text");
  const std::string_view body = text.substr(1);
  switch (text[0]) {
    case 'b':
      return base32_decode(body);
    case 'z':
      return base58btc_decode(body);
    case 'f':
      for (char c : body)
        if (c >= 'A' && c <= 'F')
          return make_error(ErrorKind::invalid_input, "base16 multibase text must be lowercase");
      return from_hex(body);
    default:
      return make_error(ErrorKind::unsupported, std::string("unsupported multibase prefix '") + text[0] +
                                                    "' (mlchain reads 'b' base32, 'z' base58btc, 'f' base16)");
  }
}

}  // namespace mlchain::codec
