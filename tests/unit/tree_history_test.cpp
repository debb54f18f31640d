// The core's tree and history walks (core/tree.hpp, core/history.hpp) on an object store in memory:
// trees built block by block with the UnixFS builders, commits stored as blocks, no repository on disk.

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "mlchain/core/history.hpp"
#include "mlchain/core/memory_object_store.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/unixfs/directory_builder.hpp"
#include "mlchain/unixfs/file_builder.hpp"
#include "unsigned_commit.hpp"

using namespace mlchain;
using unixfs::NodeKind;

namespace {

// Passes blocks on to the store and remembers the dag-pb ones: the blocks a tree walk must reach.
class RecordingSink final : public unixfs::BlockSink {
 public:
  explicit RecordingSink(core::ObjectStore& store) : store_(store) {}
  Status put(const codec::Cid& cid, ByteView block) override {
    if (cid.codec() == codec::multicodec::dag_pb) dag_pb.insert(cid);
    return store_.put(cid, block);
  }
  std::set<codec::Cid> dag_pb;

 private:
  core::ObjectStore& store_;
};

// Four-byte chunks, two links a node: a file of a few bytes already has inner nodes on two levels.
unixfs::Profile tiny_profile() {
  unixfs::Profile profile = unixfs::unixfs_v1_2025;
  profile.chunk_size = 4;
  profile.max_links_per_node = 2;
  return profile;
}

unixfs::ImportedNode build_file(const unixfs::Profile& profile, unixfs::BlockSink& sink, std::string_view text) {
  unixfs::FileBuilder builder(profile, sink);
  for (std::size_t at = 0; at < text.size(); at += profile.chunk_size)
    REQUIRE(builder.add_leaf(unixfs::make_leaf(profile, as_bytes(text.substr(at, profile.chunk_size)))).ok());
  return builder.finish().value();
}

unixfs::ImportedNode build_directory(const unixfs::Profile& profile, unixfs::BlockSink& sink,
                                     std::vector<unixfs::DirectoryEntry> entries) {
  return unixfs::build_directory(profile, std::move(entries), sink).value();
}

// root/
//   a.txt           "alpha" (one chunk: its root is its raw leaf)
//   empty/
//   models/big.bin  "0123456789abcdef" (four leaves under two levels of inner nodes)
//   models/link  -> ../a.txt
struct SampleTree {
  core::MemoryObjectStore objects;
  RecordingSink sink{objects};
  unixfs::Profile profile = tiny_profile();
  unixfs::ImportedNode a, big, models, empty, root;

  SampleTree() {
    a = build_file(profile, sink, "a");
    big = build_file(profile, sink, "0123456789abcdef");
    const auto link = unixfs::build_symlink(profile, "../a.txt", sink).value();
    models = build_directory(profile, sink, {{"big.bin", big}, {"link", link}});
    empty = build_directory(profile, sink, {});
    root = build_directory(profile, sink, {{"models", models}, {"a.txt", a}, {"empty", empty}});
  }
};

}  // namespace

TEST_CASE("list_files lists files, symlinks and empty directories bytewise by path", "[core][tree]") {
  SampleTree tree;
  const auto entries = core::list_files(tree.objects, tree.root.cid);
  REQUIRE(entries.ok());
  std::vector<std::string> paths;
  for (const auto& entry : *entries) paths.push_back(entry.path);
  CHECK(paths == std::vector<std::string>{"a.txt", "empty", "models/big.bin", "models/link"});
  CHECK((*entries)[0] == core::TreeEntry{"a.txt", tree.a.cid, 1, NodeKind::file, std::nullopt});
  CHECK((*entries)[1].kind == NodeKind::directory);
  CHECK((*entries)[2] == core::TreeEntry{"models/big.bin", tree.big.cid, 16, NodeKind::file, std::nullopt});
  CHECK((*entries)[3].kind == NodeKind::symlink);
  CHECK((*entries)[3].symlink_target == "../a.txt");
  // The empty bundle lists nothing: its root is no directory of its own with an empty path.
  CHECK(core::list_files(tree.objects, tree.empty.cid).value().empty());
}

