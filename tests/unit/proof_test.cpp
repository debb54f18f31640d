// Single-file proofs (core/proof.hpp, workflow/proof.hpp) built and checked in memory: a signed commit over
// a tree with a chunked file, a one-block file and a HAMT-sharded directory; every single-bit change of a
// proof, every truncation, a block left out, added, repeated or moved, and a proof for another path refused.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "mlchain/codec/car.hpp"
#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/codec/eip191.hpp"
#include "mlchain/core/memory_object_store.hpp"
#include "mlchain/core/proof.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/unixfs/directory_builder.hpp"
#include "mlchain/unixfs/file_builder.hpp"
#include "mlchain/workflow/proof.hpp"

using namespace mlchain;

namespace {

// Four-byte chunks, two links a node, directories sharded above 200 bytes of links.
unixfs::Profile tiny_profile() {
  unixfs::Profile profile = unixfs::unixfs_v1_2025;
  profile.chunk_size = 4;
  profile.max_links_per_node = 2;
  profile.shard_split_threshold_bytes = 200;
  return profile;
}

unixfs::ImportedNode build_file(const unixfs::Profile& profile, unixfs::BlockSink& sink, std::string_view text) {
  unixfs::FileBuilder builder(profile, sink);
  for (std::size_t at = 0; at < text.size(); at += profile.chunk_size)
    REQUIRE(builder.add_leaf(unixfs::make_leaf(profile, as_bytes(text.substr(at, profile.chunk_size)))).ok());
  return builder.finish().value();
}

crypto::PrivateKey test_key() {
  return crypto::PrivateKey::from_hex("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d").value();
}

// root/
//   a.txt           "a" (one raw block)
//   models/big.bin  "0123456789abcdef" (chunked), models/other.bin likewise
//   many/f0 … f299  (a HAMT with sub-shards; each file one raw block)
struct SignedTree {
  core::MemoryObjectStore objects;
  unixfs::Profile profile = tiny_profile();
  unixfs::ImportedNode a, big, other, root;
  codec::Cid commit;

  SignedTree() {
    a = build_file(profile, objects, "a");
    big = build_file(profile, objects, "0123456789abcdef");
    other = build_file(profile, objects, "fedcba9876543210");
    const auto models = unixfs::build_directory(profile, {{"big.bin", big}, {"other.bin", other}}, objects).value();
    std::vector<unixfs::DirectoryEntry> entries;
    for (int i = 0; i < 300; ++i)
      entries.push_back({"f" + std::to_string(i), build_file(profile, objects, std::to_string(i))});
    const auto many = unixfs::build_directory(profile, std::move(entries), objects).value();
    root = unixfs::build_directory(profile, {{"models", models}, {"a.txt", a}, {"many", many}}, objects).value();

    core::Commit made;
    made.tree = root.cid;
    made.profile = "unixfs-v1-2025";
    const auto key = test_key();
    made.author = key.address();
    made.time = 1000;
    made.message = "proof test";
    const auto digest = core::signing_digest(core::encode_unsigned(made).value());
    made.signature = crypto::sign_digest(key, codec::personal_message_digest(digest)).value();
    const auto block = core::encode_commit(made).value();
    commit = codec::Cid::of_block(1, codec::multicodec::dag_cbor, block);
    REQUIRE(objects.put(commit, block));
  }
};

core::AnchorFacts sample_anchor() {
  core::AnchorFacts anchor;
  anchor.chain_id = 31337;
  anchor.registry.bytes.fill(0x5f);
  anchor.repo = "demo";
  anchor.branch = "main";
  anchor.transaction.fill(0xab);
  anchor.block = 42;
  anchor.block_hash.fill(0xcd);
  anchor.log_index = 1;
  return anchor;
}

Bytes car_of(const std::vector<codec::Cid>& roots, const std::vector<codec::CarBlock>& blocks) {
  Bytes bytes = codec::encode_car_header(roots);
  for (const auto& block : blocks) append(bytes, codec::encode_car_section(block.cid, block.block));
  return bytes;
}

}  // namespace

