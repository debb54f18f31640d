#include "mlchain/unixfs/file_builder.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"

namespace mlchain::unixfs {
namespace {

// Room for a v0 leaf's framing around its chunk: before it, the dag-pb Data tag and length and the
// UnixFS Type and Data headers (at most 1+9 + 2 + 1+9 bytes); after it, the UnixFS filesize (1+9).
constexpr std::size_t frame_before = 32;
constexpr std::size_t frame_after = 16;
// The chunk starts on a page boundary: the kernel copies from the page cache up to four times faster
// into a page-aligned buffer than into one 16 bytes off (measured on this project's 2-core machine).
constexpr std::size_t chunk_alignment = 4096;

// Protobuf tags of the fields a UnixFS File leaf uses (field number << 3 | wire type).
constexpr std::uint8_t tag_pb_data = 0x0a;          // PBNode.Data, length-delimited
constexpr std::uint8_t tag_unixfs_type = 0x08;      // Data.Type, varint
constexpr std::uint8_t tag_unixfs_data = 0x12;      // Data.Data, length-delimited
constexpr std::uint8_t tag_unixfs_filesize = 0x18;  // Data.filesize, varint

template <std::size_t N>
class SmallWriter {
 public:
  void byte(std::uint8_t value) { bytes_[size_++] = value; }
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      byte(static_cast<std::uint8_t>(value | 0x80));
      value >>= 7;
    }
    byte(static_cast<std::uint8_t>(value));
  }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::size_t size() const { return size_; }

 private:
  std::array<std::uint8_t, N> bytes_{};
  std::size_t size_ = 0;
};

std::size_t varint_length(std::uint64_t value) {
  std::size_t length = 1;
  for (; value >= 0x80; value >>= 7) ++length;
  return length;
}

codec::Cid leaf_cid(const Profile& profile, ByteView block) {
  // Raw leaves exist only in CIDv1 (v0 can name nothing but dag-pb).
  if (profile.raw_leaves) return codec::Cid::of_block(1, codec::multicodec::raw, block);
  return codec::Cid::of_block(profile.cid_version, codec::multicodec::dag_pb, block);
}

}  // namespace

Leaf make_leaf(const Profile& profile, ByteView chunk) {
  Bytes block;
  if (profile.raw_leaves) {
    block.assign(chunk.begin(), chunk.end());
  } else {
    codec::UnixfsData file;
    file.type = codec::UnixfsType::file;
    // ipfs-unixfs leaves the Data field out when it is empty: the empty file is 0a 04 08 02 18 00.
    if (!chunk.empty()) file.data = Bytes(chunk.begin(), chunk.end());
    file.filesize = chunk.size();
    codec::PbNode node;
    node.data = file.encode();
    block = node.encode();
  }
  auto cid = leaf_cid(profile, block);
  return Leaf{std::move(cid), std::move(block), chunk.size()};
}

LeafBuffer::LeafBuffer(const Profile& profile)
    : profile_(profile), storage_(chunk_alignment + frame_before + profile.chunk_size + frame_after) {
  const auto address = reinterpret_cast<std::uintptr_t>(storage_.data()) + frame_before;
  chunk_offset_ = static_cast<std::size_t>((address + chunk_alignment - 1) / chunk_alignment * chunk_alignment -
                                           reinterpret_cast<std::uintptr_t>(storage_.data()));
}

std::span<std::uint8_t> LeafBuffer::chunk_space() { return {storage_.data() + chunk_offset_, profile_.chunk_size}; }

LeafView LeafBuffer::seal(std::size_t length) {
  std::uint8_t* const chunk = storage_.data() + chunk_offset_;
  if (profile_.raw_leaves) {
    const ByteView block(chunk, length);
    return LeafView{leaf_cid(profile_, block), block, length};
  }
  // The same bytes make_leaf() encodes, written around the chunk where it already lies.
  const std::size_t data_field = length == 0 ? 0 : 1 + varint_length(length) + length;
  const std::size_t unixfs_length = 2 + data_field + 1 + varint_length(length);
  SmallWriter<frame_before> before;
  before.byte(tag_pb_data);
  before.varint(unixfs_length);
  before.byte(tag_unixfs_type);
  before.byte(static_cast<std::uint8_t>(codec::UnixfsType::file));
  if (length != 0) {
    before.byte(tag_unixfs_data);
    before.varint(length);
  }
  SmallWriter<frame_after> after;
  after.byte(tag_unixfs_filesize);
  after.varint(length);

  std::uint8_t* const start = chunk - before.size();
  std::memcpy(start, before.data(), before.size());
  std::memcpy(chunk + length, after.data(), after.size());
  const ByteView block(start, before.size() + length + after.size());
  return LeafView{leaf_cid(profile_, block), block, length};
}

