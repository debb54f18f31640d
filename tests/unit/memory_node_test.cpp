// The test controls of the in-memory IPFS node: each makes it misbehave as a real node does, and the
// Node contract's checks must notice. What it shares with the real clients is in ipfs_node_conformance.

#include <catch2/catch.hpp>

#include <fstream>

#include "fakes/memory_node.hpp"
#include "mlchain/codec/car.hpp"
#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/fs/importer.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;
using testing::MemoryNode;

namespace {

// A file of `size` bytes in `directory`, imported under `profile`: its path and root CID.
struct SampleFile {
  std::filesystem::path path;
  codec::Cid cid;
};

SampleFile sample_file(const std::filesystem::path& directory, std::size_t size, const unixfs::Profile& profile) {
  SampleFile file{directory / ("sample-" + std::to_string(size)), {}};
  Bytes contents(size);
  for (std::size_t i = 0; i < size; ++i) contents[i] = static_cast<std::uint8_t>((i * 7) ^ (i >> 9));
  std::ofstream(file.path, std::ios::binary)
      .write(reinterpret_cast<const char*>(contents.data()), static_cast<std::streamsize>(contents.size()));
  unixfs::DiscardingBlockSink nowhere;
  auto imported = fs::import_file(file.path, profile, nowhere);
  REQUIRE(imported.ok());
  file.cid = imported->cid;
  return file;
}

codec::Cid put_cbor(MemoryNode& node, const codec::dag_cbor::Value& value) {
  auto bytes = codec::dag_cbor::encode(value);
  REQUIRE(bytes.ok());
  const auto cid = codec::Cid::of_block(1, codec::multicodec::dag_cbor, *bytes);
  REQUIRE(node.put_block(cid, *bytes).ok());
  return cid;
}

}  // namespace

TEST_CASE("a tampered block is refused by get_block, read_file and read_dag, naming the CID", "[memory-node]") {
  testing::TemporaryDirectory directory;
  MemoryNode node;
  const auto file = sample_file(directory.path, 3 * unixfs::unixfs_v0_2015.chunk_size, unixfs::unixfs_v0_2015);
  REQUIRE(node.add_file(file.path, unixfs::unixfs_v0_2015).ok());

  auto root = node.get_block(file.cid);
  REQUIRE(root.ok());
  auto lied = *root;
  lied.back() ^= 1;
  node.tamper(file.cid, lied);
  CHECK(node.has_block(file.cid).value());

  const auto got = node.get_block(file.cid);
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().kind == ErrorKind::corrupt);
  CHECK_THAT(got.error().message, Catch::Contains(file.cid.to_string()) && Catch::Contains("memory://node"));

  const auto read = node.read_file(file.cid, unixfs::unixfs_v0_2015, [](ByteView) -> Status { return {}; });
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().kind == ErrorKind::corrupt);

  std::size_t handed_out = 0;
  const auto dag = node.read_dag(file.cid, [&](const codec::Cid&, ByteView) -> Status {
    ++handed_out;
    return {};
  });
  REQUIRE_FALSE(dag.ok());
  CHECK(dag.error().kind == ErrorKind::corrupt);
  CHECK_THAT(dag.error().message, Catch::Contains(file.cid.to_string()));
  CHECK(handed_out == 0);
}

TEST_CASE("a dropped block is no longer held, and a DAG that needs it can neither be pinned nor exported",
          "[memory-node]") {
  MemoryNode node;
  const auto leaf = put_cbor(node, codec::dag_cbor::Map{{"leaf", 1}});
  const auto middle = put_cbor(node, codec::dag_cbor::Map{{"below", codec::dag_cbor::List{leaf}}});
  const auto top = put_cbor(node, codec::dag_cbor::Map{{"a", middle}, {"b", leaf}});

  std::vector<codec::Cid> exported;
  REQUIRE(node.read_dag(top,
                        [&](const codec::Cid& cid, ByteView) -> Status {
                          exported.push_back(cid);
                          return {};
                        })
              .ok());
  CHECK(exported == std::vector<codec::Cid>{top, middle, leaf});

  node.drop(leaf);
  CHECK_FALSE(node.holds(leaf));
  CHECK_FALSE(node.has_block(leaf).value());
  const auto pinned = node.pin(top);
  REQUIRE_FALSE(pinned.ok());
  CHECK(pinned.error().kind == ErrorKind::remote_unavailable);
  CHECK_THAT(pinned.error().message, Catch::Contains(leaf.to_string()));
  CHECK_FALSE(node.pinned(top));
  CHECK(node.read_dag(top, [](const codec::Cid&, ByteView) -> Status { return {}; }).error().kind ==
        ErrorKind::remote_unavailable);
}

