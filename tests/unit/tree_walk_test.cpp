#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <string>

#include "mlchain/core/commit.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/fs/tree_walk.hpp"
#include "mlchain/keys/signers.hpp"
#include "mlchain/repo/commit_work_tree.hpp"
#include "mlchain/repo/index_file.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/work_tree.hpp"
#include "temporary_directory.hpp"
#include "test_files.hpp"

using namespace mlchain;
using mlchain::testing::TemporaryDirectory;
using mlchain::testing::write_text;
namespace stdfs = std::filesystem;

namespace {

struct stat stat_of(const stdfs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info;
}

fs::WalkedTree walk(const stdfs::path& root, fs::TreeWalkHooks& hooks) {
  unixfs::DiscardingBlockSink sink;
  auto tree = fs::walk_tree(root, stat_of(root), unixfs::default_profile, sink, sink, hooks);
  REQUIRE(tree);
  return std::move(tree).value();
}

codec::Cid cid_of(const stdfs::path& path, bool dereference = false) {
  unixfs::DiscardingBlockSink sink;
  fs::ImportOptions options;
  options.dereference_symlinks = dereference;
  auto node = fs::import_path(path, unixfs::default_profile, sink, options);
  REQUIRE(node);
  return node->cid;
}

// Counts what the walker asks and leaves out every entry whose name starts with "skip".
class CountingHooks : public fs::TreeWalkHooks {
 public:
  Result<bool> include(std::string_view relative, bool, std::size_t, bool) override {
    asked.insert(std::string(relative));
    const auto slash = relative.rfind('/');
    const auto name = slash == std::string_view::npos ? relative : relative.substr(slash + 1);
    return !name.starts_with("skip");
  }
  Status small_file_read(fs::WalkedFile& file, ByteView) override {
    ++small_reads;
    CHECK(file.read);
    return {};
  }
  std::set<std::string> asked;
  std::atomic<int> small_reads{0};
};

}  // namespace

TEST_CASE("a walk hook leaves entries out: not asked below a left-out directory, not read, not in the tree",
          "[tree_walk]") {
  TemporaryDirectory dir;
  const auto root = dir.path / "bundle";
  write_text(root / "a.txt", "a");
  write_text(root / "skip.txt", "never read");
  write_text(root / "sub/b.txt", "b");
  write_text(root / "sub/skipped/deep.txt", "never asked");
  write_text(root / "skip-dir/c.txt", "never asked");

  CountingHooks hooks;
  const auto tree = walk(root, hooks);
  CHECK(hooks.asked == std::set<std::string>{"a.txt", "skip-dir", "skip.txt", "sub", "sub/b.txt", "sub/skipped"});
  CHECK(hooks.small_reads == 2);
  CHECK(tree.files_read == 2);
  REQUIRE(tree.files.size() == 2);
  CHECK(tree.files[0].relative == "a.txt");
  CHECK(tree.files[1].relative == "sub/b.txt");

  // The tree is the one of the same directory without what was left out.
  const auto same = dir.path / "same";
  write_text(same / "a.txt", "a");
  write_text(same / "sub/b.txt", "b");
  CHECK(tree.root.cid == cid_of(same));
  CHECK(tree.root.cid != cid_of(root));
}

TEST_CASE("a file the reuse hook vouches for is not read, and its node is the hook's", "[tree_walk]") {
  TemporaryDirectory dir;
  const auto root = dir.path / "bundle";
  write_text(root / "cached.bin", "on disk");
  write_text(root / "fresh.bin", "fresh");
  write_text(root / "other/also-fresh.bin", "also fresh");
  write_text(dir.path / "elsewhere.bin", "what the cache remembers");

  unixfs::DiscardingBlockSink sink;
  const auto remembered = fs::import_file(dir.path / "elsewhere.bin", unixfs::default_profile, sink).value();

  struct ReusingHooks : CountingHooks {
    unixfs::ImportedNode remembered;
    int reuse_calls = 0;
    std::uint64_t to_read = 0;
    Result<bool> reuse(fs::WalkedFile& file) override {
      ++reuse_calls;
      if (file.relative != "cached.bin") return false;
      file.node = remembered;
      return true;
    }
    void start_reading(std::uint64_t files, std::uint64_t bytes) override {
      CHECK(files == 2);
      to_read = bytes;
    }
  } hooks;
  hooks.remembered = remembered;
  const auto tree = walk(root, hooks);
  CHECK(hooks.reuse_calls == 3);
  CHECK(hooks.small_reads == 2);
  CHECK(hooks.to_read == std::string("fresh").size() + std::string("also fresh").size());
  CHECK(tree.files_read == 2);
  CHECK(tree.bytes_read == hooks.to_read);
  REQUIRE(tree.files.size() == 3);
  CHECK_FALSE(tree.files[0].read);
  CHECK(tree.files[0].node.cid == remembered.cid);

  // The directory is built from the hook's node: what the cache says, not what is on disk.
  const auto as_remembered = dir.path / "as-remembered";
  write_text(as_remembered / "cached.bin", "what the cache remembers");
  write_text(as_remembered / "fresh.bin", "fresh");
  write_text(as_remembered / "other/also-fresh.bin", "also fresh");
  CHECK(tree.root.cid == cid_of(as_remembered));
}

