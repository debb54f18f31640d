// The reflog (docs/format.md): its line format, that every ref and HEAD move is logged, and that gc keeps
// what young entries name and lets the rest go once they expire; what fsck finds beyond hashes.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/core/commit.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/repo/config.hpp"
#include "mlchain/repo/maintenance.hpp"
#include "mlchain/repo/repository.hpp"
#include "temporary_directory.hpp"
#include "unsigned_commit.hpp"

using namespace mlchain;
using mlchain::testing::TemporaryDirectory;
namespace stdfs = std::filesystem;

namespace {

codec::Cid commit_in(repo::Repository& repository, std::vector<codec::Cid> parents, std::int64_t time) {
  { std::ofstream(repository.work_tree() / "model.txt") << "at " << time; }
  const auto tree =
      fs::import_path(repository.work_tree() / "model.txt", unixfs::default_profile, repository.objects());
  return testing::store_unsigned_commit(repository.objects(), tree.value().cid, std::move(parents), time);
}

bool stored(repo::Repository& repository, const codec::Cid& cid) { return repository.objects().contains(cid).value(); }

}  // namespace

TEST_CASE("a reflog line round-trips, and what is not one is refused", "[repo][reflog]") {
  const auto a = codec::Cid::parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am").value();
  const repo::ReflogEntry entry{std::nullopt, a, "alice", 1700000000, -330, "checkout: moving from main to x"};
  const auto line = repo::format_reflog_entry(entry);
  CHECK(line == "- " + a.to_string() + " alice 1700000000 -0530\tcheckout: moving from main to x");
  CHECK(repo::parse_reflog_entry(line).value() == entry);

  auto with_newline = entry;
  with_newline.message = "two\nlines\x1b[31m";
  CHECK(repo::parse_reflog_entry(repo::format_reflog_entry(with_newline)).value().message == "two lines [31m");

  for (const std::string_view bad : {"garbage", "- - alice 1 +0000", "- - alice x +0000\tm", "- - alice 1 0000\tm",
                                     "nope - alice 1 +0000\tm", "- - 1 +0000\tm", "- - alice 1 +0000 extra\tm"})
    CHECK(repo::parse_reflog_entry(bad).error().kind == ErrorKind::corrupt);
}

TEST_CASE("every move of a ref and of HEAD is logged, a deletion included", "[repo][reflog]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  auto& refs = repository.refs();
  CHECK(refs.reflog("HEAD").value().empty());
  const auto c1 = commit_in(repository, {}, 1);
  const auto c2 = commit_in(repository, {c1}, 2);
  REQUIRE(refs.advance_head(std::nullopt, c1, "commit (initial): one"));
  REQUIRE(refs.advance_head(c1, c2));
  REQUIRE(refs.compare_and_swap("refs/heads/side", std::nullopt, c1, "branch: created"));
  REQUIRE(refs.switch_head({std::string("main"), std::nullopt}, c2, {std::nullopt, c1}));
  REQUIRE(refs.remove("refs/heads/side", c1));

  const auto head = refs.reflog("HEAD").value();
  REQUIRE(head.size() == 3);
  CHECK((head[0].old_target == std::nullopt && head[0].new_target == c1 && head[0].message == "commit (initial): one"));
  CHECK((head[1].old_target == c1 && head[1].new_target == c2 && head[1].message == "commit"));
  CHECK((head[2].old_target == c2 && head[2].new_target == c1 &&
         head[2].message == "checkout: moving from main to " + c1.to_string()));
  CHECK(refs.reflog("refs/heads/main").value().size() == 2);
  const auto side = refs.reflog("refs/heads/side").value();
  REQUIRE(side.size() == 2);
  CHECK((side[1].old_target == c1 && side[1].new_target == std::nullopt && side[1].message == "delete"));
  CHECK(refs.scan_reflogs().value().names == std::vector<std::string>{"HEAD", "refs/heads/main", "refs/heads/side"});
}

TEST_CASE("a reflog of many moves is read whole, and gc and fsck go on", "[repo][reflog][gc]") {
  // A ref file holds at most 4 KiB; its reflog grows by a line with every move, past that within a day's work.
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  auto& refs = repository.refs();
  const auto c1 = commit_in(repository, {}, 1);
  const auto c2 = commit_in(repository, {c1}, 2);
  REQUIRE(refs.advance_head(std::nullopt, c1, "commit (initial): one"));
  for (int i = 0; i < 200; ++i) REQUIRE(refs.advance_head(i % 2 ? c2 : c1, i % 2 ? c1 : c2, "reset: moving"));
  REQUIRE(std::filesystem::file_size(dir.path / ".mlchain" / "logs" / "HEAD") > 4 * 4096);  // a ref file's cap
  CHECK(refs.reflog("HEAD").value().size() == 201);
  // fsck reads every reflog (the commits here are unsigned, which it reports of their own).
  const auto report = repo::fsck(repository);
  REQUIRE(report.ok());
  for (const auto& problem : report->problems) {
    INFO(problem.subject + ": " + problem.detail);
    CHECK(problem.kind == repo::FsckProblem::Kind::bad_signature);
  }
  CHECK(repo::gc(repository, repo::GcOptions{}));
}

