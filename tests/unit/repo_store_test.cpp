#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/core/commit.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/repo/config.hpp"
#include "mlchain/repo/maintenance.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"
#include "mlchain/unixfs/file_builder.hpp"
#include "temporary_directory.hpp"
#include "test_files.hpp"
#include "unsigned_commit.hpp"

using namespace mlchain;
using mlchain::testing::read_text;
using mlchain::testing::TemporaryDirectory;
using mlchain::testing::write_text;
namespace stdfs = std::filesystem;

namespace {

void flip_byte(const stdfs::path& path, std::streamoff offset) {
  stdfs::permissions(path, stdfs::perms::owner_write, stdfs::perm_options::add);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(offset);
  char byte = 0;
  file.read(&byte, 1);
  byte = static_cast<char>(byte ^ 0x01);
  file.seekp(offset);
  file.write(&byte, 1);
}

Bytes block_of(std::string_view text) {
  return codec::dag_cbor::encode(codec::dag_cbor::Map{{"note", std::string(text)}}).value();
}

codec::Cid cbor_cid(ByteView block) { return codec::Cid::of_block(1, codec::multicodec::dag_cbor, block); }

codec::Cid store_commit(repo::Repository& repository, const codec::Cid& tree, std::vector<codec::Cid> parents,
                        std::int64_t time) {
  return testing::store_unsigned_commit(repository.objects(), tree, std::move(parents), time);
}

}  // namespace

TEST_CASE("storage keys are CIDv1 base32, fanned out by the two characters before the last", "[repo][store]") {
  const auto v1 = codec::Cid::parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am").value();
  CHECK(repo::storage_key(v1) == v1.to_string());
  CHECK(repo::fanned_out_path("/r", v1) ==
        stdfs::path("/r/6a/bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am"));
  // A v0 CID is kept under its v1 form: base58's case would collide on case-insensitive file systems.
  const auto v0 = codec::Cid::parse("QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN").value();
  const auto key = repo::storage_key(v0);
  CHECK(key.substr(0, 4) == "bafy");
  CHECK(codec::Cid::parse(key).value().hash() == v0.hash());
  CHECK(repo::cid_of_storage_key(key).has_value());
  CHECK_FALSE(repo::cid_of_storage_key(".bafy.tmp-1-2").has_value());
  CHECK_FALSE(repo::cid_of_storage_key("QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN").has_value());
}

TEST_CASE("the object store keeps blocks once, re-hashes reads and names corruption", "[repo][store]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  auto& objects = repository.objects();
  const auto block = block_of("weights");
  const auto cid = cbor_cid(block);

  CHECK_FALSE(objects.contains(cid).value());
  auto absent = objects.get(cid);
  REQUIRE_FALSE(absent);
  CHECK(absent.error().kind == ErrorKind::not_found);
  CHECK_THAT(absent.error().message, Catch::Contains(cid.to_string()));

  REQUIRE(objects.put(cid, block));
  REQUIRE(objects.put(cid, block));  // identical contents: a no-op
  CHECK(objects.contains(cid).value());
  CHECK(objects.get(cid).value() == block);
  CHECK(read_text(objects.path_of(cid)).size() == block.size());
  std::size_t stored = 0;
  REQUIRE(objects.for_each([&](const codec::Cid& found) -> Status {
    CHECK(found == cid);
    ++stored;
    return {};
  }));
  CHECK(stored == 1);

  // A block that does not hash to its CID is a caller's bug, and nothing is written.
  const auto other = block_of("other");
  auto wrong = objects.put(cbor_cid(other), block);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().kind == ErrorKind::internal);
  CHECK_FALSE(stdfs::exists(objects.path_of(cbor_cid(other))));

  // One flipped byte: the read fails with the CID and the path, never the wrong bytes.
  flip_byte(objects.path_of(cid), 3);
  auto corrupt = objects.get(cid);
  REQUIRE_FALSE(corrupt);
  CHECK(corrupt.error().kind == ErrorKind::corrupt);
  CHECK_THAT(corrupt.error().message, Catch::Contains(cid.to_string()));
  CHECK_THAT(corrupt.error().message, Catch::Contains(objects.path_of(cid).string()));
}

