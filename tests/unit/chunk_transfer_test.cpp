// Transfer by chunk against the in-memory IPFS node: a push leaves out the leaves of files the node was
// given before (refs/remotes/<remote>/…) and still leaves the node with every block when it lost some; a
// fetch takes the leaves the local store holds (leaf blocks in objects/) from it. Both profiles.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "fakes/memory_node.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/keys/signers.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/remote/push.hpp"
#include "mlchain/repo/commit_work_tree.hpp"
#include "mlchain/repo/config.hpp"
#include "mlchain/workflow/push.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;
using testing::MemoryNode;
namespace stdfs = std::filesystem;

namespace {

const remote::Remote origin{.name = "origin",
                            .ipfs = "http://127.0.0.1:5001",
                            .gateway = std::nullopt,
                            .rpc = std::nullopt,
                            .registry = std::nullopt,
                            .repo = std::nullopt,
                            .chain_id = std::nullopt,
                            .confirmations = std::nullopt,
                            .universe = std::nullopt};

constexpr std::size_t chunks = 6;

// Distinct bytes in every chunk, so no two leaves are one block.
Bytes model_bytes(std::size_t size, std::uint32_t seed) {
  Bytes bytes(size);
  std::uint32_t state = seed * 2654435761u + 1;
  for (auto& byte : bytes) {
    state = state * 1664525u + 1013904223u;
    byte = static_cast<std::uint8_t>(state >> 24);
  }
  return bytes;
}

void write_bytes(const stdfs::path& path, const Bytes& bytes) {
  stdfs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// The stored contents of `root`, read through the content store (leaf blocks in objects/).
Bytes stored_bytes(repo::Repository& repository, const codec::Cid& root) {
  auto reader = repository.contents().open(root);
  REQUIRE(reader.ok());
  Bytes bytes(static_cast<std::size_t>(reader->size()));
  auto read = reader->read_at(0, bytes);
  REQUIRE(read.ok());
  REQUIRE(*read == bytes.size());
  return bytes;
}

codec::Cid commit_all(repo::Repository& repository, const std::string& message, std::int64_t time) {
  auto key = crypto::PrivateKey::from_hex("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d");
  REQUIRE(key.ok());
  keys::PrivateKeySigner signer(std::move(key).value());
  repo::CommitRequest request;
  request.message = message;
  request.time = time;
  auto committed = repo::commit_work_tree(repository, signer, std::move(request));
  REQUIRE(committed.ok());
  REQUIRE(committed->commit);
  return *committed->commit;
}

repo::Repository new_repository(const stdfs::path& work_tree, const unixfs::Profile& profile) {
  auto created = repo::init_repository(work_tree);
  REQUIRE(created.ok());
  auto config = repo::Config::load(created->paths().config());
  REQUIRE(config.ok());
  REQUIRE(config->set("core.profile", profile.name).ok());
  REQUIRE(config->save().ok());
  return std::move(created).value();
}

workflow::PushOptions push_main() {
  workflow::PushOptions options;
  options.branch = "main";
  return options;
}

// A repository whose main has a model file of `chunks` chunks, then the same with one chunk changed in place.
struct TwoVersions {
  explicit TwoVersions(const unixfs::Profile& p) : profile(p) {
    first_bytes = model_bytes(chunks * profile.chunk_size, 1);
    second_bytes = first_bytes;
    const auto changed = model_bytes(profile.chunk_size, 2);
    std::copy(changed.begin(), changed.end(),
              second_bytes.begin() + 2 * static_cast<std::ptrdiff_t>(profile.chunk_size));
    write_bytes(repository.work_tree() / "model.safetensors", first_bytes);
    first = commit_all(repository, "first", 1000);
  }
  void commit_second() {
    write_bytes(repository.work_tree() / "model.safetensors", second_bytes);
    second = commit_all(repository, "second", 2000);
  }

  const unixfs::Profile& profile;
  testing::TemporaryDirectory directory;
  repo::Repository repository = new_repository(directory.path / "source", profile);
  Bytes first_bytes, second_bytes;
  codec::Cid first, second;
};

Bytes node_file(MemoryNode& node, const codec::Cid& root, const unixfs::Profile& profile) {
  Bytes read;
  REQUIRE(node.read_file(root, profile,
                         [&](ByteView bytes) -> Status {
                           append(read, bytes);
                           return {};
                         })
              .ok());
  return read;
}

codec::Cid file_root(repo::Repository& repository, const codec::Cid& commit) {
  auto loaded = core::load_commit(repository.objects(), commit);
  REQUIRE(loaded.ok());
  auto files = core::list_files(repository.objects(), loaded->tree);
  REQUIRE(files.ok());
  REQUIRE(files->size() == 1);
  return files->front().cid;
}

const unixfs::Profile& profile_named(const std::string& name) {
  return name == unixfs::unixfs_v0_2015.name ? unixfs::unixfs_v0_2015 : unixfs::unixfs_v1_2025;
}

}  // namespace

TEST_CASE("a second push sends only the chunks the node was not given before", "[chunk-transfer]") {
  const auto& profile = profile_named(GENERATE(std::string("unixfs-v1-2025"), std::string("unixfs-v0-2015")));
  INFO(profile.name);
  TwoVersions model(profile);
  MemoryNode node;
  REQUIRE(workflow::push_branch(model.repository, origin, node, push_main(), {}).ok());
  model.commit_second();

  auto plan = remote::plan_push(model.repository, node, model.second, {model.first});
  REQUIRE(plan.ok());
  REQUIRE(plan->files.size() == 1);
  CHECK(plan->file_bytes == profile.chunk_size);
  CHECK(plan->file_bytes_left_out == (chunks - 1) * profile.chunk_size);
  // Without what the node was given, the whole file goes.
  auto blind = remote::plan_push(model.repository, node, model.second);
  REQUIRE(blind.ok());
  CHECK(blind->file_bytes == chunks * profile.chunk_size);
  CHECK(blind->file_bytes_left_out == 0);

  const auto written = node.blocks_written();
  auto pushed = workflow::push_branch(model.repository, origin, node, push_main(), {});
  REQUIRE(pushed.ok());
  CHECK(pushed->plan.file_bytes_left_out == (chunks - 1) * profile.chunk_size);
  CHECK(pushed->plan.files_sent_again == 0);
  // The changed leaf and the file's root, then the commit and the directory.
  CHECK(node.blocks_written() - written == 4);
  CHECK(node.pinned(model.second));
  CHECK(node_file(node, file_root(model.repository, model.second), profile) == model.second_bytes);
}

TEST_CASE("a push to a node that lost chunks it was given sends the file again whole", "[chunk-transfer]") {
  const auto& profile = profile_named(GENERATE(std::string("unixfs-v1-2025"), std::string("unixfs-v0-2015")));
  INFO(profile.name);
  TwoVersions model(profile);
  MemoryNode node;
  REQUIRE(workflow::push_branch(model.repository, origin, node, push_main(), {}).ok());
  model.commit_second();

  // The node drops its pin and, as a garbage collection would, every block of the first version.
  std::vector<codec::Cid> first_blocks;
  REQUIRE(node.read_dag(model.first,
                        [&](const codec::Cid& cid, ByteView) -> Status {
                          first_blocks.push_back(cid);
                          return {};
                        })
              .ok());
  for (const auto& cid : first_blocks) node.drop(cid);

  auto pushed = workflow::push_branch(model.repository, origin, node, push_main(), {});
  REQUIRE(pushed.ok());
  // Both versions' files: the first's root was gone too, so it was planned with every block left out.
  CHECK(pushed->plan.files_sent_again == 2);
  CHECK(node.pinned(model.first) == false);
  CHECK(node_file(node, file_root(model.repository, model.first), profile) == model.first_bytes);
  CHECK(node.pinned(model.second));
  CHECK(node_file(node, file_root(model.repository, model.second), profile) == model.second_bytes);
}

TEST_CASE("a fetch takes the chunks the local store holds from it", "[chunk-transfer]") {
  const auto& profile = profile_named(GENERATE(std::string("unixfs-v1-2025"), std::string("unixfs-v0-2015")));
  INFO(profile.name);
  TwoVersions model(profile);
  MemoryNode node;
  REQUIRE(workflow::push_branch(model.repository, origin, node, push_main(), {}).ok());
  model.commit_second();
  REQUIRE(workflow::push_branch(model.repository, origin, node, push_main(), {}).ok());

  auto target = new_repository(model.directory.path / "target", profile);
  auto first = remote::fetch_history(target, node, model.first, std::nullopt);
  REQUIRE(first.ok());
  CHECK(first->file_bytes_local == 0);
  auto second = remote::fetch_history(target, node, model.second, std::nullopt);
  REQUIRE(second.ok());
  CHECK(second->files == 1);
  CHECK(second->file_bytes == chunks * profile.chunk_size);
  CHECK(second->file_bytes_local == (chunks - 1) * profile.chunk_size);
  const auto root = file_root(model.repository, model.second);
  CHECK(stored_bytes(target, root) == model.second_bytes);

  // A stored raw leaf that no longer hashes to its CID lends nothing: the node serves it, it is stored again
  // in place of the damaged copy, and the contents verify. A damaged unixfs-v0-2015 leaf is dag-pb, which
  // the walk of the fetched tree reads (core::reach_of_tree): the fetch stops as corrupt, naming it.
  auto third_target = new_repository(model.directory.path / "third", profile);
  const auto first_root = file_root(model.repository, model.first);
  REQUIRE(remote::fetch_history(third_target, node, model.first, std::nullopt).ok());
  auto root_block = third_target.objects().get(first_root);
  REQUIRE(root_block.ok());
  auto root_node = codec::PbNode::decode(*root_block);
  REQUIRE(root_node.ok());
  REQUIRE(root_node->links.size() == chunks);
  const auto& leaf = root_node->links[1].hash;
  const auto damaged_leaf = third_target.objects().path_of(leaf);
  REQUIRE(stdfs::is_regular_file(damaged_leaf));
  stdfs::permissions(damaged_leaf, stdfs::perms::owner_write, stdfs::perm_options::add);
  const std::string garbage = "no longer the leaf";
  write_bytes(damaged_leaf, Bytes(garbage.begin(), garbage.end()));
  auto again = remote::fetch_history(third_target, node, model.second, std::nullopt);
  if (profile.raw_leaves) {
    // The first version's file no longer counts as stored (a leaf of the wrong size): both files are
    // fetched, each taking its sound leaves from the store, and the damaged leaf is replaced.
    REQUIRE(again.ok());
    CHECK(again->files == 2);
    CHECK(again->file_bytes_local == 2 * (chunks - 1) * profile.chunk_size);
    CHECK(stored_bytes(third_target, root) == model.second_bytes);
    CHECK(third_target.contents().check(root, profile).ok());
    CHECK(third_target.contents().check(first_root, profile).ok());
  } else {
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().kind == ErrorKind::corrupt);
    CHECK_THAT(again.error().message, Catch::Contains(leaf.to_string()));
  }
}

