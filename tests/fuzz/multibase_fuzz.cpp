// Multibase text (b base32, z base58btc, f base16): accepted text is the only spelling of its bytes.

#include <string_view>

#include "mlchain/codec/multibase.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto bytes = codec::multibase_decode(text)) {
    const auto again = codec::multibase_encode(static_cast<codec::Multibase>(text[0]), *bytes);
    fuzz::require_same(as_bytes(text), as_bytes(again), "multibase text");
  }
  return 0;
}