namespace {

// An older repository's one-chunk file: whole in files/, its leaf nowhere else.
codec::Cid store_whole_the_old_way(repo::Repository& repository, const stdfs::path& source,
                                   const unixfs::Profile& profile) {
  unixfs::DiscardingBlockSink nowhere;
  const auto cid = fs::import_file(source, profile, nowhere).value().cid;
  const auto whole = repository.contents().path_of(cid);
  stdfs::create_directories(whole.parent_path());
  stdfs::copy_file(source, whole);
  return cid;
}

}  // namespace

TEST_CASE("file leaves are stored as blocks; one-chunk files stored whole by older versions serve as leaves",
          "[repo][store]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path / "w").value();
  write_text(dir.path / "hello.txt", "hello\n");
  write_text(dir.path / "older.txt", "older\n");
  for (const auto* profile : {&unixfs::unixfs_v1_2025, &unixfs::unixfs_v0_2015}) {
    auto node = fs::import_file(dir.path / "hello.txt", *profile, repository.objects()).value();
    CHECK(stdfs::exists(repository.objects().path_of(node.cid)));
    CHECK(repository.objects().contains(node.cid).value());
    CHECK(node.cid.matches(repository.objects().get(node.cid).value()));

    const auto old = store_whole_the_old_way(repository, dir.path / "older.txt", *profile);
    CHECK_FALSE(stdfs::exists(repository.objects().path_of(old)));
    CHECK(repository.objects().contains(old).value());
    CHECK(old.matches(repository.objects().get(old).value()));
  }
  // Inner nodes of a file of several chunks are stored.
  write_text(dir.path / "big.bin", std::string(3 * 1024 * 1024 + 5, 'x'));
  auto big = fs::import_file(dir.path / "big.bin", unixfs::unixfs_v1_2025, repository.objects()).value();
  CHECK(stdfs::exists(repository.objects().path_of(big.cid)));
}

TEST_CASE("materialize writes a new file with the mode asked for, never over an existing one", "[repo][store]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path / "w").value();
  auto& contents = repository.contents();
  write_text(dir.path / "tokenizer.json", "tokenizer contents");
  const auto cid = unixfs::make_leaf(unixfs::unixfs_v1_2025, as_bytes(std::string("tokenizer contents"))).cid;
  REQUIRE(contents.store_copy(dir.path / "tokenizer.json", cid, unixfs::unixfs_v1_2025));
  REQUIRE(contents.materialize(cid, unixfs::unixfs_v1_2025, dir.path / "out.tmp", 0640));
  CHECK(read_text(dir.path / "out.tmp") == "tokenizer contents");
  CHECK((stdfs::status(dir.path / "out.tmp").permissions() & stdfs::perms::all) ==
        (stdfs::perms::owner_read | stdfs::perms::owner_write | stdfs::perms::group_read));
  auto exists = contents.materialize(cid, unixfs::unixfs_v1_2025, dir.path / "out.tmp");
  CHECK_FALSE(exists);
  CHECK(read_text(dir.path / "out.tmp") == "tokenizer contents");

  // store_copy refuses a source that does not hash to the CID it is given.
  write_text(dir.path / "liar.txt", "not the contents");
  const auto claimed = unixfs::make_leaf(unixfs::unixfs_v1_2025, as_bytes(std::string("something else"))).cid;
  CHECK(contents.store_copy(dir.path / "liar.txt", claimed, unixfs::unixfs_v1_2025).error().kind == ErrorKind::corrupt);
  CHECK_FALSE(contents.contains(claimed).value());
}

