#pragma once
// CARv1 (Content Addressable aRchive, https://ipld.io/specs/transport/car/carv1/): a dag-cbor header
// {"roots": [CID…], "version": 1} and then sections, each varint(length) ‖ CID bytes ‖ block bytes, all
// prefixed by the header's own varint length. `mlchain export`/`import` and the IPFS node's
// `dag/import`/`dag/export` speak it.
//
// The decoder is strict: a header that is not canonical dag-cbor of exactly that shape, a section whose
// length runs past the input or leaves no room for a block, a block that does not hash to its CID, a
// duplicate-free reader promise broken — each is ErrorCode::verification_failed naming the offset (and
// the CID where there is one). Nothing is returned from a CAR that was not checked.

#include <cstdint>
#include <functional>
#include <vector>

#include "mlchain/codec/cid.hpp"

namespace mlchain::codec {

struct CarBlock {
  Cid cid;
  Bytes block;
};

// The header and its length prefix.
Bytes encode_car_header(const std::vector<Cid>& roots);
// One section: varint(len(cid)+len(block)) ‖ cid ‖ block.
Bytes encode_car_section(const Cid& cid, ByteView block);

// Incremental reader for streams (a file read in pieces, an HTTP body): feed bytes as they come,
// sections are handed out as soon as they are complete and verified.
class CarReader {
 public:
  // `on_block` is called once per section in order, after its block re-hashed to its CID; an error it
  // returns stops the reading and is returned by feed()/finish().
  explicit CarReader(std::function<Status(const Cid&, ByteView block)> on_block)
      : on_block_(std::move(on_block)) {}

  Status feed(ByteView bytes);
  // The input has ended: verification_failed when it ended inside the header or a section.
  Status finish();

  // Set once the header was read.
  const std::vector<Cid>& roots() const { return roots_; }
  bool header_read() const { return header_read_; }
  std::uint64_t blocks_read() const { return blocks_read_; }

 private:
  std::function<Status(const Cid&, ByteView)> on_block_;
  Bytes pending_;
  std::uint64_t offset_ = 0;  // of pending_'s first byte in the whole input, for messages
  std::vector<Cid> roots_;
  bool header_read_ = false;
  std::uint64_t blocks_read_ = 0;
};

// A whole CAR in memory (tests, small CARs).
struct Car {
  std::vector<Cid> roots;
  std::vector<CarBlock> blocks;
};
Result<Car> decode_car(ByteView input);

}  // namespace mlchain::codec
