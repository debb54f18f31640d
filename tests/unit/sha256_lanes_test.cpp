#include <catch2/catch.hpp>

#include "mlchain/codec/sha256_lanes.hpp"

using namespace mlchain;

namespace {

Bytes lane_bytes(std::size_t lane, std::size_t size) {
  Bytes out(size);
  std::uint64_t state = 0x9e3779b97f4a7c15ULL + lane;
  for (auto& b : out) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    b = static_cast<std::uint8_t>(state >> 56);
  }
  return out;
}

}  // namespace

// OpenSSL's SHA-256 (codec::sha256) is the reference: every lane must give exactly its digest.
TEST_CASE("Sha256Lanes gives each lane the SHA-256 of its own message", "[sha256]") {
  if (!codec::Sha256Lanes::available()) {
    WARN("this CPU has no AVX-512: Sha256Lanes is not used here");
    return;
  }
  constexpr std::size_t lanes = codec::Sha256Lanes::lanes;
  // Lengths: none at all, one block, and many blocks fed in uneven pieces.
  for (const std::size_t length : {std::size_t{0}, std::size_t{64}, std::size_t{64 * 1031}}) {
    INFO(length << " bytes per lane");
    std::array<Bytes, lanes> messages;
    for (std::size_t lane = 0; lane < lanes; ++lane) messages[lane] = lane_bytes(lane, length);
    codec::Sha256Lanes hashes;
    std::size_t fed = 0;
    for (const std::size_t piece : {std::size_t{64 * 7}, std::size_t{64}, std::size_t{64 * 1000}}) {
      const std::size_t take = std::min(piece, length - fed);
      std::array<const std::uint8_t*, lanes> pieces;
      for (std::size_t lane = 0; lane < lanes; ++lane) pieces[lane] = messages[lane].data() + fed;
      hashes.update(pieces, take);
      fed += take;
    }
    std::array<const std::uint8_t*, lanes> rest;
    for (std::size_t lane = 0; lane < lanes; ++lane) rest[lane] = messages[lane].data() + fed;
    hashes.update(rest, length - fed);
    const auto digests = hashes.finish();
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      INFO("lane " << lane);
      CHECK(digests[lane] == codec::sha256(messages[lane]));
    }
  }
}