TEST_CASE("refs move only by compare-and-swap", "[repo][refs]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  auto& refs = repository.refs();
  const auto a = cbor_cid(block_of("a"));
  const auto b = cbor_cid(block_of("b"));

  CHECK_FALSE(refs.read("refs/heads/main").value().has_value());
  REQUIRE(refs.compare_and_swap("refs/heads/main", std::nullopt, a));
  CHECK(read_text(dir.path / ".mlchain/refs/heads/main") == a.to_string() + "\n");
  CHECK(refs.compare_and_swap("refs/heads/main", std::nullopt, b).error().kind == ErrorKind::changed_concurrently);
  auto stale = refs.compare_and_swap("refs/heads/main", b, a);
  REQUIRE_FALSE(stale);
  CHECK(stale.error().kind == ErrorKind::changed_concurrently);
  CHECK_THAT(stale.error().message, Catch::Contains("refs/heads/main"));
  REQUIRE(refs.compare_and_swap("refs/heads/main", a, b));
  CHECK(refs.read("refs/heads/main").value() == b);
  CHECK_FALSE(stdfs::exists(dir.path / ".mlchain/refs/heads/main.lock"));

  REQUIRE(refs.compare_and_swap("refs/tags/v1", std::nullopt, a));
  REQUIRE(refs.compare_and_swap("refs/remotes/origin/main", std::nullopt, a));
  auto heads = refs.list("refs/heads/").value();
  REQUIRE(heads.size() == 1);
  CHECK(heads[0].name == "refs/heads/main");
  CHECK(refs.list("refs/").value().size() == 3);

  CHECK(refs.remove("refs/tags/v1", b).error().kind == ErrorKind::changed_concurrently);
  REQUIRE(refs.remove("refs/tags/v1", a));
  CHECK(refs.remove("refs/tags/v1", a).error().kind == ErrorKind::not_found);
  CHECK(refs.compare_and_swap("refs/heads/bad..name", std::nullopt, a).error().kind == ErrorKind::invalid_argument);
  CHECK(refs.compare_and_swap("heads/main", std::nullopt, a).error().kind == ErrorKind::invalid_argument);

  write_text(dir.path / ".mlchain/refs/heads/torn", a.to_string());  // no newline
  CHECK(refs.read("refs/heads/torn").error().kind == ErrorKind::corrupt);
}

TEST_CASE("HEAD names a branch or a commit; advance_head and switch_head compare before they write", "[repo][refs]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  auto& refs = repository.refs();
  const auto a = cbor_cid(block_of("a"));
  const auto b = cbor_cid(block_of("b"));

  auto head = refs.read_head().value();
  CHECK(head.branch == "main");
  CHECK_FALSE(refs.head_commit().value().has_value());
  REQUIRE(refs.advance_head(std::nullopt, a));
  CHECK(refs.read("refs/heads/main").value() == a);
  CHECK(refs.advance_head(std::nullopt, b).error().kind == ErrorKind::changed_concurrently);

  const repo::Head on_main{std::string("main"), std::nullopt};
  const repo::Head detached_at_a{std::nullopt, a};
  CHECK(refs.switch_head(on_main, b, detached_at_a).error().kind == ErrorKind::changed_concurrently);  // main is at a
  CHECK(read_text(dir.path / ".mlchain/HEAD") == "ref: refs/heads/main\n");
  REQUIRE(refs.switch_head(on_main, a, detached_at_a));
  CHECK(read_text(dir.path / ".mlchain/HEAD") == a.to_string() + "\n");
  REQUIRE(refs.advance_head(a, b));
  CHECK(refs.head_commit().value() == b);
  CHECK(refs.read("refs/heads/main").value() == a);  // a detached HEAD moves alone
  CHECK(refs.switch_head(detached_at_a, a, on_main).error().kind ==
        ErrorKind::changed_concurrently);  // HEAD moved to b
  REQUIRE(refs.switch_head({std::nullopt, b}, b, on_main));
  CHECK(read_text(dir.path / ".mlchain/HEAD") == "ref: refs/heads/main\n");
}