TEST_CASE("gc keeps what young reflog entries name, and removes it once they expire", "[repo][reflog][gc]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  auto& refs = repository.refs();
  const auto base = commit_in(repository, {}, 1);
  REQUIRE(refs.advance_head(std::nullopt, base));
  REQUIRE(refs.switch_head({std::string("main"), std::nullopt}, base, {std::nullopt, base}));
  const auto detached = commit_in(repository, {base}, 2);
  REQUIRE(refs.advance_head(base, detached));
  REQUIRE(refs.switch_head({std::nullopt, detached}, detached, {std::string("main"), std::nullopt}));

  const auto behind = repo::commits_left_behind(repository, detached).value();
  REQUIRE(behind.size() == 1);
  CHECK(behind[0].cid == detached);
  CHECK(repo::commits_left_behind(repository, base).value().empty());

  const auto logged_at = refs.reflog("HEAD").value().back().time;
  repo::GcOptions options;
  options.now = logged_at + 29 * 86400;
  auto kept = repo::gc(repository, options).value();
  CHECK(kept.objects_removed == 0);
  CHECK(stored(repository, detached));

  options.now = logged_at + 31 * 86400;
  options.dry_run = true;
  auto preview = repo::gc(repository, options).value();
  REQUIRE(preview.commits_removed.size() == 1);
  CHECK(preview.commits_removed[0].cid == detached);
  CHECK(preview.reflog_entries_expired == 5);  // four moves of HEAD, one of main
  CHECK(stored(repository, detached));
  CHECK(refs.reflog("HEAD").value().size() == 4);

  options.dry_run = false;
  auto removed = repo::gc(repository, options).value();
  CHECK(removed.objects_removed == preview.objects_removed);
  CHECK_FALSE(stored(repository, detached));
  CHECK(stored(repository, base));
  CHECK(refs.reflog("HEAD").value().empty());

  auto config = repo::Config::load(repository.paths().config()).value();
  CHECK(config.set("gc.reflog-expire", "soon").error().kind == ErrorKind::invalid_argument);
  CHECK(repo::parse_reflog_expire_seconds("90.days").value() == 90 * 86400);
  CHECK(repo::parse_reflog_expire_seconds("7").value() == 7 * 86400);
  CHECK(repo::parse_reflog_expire_seconds("never").value() == std::nullopt);
  CHECK(repo::parse_reflog_expire_seconds("now").value() == 0);
  CHECK(repo::parse_reflog_expire_seconds("-1").error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("a ref that is not a regular file is never taken for a missing one", "[repo][reflog][gc]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  const auto base = commit_in(repository, {}, 1);
  REQUIRE(repository.refs().compare_and_swap("refs/heads/side", std::nullopt, base));
  stdfs::remove(dir.path / ".mlchain/refs/heads/side");
  stdfs::create_directory(dir.path / ".mlchain/refs/heads/side");
  CHECK(repository.refs().read("refs/heads/side").error().kind == ErrorKind::corrupt);
  repo::GcOptions options;
  options.now = 4000000000;  // every reflog entry has expired: only the damaged ref could keep `base`
  auto refused = repo::gc(repository, options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::corrupt);
  CHECK(refused.error().message.find("refs/heads/side") != std::string::npos);
  CHECK(stored(repository, base));
}

TEST_CASE("fsck finds forged signatures, a config that does not parse and refs that are not files", "[repo][fsck]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  const auto unsigned_by_author = commit_in(repository, {}, 1);  // a signature no key of its author made
  REQUIRE(repository.refs().advance_head(std::nullopt, unsigned_by_author));
  { std::ofstream(dir.path / ".mlchain/config", std::ios::app) << "not a setting\n"; }
  REQUIRE(::mkfifo((dir.path / ".mlchain/refs/heads/pipe").c_str(), 0644) == 0);

  const auto report = repo::fsck(repository).value();
  auto found = [&](repo::FsckProblem::Kind kind, std::string_view subject) {
    return std::any_of(report.problems.begin(), report.problems.end(), [&](const repo::FsckProblem& problem) {
      return problem.kind == kind && problem.subject.find(subject) != std::string::npos;
    });
  };
  CHECK(found(repo::FsckProblem::Kind::bad_signature, unsigned_by_author.to_string()));
  CHECK(found(repo::FsckProblem::Kind::malformed, "config"));
  CHECK(found(repo::FsckProblem::Kind::unreadable, "refs/heads/pipe"));
}

TEST_CASE("fsck lists what the stores hold besides blocks under their names, and gc leaves it", "[repo][fsck][gc]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path).value();
  const auto head = commit_in(repository, {}, 1);
  REQUIRE(repository.refs().advance_head(std::nullopt, head));
  const auto objects = dir.path / ".mlchain/objects";
  // A note somebody left, a directory of theirs, and a copy of a stored block in another fan-out directory
  // than its own (where no read looks for it).
  { std::ofstream(objects / "README") << "notes\n"; }
  stdfs::create_directories(objects / "zz" / "mine");
  const auto block = repository.objects().path_of(head);
  const auto elsewhere = objects / (block.parent_path().filename() == "aa" ? "ab" : "aa") / block.filename();
  stdfs::create_directories(elsewhere.parent_path());
  stdfs::copy_file(block, elsewhere);
  // A temporary of a writer still running (this process) is neither a stray nor a leftover.
  const auto in_flight = objects / ("x.tmp-" + std::to_string(::getpid()) + "-1");
  { std::ofstream(in_flight) << "being written"; }

  const auto report = repo::fsck(repository).value();
  // The one problem is the commit's (commit_in does not sign it); no stray is one.
  for (const auto& problem : report.problems) CHECK(problem.kind == repo::FsckProblem::Kind::bad_signature);
  CHECK(report.leftovers.empty());
  auto strays = report.strays;
  std::sort(strays.begin(), strays.end());
  std::vector<stdfs::path> expected{objects / "README", objects / "zz" / "mine", elsewhere};
  std::sort(expected.begin(), expected.end());
  CHECK(strays == expected);

  repo::GcOptions options;
  options.now = 2'000'000'000;
  REQUIRE(repo::gc(repository, options).ok());
  for (const auto& path : expected) CHECK(stdfs::exists(path));
  CHECK(stored(repository, head));
}
