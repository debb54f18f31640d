// One contract for every ipfs::Node, the one push, fetch, clone and remote verify rely on
// (ipfs/node.hpp): run here against the in-memory node, and by tests/interop/ipfs_node_conformance.sh
// against the Kubo RPC client and the gateway client talking to a real daemon (the test case tagged
// [.node-conformance], which reads the node's URLs from the environment).
//
// Each check takes a writer (a writable node) and a reader: a read-only node serving the writer's blocks,
// as a daemon's gateway serves its blockstore. Contents are random on each run, so a block "absent" from a
// long-lived daemon really is.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>

#include "fakes/memory_node.hpp"
#include "mlchain/codec/car.hpp"
#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/crypto/random.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/ipfs/gateway_client.hpp"
#include "mlchain/ipfs/kubo_client.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;

namespace {

// What a node answers for a block it lacks: an error (remote_unavailable), or, from a node that searches
// the network for it (js-ipfs does, even offline), nothing until a limit (timeout). Never a success.
bool is_missing_block_answer(const Error& error) {
  return error.kind == ErrorKind::remote_unavailable || error.kind == ErrorKind::timeout;
}

Bytes random_bytes(std::size_t size) {
  Bytes bytes(size);
  REQUIRE(crypto::fill_random(bytes).ok());
  return bytes;
}

codec::Cid raw_cid(ByteView block) { return codec::Cid::of_block(1, codec::multicodec::raw, block); }

struct CborBlock {
  codec::Cid cid;
  Bytes bytes;
};

CborBlock cbor_block(const codec::dag_cbor::Value& value) {
  auto bytes = codec::dag_cbor::encode(value);
  REQUIRE(bytes.ok());
  return {codec::Cid::of_block(1, codec::multicodec::dag_cbor, *bytes), std::move(*bytes)};
}

// Every block the importer makes for a file, in the order it makes them.
class RecordingSink final : public unixfs::BlockSink {
 public:
  Status put(const codec::Cid& cid, ByteView) override {
    cids.push_back(cid);
    return {};
  }
  std::vector<codec::Cid> cids;
};

struct FileUnderTest {
  std::string label;
  std::filesystem::path path;
  Bytes contents;
  codec::Cid cid;               // our importer's
  std::set<codec::Cid> blocks;  // every block of its DAG, by our importer
};

FileUnderTest file_under_test(const std::filesystem::path& directory, std::string label, std::size_t size,
                              const unixfs::Profile& profile) {
  FileUnderTest file{label, directory / (label + "-" + std::string(profile.name)), random_bytes(size), {}, {}};
  std::ofstream(file.path, std::ios::binary)
      .write(reinterpret_cast<const char*>(file.contents.data()), static_cast<std::streamsize>(file.contents.size()));
  RecordingSink sink;
  auto imported = fs::import_file(file.path, profile, sink);
  REQUIRE(imported.ok());
  file.cid = imported->cid;
  file.blocks.insert(sink.cids.begin(), sink.cids.end());
  return file;
}

Result<Bytes> read_whole_file(ipfs::Node& node, const codec::Cid& root, const unixfs::Profile& profile) {
  Bytes read;
  MLCHAIN_TRY_STATUS(node.read_file(root, profile, [&](ByteView bytes) -> Status {
    read.insert(read.end(), bytes.begin(), bytes.end());
    return {};
  }));
  return read;
}

Result<std::vector<codec::Cid>> read_whole_dag(ipfs::Node& node, const codec::Cid& root) {
  std::vector<codec::Cid> received;
  MLCHAIN_TRY_STATUS(node.read_dag(root, [&](const codec::Cid& cid, ByteView block) -> Status {
    CHECK(cid.matches(block));
    received.push_back(cid);
    return {};
  }));
  return received;
}

void check_node_contract(ipfs::Node& writer, ipfs::Node& reader) {
  REQUIRE(writer.writable());
  REQUIRE_FALSE(reader.writable());

  SECTION("has_block and has_blocks tell held blocks from absent ones; a read-only node cannot say") {
    const auto held = random_bytes(64);
    const auto absent = random_bytes(64);
    REQUIRE(writer.put_block(raw_cid(held), held).ok());
    CHECK(writer.has_block(raw_cid(held)).value());
    CHECK_FALSE(writer.has_block(raw_cid(absent)).value());
    const auto answers = writer.has_blocks({raw_cid(held), raw_cid(absent), raw_cid(held)});
    REQUIRE(answers.ok());
    CHECK(*answers == std::vector<bool>{true, false, true});

    const auto refused = reader.has_block(raw_cid(held));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::unsupported);
  }