TEST_CASE("of two processes racing on one ref, exactly one wins", "[repo][refs]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  const auto base = cbor_cid(block_of("base"));
  REQUIRE(repository.refs().compare_and_swap("refs/heads/main", std::nullopt, base));
  for (int round = 0; round < 10; ++round) {
    const auto start = repository.refs().read("refs/heads/main").value().value();
    const auto mine = cbor_cid(block_of("parent " + std::to_string(round)));
    const auto theirs = cbor_cid(block_of("child " + std::to_string(round)));
    int go[2];
    REQUIRE(::pipe(go) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      char byte = 0;
      ::close(go[1]);
      if (::read(go[0], &byte, 1) != 1) ::_exit(99);
      repo::RefStore refs(dir.path / ".mlchain");
      auto swapped = refs.compare_and_swap("refs/heads/main", start, theirs);
      // 0: won; 1: lost the compare-and-swap; 2: failed some other way.
      ::_exit(swapped ? 0 : swapped.error().kind == ErrorKind::changed_concurrently ? 1 : 2);
    }
    ::close(go[0]);
    REQUIRE(::write(go[1], "x", 1) == 1);
    ::close(go[1]);
    auto swapped = repository.refs().compare_and_swap("refs/heads/main", start, mine);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    const int child_code = WEXITSTATUS(status);
    const bool parent_won = swapped.ok();
    const bool child_won = child_code == 0;
    CHECK(parent_won != child_won);
    if (parent_won)
      CHECK(child_code == 1);
    else
      CHECK(swapped.error().kind == ErrorKind::changed_concurrently);
    CHECK(repository.refs().read("refs/heads/main").value() == (parent_won ? mine : theirs));
  }
}

TEST_CASE("revisions resolve names, CIDs, short CIDs and ancestry steps to commits", "[repo][revisions]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  write_text(dir.path / "bundle/a.txt", "a");
  const auto tree = fs::import_path(dir.path / "bundle", unixfs::default_profile, repository.objects()).value().cid;
  const auto c1 = store_commit(repository, tree, {}, 1);
  const auto c2 = store_commit(repository, tree, {c1}, 2);
  const auto side = store_commit(repository, tree, {c1}, 3);
  const auto merge = store_commit(repository, tree, {c2, side}, 4);
  REQUIRE(repository.refs().advance_head(std::nullopt, merge));
  REQUIRE(repository.refs().compare_and_swap("refs/tags/first", std::nullopt, c1));
  REQUIRE(repository.refs().compare_and_swap("refs/remotes/origin/main", std::nullopt, c2));

  auto resolve = [&](std::string_view text) { return repo::resolve_revision(repository, text); };
  CHECK(resolve("HEAD").value() == merge);
  CHECK(resolve("main").value() == merge);
  CHECK(resolve("first").value() == c1);
  CHECK(resolve("origin/main").value() == c2);
  CHECK(resolve(c2.to_string()).value() == c2);
  CHECK(resolve(side.to_string().substr(0, 30)).value() == side);
  CHECK(resolve("HEAD^").value() == c2);
  CHECK(resolve("HEAD^2").value() == side);
  CHECK(resolve("HEAD~2").value() == c1);
  CHECK(resolve("main^2~1").value() == c1);

  CHECK(resolve("HEAD~3").error().kind == ErrorKind::not_found);
  CHECK(resolve("HEAD^3").error().kind == ErrorKind::not_found);
  CHECK(resolve("nothing").error().kind == ErrorKind::not_found);
  CHECK(resolve("HEAD~").value() == c2);
  CHECK(resolve("~1").error().kind == ErrorKind::invalid_argument);
  auto ambiguous = resolve("bafyrei");
  REQUIRE_FALSE(ambiguous);
  CHECK(ambiguous.error().kind == ErrorKind::invalid_argument);
  CHECK_THAT(ambiguous.error().message, Catch::Contains(c1.to_string()) && Catch::Contains(merge.to_string()));
  CHECK(resolve(tree.to_string()).error().kind == ErrorKind::invalid_argument);

  // A missing parent is named.
  const auto absent = cbor_cid(block_of("never stored"));
  const auto orphan = store_commit(repository, tree, {absent}, 5);
  auto missing = resolve(orphan.to_string() + "~1");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::not_found);
  CHECK_THAT(missing.error().message, Catch::Contains(absent.to_string()));

  // Short CIDs are long enough to tell the stored commits apart.
  const auto commits = repo::stored_commits(repository.objects()).value();
  CHECK(commits.size() == 5);
  for (const auto& cid : commits) {
    const auto prefix = repo::short_cid(cid, commits);
    CHECK(prefix.size() >= 14);
    CHECK(resolve(prefix).value() == cid);
  }
}

