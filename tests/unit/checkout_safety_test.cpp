#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"
#include "mlchain/core/checkout_safety.hpp"
#include "mlchain/core/commit.hpp"
#include "mlchain/fs/lock_file.hpp"
#include "mlchain/keys/signers.hpp"
#include "mlchain/repo/checkout.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/verify.hpp"
#include "temporary_directory.hpp"
#include "test_files.hpp"

using namespace mlchain;
using mlchain::testing::TemporaryDirectory;
namespace stdfs = std::filesystem;
using unixfs::NodeKind;

namespace {

const codec::Cid some_cid = codec::Cid::of_block(1, codec::multicodec::raw, as_bytes("x"));

core::TreeEntry file_entry(std::string path) { return {std::move(path), some_cid, 1, NodeKind::file, std::nullopt}; }
core::TreeEntry symlink_entry(std::string path, std::string target) {
  return {std::move(path), some_cid, 0, NodeKind::symlink, std::move(target)};
}
core::TreeEntry empty_directory(std::string path) {
  return {std::move(path), some_cid, 0, NodeKind::directory, std::nullopt};
}

std::string refusal(const std::vector<core::TreeEntry>& entries) {
  const auto status = core::check_checkout_safety(entries, some_cid);
  if (status.ok()) return "";
  CHECK(status.error().kind == ErrorKind::corrupt);
  return status.error().message;
}

// Hand-made dag-pb nodes, as a hostile peer could serve them: nothing stops their names.
codec::Cid put_node(repo::Repository& repository, codec::UnixfsData data, std::vector<codec::PbLink> links) {
  codec::PbNode node{std::move(links), data.encode()};
  const auto block = node.encode();
  const auto cid = codec::Cid::of_block(1, codec::multicodec::dag_pb, block);
  REQUIRE(repository.objects().put(cid, block).ok());
  return cid;
}

codec::Cid put_directory(repo::Repository& repository, std::vector<codec::PbLink> links) {
  return put_node(repository, codec::UnixfsData{codec::UnixfsType::directory, {}, {}, {}, {}, {}, {}, {}},
                  std::move(links));
}

codec::Cid put_symlink(repo::Repository& repository, const std::string& target) {
  return put_node(
      repository,
      codec::UnixfsData{codec::UnixfsType::symlink, Bytes(target.begin(), target.end()), {}, {}, {}, {}, {}, {}}, {});
}

codec::Cid put_file(repo::Repository& repository, const std::string& text) {
  const auto cid = codec::Cid::of_block(1, codec::multicodec::raw, as_bytes(text));
  auto writer = repository.contents().begin_write();
  REQUIRE(writer.ok());
  REQUIRE(writer->put(cid, as_bytes(text)).ok());
  REQUIRE(writer->commit().ok());
  return cid;
}

codec::Cid put_commit(repo::Repository& repository, const codec::Cid& tree) {
  auto key = crypto::PrivateKey::from_hex("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d");
  REQUIRE(key.ok());
  keys::PrivateKeySigner signer(std::move(key).value());
  core::Commit commit;
  commit.tree = tree;
  commit.profile = "unixfs-v1-2025";
  commit.author = signer.address();
  commit.time = 1000;
  commit.message = "hostile";
  auto unsigned_block = core::encode_unsigned(commit);
  REQUIRE(unsigned_block.ok());
  auto signature = signer.sign_message(core::signing_digest(*unsigned_block));
  REQUIRE(signature.ok());
  commit.signature = *signature;
  auto block = core::encode_commit(commit);
  REQUIRE(block.ok());
  const auto cid = codec::Cid::of_block(1, codec::multicodec::dag_cbor, *block);
  REQUIRE(repository.objects().put(cid, *block).ok());
  return cid;
}

codec::PbLink link(const codec::Cid& cid, std::string name) { return {cid, std::move(name), 6}; }

std::vector<std::string> work_tree_names(const stdfs::path& root) {
  std::vector<std::string> names;
  for (const auto& entry : stdfs::recursive_directory_iterator(root)) {
    const auto relative = entry.path().lexically_relative(root).generic_string();
    if (relative.rfind(".mlchain", 0) != 0) names.push_back(relative);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("checkout safety: ordinary trees pass", "[checkout]") {
  CHECK(refusal({file_entry("a"), file_entry("dir/b"), empty_directory("empty"), symlink_entry("dir/link", "../a"),
                 symlink_entry("here", "."), symlink_entry("dir/up", ".."),
                 symlink_entry("deep/x/y", "../../dir/b")}) == "");
  CHECK(refusal({}) == "");
}

TEST_CASE("checkout safety: paths that leave the work tree or enter .mlchain are refused", "[checkout]") {
  CHECK_THAT(refusal({file_entry("/etc/passwd")}), Catch::Contains("'/etc/passwd'") && Catch::Contains("absolute"));
  CHECK_THAT(refusal({file_entry("a/../../b")}), Catch::Contains("'..' component"));
  CHECK_THAT(refusal({file_entry("a/./b")}), Catch::Contains("'.' component"));
  CHECK_THAT(refusal({file_entry("a//b")}), Catch::Contains("empty component"));
  CHECK_THAT(refusal({file_entry(".mlchain/HEAD")}), Catch::Contains("'.mlchain' component"));
  CHECK_THAT(refusal({file_entry("sub/.mlchain/refs/heads/main")}), Catch::Contains("'.mlchain' component"));
  CHECK_THAT(refusal({file_entry("")}), Catch::Contains("not a directory"));
}

TEST_CASE("checkout safety: version-control metadata in a tree is refused, in any letter case", "[checkout]") {
  CHECK_THAT(refusal({file_entry(".git/hooks/post-checkout")}), Catch::Contains("'.git' component"));
  CHECK_THAT(refusal({file_entry("code/.GIT/config")}), Catch::Contains("'.GIT' component"));
  CHECK_THAT(refusal({file_entry("sub/.hg/hgrc")}), Catch::Contains("'.hg' component"));
  CHECK_THAT(refusal({file_entry(".MLChain/HEAD")}), Catch::Contains("'.MLChain' component"));
  CHECK(refusal({file_entry(".github/workflows/ci.yml"), file_entry("git/x"), file_entry(".gitignore")}) == "");
}

TEST_CASE("checkout safety: symlinks pointing outside the work tree are refused", "[checkout]") {
  CHECK_THAT(refusal({symlink_entry("etc", "/etc")}), Catch::Contains("'etc'") && Catch::Contains("absolute"));
  CHECK_THAT(refusal({symlink_entry("up", "..")}), Catch::Contains("climbs out of the work tree"));
  CHECK_THAT(refusal({symlink_entry("a/b/up", "../../..")}), Catch::Contains("climbs out"));
  CHECK_THAT(refusal({symlink_entry("a/x", "../b/../../c")}), Catch::Contains("climbs out"));
  CHECK_THAT(refusal({symlink_entry("repo", ".mlchain/objects")}), Catch::Contains(".mlchain"));
  CHECK_THAT(refusal({symlink_entry("empty", "")}), Catch::Contains("empty"));
  // d/l is the work tree's root, so d/l/.. is its parent, although "a/d/l/.." reads as "a/d".
  CHECK_THAT(refusal({symlink_entry("d/l", ".."), symlink_entry("escape", "d/l/..")}),
             Catch::Contains("'escape'") && Catch::Contains("passing through 'd/l'"));
}

TEST_CASE("checkout safety: duplicate paths and entries below non-directories are refused", "[checkout]") {
  CHECK_THAT(refusal({file_entry("a"), file_entry("a")}), Catch::Contains("appears twice"));
  CHECK_THAT(refusal({symlink_entry("link", "dir"), file_entry("link/x")}),
             Catch::Contains("'link/x'") && Catch::Contains("below 'link'"));
  CHECK_THAT(refusal({file_entry("f"), file_entry("f/x")}), Catch::Contains("below 'f'"));
  CHECK_THAT(refusal({empty_directory("e"), file_entry("e/x")}), Catch::Contains("below 'e'"));
}

TEST_CASE("checkout refuses hostile trees before writing anything", "[checkout]") {
  TemporaryDirectory work;
  auto repository = repo::init_repository(work.path);
  REQUIRE(repository.ok());
  const auto hello = put_file(*repository, "hello\n");
  const auto dir = put_directory(*repository, {link(hello, "inner")});

  struct Case {
    const char* what;
    codec::Cid tree;
    const char* says;
    const char* verify_says;  // the problem kind verify reports
  };
  const std::vector<Case> cases{
      {"a '..' entry", put_directory(*repository, {link(hello, "a"), link(hello, "..")}), "'..'", "corrupt"},
      {"a '.mlchain' directory", put_directory(*repository, {link(hello, "a"), link(dir, ".mlchain")}), ".mlchain",
       "unsafe-path"},
      {"a '.git' directory", put_directory(*repository, {link(hello, "a"), link(dir, ".git")}), ".git", "unsafe-path"},
      {"an absolute symlink",
       put_directory(*repository, {link(hello, "a"), link(put_symlink(*repository, "/etc"), "z")}), "absolute",
       "unsafe-path"},
      {"a climbing symlink",
       put_directory(*repository, {link(hello, "a"), link(put_symlink(*repository, "../../x"), "z")}), "climbs out",
       "unsafe-path"},
      {"a name twice, as file and directory",
       put_directory(*repository, {link(hello, "a"), link(hello, "x"), link(dir, "x")}), "below 'x'", "unsafe-path"},
      {"a single file", hello, "not a directory", "unsafe-path"},
  };
  for (const auto& item : cases) {
    INFO(item.what);
    const auto commit = put_commit(*repository, item.tree);
    const auto outcome = repo::checkout(*repository, commit.to_string(), true);
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().kind == ErrorKind::corrupt);
    CHECK_THAT(outcome.error().message, Catch::Contains(item.says));
    CHECK(work_tree_names(work.path).empty());
    const auto head = repository->refs().read_head();
    REQUIRE(head.ok());
    CHECK(head->branch == std::optional<std::string>("main"));

    // verify, the deploy gate, does not call "ok" what checkout cannot write.
    repo::VerifyRequest request;
    request.revision = commit.to_string();
    const auto report = repo::verify(*repository, request);
    REQUIRE(report.ok());
    CHECK_FALSE(report->ok());
    const bool flagged = std::any_of(report->problems.begin(), report->problems.end(), [&](const auto& problem) {
      return repo::problem_kind_name(problem.kind) == item.verify_says;
    });
    CHECK(flagged);
  }

  const auto safe = put_commit(*repository, put_directory(*repository, {link(hello, "a"), link(dir, "sub")}));
  const auto outcome = repo::checkout(*repository, safe.to_string(), false);
  REQUIRE(outcome.ok());
  CHECK(outcome->files_written == 2);
  CHECK(work_tree_names(work.path) == std::vector<std::string>{"a", "sub", "sub/inner"});
}

namespace {

using mlchain::testing::read_text;
using mlchain::testing::write_text;

}  // namespace

TEST_CASE("checkout touches an untracked file only where REV puts something", "[checkout]") {
  TemporaryDirectory work;
  auto repository = repo::init_repository(work.path);
  REQUIRE(repository.ok());
  const auto hello = put_file(*repository, "hello\n");
  const auto world = put_file(*repository, "world\n");
  const auto one = put_commit(*repository, put_directory(*repository, {link(hello, "a")}));
  const auto two = put_commit(*repository, put_directory(*repository, {link(hello, "a"), link(world, "b")}));
  REQUIRE(repo::checkout(*repository, one.to_string(), false).ok());

  write_text(work.path / "untracked", "mine\n");
  REQUIRE(repo::checkout(*repository, two.to_string(), false).ok());
  REQUIRE(repo::checkout(*repository, two.to_string(), false).ok());  // the commit checked out already
  REQUIRE(repo::checkout(*repository, one.to_string(), true).ok());
  CHECK(work_tree_names(work.path) == std::vector<std::string>{"a", "untracked"});

  write_text(work.path / "b", "in the way\n");
  const auto refused = repo::checkout(*repository, two.to_string(), false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::refused);
  CHECK_THAT(refused.error().message, Catch::Contains("b (untracked)") && !Catch::Contains("'untracked'"));
  CHECK(read_text(work.path / "b") == "in the way\n");
  REQUIRE(repo::checkout(*repository, two.to_string(), true).ok());
  CHECK(read_text(work.path / "b") == "world\n");
  CHECK(read_text(work.path / "untracked") == "mine\n");
}

TEST_CASE("a checkout that fails while staging changes nothing", "[checkout]") {
  TemporaryDirectory work;
  auto repository = repo::init_repository(work.path);
  REQUIRE(repository.ok());
  const auto hello = put_file(*repository, "hello\n");
  const auto world = put_file(*repository, "world\n");
  const auto last = put_file(*repository, "last\n");
  const auto before = put_commit(*repository, put_directory(*repository, {link(hello, "a"), link(hello, "gone")}));
  const auto sub = put_directory(*repository, {link(world, "inner")});
  const auto after =
      put_commit(*repository, put_directory(*repository, {link(world, "a"), link(sub, "new"), link(last, "z")}));
  REQUIRE(repo::checkout(*repository, before.to_string(), false).ok());
  stdfs::permissions(repository->objects().path_of(last), stdfs::perms::owner_write, stdfs::perm_options::add);
  write_text(repository->objects().path_of(last), "LAST\n");

  for (const bool force : {false, true}) {
    const auto outcome = repo::checkout(*repository, after.to_string(), force);
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.error().kind == ErrorKind::corrupt);
    CHECK(work_tree_names(work.path) == std::vector<std::string>{"a", "gone"});
    CHECK(read_text(work.path / "a") == "hello\n");
    const auto head = repository->refs().read_head();
    REQUIRE(head.ok());
    CHECK(head->detached == std::optional<codec::Cid>(before));
  }
  const auto reset = repo::reset(*repository, after.to_string(), repo::ResetMode::hard);
  REQUIRE_FALSE(reset.ok());
  CHECK(work_tree_names(work.path) == std::vector<std::string>{"a", "gone"});
  const auto restored = repo::restore(*repository, {"."}, after.to_string());
  REQUIRE_FALSE(restored.ok());
  CHECK(work_tree_names(work.path) == std::vector<std::string>{"a", "gone"});
}

TEST_CASE("reset moves the branch HEAD names; --hard brings the work tree along", "[checkout]") {
  TemporaryDirectory work;
  auto repository = repo::init_repository(work.path);
  REQUIRE(repository.ok());
  const auto hello = put_file(*repository, "hello\n");
  const auto world = put_file(*repository, "world\n");
  const auto one = put_commit(*repository, put_directory(*repository, {link(hello, "a")}));
  const auto two = put_commit(*repository, put_directory(*repository, {link(world, "a"), link(world, "b")}));
  const auto main_ref = std::string(repo::heads_prefix) + "main";

  const auto soft = repo::reset(*repository, one.to_string(), repo::ResetMode::soft);
  REQUIRE(soft.ok());
  CHECK(soft->branch == std::optional<std::string>("main"));
  CHECK_FALSE(soft->previous.has_value());
  CHECK(work_tree_names(work.path).empty());
  CHECK(*repository->refs().read(main_ref) == std::optional<codec::Cid>(one));

  write_text(work.path / "untracked", "mine\n");
  const auto hard = repo::reset(*repository, two.to_string(), repo::ResetMode::hard);
  REQUIRE(hard.ok());
  CHECK(hard->previous == std::optional<codec::Cid>(one));
  REQUIRE(hard->work_tree.has_value());
  CHECK(hard->work_tree->files_written == 2);
  CHECK(*repository->refs().read(main_ref) == std::optional<codec::Cid>(two));
  CHECK(work_tree_names(work.path) == std::vector<std::string>{"a", "b", "untracked"});

  write_text(work.path / "a", "edited\n");
  const auto restored = repo::restore(*repository, {"a"}, one.to_string());
  REQUIRE(restored.ok());
  CHECK(restored->files_written == 1);
  CHECK(read_text(work.path / "a") == "hello\n");
  CHECK(*repository->refs().read(main_ref) == std::optional<codec::Cid>(two));
  const auto missing = repo::restore(*repository, {"b"}, one.to_string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);
  CHECK_THAT(missing.error().message, Catch::Contains("'b'"));
}

TEST_CASE("a lock held on HEAD or the branch is reported as locked, never as a moved HEAD", "[checkout]") {
  TemporaryDirectory work;
  auto repository = repo::init_repository(work.path);
  REQUIRE(repository.ok());
  const auto one = put_commit(*repository, put_directory(*repository, {link(put_file(*repository, "one\n"), "a")}));
  const auto two = put_commit(*repository, put_directory(*repository, {link(put_file(*repository, "two\n"), "a")}));
  REQUIRE(repo::reset(*repository, one.to_string(), repo::ResetMode::hard).ok());
  const auto main_ref = std::string(repo::heads_prefix) + "main";

  SECTION("checkout while HEAD.lock is held") {
    auto held = fs::LockFile::acquire(work.path / ".mlchain/HEAD").value();
    const auto switched = repo::checkout(*repository, two.to_string(), false);
    REQUIRE_FALSE(switched.ok());
    CHECK(switched.error().kind == ErrorKind::locked);
    CHECK_THAT(switched.error().message, Catch::Contains("HEAD.lock is held") && !Catch::Contains("HEAD moved"));
    CHECK(repository->refs().read_head().value().branch == std::optional<std::string>("main"));
  }
  SECTION("reset while the branch's lock is held") {
    auto held = fs::LockFile::acquire(work.path / ".mlchain/refs/heads/main").value();
    const auto moved = repo::reset(*repository, two.to_string(), repo::ResetMode::soft);
    REQUIRE_FALSE(moved.ok());
    CHECK(moved.error().kind == ErrorKind::locked);
    CHECK_THAT(moved.error().message, Catch::Contains("main.lock is held") && !Catch::Contains("HEAD moved"));
    CHECK(*repository->refs().read(main_ref) == std::optional<codec::Cid>(one));
  }
}
