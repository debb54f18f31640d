// UnixFS Data messages: accepted input re-encodes to the same bytes.

#include "mlchain/codec/unixfs.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);
  if (auto unixfs = codec::UnixfsData::decode(in)) fuzz::require_same(in, unixfs->encode(), "UnixFS Data");
  return 0;
}