TEST_CASE("a clone writes the head's large files into the work tree as they arrive", "[chunk-transfer]") {
  const auto& profile = profile_named(GENERATE(std::string("unixfs-v1-2025"), std::string("unixfs-v0-2015")));
  INFO(profile.name);
  TwoVersions model(profile);
  model.commit_second();
  MemoryNode node;
  REQUIRE(workflow::push_branch(model.repository, origin, node, push_main(), {}).ok());
  // Every file in the work tree's top directory: the checkout's and nothing else (no temporary left).
  const auto top_files = [](const stdfs::path& directory) {
    std::vector<std::string> names;
    for (const auto& entry : stdfs::directory_iterator(directory)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  };

  remote::CloneRequest request{.head = model.second,
                               .directory = model.directory.path / "clone",
                               .address = {.ipfs = "http://127.0.0.1:5001", .gateway = std::nullopt},
                               .depth = std::nullopt,
                               .sealed = nullptr};
  auto cloned = remote::clone(request, node);
  REQUIRE(cloned.ok());
  CHECK(cloned->files_written == 1);
  CHECK(top_files(request.directory) == std::vector<std::string>{".mlchain", "model.safetensors"});
  Bytes written(model.second_bytes.size() + 1);
  std::ifstream(request.directory / "model.safetensors", std::ios::binary)
      .read(reinterpret_cast<char*>(written.data()), static_cast<std::streamsize>(written.size()));
  written.resize(model.second_bytes.size());
  CHECK(written == model.second_bytes);
  CHECK((stdfs::status(request.directory / "model.safetensors").permissions() & stdfs::perms::all) ==
        (stdfs::perms::owner_read | stdfs::perms::owner_write | stdfs::perms::group_read | stdfs::perms::others_read));
  // The store holds both versions' contents all the same.
  auto clone = repo::discover_repository(request.directory);
  REQUIRE(clone.ok());
  CHECK(stored_bytes(*clone, file_root(model.repository, model.second)) == model.second_bytes);
  CHECK(stored_bytes(*clone, file_root(model.repository, model.first)) == model.first_bytes);

  // A node that serves another chunk for the head's file: nothing is kept, the written copy included.
  const auto root = file_root(model.repository, model.second);
  auto root_block = model.repository.objects().get(root);
  REQUIRE(root_block.ok());
  auto root_node = codec::PbNode::decode(*root_block);
  REQUIRE(root_node.ok());
  const auto& first_leaf = root_node->links.front().hash;
  auto forged = node.get_block(root_node->links.back().hash);
  REQUIRE(forged.ok());
  node.tamper(first_leaf, *forged);
  request.directory = model.directory.path / "forged";
  auto refused = remote::clone(request, node);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::corrupt);
  CHECK_FALSE(stdfs::exists(request.directory));
}

TEST_CASE("a push sends a chunk the file repeats once", "[chunk-transfer]") {
  const auto& profile = profile_named(GENERATE(std::string("unixfs-v1-2025"), std::string("unixfs-v0-2015")));
  INFO(profile.name);
  testing::TemporaryDirectory directory;
  auto repository = new_repository(directory.path / "zeros", profile);
  const Bytes zeros(chunks * profile.chunk_size, 0);
  write_bytes(repository.work_tree() / "padding.bin", zeros);
  const auto head = commit_all(repository, "zeros", 1000);
  MemoryNode node;
  REQUIRE(workflow::push_branch(repository, origin, node, push_main(), {}).ok());
  // The one leaf and the file's root, then the directory and the commit.
  CHECK(node.blocks_written() == 4);
  CHECK(node_file(node, file_root(repository, head), profile) == zeros);
}