TEST_CASE("a file larger than a chunk reaches the large-file hooks whole, in order", "[tree_walk]") {
  TemporaryDirectory dir;
  const auto root = dir.path / "bundle";
  std::string contents(unixfs::default_profile.chunk_size * 2 + 12345, '\0');
  for (std::size_t i = 0; i < contents.size(); ++i) contents[i] = static_cast<char>((i * 7) ^ (i >> 9));
  write_text(root / "weights.bin", contents);

  struct LargeHooks : fs::TreeWalkHooks {
    std::string seen;
    int begins = 0, ends = 0;
    Status large_file_begin(fs::WalkedFile&) override {
      ++begins;
      return {};
    }
    Status large_file_chunk(fs::WalkedFile&, ByteView chunk) override {
      seen.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
      return {};
    }
    Status large_file_end(fs::WalkedFile& file) override {
      ++ends;
      CHECK(file.node.content_size == seen.size());
      return {};
    }
  } hooks;
  const auto tree = walk(root, hooks);
  CHECK(hooks.begins == 1);
  CHECK(hooks.ends == 1);
  CHECK(hooks.seen == contents);
  CHECK(tree.root.cid == cid_of(root));
}

TEST_CASE("cid of a directory and the commit of it give the same tree, odd entries included", "[tree_walk][commit]") {
  TemporaryDirectory dir;
  const auto root = dir.path / "work";
  auto repository = repo::init_repository(root).value();
  write_text(root / "model/weights.bin", std::string(3 * 1024 * 1024 + 5, 'w'));
  write_text(root / "model/config.json", "{}");
  write_text(root / "caf\xc3\xa9/\xe6\xa8\xa1\xe5\x9e\x8b.txt", "unicode names");  // "café/模型.txt"
  write_text(root / "cafe\xcc\x81/decomposed.txt", "the same name, decomposed");   // "café" in NFD
  stdfs::create_directories(root / "empty");
  stdfs::create_directories(root / "nested/empty-too");
  write_text(root / "nested/.git/HEAD", "ref: refs/heads/main\n");            // never in a bundle
  write_text(root / "nested/inner/.mlchain/HEAD", "ref: refs/heads/main\n");  // nor another repository
  write_text(root / "nested/inner/.hg/store", "x");
  write_text(root / "nested/inner/kept.txt", "kept");
  write_text(root / ".mlchainignore", "# nothing here is ignored by pattern\n*.never\n");
  stdfs::create_symlink("model/config.json", root / "config-link");
  stdfs::create_symlink("../model", root / "nested/model-link");

  auto private_key =
      crypto::PrivateKey::from_hex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80").value();
  keys::PrivateKeySigner signer(std::move(private_key));

  for (const bool dereference : {false, true}) {
    INFO("dereference " << dereference);
    repo::CommitRequest request;
    request.message = dereference ? "followed" : "as links";
    request.time = 1'700'000'000;
    request.dereference = dereference;
    request.allow_empty = true;
    const auto outcome = repo::commit_work_tree(repository, signer, request);
    REQUIRE(outcome);
    REQUIRE(outcome->commit);
    const auto commit = core::decode_commit(repository.objects().get(*outcome->commit).value()).value();
    CHECK(commit.tree == cid_of(root, dereference));

    repo::SnapshotOptions status;
    status.dereference = dereference;
    const auto snapshot =
        repo::snapshot_work_tree(repository, unixfs::default_profile, repo::load_index(repository.paths()), status);
    REQUIRE(snapshot);
    CHECK(snapshot->root.cid == commit.tree);
  }
}

TEST_CASE("the snapshot's ignore rules leave files unread and directories unwalked, nested files included",
          "[tree_walk]") {
  TemporaryDirectory dir;
  const auto root = dir.path / "work";
  auto repository = repo::init_repository(root).value();
  write_text(root / ".mlchainignore", "*.tmp\nbuild/\n");
  write_text(root / "model.bin", "kept");
  write_text(root / "scratch.tmp", "ignored by the root's rules");
  write_text(root / "build/out.bin", "ignored with its directory");
  write_text(root / "sub/.mlchainignore", "local.bin\n");
  write_text(root / "sub/local.bin", "ignored by the nested rules");
  write_text(root / "sub/kept.bin", "kept");
  write_text(root / "sub/deeper/local.bin", "ignored below the nested rules too");
  write_text(root / "sub/deeper/note.tmp", "ignored by the root's rules, two levels down");

  const auto snapshot = repo::snapshot_work_tree(repository, unixfs::default_profile,
                                                 repo::load_index(repository.paths()), repo::SnapshotOptions{});
  REQUIRE(snapshot);
  std::vector<std::string> paths;
  for (const auto& entry : snapshot->entries) paths.push_back(entry.path);
  CHECK(paths ==
        std::vector<std::string>{".mlchainignore", "model.bin", "sub/.mlchainignore", "sub/deeper", "sub/kept.bin"});
  CHECK(snapshot->files_read == 4);  // the two ignore files and the two kept files; nothing ignored is read
}