struct FileBuilder::State {
  struct Link {
    codec::Cid cid;
    std::uint64_t tsize;
    std::uint64_t content_size;
  };

  Profile profile;
  BlockSink& sink;
  // levels[0] holds leaves not yet under a node, levels[k] nodes of height k not yet under a parent.
  std::vector<std::vector<Link>> levels;
  std::uint64_t leaf_count = 0;

  // Adds a link at `height`, first folding that level into a parent when it is already full. Folding
  // only when one more arrives makes the tree exactly ipfs-unixfs-importer's balanced layout: every
  // level is cut into runs of max_links_per_node, and a lone leftover still gets a parent of its own.
  Status push(std::size_t height, Link link) {
    if (levels.size() <= height) levels.resize(height + 1);
    if (levels[height].size() == profile.max_links_per_node) MLCHAIN_TRY_STATUS(fold(height));
    levels[height].push_back(std::move(link));
    return {};
  }

  // Replaces the links at `height` by one UnixFS File node one level up.
  Status fold(std::size_t height) {
    std::vector<Link> children = std::move(levels[height]);
    levels[height].clear();
    codec::UnixfsData file;
    file.type = codec::UnixfsType::file;
    codec::PbNode node;
    node.links.reserve(children.size());
    std::uint64_t content_size = 0;
    std::uint64_t children_tsize = 0;
    for (auto& child : children) {
      file.blocksizes.push_back(child.content_size);
      content_size += child.content_size;
      children_tsize += child.tsize;
      // The reference writes an empty Name on every file link, and dag-pb keeps it.
      node.links.push_back(codec::PbLink{std::move(child.cid), std::string(), child.tsize});
    }
    file.filesize = content_size;
    node.data = file.encode();
    const Bytes block = node.encode();
    auto cid = codec::Cid::of_block(profile.cid_version, codec::multicodec::dag_pb, block);
    MLCHAIN_TRY_STATUS(sink.put(cid, block));
    return push(height + 1, Link{std::move(cid), block.size() + children_tsize, content_size});
  }

  std::size_t top() const {
    std::size_t height = levels.size();
    while (height > 0 && levels[height - 1].empty()) --height;
    return height - 1;
  }
};

FileBuilder::FileBuilder(const Profile& profile, BlockSink& sink)
    : state_(std::make_unique<State>(State{profile, sink, {}, 0})) {}

FileBuilder::~FileBuilder() = default;

Status FileBuilder::add_leaf(const LeafView& leaf) {
  MLCHAIN_TRY_STATUS(state_->sink.put(leaf.cid, leaf.block));
  ++state_->leaf_count;
  return state_->push(0, State::Link{leaf.cid, leaf.block.size(), leaf.content_size});
}

Status FileBuilder::add_hashed_leaf(const codec::Cid& cid, std::uint64_t size) {
  if (state_->sink.wants_leaf_blocks() || !state_->profile.raw_leaves)
    return make_error(ErrorKind::internal, "a leaf without its block reached a sink that stores leaves");
  ++state_->leaf_count;
  // A raw leaf's block is its content: the link's tsize is the content size.
  return state_->push(0, State::Link{cid, size, size});
}

Status FileBuilder::add_leaf(const Leaf& leaf) { return add_leaf(LeafView{leaf.cid, leaf.block, leaf.content_size}); }

Result<ImportedNode> FileBuilder::finish() {
  State& state = *state_;
  if (state.leaf_count == 0) MLCHAIN_TRY_STATUS(add_leaf(make_leaf(state.profile, {})));
  // Below the top, every level still holding links gets a parent; the top's lone link is the root
  // (for a one-chunk file, the leaf itself).
  for (std::size_t height = 0;; ++height) {
    const std::size_t top = state.top();
    if (height == top && state.levels[height].size() == 1) {
      const State::Link& root = state.levels[height].front();
      return ImportedNode{root.cid, root.tsize, root.content_size};
    }
    if (!state.levels[height].empty()) MLCHAIN_TRY_STATUS(state.fold(height));
  }
}

}  // namespace mlchain::unixfs
