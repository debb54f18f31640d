#include <catch2/catch.hpp>

#include <set>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/unixfs.hpp"
#include "mlchain/unixfs/file_builder.hpp"

using namespace mlchain;
using namespace mlchain::unixfs;

namespace {

// Keeps every block, and checks the order a store relies on: each block hashes to its CID, and a node
// arrives only after every block it links to.
class CheckingSink final : public BlockSink {
 public:
  Status put(const codec::Cid& cid, ByteView block) override {
    CHECK(cid.matches(block));
    if (cid.codec() == codec::multicodec::dag_pb) {
      auto node = codec::PbNode::decode(block);
      REQUIRE(node);
      for (const auto& link : node->links) CHECK(seen_.count(link.hash) == 1);
    }
    seen_.insert(cid);
    total_bytes += block.size();
    ++blocks;
    return {};
  }
  std::uint64_t total_bytes = 0;
  std::size_t blocks = 0;

 private:
  std::set<codec::Cid> seen_;
};

Bytes pattern(std::size_t length) {
  Bytes bytes(length);
  for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<std::uint8_t>(i % 251);
  return bytes;
}

ImportedNode import_bytes(const Profile& profile, ByteView content, CheckingSink& sink) {
  FileBuilder builder(profile, sink);
  for (std::size_t offset = 0; offset < content.size(); offset += profile.chunk_size) {
    const auto chunk = content.subspan(offset, std::min(profile.chunk_size, content.size() - offset));
    REQUIRE(builder.add_leaf(make_leaf(profile, chunk)));
  }
  auto root = builder.finish();
  REQUIRE(root);
  return root.value();
}

Profile toy(const Profile& base, std::size_t chunk_size, std::size_t max_links) {
  Profile profile = base;
  profile.chunk_size = chunk_size;
  profile.max_links_per_node = max_links;
  return profile;
}

}  // namespace