TEST_CASE("after the set number of writes every write fails as a cut connection, keeping what was stored",
          "[memory-node]") {
  testing::TemporaryDirectory directory;
  MemoryNode node;
  const auto file = sample_file(directory.path, 3 * unixfs::unixfs_v1_2025.chunk_size, unixfs::unixfs_v1_2025);
  node.fail_writes_after(2);
  const auto added = node.add_file(file.path, unixfs::unixfs_v1_2025);
  REQUIRE_FALSE(added.ok());
  CHECK(added.error().kind == ErrorKind::remote_unavailable);
  CHECK_THAT(added.error().message, Catch::Contains("memory://node"));
  CHECK(node.blocks_written() == 2);
  CHECK_FALSE(node.holds(file.cid));

  const auto block = Bytes{1, 2, 3};
  const auto cid = codec::Cid::of_block(1, codec::multicodec::raw, block);
  CHECK(node.put_block(cid, block).error().kind == ErrorKind::remote_unavailable);
  CHECK(node.blocks_written() == 2);
}

TEST_CASE("an offline node answers every call remote_unavailable naming its URL", "[memory-node]") {
  testing::TemporaryDirectory directory;
  MemoryNode node(true, "memory://far-away");
  const auto block = Bytes{1, 2, 3};
  const auto cid = codec::Cid::of_block(1, codec::multicodec::raw, block);
  REQUIRE(node.put_block(cid, block).ok());
  const auto file = sample_file(directory.path, 10, unixfs::unixfs_v1_2025);
  node.go_offline(true);

  const auto nothing = [](ByteView) -> Status { return {}; };
  const auto no_block = [](const codec::Cid&, ByteView) -> Status { return {}; };
  const auto no_car = [](std::span<std::uint8_t>) -> Result<std::size_t> { return std::size_t{0}; };
  std::vector<Error> errors{node.has_block(cid).error(),
                            node.get_block(cid).error(),
                            node.read_file(cid, unixfs::unixfs_v1_2025, nothing).error(),
                            node.read_dag(cid, no_block).error(),
                            node.put_block(cid, block).error(),
                            node.add_file(file.path, unixfs::unixfs_v1_2025).error(),
                            node.import_car(no_car).error(),
                            node.pin(cid).error()};
  for (const auto& error : errors) {
    CHECK(error.kind == ErrorKind::remote_unavailable);
    CHECK_THAT(error.message, Catch::Contains("memory://far-away"));
  }

  node.go_offline(false);
  CHECK(node.get_block(cid).ok());
}

TEST_CASE("import_car stores every block of the CAR and refuses one whose block does not hash to its CID",
          "[memory-node]") {
  const auto block = Bytes{4, 5, 6};
  const auto cid = codec::Cid::of_block(1, codec::multicodec::raw, block);
  auto car = codec::encode_car_header({cid});
  const auto section = codec::encode_car_section(cid, block);
  car.insert(car.end(), section.begin(), section.end());
  auto source_of = [](const Bytes& bytes) {
    return [&bytes, offset = std::size_t{0}](std::span<std::uint8_t> buffer) mutable -> Result<std::size_t> {
      const auto n = std::min(buffer.size(), bytes.size() - offset);
      std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(offset), n, buffer.begin());
      offset += n;
      return n;
    };
  };

  MemoryNode node;
  REQUIRE(node.import_car(source_of(car)).ok());
  CHECK(node.holds(cid));
  CHECK(node.blocks_written() == 1);

  auto forged = car;
  forged.back() ^= 1;
  MemoryNode other;
  const auto refused = other.import_car(source_of(forged));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::remote_unavailable);
  CHECK_FALSE(other.holds(cid));
}
