// Deployment attestations' data and the SchemaRegistry's getSchema answer: whatever the strict decoders
// accept re-encodes to the same bytes; nothing crashes them. The first byte picks the decoder.

#include "mlchain/eth/deployment_abi.hpp"
#include "mlchain/eth/eas_abi.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto in = fuzz::input(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    if (const auto decoded = eth::deployment::decode(in)) {
      const auto encoded = eth::deployment::encode(*decoded);
      fuzz::require(encoded.ok(), "decoded deployment data encodes");
      fuzz::require_same(in, *encoded, "deployment data");
    }
  } else {
    (void)eth::eas::decode_get_schema(in);
  }
  return 0;
}
