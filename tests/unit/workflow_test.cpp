// The remote workflows (workflow/push, fetch, pull, clone) against the in-memory IPFS node: a push cut off
// midway and resumed, a fetch from a node that lies, pull's fast-forward and diverged outcomes, and a
// clone — each the one call the CLI makes.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "fakes/memory_node.hpp"
#include "mlchain/core/commit.hpp"
#include "mlchain/keys/signers.hpp"
#include "mlchain/remote/push.hpp"
#include "mlchain/repo/commit_work_tree.hpp"
#include "mlchain/workflow/clone.hpp"
#include "mlchain/workflow/fetch.hpp"
#include "mlchain/workflow/pull.hpp"
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

void write_text(const stdfs::path& path, const std::string& text) {
  stdfs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

Bytes to_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

std::string read_text(const stdfs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Commits the work tree as it is, with a fixed key, on HEAD.
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

repo::Repository new_repository(const stdfs::path& work_tree) {
  auto created = repo::init_repository(work_tree);
  REQUIRE(created.ok());
  return std::move(created).value();
}

std::optional<codec::Cid> ref(repo::Repository& repository, const std::string& name) {
  auto read = repository.refs().read(name);
  REQUIRE(read.ok());
  return *read;
}

// Temporary files the stores write before renaming into place (".<stem>.tmp-<pid>-<n>").
std::size_t temporary_files(const repo::Repository& repository) {
  std::size_t count = 0;
  for (const auto& entry : stdfs::recursive_directory_iterator(repository.paths().dir))
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) ++count;
  return count;
}

// A repository with two commits on main: four one-block files, then a fifth and a changed first.
struct SourceRepository {
  testing::TemporaryDirectory directory;
  repo::Repository repository = new_repository(directory.path / "source");
  codec::Cid first, second;

  SourceRepository() {
    const auto& root = repository.work_tree();
    for (int i = 0; i < 4; ++i)
      write_text(root / "weights" / ("shard-" + std::to_string(i)), "shard " + std::to_string(i));
    first = commit_all(repository, "first", 1000);
    write_text(root / "weights" / "shard-0", "shard 0, retrained");
    write_text(root / "README", "model card");
    second = commit_all(repository, "second", 2000);
  }
};

workflow::PushOptions push_main() {
  workflow::PushOptions options;
  options.branch = "main";
  return options;
}

// The chain's side of fetch and pull, faked: `head` is the remote's branch head; its history comes from
// the node as chain::fetch_branches fetches it, and the tracking ref follows.
workflow::BranchFetch fake_chain(const codec::Cid& head) {
  return [head](repo::Repository& repository, ipfs::Node& node, const std::optional<std::string>& only,
                std::optional<std::uint64_t> depth) -> Result<std::vector<chain::FetchedBranch>> {
    const std::string branch = only.value_or("main");
    MLCHAIN_TRY(auto fetched, remote::fetch_history(repository, node, head, depth));
    const auto tracking = remote::remote_ref_name("origin", branch);
    MLCHAIN_TRY(const auto previous, repository.refs().read(tracking));
    MLCHAIN_TRY_STATUS(remote::record_remote_ref(repository, "origin", branch, previous, head));
    return std::vector<chain::FetchedBranch>{{branch, head, previous, std::move(fetched)}};
  };
}

}  // namespace

TEST_CASE("a push cut off midway moves no ref; pushed again it uploads only what is missing", "[workflow]") {
  SourceRepository source;
  MemoryNode fresh;  // what a whole push writes, recorded under another remote
  auto probe = origin;
  probe.name = "probe";
  auto whole = workflow::push_branch(source.repository, probe, fresh, push_main(), {});
  REQUIRE(whole.ok());
  const std::size_t whole_push = fresh.blocks_written();

  MemoryNode node;
  node.fail_writes_after(2);  // two of the files arrive, then the connection is cut
  auto cut = workflow::push_branch(source.repository, origin, node, push_main(), {});
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().kind == ErrorKind::remote_unavailable);
  CHECK_FALSE(ref(source.repository, "refs/remotes/origin/main"));
  CHECK_FALSE(node.pinned(source.second));
  const std::size_t before_cut = node.blocks_written();
  CHECK(before_cut == 2);

  node.fail_writes_after(1'000'000);
  auto resumed = workflow::push_branch(source.repository, origin, node, push_main(), {});
  REQUIRE(resumed.ok());
  CHECK(resumed->plan.files_present == 2);
  CHECK(resumed->plan.blocks_present == 0);
  CHECK(node.blocks_written() - before_cut == whole_push - 2);
  CHECK(node.pinned(source.second));
  CHECK(resumed->head == source.second);
  CHECK(resumed->branch == "main");
  CHECK_FALSE(resumed->anchoring);
  CHECK(ref(source.repository, "refs/remotes/origin/main") == source.second);

  auto again = workflow::push_branch(source.repository, origin, node, push_main(), {});
  REQUIRE(again.ok());
  CHECK(again->plan.files.empty());
  CHECK(again->plan.blocks.empty());
  CHECK(node.blocks_written() - before_cut == whole_push - 2);
}