  SECTION("put_block then get_block gives the same bytes, from the writer and from the reader") {
    const auto raw = random_bytes(100);
    const auto cbor = cbor_block(codec::dag_cbor::Map{{"salt", random_bytes(16)}, {"raw", raw_cid(raw)}});
    const auto pb_bytes = codec::PbNode{{}, random_bytes(20)}.encode();
    const auto pb_v0 = codec::Cid::of_block(0, codec::multicodec::dag_pb, pb_bytes);
    const std::vector<std::pair<codec::Cid, Bytes>> blocks{
        {raw_cid(raw), raw}, {cbor.cid, cbor.bytes}, {pb_v0, pb_bytes}};
    for (const auto& [cid, bytes] : blocks) {
      INFO(cid.to_string());
      REQUIRE(writer.put_block(cid, bytes).ok());
      CHECK(writer.get_block(cid).value() == bytes);
      CHECK(reader.get_block(cid).value() == bytes);
    }
  }

  SECTION("add_file gives our importer's CID under both profiles; read_file and read_dag give it back") {
    testing::TemporaryDirectory directory;
    for (const auto* profile : {&unixfs::unixfs_v1_2025, &unixfs::unixfs_v0_2015}) {
      for (const auto& [label, size] : std::vector<std::pair<std::string, std::size_t>>{
               {"empty", 0}, {"one-chunk", 1000}, {"multi-chunk", 3 * profile->chunk_size + 7}}) {
        const auto file = file_under_test(directory.path, label, size, *profile);
        INFO(profile->name << ", " << label << " file of " << size << " bytes");
        const auto added = writer.add_file(file.path, *profile);
        REQUIRE(added.ok());
        CHECK(*added == file.cid);
        CHECK(writer.has_block(file.cid).value());

        for (auto* node : {&writer, &reader}) {
          INFO("read from " << node->url());
          const auto read = read_whole_file(*node, file.cid, *profile);
          REQUIRE(read.ok());
          CHECK(*read == file.contents);
          // Each block once, and no other block: the DAG our importer built.
          const auto received = read_whole_dag(*node, file.cid);
          REQUIRE(received.ok());
          const std::set<codec::Cid> distinct(received->begin(), received->end());
          CHECK(distinct.size() == received->size());
          CHECK(distinct == file.blocks);
          CHECK(received->front() == file.cid);
        }
      }
    }
  }

  SECTION("read_dag walks dag-cbor and dag-pb links and names each block once") {
    const auto leaf = random_bytes(32);
    const auto middle = cbor_block(codec::dag_cbor::List{raw_cid(leaf), raw_cid(leaf)});
    const auto top = cbor_block(codec::dag_cbor::Map{{"a", middle.cid}, {"b", raw_cid(leaf)}});
    REQUIRE(writer.put_block(raw_cid(leaf), leaf).ok());
    REQUIRE(writer.put_block(middle.cid, middle.bytes).ok());
    REQUIRE(writer.put_block(top.cid, top.bytes).ok());
    for (auto* node : {&writer, &reader}) {
      INFO("read from " << node->url());
      const auto received = read_whole_dag(*node, top.cid);
      REQUIRE(received.ok());
      CHECK(std::multiset<codec::Cid>(received->begin(), received->end()) ==
            std::multiset<codec::Cid>{top.cid, middle.cid, raw_cid(leaf)});
    }
  }

  SECTION("import_car stores every block of a CAR") {
    const auto leaf = random_bytes(48);
    const auto top = cbor_block(codec::dag_cbor::Map{{"leaf", raw_cid(leaf)}});
    auto car = codec::encode_car_header({top.cid});
    for (const auto& section :
         {codec::encode_car_section(top.cid, top.bytes), codec::encode_car_section(raw_cid(leaf), leaf)})
      car.insert(car.end(), section.begin(), section.end());
    std::size_t offset = 0;
    REQUIRE(writer
                .import_car([&](std::span<std::uint8_t> buffer) -> Result<std::size_t> {
                  const auto n = std::min(buffer.size(), car.size() - offset);
                  std::copy_n(car.begin() + static_cast<std::ptrdiff_t>(offset), n, buffer.begin());
                  offset += n;
                  return n;
                })
                .ok());
    CHECK(writer.has_blocks({top.cid, raw_cid(leaf)}).value() == std::vector<bool>{true, true});
    CHECK(reader.get_block(raw_cid(leaf)).value() == leaf);
  }

