#pragma once
// Unsigned 256-bit integers, the EVM's word: balances, fees and gas prices in wei, RLP and ABI integers.
// Held as 32 big-endian bytes, so comparison is bytewise and the value is its own ABI encoding.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

class U256 {
 public:
  constexpr U256() = default;
  constexpr U256(std::uint64_t value) {  // NOLINT: implicit, a uint64 is always a U256
    for (std::size_t i = 0; i < 8; ++i) bytes_[31 - i] = static_cast<std::uint8_t>(value >> (8 * i));
  }

  static U256 from_big_endian(std::span<const std::uint8_t, 32> bytes);
  // Up to 32 big-endian bytes, leading zeros allowed (an empty span is zero); more is an invalid_input error.
  static Result<U256> from_big_endian(ByteView bytes);

  // Decimal digits only ("0", "1000000000"); leading zeros are refused, as is anything above 2^256 - 1.
  static Result<U256> parse_decimal(std::string_view text);
  // A JSON-RPC QUANTITY: "0x" then lowercase or uppercase hex without leading zeros ("0x0", "0x1a");
  // "0x", "0x01" and more than 64 digits are refused.
  static Result<U256> parse_quantity(std::string_view text);
  // What a person types on the command line: decimal, or "0x" hex where leading zeros are allowed.
  static Result<U256> parse(std::string_view text);

  const std::array<std::uint8_t, 32>& big_endian() const { return bytes_; }
  // Without leading zeros: zero is the empty string of bytes, as RLP encodes integers.
  Bytes minimal_big_endian() const;

  bool is_zero() const;
  std::optional<std::uint64_t> to_uint64() const;
  std::string to_decimal() const;
  // "0x" and minimal lowercase hex ("0x0" for zero).
  std::string to_quantity() const;

  // Arithmetic that reports overflow (and, for subtraction, underflow) as nothing.
  std::optional<U256> checked_add(const U256& other) const;
  std::optional<U256> checked_sub(const U256& other) const;
  std::optional<U256> checked_mul(std::uint64_t factor) const;
  // Rounds down; `divisor` must not be zero.
  U256 divided_by(std::uint64_t divisor) const;

  auto operator<=>(const U256&) const = default;

 private:
  std::array<std::uint8_t, 32> bytes_{};
};

}  // namespace mlchain::codec
