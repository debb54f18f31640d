#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/fs/importer.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;
namespace stdfs = std::filesystem;

namespace {

struct TempFile {
  testing::TemporaryDirectory directory;
  stdfs::path path = directory.path / "input.bin";
  explicit TempFile(std::size_t length) {
    Bytes content(length);
    for (std::size_t i = 0; i < length; ++i) content[i] = static_cast<std::uint8_t>(i % 251);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(content.size()));
  }
};

// Blocks must reach the sink from one thread at a time, children before parents, each under its CID.
class OrderCheckingSink final : public unixfs::BlockSink {
 public:
  Status put(const codec::Cid& cid, ByteView block) override {
    CHECK(cid.matches(block));
    if (cid.codec() == codec::multicodec::dag_pb) {
      auto node = codec::PbNode::decode(block);
      REQUIRE(node);
      for (const auto& link : node->links) CHECK(seen_.count(link.hash) == 1);
    }
    seen_.insert(cid);
    bytes += block.size();
    return {};
  }
  std::uint64_t bytes = 0;

 private:
  std::set<codec::Cid> seen_;
};

}  // namespace

// Expected CIDs: tests/vectors/README.md ("UnixFS files", file-dag.mjs with the profiles' real sizes).
TEST_CASE("import_file gives the reference CID on any number of threads", "[importer]") {
  struct Case {
    const unixfs::Profile* profile;
    std::size_t length;
    const char* cid;
    std::uint64_t tsize;
  };
  const Case cases[] = {
      {&unixfs::unixfs_v1_2025, 3145729, "bafybeic67fyetlao26lgsr3yc4m7cup565ukmnx7mrhyk45p6d7o3n2kty", 3145934},
      {&unixfs::unixfs_v0_2015, 45613057, "QmTedsTekQQkgACJXb1sPZSW8bLdS9LPMrT7L4YdjNRd4n", 45624016},
      {&unixfs::unixfs_v0_2015, 262145, "QmUSjGawaz4ptvREcMKSMJneWCa5j8dAz2wSAAvHtW2rnB", 262267},
  };
  for (const auto& c : cases) {
    TempFile file(c.length);
    for (unsigned threads : {1u, 2u, 5u}) {
      INFO(c.profile->name << ", " << c.length << " bytes, " << threads << " threads");
      OrderCheckingSink sink;
      fs::ImportOptions options;
      options.threads = threads;
      auto root = fs::import_file(file.path, *c.profile, sink, options);
      REQUIRE(root);
      CHECK(root->cid.to_string() == c.cid);
      CHECK(root->tsize == c.tsize);
      CHECK(root->content_size == c.length);
      CHECK(sink.bytes == c.tsize);
    }
  }
}

// Without on_chunk and with a sink that discards leaves, raw leaves are hashed sixteen at a time
// (codec::Sha256Lanes on an AVX-512 CPU); the tree and its CID must be those of hashing one chunk at a
// time, which a sink that checks every block gets. 35 MiB + 17 bytes: two runs of sixteen 1 MiB chunks
// and a tail of three chunks and a short one.
TEST_CASE("import_file gives the same CID whether leaves are hashed sixteen at a time or one", "[importer]") {
  const std::size_t length = 35 * 1024 * 1024 + 17;
  TempFile file(length);
  for (unsigned threads : {1u, 2u, 5u}) {
    INFO(threads << " threads");
    fs::ImportOptions options;
    options.threads = threads;
    OrderCheckingSink checking;
    const auto one_at_a_time = fs::import_file(file.path, unixfs::unixfs_v1_2025, checking, options);
    REQUIRE(one_at_a_time);
    unixfs::DiscardingBlockSink nowhere;
    const auto in_lanes = fs::import_file(file.path, unixfs::unixfs_v1_2025, nowhere, options);
    REQUIRE(in_lanes);
    CHECK(in_lanes->cid == one_at_a_time->cid);
    CHECK(in_lanes->tsize == one_at_a_time->tsize);
    CHECK(in_lanes->content_size == length);
    CHECK(checking.bytes == one_at_a_time->tsize);
  }
}

TEST_CASE("import_file names a missing file and reports it as not found", "[importer]") {
  unixfs::DiscardingBlockSink sink;
  const auto missing = stdfs::temp_directory_path() / "mlchain-no-such-file";
  auto root = fs::import_file(missing, unixfs::unixfs_v1_2025, sink);
  REQUIRE_FALSE(root);
  CHECK(root.error().kind == ErrorKind::not_found);
  CHECK(root.error().message == "cannot open " + missing.string() + ": No such file or directory");
}

TEST_CASE("a sink's error stops a parallel import and comes back unchanged", "[importer]") {
  class FullSink final : public unixfs::BlockSink {
   public:
    Status put(const codec::Cid&, ByteView) override {
      if (++puts == 3) return make_error(ErrorKind::internal, "disk full");
      return {};
    }
    int puts = 0;
  } sink;
  TempFile file(10 * 1024 * 1024);
  fs::ImportOptions options;
  options.threads = 2;
  auto root = fs::import_file(file.path, unixfs::unixfs_v1_2025, sink, options);
  REQUIRE_FALSE(root);
  CHECK(root.error().message == "disk full");
  CHECK(sink.puts == 3);
}
