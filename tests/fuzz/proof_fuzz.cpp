// Single-file proofs (docs/format.md §9): a proof block the strict decoder accepts re-encodes to itself,
// and a proof CAR the reader opens re-encodes to itself, with exactly the blocks its path takes.

#include "mlchain/codec/car.hpp"
#include "mlchain/core/proof.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);
  if (auto proof = core::decode_proof_block(in)) {
    const auto encoded = core::encode_proof_block(*proof);
    fuzz::require(encoded.ok(), "a decoded proof block does not encode");
    fuzz::require_same(in, *encoded, "proof block");
  }
  if (auto opened = core::open_proof_car(in)) {
    const auto car = codec::decode_car(in);
    fuzz::require(car.ok(), "an opened proof is not a CAR");
    fuzz::require(car->roots.size() == 1 && car->blocks.size() == opened->blocks, "an opened proof has other blocks");
    fuzz::require(car->blocks.size() == opened->file.blocks.size() + 2, "an opened proof holds blocks off its path");
    fuzz::require(car->blocks[1].cid == opened->proof.commit, "an opened proof's second block is not its commit");
  }
  return 0;
}
