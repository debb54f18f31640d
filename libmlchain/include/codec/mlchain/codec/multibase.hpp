#pragma once
// The multibase encodings mlchain reads and writes: base32 (RFC 4648, lowercase, no padding; prefix 'b'),
// base58btc (Bitcoin alphabet; prefix 'z', and bare for CIDv0) and base16 (lowercase; prefix 'f').

#include <string>
#include <string_view>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

std::string base32_encode(ByteView bytes);
// Strict: lowercase alphabet only, no padding, unused trailing bits zero (one text per byte string).
Result<Bytes> base32_decode(std::string_view text);

std::string base58btc_encode(ByteView bytes);
Result<Bytes> base58btc_decode(std::string_view text);

enum class Multibase : char { base16 = 'f', base32 = 'b', base58btc = 'z' };

std::string multibase_encode(Multibase base, ByteView bytes);
// Reads the prefix character, then decodes the rest strictly. Unknown prefixes are rejected by name.
Result<Bytes> multibase_decode(std::string_view text);

}  // namespace mlchain::codec
