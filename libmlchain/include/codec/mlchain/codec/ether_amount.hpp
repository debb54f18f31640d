#pragma once
// Amounts of the chain's native currency as people write them ("0.01ether", "5gwei", "1000" wei) and as
// mlchain prints them. Only text converts: a double would round, and a price must be the exact integer.

#include <string>
#include <string_view>

#include "mlchain/codec/u256.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

// A whole number of wei ("1000"), or a decimal followed by "ether" (18 decimals) or "gwei" (9): "1ether",
// "0.01ether", "5gwei", "1.5gwei". No sign, exponent, space or ".5"; more fractional digits than the unit
// has, or a value beyond 2^256 - 1 wei, is an invalid_argument error naming the text.
Result<U256> parse_ether_amount(std::string_view text);

// The shortest exact decimal of `wei` in ether: "1", "0.01", "0.000000001", "0".
std::string format_ether(const U256& wei);

}  // namespace mlchain::codec
