// A private model's records (privacy/records.hpp): access pages come from any IPFS node and content key
// records from disk, so both decoders must refuse or accept any bytes without crashing, refusals are
// invalid_input, and whatever they accept is exactly what the encoders write back (no two encodings of
// one record, so a page's CID names one meaning).

#include "mlchain/privacy/records.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);
  if (auto page = privacy::decode_access_page(in)) {
    auto again = privacy::encode_access_page(*page);
    fuzz::require(again.ok(), "encode of a decoded access page failed");
    fuzz::require_same(in, *again, "access page");
  } else {
    fuzz::require(page.error().kind == ErrorKind::invalid_input, "access page refused with another kind");
  }
  if (auto record = privacy::decode_content_key(in)) {
    auto again = privacy::encode_content_key(*record);
    fuzz::require(again.ok(), "encode of a decoded content key record failed");
    fuzz::require_same(in, *again, "content key record");
  } else {
    fuzz::require(record.error().kind == ErrorKind::invalid_input, "content key record refused with another kind");
  }
  return 0;
}
