#pragma once
// CARv1 (Content Addressable aRchive, https://ipld.io/specs/transport/car/carv1/): a dag-cbor header
// {"roots": [CID…], "version": 1} and then sections, each varint(length) ‖ CID bytes ‖ block bytes, all
// prefixed by the header's own varint length. `mlchain export`/`import` and the IPFS node's
// `dag/import`/`dag/export` speak it.
//
// The decoder is strict: a header that is not canonical dag-cbor of exactly that shape (at least one
// root), an empty section, a section longer than max_car_section_bytes, a CID that does not parse, a
// block that does not hash to its CID, input that ends inside the header or a section — each is
// ErrorKind::corrupt naming the offset (and the CID where there is one). Nothing is returned
// from a CAR that was not checked. CARv1 allows a block to appear twice; the reader hands it out twice.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "mlchain/codec/cid.hpp"

namespace mlchain::codec {

// Larger sections or headers are refused before they are buffered, so a hostile stream cannot make the
// reader allocate without bound. IPFS blocks are at most 2 MiB (the bitswap limit).
inline constexpr std::uint64_t max_car_section_bytes = 4 * 1024 * 1024;
inline constexpr std::uint64_t max_car_header_bytes = 1024 * 1024;

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
  // returns stops the reading and is returned by feed(). After an error the reader takes no more input.
  explicit CarReader(std::function<Status(const Cid&, ByteView block)> on_block) : on_block_(std::move(on_block)) {}
  // As above, for a CAR that must have exactly `root` as its only root (a DAG asked for by its root):
  // a header naming other roots is corrupt, before any block is handed out.
  CarReader(std::function<Status(const Cid&, ByteView block)> on_block, const Cid& root)
      : on_block_(std::move(on_block)), expected_root_(root) {}

  Status feed(ByteView bytes);
  // The input has ended: corrupt when it ended inside the header or a section.
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
  std::optional<Cid> expected_root_;
  bool header_read_ = false;
  bool failed_ = false;
  std::uint64_t blocks_read_ = 0;
};

// A whole CAR in memory (tests, small CARs).
struct Car {
  std::vector<Cid> roots;
  std::vector<CarBlock> blocks;
};
Result<Car> decode_car(ByteView input);

}  // namespace mlchain::codec
