#pragma once
// Decimal numbers as int256 with 18 fractional digits (value · 10^18), the fixed point the governance contract
// compares metric values in: "0.95" is 950000000000000000, "-1.5" is -1500000000000000000.
// Only text converts: a double would round, and two parties must agree on the exact integer.

#include <string>
#include <string_view>

#include "mlchain/codec/i256.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

inline constexpr unsigned fixed18_decimals = 18;

// A plain decimal: optional '-', digits without leading zeros ("0" alone is fine), optionally '.' and 1 to
// 18 digits ("3", "0.95", "-1.5", "0.950"). No '+', no exponent, no ".5" or "5."; anything else, or a value
// outside int256, is an invalid_input error naming the text.
Result<I256> parse_fixed18(std::string_view text);

// The shortest exact decimal of value / 10^18: "0.95", "-1.5", "3", "0".
std::string format_fixed18(const I256& value);

}  // namespace mlchain::codec