TEST_CASE("a proof of a chunked file checks out: its CID, size, signer and blocks", "[proof]") {
  SignedTree tree;
  const auto car = core::build_proof_car(tree.objects, tree.commit, "models/big.bin", sample_anchor());
  REQUIRE(car.ok());
  CHECK(car->file.cid == tree.big.cid);
  CHECK(car->file.size == 16);
  // The proof block, the commit, the root directory, models/, and big.bin's root node: not its leaves.
  CHECK(car->blocks == 5);

  const auto report = workflow::check_proof(car->bytes, {});
  INFO((report.problems.empty() ? std::string() : report.problems.front().detail));
  REQUIRE(report.ok());
  REQUIRE(report.opened);
  CHECK(report.opened->proof.path == "models/big.bin");
  CHECK(report.opened->proof.anchor == sample_anchor());
  CHECK(report.opened->file.cid == tree.big.cid);
  CHECK(report.signer == test_key().address());

  codec::Address stranger;
  stranger.bytes.fill(1);
  const auto other_signer = workflow::check_proof(car->bytes, {stranger});
  REQUIRE(other_signer.problems.size() == 1);
  CHECK(other_signer.problems[0].kind == "signer");
}

TEST_CASE("a proof of a one-block file leaves the file out: the directory's link gives CID and size", "[proof]") {
  SignedTree tree;
  const auto car = core::build_proof_car(tree.objects, tree.commit, "a.txt", std::nullopt);
  REQUIRE(car.ok());
  CHECK(car->file.cid == tree.a.cid);
  CHECK(car->file.cid.codec() == codec::multicodec::raw);
  CHECK(car->file.size == 1);
  CHECK(car->blocks == 3);
  const auto report = workflow::check_proof(car->bytes, {});
  REQUIRE(report.ok());
  CHECK(!report.opened->proof.anchor);
}

TEST_CASE("every entry of a HAMT-sharded directory is proven through the shards on its way only", "[proof]") {
  SignedTree tree;
  std::size_t deepest = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string path = "many/f" + std::to_string(i);
    const auto car = core::build_proof_car(tree.objects, tree.commit, path, std::nullopt);
    REQUIRE(car.ok());
    const auto report = workflow::check_proof(car->bytes, {});
    REQUIRE(report.ok());
    CHECK(report.opened->file.size == std::to_string(i).size());
    deepest = std::max(deepest, car->file.blocks.size());
  }
  // The root, the shard many/ and at least one sub-shard below it (raw files add no block).
  CHECK(deepest >= 3);
}

TEST_CASE("prove refuses a path the tree does not hold as a file", "[proof]") {
  SignedTree tree;
  CHECK(core::build_proof_car(tree.objects, tree.commit, "models/missing.bin", std::nullopt).error().kind ==
        ErrorKind::not_found);
  CHECK(core::build_proof_car(tree.objects, tree.commit, "many/nothing", std::nullopt).error().kind ==
        ErrorKind::not_found);
  CHECK(core::build_proof_car(tree.objects, tree.commit, "models", std::nullopt).error().kind ==
        ErrorKind::invalid_argument);
  CHECK(core::build_proof_car(tree.objects, tree.commit, "a.txt/x", std::nullopt).error().kind ==
        ErrorKind::invalid_argument);
  for (const char* bad : {"", "/a.txt", "a.txt/", "models//big.bin", "./a.txt", "models/../a.txt"})
    CHECK(core::build_proof_car(tree.objects, tree.commit, bad, std::nullopt).error().kind ==
          ErrorKind::invalid_argument);
}

TEST_CASE("every single-bit change of a proof is refused", "[proof]") {
  SignedTree tree;
  for (const char* path : {"models/big.bin", "many/f7"}) {
    const auto car = core::build_proof_car(tree.objects, tree.commit, path, sample_anchor()).value();
    REQUIRE(workflow::check_proof(car.bytes, {}).ok());
    std::size_t accepted = 0;
    for (std::size_t offset = 0; offset < car.bytes.size(); ++offset) {
      for (unsigned bit = 0; bit < 8; ++bit) {
        Bytes changed = car.bytes;
        changed[offset] = static_cast<std::uint8_t>(changed[offset] ^ (1U << bit));
        if (workflow::check_proof(changed, {}).ok()) {
          UNSCOPED_INFO("accepted a change of bit " << bit << " at offset " << offset << " of " << path);
          ++accepted;
        }
      }
    }
    CHECK(accepted == 0);
  }
}

TEST_CASE("every truncation of a proof is refused", "[proof]") {
  SignedTree tree;
  const auto car = core::build_proof_car(tree.objects, tree.commit, "models/big.bin", std::nullopt).value();
  for (std::size_t length = 0; length < car.bytes.size(); ++length)
    CHECK(!workflow::check_proof(ByteView(car.bytes).first(length), {}).ok());
}