TEST_CASE("a push to a chain remote moves the tracking ref only through the chain step", "[workflow]") {
  SourceRepository source;
  MemoryNode node;
  auto chain_remote = origin;
  chain_remote.rpc = "http://127.0.0.1:8545";
  chain_remote.registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  chain_remote.repo = "model";
  bool pinned_first = false;
  auto options = push_main();
  options.pinned_before_anchoring = [&](const codec::Cid& head) { pinned_first = node.pinned(head); };
  const workflow::AnchorStep refused = [](repo::Repository&, const std::string&,
                                          const codec::Cid&) -> Result<workflow::PushAnchoring> {
    return make_error(ErrorKind::not_fast_forward, "the remote moved: fetch first");
  };
  auto pushed = workflow::push_branch(source.repository, chain_remote, node, options, refused);
  REQUIRE_FALSE(pushed.ok());
  CHECK(pushed.error().kind == ErrorKind::not_fast_forward);
  CHECK(pinned_first);
  CHECK_FALSE(ref(source.repository, "refs/remotes/origin/main"));
}

TEST_CASE("a push names what is wrong before anything moves", "[workflow]") {
  SourceRepository source;
  MemoryNode node;
  auto options = push_main();
  options.branch = "nope";
  auto missing = workflow::push_branch(source.repository, origin, node, options, {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);
  CHECK(missing.error().message.find("'nope'") != std::string::npos);

  auto read_only = origin;
  read_only.ipfs.reset();
  read_only.gateway = "https://gateway.example";
  auto no_api = workflow::push_branch(source.repository, read_only, node, push_main(), {});
  REQUIRE_FALSE(no_api.ok());
  CHECK(no_api.error().kind == ErrorKind::invalid_argument);
  CHECK(node.blocks_written() == 0);
}

TEST_CASE("a fetch by CID completes the history and records refs/remotes/REMOTE/CID", "[workflow]") {
  SourceRepository source;
  MemoryNode node;
  REQUIRE(workflow::push_branch(source.repository, origin, node, push_main(), {}).ok());
  auto target = new_repository(source.directory.path / "target");
  workflow::FetchOptions options;
  options.commit = source.second.to_string();
  auto fetched = workflow::fetch(target, origin, node, options, {});
  REQUIRE(fetched.ok());
  REQUIRE(fetched->commit);
  CHECK(fetched->commit->commits.size() == 2);
  CHECK(fetched->commit->files == 6);
  CHECK(fetched->ref_name == "refs/remotes/origin/" + source.second.to_string());
  CHECK(fetched->node_url == node.url());
  CHECK(ref(target, fetched->ref_name) == source.second);

  options.depth = 0;
  auto zero = workflow::fetch(target, origin, node, options, {});
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("a fetch from a node that lies fails naming the CID, moves no ref and stores nothing half", "[workflow]") {
  SourceRepository source;
  MemoryNode node;
  auto pushed = workflow::push_branch(source.repository, origin, node, push_main(), {});
  REQUIRE(pushed.ok());
  REQUIRE_FALSE(pushed->plan.files.empty());
  REQUIRE_FALSE(pushed->plan.blocks.empty());

  // A fetch by CID that the node lies to fails naming what it lied about, and leaves the target as it was:
  // no tracking ref, nothing stored under that CID, no temporary file.
  const auto fetch_fails_naming = [&](const codec::Cid& lied_about, bool is_file) {
    auto target = new_repository(source.directory.path / "target");
    workflow::FetchOptions options;
    options.commit = source.second.to_string();
    auto fetched = workflow::fetch(target, origin, node, options, {});
    REQUIRE_FALSE(fetched.ok());
    CHECK(fetched.error().message.find(lied_about.to_string()) != std::string::npos);
    CHECK_FALSE(ref(target, "refs/remotes/origin/" + source.second.to_string()));
    CHECK_FALSE((is_file ? target.contents().contains(lied_about) : target.objects().contains(lied_about)).value());
    CHECK(temporary_files(target) == 0);
    return fetched.error().kind;
  };
  SECTION("a file's bytes are not the file's") {
    const auto lied_about = pushed->plan.files.front().root;
    node.tamper(lied_about, to_bytes("not the shard"));
    CHECK(fetch_fails_naming(lied_about, true) == ErrorKind::corrupt);
  }
  SECTION("a tree block is not the tree") {
    const auto lied_about = pushed->plan.blocks.back();
    auto block = node.get_block(lied_about);
    REQUIRE(block.ok());
    block->back() ^= 1;
    node.tamper(lied_about, *block);
    CHECK(fetch_fails_naming(lied_about, false) == ErrorKind::corrupt);
  }
  SECTION("a file is gone") {
    const auto lost = pushed->plan.files.front().root;
    node.drop(lost);
    fetch_fails_naming(lost, true);
  }
}

TEST_CASE("clone from the node, then pull fast-forwards, stays, or refuses a diverged branch", "[workflow]") {
  SourceRepository source;
  MemoryNode node;
  REQUIRE(workflow::push_branch(source.repository, origin, node, push_main(), {}).ok());

  workflow::CloneOptions clone_options;
  clone_options.source = source.first.to_string();
  clone_options.directory = source.directory.path / "clone";
  clone_options.ipfs = "http://127.0.0.1:5001";
  auto cloned = workflow::clone(clone_options, node);
  REQUIRE(cloned.ok());
  REQUIRE(cloned->cloned);
  CHECK(cloned->commit == source.first);
  CHECK(cloned->cloned->fetched.commits.size() == 1);
  CHECK(read_text(clone_options.directory / "weights" / "shard-0") == "shard 0");
  auto clone = repo::discover_repository(clone_options.directory);
  REQUIRE(clone.ok());
  CHECK(ref(*clone, "refs/heads/main") == source.first);

  SECTION("fast-forward, checked out; then up to date") {
    auto pulled = workflow::pull(*clone, node, {}, fake_chain(source.second));
    REQUIRE(pulled.ok());
    CHECK(pulled->branch == "main");
    CHECK(pulled->head == source.second);
    CHECK(pulled->outcome.kind == chain::PullOutcome::Kind::fast_forward);
    CHECK(pulled->outcome.before == source.first);
    CHECK(pulled->outcome.checked_out);
    CHECK(ref(*clone, "refs/heads/main") == source.second);
    CHECK(ref(*clone, "refs/remotes/origin/main") == source.second);
    CHECK(read_text(clone_options.directory / "weights" / "shard-0") == "shard 0, retrained");
    CHECK(read_text(clone_options.directory / "README") == "model card");

    auto again = workflow::pull(*clone, node, {}, fake_chain(source.second));
    REQUIRE(again.ok());
    CHECK(again->outcome.kind == chain::PullOutcome::Kind::up_to_date);
  }
  SECTION("a diverged branch is a conflict and stays where it is") {
    write_text(clone_options.directory / "notes", "local work");
    const auto local = commit_all(*clone, "local", 3000);
    auto pulled = workflow::pull(*clone, node, {}, fake_chain(source.second));
    REQUIRE_FALSE(pulled.ok());
    CHECK(pulled.error().kind == ErrorKind::not_fast_forward);
    CHECK(pulled.error().message.find("diverged") != std::string::npos);
    CHECK(pulled.error().message.find(local.to_string()) != std::string::npos);
    CHECK(ref(*clone, "refs/heads/main") == local);
    CHECK(read_text(clone_options.directory / "weights" / "shard-0") == "shard 0");
  }
  SECTION("a branch not checked out moves without touching the work tree") {
    workflow::PullOptions options;
    options.branch = "release";
    auto pulled = workflow::pull(*clone, node, options, fake_chain(source.second));
    REQUIRE(pulled.ok());
    CHECK(pulled->outcome.kind == chain::PullOutcome::Kind::created);
    CHECK_FALSE(pulled->outcome.checked_out);
    CHECK(ref(*clone, "refs/heads/release") == source.second);
    CHECK(read_text(clone_options.directory / "weights" / "shard-0") == "shard 0");
  }
}

TEST_CASE("a clone from a node that lies leaves no directory behind", "[workflow]") {
  SourceRepository source;
  MemoryNode node;
  auto pushed = workflow::push_branch(source.repository, origin, node, push_main(), {});
  REQUIRE(pushed.ok());
  node.tamper(pushed->plan.files.back().root, to_bytes("forged"));
  workflow::CloneOptions options;
  options.source = source.second.to_string();
  options.directory = source.directory.path / "clone";
  options.gateway = "https://gateway.example";
  auto cloned = workflow::clone(options, node);
  REQUIRE_FALSE(cloned.ok());
  CHECK(cloned.error().kind == ErrorKind::corrupt);
  CHECK_FALSE(stdfs::exists(options.directory));
}
