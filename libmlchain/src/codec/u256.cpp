#include "mlchain/codec/u256.hpp"

#include <algorithm>

namespace mlchain::codec {
namespace {

__extension__ typedef unsigned __int128 Wide;  // GCC and Clang: one byte times a 64-bit factor, with carry

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error bad_number(std::string_view what, std::string_view text) {
  constexpr std::size_t shown = 80;
  std::string quoted(text.substr(0, shown));
  if (text.size() > shown) quoted += "…";
  return make_error(ErrorKind::invalid_input, std::string(what) + ": \"" + quoted + "\"");
}

// Adds `digit` to value·base, or nothing on overflow.
std::optional<U256> shift_in(const U256& value, std::uint64_t base, std::uint64_t digit) {
  const auto scaled = value.checked_mul(base);
  if (!scaled) return std::nullopt;
  return scaled->checked_add(U256(digit));
}

Result<U256> parse_hex_digits(std::string_view digits, std::string_view text) {
  if (digits.empty()) return bad_number("hex number without digits", text);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return hex_digit(c) >= 0; })) {
    return bad_number("not a hex number", text);
  }
  const auto significant = digits.substr(std::min(digits.find_first_not_of('0'), digits.size()));
  if (significant.size() > 64) return bad_number("number does not fit 256 bits", text);
  std::array<std::uint8_t, 32> bytes{};
  for (std::size_t k = 0; k < significant.size(); ++k) {  // k counts nibbles from the least significant
    const auto nibble = static_cast<unsigned>(hex_digit(significant[significant.size() - 1 - k]));
    auto& byte = bytes[31 - k / 2];
    byte = static_cast<std::uint8_t>(byte | (k % 2 == 0 ? nibble : nibble << 4));
  }
  return U256::from_big_endian(std::span<const std::uint8_t, 32>(bytes));
}

}  // namespace

U256 U256::from_big_endian(std::span<const std::uint8_t, 32> bytes) {
  U256 result;
  std::copy(bytes.begin(), bytes.end(), result.bytes_.begin());
  return result;
}

Result<U256> U256::from_big_endian(ByteView bytes) {
  if (bytes.size() > 32) {
    return make_error(ErrorKind::invalid_input, std::to_string(bytes.size()) + " bytes do not fit a 256-bit integer");
  }
  U256 result;
  std::copy(bytes.begin(), bytes.end(), result.bytes_.begin() + static_cast<std::ptrdiff_t>(32 - bytes.size()));
  return result;
}

Result<U256> U256::parse_decimal(std::string_view text) {
  if (text.empty()) return bad_number("empty number", text);
  if (text.size() > 1 && text[0] == '0') return bad_number("decimal number with a leading zero", text);
  U256 value;
  for (const char c : text) {
    if (c < '0' || c > '9') return bad_number("not a decimal number", text);
    const auto next = shift_in(value, 10, static_cast<std::uint64_t>(c - '0'));
    if (!next) return bad_number("number does not fit 256 bits", text);
    value = *next;
  }
  return value;
}

Result<U256> U256::parse_quantity(std::string_view text) {
  if (!text.starts_with("0x")) return bad_number("quantity must start with 0x", text);
  const auto digits = text.substr(2);
  if (digits.size() > 1 && digits[0] == '0') return bad_number("quantity with a leading zero", text);
  return parse_hex_digits(digits, text);
}

Result<U256> U256::parse(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) return parse_hex_digits(text.substr(2), text);
  return parse_decimal(text);
}

Bytes U256::minimal_big_endian() const {
  const auto first = std::find_if(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b != 0; });
  return Bytes(first, bytes_.end());
}

bool U256::is_zero() const {
  return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; });
}

std::optional<std::uint64_t> U256::to_uint64() const {
  if (!std::all_of(bytes_.begin(), bytes_.begin() + 24, [](std::uint8_t b) { return b == 0; })) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = 24; i < 32; ++i) value = value << 8 | bytes_[i];
  return value;
}

std::string U256::to_decimal() const {
  if (is_zero()) return "0";
  std::string digits;
  U256 rest = *this;
  while (!rest.is_zero()) {
    const U256 quotient = rest.divided_by(10);
    const auto remainder = rest.checked_sub(*quotient.checked_mul(10));
    digits.push_back(static_cast<char>('0' + *remainder->to_uint64()));
    rest = quotient;
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string U256::to_quantity() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text = "0x";
  bool started = false;
  for (const std::uint8_t byte : bytes_) {
    for (const int nibble : {byte >> 4, byte & 0x0f}) {
      if (nibble == 0 && !started) continue;
      started = true;
      text.push_back(digits[nibble]);
    }
  }
  if (!started) text.push_back('0');
  return text;
}

std::optional<U256> U256::checked_add(const U256& other) const {
  U256 sum;
  unsigned carry = 0;
  for (std::size_t i = 32; i-- > 0;) {
    const unsigned total = unsigned{bytes_[i]} + other.bytes_[i] + carry;
    sum.bytes_[i] = static_cast<std::uint8_t>(total);
    carry = total >> 8;
  }
  if (carry != 0) return std::nullopt;
  return sum;
}

std::optional<U256> U256::checked_sub(const U256& other) const {
  if (*this < other) return std::nullopt;
  U256 difference;
  int borrow = 0;
  for (std::size_t i = 32; i-- > 0;) {
    int value = int{bytes_[i]} - int{other.bytes_[i]} - borrow;
    borrow = value < 0 ? 1 : 0;
    if (value < 0) value += 256;
    difference.bytes_[i] = static_cast<std::uint8_t>(value);
  }
  return difference;
}

std::optional<U256> U256::checked_mul(std::uint64_t factor) const {
  U256 product;
  Wide carry = 0;
  for (std::size_t i = 32; i-- > 0;) {
    const Wide total = Wide{bytes_[i]} * factor + carry;
    product.bytes_[i] = static_cast<std::uint8_t>(total);
    carry = total >> 8;
  }
  if (carry != 0) return std::nullopt;
  return product;
}

U256 U256::divided_by(std::uint64_t divisor) const {
  U256 quotient;
  Wide remainder = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    remainder = remainder << 8 | bytes_[i];
    quotient.bytes_[i] = static_cast<std::uint8_t>(remainder / divisor);
    remainder %= divisor;
  }
  return quotient;
}

}  // namespace mlchain::codec
