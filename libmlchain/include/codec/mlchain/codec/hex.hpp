#pragma once

#include <string>
#include <string_view>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

// Lowercase hex, no prefix.
std::string to_hex(ByteView bytes);
// "0x" followed by lowercase hex, as Ethereum tools print values.
std::string to_0x_hex(ByteView bytes);

// Strict: even length, [0-9a-fA-F] only, no prefix, no white space.
Result<Bytes> from_hex(std::string_view text);
// Requires a "0x" or "0X" prefix, then as from_hex.
Result<Bytes> from_0x_hex(std::string_view text);

}  // namespace mlchain::codec