TEST_CASE("a proof with a block left out, added, repeated, moved or swapped for another path's is refused", "[proof]") {
  SignedTree tree;
  const auto car = core::build_proof_car(tree.objects, tree.commit, "models/big.bin", sample_anchor()).value();
  const auto decoded = codec::decode_car(car.bytes).value();
  REQUIRE(decoded.blocks.size() == 5);
  const auto refused = [](const Bytes& bytes) { return !workflow::check_proof(bytes, {}).ok(); };

  for (std::size_t left_out = 0; left_out < decoded.blocks.size(); ++left_out) {
    auto blocks = decoded.blocks;
    blocks.erase(blocks.begin() + static_cast<std::ptrdiff_t>(left_out));
    CHECK(refused(car_of(decoded.roots, blocks)));
  }
  {  // another block of the tree, on no path of the proof
    auto blocks = decoded.blocks;
    blocks.push_back({tree.root.cid, tree.objects.get(tree.root.cid).value()});
    CHECK(refused(car_of(decoded.roots, blocks)));
    blocks = decoded.blocks;
    const auto shard = core::walk_to_file(tree.objects, tree.root.cid, "many/f1").value().blocks[1];
    blocks.push_back({shard, tree.objects.get(shard).value()});
    CHECK(refused(car_of(decoded.roots, blocks)));
    blocks = decoded.blocks;
    blocks.push_back(blocks[3]);
    CHECK(refused(car_of(decoded.roots, blocks)));
  }
  {  // the same blocks in another order
    auto blocks = decoded.blocks;
    std::swap(blocks[2], blocks[3]);
    CHECK(refused(car_of(decoded.roots, blocks)));
  }
  {  // a second root, or the commit as the root
    CHECK(refused(car_of({decoded.roots[0], decoded.blocks[1].cid}, decoded.blocks)));
    CHECK(refused(car_of({decoded.blocks[1].cid}, decoded.blocks)));
  }
  {  // the proof block of another path over these blocks, and this proof block over another path's blocks
    const auto other =
        codec::decode_car(core::build_proof_car(tree.objects, tree.commit, "a.txt", sample_anchor()).value().bytes)
            .value();
    auto blocks = decoded.blocks;
    blocks[0] = other.blocks[0];
    CHECK(refused(car_of(other.roots, blocks)));
    blocks = other.blocks;
    blocks[0] = decoded.blocks[0];
    CHECK(refused(car_of(decoded.roots, blocks)));
  }
  {  // a file's root block swapped for another file's: its CID no longer matches the directory's link
    auto blocks = decoded.blocks;
    REQUIRE(blocks[4].cid == tree.big.cid);
    blocks[4] = {tree.other.cid, tree.objects.get(tree.other.cid).value()};
    CHECK(refused(car_of(decoded.roots, blocks)));
  }
}

TEST_CASE("proof blocks are strict dag-cbor of exactly their schema", "[proof]") {
  core::ProofBlock proof;
  proof.commit = codec::Cid::of_block(1, codec::multicodec::dag_cbor, as_bytes(std::string_view("x")));
  proof.path = "models/big.bin";
  proof.anchor = sample_anchor();
  const auto block = core::encode_proof_block(proof).value();
  CHECK(core::decode_proof_block(block).value() == proof);

  namespace cbor = codec::dag_cbor;
  auto map = *cbor::decode(block).value().get_if<cbor::Map>();
  const auto refused = [](const cbor::Map& changed) {
    return !core::decode_proof_block(cbor::encode(changed).value()).ok();
  };
  auto with = [&map](const std::string& key, cbor::Value value) {
    auto changed = map;
    changed[key] = std::move(value);
    return changed;
  };
  CHECK(refused(with("extra", 1)));
  CHECK(refused(with("v", 2)));
  CHECK(refused(with("type", "mlchain/other")));
  CHECK(refused(with("path", "../etc/passwd")));
  CHECK(refused(with("path", "")));
  CHECK(refused(with("commit", "bafy")));
  CHECK(refused(with("anchor", 7)));
  auto anchor = *map.at("anchor").get_if<cbor::Map>();
  anchor["registry"] = Bytes(19, 0);
  CHECK(refused(with("anchor", anchor)));
  anchor = *map.at("anchor").get_if<cbor::Map>();
  anchor.erase("logIndex");
  CHECK(refused(with("anchor", anchor)));
  auto without = map;
  without.erase("commit");
  CHECK(refused(without));
  // Not canonical: the same map with a trailing byte.
  Bytes trailing = block;
  trailing.push_back(0);
  CHECK(!core::decode_proof_block(trailing).ok());
}
