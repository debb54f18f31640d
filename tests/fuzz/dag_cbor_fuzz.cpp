// dag-cbor blocks: whatever the strict decoder accepts, the canonical encoder writes back unchanged.

#include "mlchain/codec/dag_cbor.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);
  if (auto value = codec::dag_cbor::decode(in)) {
    auto again = codec::dag_cbor::encode(*value);
    fuzz::require(again.ok(), "dag-cbor encode of a decoded value failed");
    fuzz::require_same(in, *again, "dag-cbor value");
  }
  return 0;
}