TEST_CASE("reach_of_tree names every directory, symlink and inner file node once, and every file root",
          "[core][tree]") {
  SampleTree tree;
  const auto reach = core::reach_of_tree(tree.objects, tree.root.cid);
  REQUIRE(reach.ok());
  const std::set<codec::Cid> blocks(reach->blocks.begin(), reach->blocks.end());
  CHECK(blocks.size() == reach->blocks.size());
  CHECK(blocks == tree.sink.dag_pb);  // the raw leaves are contents, not blocks the store must keep
  CHECK(std::set<codec::Cid>(reach->file_roots.begin(), reach->file_roots.end()) ==
        std::set<codec::Cid>{tree.a.cid, tree.big.cid});
}

TEST_CASE("a tree walk names the block it misses", "[core][tree]") {
  SampleTree tree;
  tree.objects.remove(tree.models.cid);
  for (const auto& error : {core::list_files(tree.objects, tree.root.cid).error(),
                            core::reach_of_tree(tree.objects, tree.root.cid).error()}) {
    CHECK(error.kind == ErrorKind::not_found);
    CHECK_THAT(error.message, Catch::Contains(tree.models.cid.to_string()));
  }
}

TEST_CASE("walk_history gives each ancestor once, newest first, ties by CID text, up to a limit", "[core][history]") {
  core::MemoryObjectStore objects;
  RecordingSink sink(objects);
  const auto tree = build_directory(tiny_profile(), sink, {}).cid;
  const auto other_tree = build_file(tiny_profile(), sink, "other").cid;
  const auto first = testing::store_unsigned_commit(objects, tree, {}, 1);
  const auto left = testing::store_unsigned_commit(objects, tree, {first}, 2);
  const auto right = testing::store_unsigned_commit(objects, other_tree, {first}, 2);  // the same second
  const auto merge = testing::store_unsigned_commit(objects, tree, {left, right}, 3);
  const auto earlier = std::min(left.to_string(), right.to_string());
  const auto later = std::max(left.to_string(), right.to_string());

  auto cids_of = [](const std::vector<core::StoredCommit>& history) {
    std::vector<std::string> cids;
    for (const auto& stored : history) cids.push_back(stored.cid.to_string());
    return cids;
  };
  const auto history = core::walk_history(objects, {merge});
  REQUIRE(history.ok());
  CHECK(cids_of(*history) == std::vector<std::string>{merge.to_string(), earlier, later, first.to_string()});
  CHECK(cids_of(core::walk_history(objects, {merge}, 2).value()) ==
        std::vector<std::string>{merge.to_string(), earlier});
  CHECK(cids_of(core::walk_history(objects, {left, right}).value()) ==
        std::vector<std::string>{earlier, later, first.to_string()});
}

TEST_CASE("history names a missing parent, and a tree is not a commit", "[core][history]") {
  core::MemoryObjectStore objects;
  RecordingSink sink(objects);
  const auto tree = build_directory(tiny_profile(), sink, {}).cid;
  const auto lost = testing::store_unsigned_commit(objects, tree, {}, 1);
  const auto child = testing::store_unsigned_commit(objects, tree, {lost}, 2);
  objects.remove(lost);

  const auto walked = core::walk_history(objects, {child});
  REQUIRE_FALSE(walked.ok());
  CHECK(walked.error().kind == ErrorKind::not_found);
  CHECK_THAT(walked.error().message, Catch::Contains(lost.to_string()) && Catch::Contains(child.to_string()));

  CHECK(core::load_commit(objects, lost).error().kind == ErrorKind::not_found);
  CHECK(core::load_commit(objects, tree).error().kind == ErrorKind::corrupt);
}

TEST_CASE("the memory object store refuses a block that does not hash to its CID and keeps a block once",
          "[core][store]") {
  core::MemoryObjectStore objects;
  const Bytes block{1, 2, 3};
  const auto cid = codec::Cid::of_block(1, codec::multicodec::raw, block);
  CHECK(objects.put(cid, Bytes{1, 2, 4}).error().kind == ErrorKind::internal);
  CHECK_FALSE(objects.contains(cid).value());
  REQUIRE(objects.put(cid, block).ok());
  REQUIRE(objects.put(cid, block).ok());
  CHECK(objects.size() == 1);
  CHECK(objects.get(cid).value() == block);
  CHECK(objects.get(codec::Cid::of_block(1, codec::multicodec::raw, Bytes{9})).error().kind == ErrorKind::not_found);
}
