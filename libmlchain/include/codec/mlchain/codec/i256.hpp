#pragma once
// Signed 256-bit integers, Solidity's int256: two's complement in 32 big-endian bytes, so the value is its
// own ABI word. Metric values on chain are int256 fixed point (codec/fixed_point.hpp).

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "mlchain/codec/u256.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

class I256 {
 public:
  constexpr I256() = default;
  constexpr I256(std::int64_t value) {  // NOLINT: implicit, an int64 is always an I256
    const auto bits = static_cast<std::uint64_t>(value);
    const std::uint8_t fill = value < 0 ? 0xff : 0x00;
    for (std::size_t i = 0; i < 24; ++i) bytes_[i] = fill;
    for (std::size_t i = 0; i < 8; ++i) bytes_[31 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
  }

  static I256 from_big_endian(std::span<const std::uint8_t, 32> bytes);
  // The largest and smallest values: 2^255 - 1 and -2^255.
  static I256 max();
  static I256 min();

  // Optional '-', then decimal digits without leading zeros ("0", "-15"); no '+', no "-0", nothing outside
  // [-2^255, 2^255 - 1]. Errors are invalid_input naming the text.
  static Result<I256> parse_decimal(std::string_view text);

  const std::array<std::uint8_t, 32>& big_endian() const { return bytes_; }
  std::string to_decimal() const;

  bool is_negative() const { return (bytes_[0] & 0x80) != 0; }
  bool is_zero() const;
  // |value| as an unsigned number (2^255 for min()).
  U256 magnitude() const;
  std::optional<std::int64_t> to_int64() const;

  // Arithmetic that reports overflow beyond [min(), max()] as nothing.
  std::optional<I256> checked_add(const I256& other) const;
  std::optional<I256> checked_sub(const I256& other) const;
  std::optional<I256> checked_negate() const;

  std::strong_ordering operator<=>(const I256& other) const;
  friend bool operator==(const I256&, const I256&) = default;

 private:
  // The value modulo 2^256, whatever the sign.
  I256 wrapping_add(const I256& other) const;
  I256 wrapping_negate() const;

  std::array<std::uint8_t, 32> bytes_{};
};

}  // namespace mlchain::codec