// Pinned CIDs: tests/vectors/README.md ("UnixFS files") gives the reference command for each.
TEST_CASE("a one-chunk file is its single leaf", "[unixfs][file]") {
  auto v1 = make_leaf(unixfs_v1_2025, as_bytes("hello\n"));
  CHECK(v1.cid.to_string() == "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
  CHECK(v1.block == Bytes{'h', 'e', 'l', 'l', 'o', '\n'});
  CHECK(v1.content_size == 6);

  auto v0 = make_leaf(unixfs_v0_2015, as_bytes("hello\n"));
  CHECK(v0.cid.to_string() == "QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN");
  CHECK(codec::to_hex(v0.block) == "0a0c0802120668656c6c6f0a1806");

  CheckingSink sink;
  auto root = import_bytes(unixfs_v1_2025, as_bytes("hello\n"), sink);
  CHECK(root.cid == v1.cid);
  CHECK(root.tsize == 6);
  CHECK(root.content_size == 6);
  CHECK(sink.blocks == 1);
}

TEST_CASE("the empty file", "[unixfs][file]") {
  CheckingSink sink;
  FileBuilder v1(unixfs_v1_2025, sink);
  auto v1_root = v1.finish();
  REQUIRE(v1_root);
  CHECK(v1_root->cid.to_string() == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
  CHECK(v1_root->tsize == 0);

  FileBuilder v0(unixfs_v0_2015, sink);
  auto v0_root = v0.finish();
  REQUIRE(v0_root);
  CHECK(v0_root->cid.to_string() == "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");
  CHECK(v0_root->tsize == 6);
  // ipfs-unixfs writes no Data field for empty content, but always the filesize.
  CHECK(codec::to_hex(make_leaf(unixfs_v0_2015, {}).block) == "0a0408021800");
}

TEST_CASE("LeafBuffer frames a chunk in place exactly as make_leaf encodes it", "[unixfs][file]") {
  for (const Profile* profile : {&unixfs_v1_2025, &unixfs_v0_2015}) {
    LeafBuffer buffer(*profile);
    const Bytes content = pattern(profile->chunk_size);
    for (std::size_t length : {std::size_t{0}, std::size_t{1}, std::size_t{127}, std::size_t{128}, std::size_t{16383},
                               std::size_t{16384}, profile->chunk_size - 1, profile->chunk_size}) {
      const ByteView chunk = ByteView(content).first(length);
      std::copy(chunk.begin(), chunk.end(), buffer.chunk_space().begin());
      const LeafView view = buffer.seal(length);
      const Leaf expected = make_leaf(*profile, chunk);
      CHECK(view.cid == expected.cid);
      CHECK(Bytes(view.block.begin(), view.block.end()) == expected.block);
      CHECK(view.content_size == length);
    }
  }
}

TEST_CASE("a v0 leaf is a dag-pb node holding a UnixFS File with its data and filesize", "[unixfs][file]") {
  const Bytes content = pattern(1000);
  auto leaf = make_leaf(unixfs_v0_2015, content);
  auto node = codec::PbNode::decode(leaf.block);
  REQUIRE(node);
  CHECK(node->links.empty());
  REQUIRE(node->data);
  auto data = codec::UnixfsData::decode(*node->data);
  REQUIRE(data);
  CHECK(data->type == codec::UnixfsType::file);
  CHECK(data->data == content);
  CHECK(data->filesize == 1000);
  CHECK(data->blocksizes.empty());
}

// Toy sizes (4-byte chunks, 3 links per node) give trees several levels deep from a few dozen bytes, so
// every shape of the balanced layout is compared with the reference: full and lone leftover runs at
// each level. Expected values: tests/peers/file-dag.mjs (tests/vectors/README.md).
TEST_CASE("the balanced layout matches ipfs-unixfs-importer", "[unixfs][file]") {
  struct Case {
    const Profile* base;
    std::size_t chunk_size, max_links, length;
    const char* cid;
    std::uint64_t tsize;
  };
  const Case cases[] = {
      {&unixfs_v1_2025, 4, 3, 40, "bafybeihetbzrlrafem3soqmvfd4konslub4z3fs7pbfuqcg3iyxken6yd4", 822},
      {&unixfs_v0_2015, 4, 3, 40, "QmNbuPnmGZE5WQcJrFo9T9RGf35TtkmQ7tc1vm5jwLLEhJ", 870},
      {&unixfs_v1_2025, 4, 3, 36, "bafybeiazbw7qde46yxbdyyv4rzu3cbrk2cf7f3h7vtbpbzhooueqfws6ti", 615},
      {&unixfs_v0_2015, 4, 3, 37, "QmYD7tcjqnMfeEXS4sRvUBevtzcpxRLCFKSD83NXVEmX2J", 867},
      {&unixfs_v0_2015, 4, 3, 28, "QmSKip8j8T86pvkJKGcfLUv47GmS5PJ26miiWNat8SvX5L", 550},
      {&unixfs_v1_2025, 4, 3, 5, "bafybeidoaxjtfzmllhcway5ubogf3onacj5hcjxkps6ltqkicxj5degtta", 103},
      {&unixfs_v0_2015, 262144, 174, 262145, "QmUSjGawaz4ptvREcMKSMJneWCa5j8dAz2wSAAvHtW2rnB", 262267},
      {&unixfs_v0_2015, 262144, 174, 45613056, "QmXCym15aFeWjAWyPFaAgwVmkuKB7EBsV77Skt54KmxChF", 45623854},
      {&unixfs_v0_2015, 262144, 174, 45613057, "QmTedsTekQQkgACJXb1sPZSW8bLdS9LPMrT7L4YdjNRd4n", 45624016},
      {&unixfs_v1_2025, 1048576, 1024, 3145729, "bafybeic67fyetlao26lgsr3yc4m7cup565ukmnx7mrhyk45p6d7o3n2kty", 3145934},
  };
  for (const auto& c : cases) {
    INFO(c.base->name << " chunk " << c.chunk_size << " links " << c.max_links << " length " << c.length);
    CheckingSink sink;
    const Bytes content = pattern(c.length);
    auto root = import_bytes(toy(*c.base, c.chunk_size, c.max_links), content, sink);
    CHECK(root.cid.to_string() == c.cid);
    CHECK(root.tsize == c.tsize);
    CHECK(root.tsize == sink.total_bytes);
    CHECK(root.content_size == c.length);
  }
}

TEST_CASE("a file node records each child's content size and the total", "[unixfs][file]") {
  const Profile profile = toy(unixfs_v1_2025, 4, 3);
  const Bytes content = pattern(10);
  Bytes last_block;
  class Recorder final : public BlockSink {
   public:
    explicit Recorder(Bytes& last) : last_(last) {}
    Status put(const codec::Cid&, ByteView block) override {
      last_.assign(block.begin(), block.end());
      return {};
    }

   private:
    Bytes& last_;
  } recorder(last_block);
  FileBuilder recorded(profile, recorder);
  for (std::size_t offset = 0; offset < content.size(); offset += 4)
    REQUIRE(recorded.add_leaf(
        make_leaf(profile, ByteView(content).subspan(offset, std::min<std::size_t>(4, 10 - offset)))));
  REQUIRE(recorded.finish());
  auto node = codec::PbNode::decode(last_block);
  REQUIRE(node);
  REQUIRE(node->links.size() == 3);
  for (const auto& link : node->links) CHECK(link.name == std::string());
  CHECK(node->links[2].tsize == 2);
  auto data = codec::UnixfsData::decode(*node->data);
  REQUIRE(data);
  CHECK(data->filesize == 10);
  CHECK(data->blocksizes == std::vector<std::uint64_t>{4, 4, 2});
}

TEST_CASE("a failing sink stops the build with its error", "[unixfs][file]") {
  class FullSink final : public BlockSink {
   public:
    Status put(const codec::Cid&, ByteView) override { return make_error(ErrorKind::internal, "disk full"); }
  } sink;
  FileBuilder builder(unixfs_v1_2025, sink);
  auto status = builder.add_leaf(make_leaf(unixfs_v1_2025, as_bytes("x")));
  REQUIRE_FALSE(status);
  CHECK(status.error().message == "disk full");
}
