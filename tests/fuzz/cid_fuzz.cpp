// CIDs as bytes (whole, and at the front of a longer input) and as text.

#include <string_view>

#include "mlchain/codec/cid.hpp"
#include "round_trip.hpp"

using namespace mlchain;
using codec::Cid;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);

  if (auto cid = Cid::from_bytes(in)) {
    fuzz::require_same(in, cid->to_bytes(), "CID bytes");
    auto reparsed = Cid::parse(cid->to_string());
    fuzz::require(reparsed && *reparsed == *cid, "CID bytes -> text -> CID");
  }

  std::size_t consumed = 0;
  if (auto cid = Cid::read(in, consumed)) {
    fuzz::require(consumed <= in.size(), "CID read past its input");
    fuzz::require_same(in.first(consumed), cid->to_bytes(), "CID at the front of a buffer");
  }

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto cid = Cid::parse(text)) {
    const auto printed = cid->to_string();
    auto reparsed = Cid::parse(printed);
    fuzz::require(reparsed && *reparsed == *cid, "CID text -> CID -> text -> CID");
    // v1 prints as base32 and v0 as bare base58: those spellings come back unchanged.
    if (text.front() == 'b' || text.front() == 'Q') fuzz::require_same(as_bytes(text), as_bytes(printed), "CID text");
  }
  return 0;
}
