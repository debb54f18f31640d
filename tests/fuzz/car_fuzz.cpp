// CARv1: an input the strict reader accepts re-encodes to itself, and feeding it in pieces gives the
// same blocks as feeding it whole.

#include "mlchain/codec/car.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);
  auto car = codec::decode_car(in);
  if (!car) return 0;

  auto encoded = codec::encode_car_header(car->roots);
  for (const auto& block : car->blocks) {
    fuzz::require(block.cid.matches(block.block), "a block handed out does not hash to its CID");
    append(encoded, codec::encode_car_section(block.cid, block.block));
  }
  fuzz::require_same(in, encoded, "CAR");

  // The same input split after every third byte.
  std::size_t seen = 0;
  codec::CarReader reader([&](const codec::Cid& cid, ByteView block) -> Status {
    fuzz::require(
        seen < car->blocks.size() && car->blocks[seen].cid == cid &&
            std::equal(block.begin(), block.end(), car->blocks[seen].block.begin(), car->blocks[seen].block.end()),
        "pieces give other blocks");
    ++seen;
    return {};
  });
  for (std::size_t at = 0; at < in.size(); at += 3) {
    fuzz::require(reader.feed(in.subspan(at, std::min<std::size_t>(3, in.size() - at))).ok(), "a piece rejected");
  }
  fuzz::require(reader.finish().ok() && seen == car->blocks.size(), "pieces end differently");
  return 0;
}
