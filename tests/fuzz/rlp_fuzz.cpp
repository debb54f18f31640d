// RLP: whatever the strict decoder accepts re-encodes to the same bytes, and its integers read back.

#include "mlchain/codec/rlp.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);
  const auto decoded = codec::rlp::decode(in);
  if (!decoded) return 0;
  fuzz::require_same(in, codec::rlp::encode(*decoded), "rlp");
  if (const auto value = codec::rlp::to_u256(*decoded, "fuzz")) {
    fuzz::require(codec::rlp::Item::integer(*value) == *decoded, "rlp integer");
  }
  return 0;
}