TEST_CASE("config keeps comments, replaces settings in place and refuses unknown keys", "[repo][config]") {
  TemporaryDirectory dir;
  const auto path = dir.path / "config";
  write_text(path, "# settings\nuser.name = Ada\n\n  user.key=main-key  \n");
  auto config = repo::Config::load(path).value();
  CHECK(config.get("user.name") == "Ada");
  CHECK(config.get("user.key") == "main-key");
  CHECK_FALSE(config.get("user.email").has_value());
  REQUIRE(config.set("user.name", "Grace Hopper"));
  REQUIRE(config.save());
  CHECK(read_text(path) == "# settings\nuser.name = Grace Hopper\n\n  user.key=main-key  \n");

  CHECK(config.set("user.email", "x").error().kind == ErrorKind::invalid_argument);
  CHECK_THAT(config.set("user.email", "x").error().message,
             Catch::Contains("user.key") && Catch::Contains("user.name"));
  CHECK(config.set("User.name", "x").error().kind == ErrorKind::invalid_argument);
  CHECK(config.set("user.name", "a\nb").error().kind == ErrorKind::invalid_argument);
  CHECK(repo::check_config_key("user.name"));
  CHECK_FALSE(repo::check_config_key("name"));

  write_text(path, "user.name Ada\n");
  auto broken = repo::Config::load(path);
  REQUIRE_FALSE(broken);
  CHECK_THAT(broken.error().message, Catch::Contains(path.string() + ":1"));
  CHECK(repo::Config::load(dir.path / "absent").value().get("user.name") == std::nullopt);
}

TEST_CASE("discovery walks up to the nearest repository; init refuses inside one", "[repo]") {
  TemporaryDirectory dir;
  REQUIRE(repo::init_repository(dir.path / "model"));
  stdfs::create_directories(dir.path / "model/a/b");
  auto found = repo::discover_repository(dir.path / "model/a/b").value();
  CHECK(found.work_tree() == stdfs::weakly_canonical(dir.path / "model"));
  CHECK(repo::discover_repository(dir.path).error().kind == ErrorKind::not_found);
  CHECK(repo::init_repository(dir.path / "model/a").error().kind == ErrorKind::exists);
  CHECK(repo::init_repository(dir.path / "model").error().kind == ErrorKind::exists);
}

TEST_CASE("gc waits for writers and writers wait for gc", "[repo]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  {
    auto first = repo::lock_for_writing(repository).value();
    auto second = repo::lock_for_writing(repository, std::chrono::milliseconds(0));
    CHECK(second.ok());  // writers share
    auto gc = repo::lock_for_gc(repository, std::chrono::milliseconds(50));
    REQUIRE_FALSE(gc);
    CHECK(gc.error().kind == ErrorKind::locked);
  }
  auto gc = repo::lock_for_gc(repository, std::chrono::milliseconds(0));
  REQUIRE(gc);
  CHECK(repo::lock_for_writing(repository, std::chrono::milliseconds(50)).error().kind == ErrorKind::locked);
}

TEST_CASE("temporary files are abandoned only when their writer is gone", "[repo]") {
  CHECK(repo::is_abandoned_temporary("/x/.incoming.tmp-999999-0"));
  CHECK_FALSE(repo::is_abandoned_temporary("/x/.incoming.tmp-" + std::to_string(::getpid()) + "-0"));
  CHECK_FALSE(repo::is_abandoned_temporary("/x/.incoming.tmp-1-0"));  // init always runs
  CHECK_FALSE(repo::is_abandoned_temporary("/x/bafyfoo"));
  CHECK_FALSE(repo::is_abandoned_temporary("/x/.a.tmp-12x-0"));
}