  SECTION("pin succeeds on a whole DAG and fails when a block below the root is missing") {
    const auto leaf = random_bytes(40);
    const auto whole = cbor_block(codec::dag_cbor::Map{{"leaf", raw_cid(leaf)}});
    REQUIRE(writer.put_block(raw_cid(leaf), leaf).ok());
    REQUIRE(writer.put_block(whole.cid, whole.bytes).ok());
    CHECK(writer.pin(whole.cid).ok());

    const auto missing = random_bytes(40);
    const auto incomplete = cbor_block(codec::dag_cbor::Map{{"leaf", raw_cid(missing)}});
    REQUIRE(writer.put_block(incomplete.cid, incomplete.bytes).ok());
    const auto pinned = writer.pin(incomplete.cid);
    REQUIRE_FALSE(pinned.ok());
    CHECK(is_missing_block_answer(pinned.error()));
  }

  SECTION("holds_dag says whether every block below a root is there") {
    const auto leaf = random_bytes(40);
    const auto whole = cbor_block(codec::dag_cbor::Map{{"leaf", raw_cid(leaf)}});
    REQUIRE(writer.put_block(raw_cid(leaf), leaf).ok());
    REQUIRE(writer.put_block(whole.cid, whole.bytes).ok());
    CHECK(writer.holds_dag(whole.cid, 2).value());

    const auto missing = random_bytes(40);
    const auto incomplete = cbor_block(codec::dag_cbor::Map{{"leaf", raw_cid(missing)}});
    REQUIRE(writer.put_block(incomplete.cid, incomplete.bytes).ok());
    CHECK_FALSE(writer.holds_dag(incomplete.cid, 2).value());
    CHECK_FALSE(writer.holds_dag(raw_cid(random_bytes(40)), 1).value());
  }

  SECTION("a block the node does not hold is remote_unavailable or a timeout naming the node, on every read") {
    const auto absent = raw_cid(random_bytes(64));
    for (auto* node : {&writer, &reader}) {
      INFO("read from " << node->url());
      const auto got = node->get_block(absent);
      REQUIRE_FALSE(got.ok());
      INFO(got.error().message);
      CHECK(is_missing_block_answer(got.error()));
      CHECK_THAT(got.error().message, Catch::Contains(node->url()));
      const auto dag = read_whole_dag(*node, absent);
      REQUIRE_FALSE(dag.ok());
      INFO(dag.error().message);
      CHECK(is_missing_block_answer(dag.error()));
    }
  }

  SECTION("a read-only node refuses every write as a usage error naming it") {
    testing::TemporaryDirectory directory;
    const auto file = file_under_test(directory.path, "refused", 10, unixfs::unixfs_v1_2025);
    const auto block = random_bytes(8);
    const std::vector<Error> refusals{
        reader.put_block(raw_cid(block), block).error(), reader.add_file(file.path, unixfs::unixfs_v1_2025).error(),
        reader.import_car([](std::span<std::uint8_t>) -> Result<std::size_t> { return std::size_t{0}; }).error(),
        reader.pin(raw_cid(block)).error()};
    for (const auto& refusal : refusals) {
      CHECK(refusal.kind == ErrorKind::unsupported);
      CHECK_THAT(refusal.message, Catch::Contains(reader.url()));
    }
  }
}

}  // namespace

TEST_CASE("the in-memory IPFS node keeps the ipfs::Node contract", "[ipfs-node]") {
  testing::MemoryNode node;
  auto gateway = node.read_only_view("memory://gateway");
  check_node_contract(node, gateway);
}

// Run by tests/interop/ipfs_node_conformance.sh with a daemon's RPC API and a trustless gateway in front
// of it in MLCHAIN_CONFORMANCE_IPFS_API and MLCHAIN_CONFORMANCE_GATEWAY.
TEST_CASE("the Kubo RPC client and the gateway client keep the ipfs::Node contract against a live node",
          "[.node-conformance]") {
  const char* api = std::getenv("MLCHAIN_CONFORMANCE_IPFS_API");
  const char* gateway_url = std::getenv("MLCHAIN_CONFORMANCE_GATEWAY");
  // Hidden test cases still run under a filter of exclusions only ("~[tag]"): without a node there is
  // nothing to check. The interop script always sets both.
  if (api == nullptr || gateway_url == nullptr) {
    WARN("not run: MLCHAIN_CONFORMANCE_IPFS_API and MLCHAIN_CONFORMANCE_GATEWAY name no node");
    return;
  }
  // A node that searches the network for a block it lacks (js-ipfs does, even offline) answers only at
  // these limits, which the absent-block and incomplete-pin checks wait for: keep them short.
  net::HttpOptions http;
  http.low_speed_time = std::chrono::seconds(5);
  ipfs::KuboOptions options;
  options.http = http;
  options.block_timeout = std::chrono::milliseconds(2'000);
  options.pin_timeout = std::chrono::milliseconds(5'000);
  options.holds_dag_timeout = std::chrono::milliseconds(2'000);
  ipfs::KuboClient kubo(api, options);
  ipfs::GatewayClient gateway(gateway_url, http);
  check_node_contract(kubo, gateway);
}
