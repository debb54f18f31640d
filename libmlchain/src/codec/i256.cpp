#include "mlchain/codec/i256.hpp"

#include <algorithm>

namespace mlchain::codec {
namespace {

Error bad_number(std::string_view what, std::string_view text) {
  constexpr std::size_t shown = 80;
  std::string quoted(text.substr(0, shown));
  if (text.size() > shown) quoted += "…";
  return make_error(ErrorKind::invalid_input, std::string(what) + ": \"" + quoted + "\"");
}

}  // namespace

I256 I256::from_big_endian(std::span<const std::uint8_t, 32> bytes) {
  I256 result;
  std::copy(bytes.begin(), bytes.end(), result.bytes_.begin());
  return result;
}

I256 I256::max() {
  I256 result;
  result.bytes_.fill(0xff);
  result.bytes_[0] = 0x7f;
  return result;
}

I256 I256::min() {
  I256 result;
  result.bytes_[0] = 0x80;
  return result;
}

Result<I256> I256::parse_decimal(std::string_view text) {
  const bool negative = text.starts_with('-');
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty()) return bad_number("empty number", text);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad_number("not a decimal integer", text);
  }
  if (digits.size() > 1 && digits[0] == '0') return bad_number("decimal number with a leading zero", text);
  if (negative && digits == "0") return bad_number("negative zero", text);
  const auto magnitude = U256::parse_decimal(digits);
  const U256 limit = min().magnitude();  // 2^255: the magnitude of min(); max() is one less
  if (!magnitude || *magnitude > limit || (!negative && *magnitude == limit)) {
    return bad_number("number does not fit a signed 256-bit integer", text);
  }
  const I256 positive = from_big_endian(std::span<const std::uint8_t, 32>(magnitude->big_endian()));
  return negative ? positive.wrapping_negate() : positive;
}

std::string I256::to_decimal() const {
  const std::string digits = magnitude().to_decimal();
  return is_negative() ? "-" + digits : digits;
}

bool I256::is_zero() const {
  return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; });
}

U256 I256::magnitude() const {
  const I256 absolute = is_negative() ? wrapping_negate() : *this;
  return U256::from_big_endian(std::span<const std::uint8_t, 32>(absolute.bytes_));
}

std::optional<std::int64_t> I256::to_int64() const {
  const std::uint8_t fill = is_negative() ? 0xff : 0x00;
  if (!std::all_of(bytes_.begin(), bytes_.begin() + 24, [&](std::uint8_t b) { return b == fill; })) return std::nullopt;
  if ((bytes_[24] & 0x80) != (fill & 0x80)) return std::nullopt;  // bit 63 must repeat the sign
  std::uint64_t bits = 0;
  for (std::size_t i = 24; i < 32; ++i) bits = bits << 8 | bytes_[i];
  return static_cast<std::int64_t>(bits);
}

I256 I256::wrapping_add(const I256& other) const {
  I256 sum;
  unsigned carry = 0;
  for (std::size_t i = 32; i-- > 0;) {
    const unsigned total = unsigned{bytes_[i]} + other.bytes_[i] + carry;
    sum.bytes_[i] = static_cast<std::uint8_t>(total);
    carry = total >> 8;
  }
  return sum;
}

I256 I256::wrapping_negate() const {
  I256 inverted;
  for (std::size_t i = 0; i < 32; ++i) inverted.bytes_[i] = static_cast<std::uint8_t>(~bytes_[i]);
  return inverted.wrapping_add(I256(1));
}

std::optional<I256> I256::checked_add(const I256& other) const {
  const I256 sum = wrapping_add(other);
  // Overflow happened exactly when both operands have one sign and the sum has the other.
  if (is_negative() == other.is_negative() && sum.is_negative() != is_negative()) return std::nullopt;
  return sum;
}

std::optional<I256> I256::checked_sub(const I256& other) const {
  const I256 difference = wrapping_add(other.wrapping_negate());
  // a - b overflows exactly when a and b differ in sign and the result's sign is not a's.
  if (is_negative() != other.is_negative() && difference.is_negative() != is_negative()) return std::nullopt;
  return difference;
}

std::optional<I256> I256::checked_negate() const { return I256(0).checked_sub(*this); }

std::strong_ordering I256::operator<=>(const I256& other) const {
  if (is_negative() != other.is_negative()) {
    return is_negative() ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  // Within one sign, two's complement orders like the unsigned bytes.
  return bytes_ <=> other.bytes_;
}

}  // namespace mlchain::codec