TEST_CASE("reads of the store never follow a symlink, wait on a FIFO or read without bound", "[repo][store][damage]") {
  // A read that blocks or never ends fails the test instead of hanging the suite.
  ::alarm(20);
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path / "w").value();
  auto& objects = repository.objects();
  const auto block = block_of("weights");
  const auto cid = cbor_cid(block);
  REQUIRE(objects.put(cid, block));
  const auto path = objects.path_of(cid);
  write_text(dir.path / "copy", std::string(block.begin(), block.end()));

  auto refused = [&](const stdfs::path& at, auto read) {
    INFO(at.string());
    auto result = read();
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::corrupt);
    CHECK_THAT(result.error().message, Catch::Contains(at.string()));
  };
  auto plant = [](const stdfs::path& at, const std::function<void()>& make) {
    std::error_code ignored;
    stdfs::remove_all(at, ignored);
    make();
  };
  auto get = [&] { return objects.get(cid); };
  plant(path, [&] { REQUIRE(::mkfifo(path.c_str(), 0644) == 0); });
  refused(path, get);
  plant(path, [&] { stdfs::create_symlink("/dev/zero", path); });
  refused(path, get);
  plant(path, [&] { stdfs::create_symlink(dir.path / "copy", path); });  // the right bytes, still a symlink
  refused(path, get);
  plant(path, [&] { stdfs::create_directory(path); });
  refused(path, get);
  plant(path, [&] { write_text(path, std::string(3 * 1024 * 1024, 'x')); });
  refused(path, get);

  // An older repository's one-chunk file is its own leaf, rebuilt from files/: that read is capped and
  // checked too.
  write_text(dir.path / "hello.txt", "hello\n");
  struct Leaf {
    codec::Cid cid;
  } leaf{store_whole_the_old_way(repository, dir.path / "hello.txt", unixfs::unixfs_v1_2025)};
  const auto contents_path = repository.contents().path_of(leaf.cid);
  plant(contents_path, [&] { stdfs::create_symlink("/dev/zero", contents_path); });
  refused(contents_path, [&] { return objects.get(leaf.cid); });
  refused(contents_path, [&] { return repository.contents().check(leaf.cid, unixfs::unixfs_v1_2025); });
  plant(contents_path, [&] { REQUIRE(::mkfifo(contents_path.c_str(), 0644) == 0); });
  refused(contents_path, [&] { return repository.contents().check(leaf.cid, unixfs::unixfs_v1_2025); });

  // A ref that is a FIFO is never opened: the listing reports it as damaged (so nothing forgets the
  // branch and gc refuses to run) and reading it is refused.
  const auto ref = dir.path / "w/.mlchain/refs/heads/main";
  plant(ref, [&] { REQUIRE(::mkfifo(ref.c_str(), 0644) == 0); });
  const auto listing = repository.refs().scan("refs/").value();
  CHECK(listing.names.empty());
  REQUIRE(listing.damaged.size() == 1);
  CHECK(listing.damaged.front().path == ref);
  refused(ref, [&] { return repository.refs().names("refs/"); });
  refused(ref, [&] { return repository.refs().read("refs/heads/main"); });
  refused(ref, [&] { return repository.refs().head_commit(); });
  const auto head = dir.path / "w/.mlchain/HEAD";
  plant(head, [&] { stdfs::create_symlink("/dev/zero", head); });
  refused(head, [&] { return repository.refs().read_head(); });
  const auto config = repository.paths().config();
  plant(config, [&] { REQUIRE(::mkfifo(config.c_str(), 0644) == 0); });
  refused(config, [&] { return repo::Config::load(config); });

  // A fan-out directory that is a symlink is not walked into.
  const auto elsewhere = dir.path / "elsewhere";
  stdfs::create_directories(elsewhere);
  write_text(elsewhere / cid.to_string(), "x");
  stdfs::create_symlink(elsewhere, objects.root() / "zz");
  std::vector<codec::Cid> listed;
  REQUIRE(objects.for_each([&](const codec::Cid& found) -> Status {
    listed.push_back(found);
    return {};
  }));
  CHECK(listed == std::vector<codec::Cid>{cid});
  ::alarm(0);
}
