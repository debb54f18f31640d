#include "mlchain/repo/maintenance.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <functional>
#include <set>

#include "mlchain/chain/journal.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/tree.hpp"
#include "disk.hpp"

namespace mlchain::repo {
namespace {

namespace stdfs = std::filesystem;

// The file roots a commit's tree needs: dag-pb roots may come from either profile (a v1 CID of a
// dag-pb file says nothing more), raw ones only from unixfs-v1-2025.
Status check_contents(const ContentStore& contents, const codec::Cid& cid) {
  if (cid.version() == 0 || cid.codec() == codec::multicodec::raw) return contents.check(cid, profile_of_cid(cid));
  auto as_v1 = contents.check(cid, unixfs::unixfs_v1_2025);
  if (as_v1.ok() || as_v1.error().code != ErrorCode::verification_failed) return as_v1;
  if (contents.check(cid, unixfs::unixfs_v0_2015).ok()) return {};
  return as_v1;
}

// Every temporary file a writer of this library may leave: in the stores, under refs/, and beside HEAD
// and config.
std::vector<stdfs::path> temporaries(const Repository& repository) {
  std::vector<stdfs::path> found;
  auto note = [&](const stdfs::path& path) {
    if (path.filename().string().find(".tmp-") != std::string::npos) found.push_back(path);
  };
  std::error_code error;
  for (const auto& root : {repository.paths().objects(), repository.paths().files(), repository.paths().refs(),
                            repository.paths().journal()})
    for (stdfs::recursive_directory_iterator walk(root, error), end; !error && walk != end; walk.increment(error))
      note(walk->path());
  for (stdfs::directory_iterator walk(repository.paths().dir, error), end; !error && walk != end; walk.increment(error))
    note(walk->path());
  for (stdfs::directory_iterator walk(repository.work_tree(), error), end; !error && walk != end; walk.increment(error))
    if (walk->path().filename().string().rfind(std::string(".") + repository_directory_name + ".tmp-", 0) == 0)
      note(walk->path());
  // Checkout's temporaries sit beside the files they become, anywhere in the work tree.
  stdfs::recursive_directory_iterator walk(repository.work_tree(), stdfs::directory_options::skip_permission_denied, error);
  for (stdfs::recursive_directory_iterator end; !error && walk != end; walk.increment(error)) {
    if (walk->path().filename() == repository_directory_name) {
      walk.disable_recursion_pending();
      continue;
    }
    std::error_code ignored;
    if (disk::is_work_tree_temporary(walk->path().filename().string()) &&
        walk->symlink_status(ignored).type() != stdfs::file_type::directory)
      note(walk->path());
  }
  return found;
}

std::uint64_t size_of(const stdfs::path& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
}

// The commits reachable from HEAD and the refs, with everything their trees hold, in storage keys.
struct Reachable {
  std::set<std::string> blocks;
  std::set<std::string> files;
};

class Marker {
 public:
  explicit Marker(Repository& repository) : repository_(repository) {}

  // Calls `on_problem` for what cannot be followed and goes on (fsck); gc stops at the first one instead.
  using OnProblem = std::function<Status(FsckProblem)>;

  Status mark_commit(const codec::Cid& start, const OnProblem& on_problem) {
    std::vector<std::pair<codec::Cid, std::optional<codec::Cid>>> pending{{start, std::nullopt}};
    while (!pending.empty()) {
      auto [cid, child] = pending.back();
      pending.pop_back();
      if (!reachable_.blocks.insert(storage_key(cid)).second) continue;
      auto commit = core::load_commit(repository_.objects(), cid);
      if (!commit) {
        const auto kind = commit.error().code == ErrorCode::not_found ? FsckProblem::Kind::missing : FsckProblem::Kind::corrupt;
        std::string detail = commit.error().message;
        if (child) detail += " (parent of " + child->to_string() + ")";
        MLCHAIN_TRY_STATUS(on_problem({kind, cid.to_string(), detail}));
        continue;
      }
      MLCHAIN_TRY_STATUS(mark_tree(commit->tree, cid, on_problem));
      for (const auto& parent : commit->parents) pending.push_back({parent, cid});
    }
    return {};
  }

  // A root that is not a commit (a file the index has hashed): it and, when its blocks are stored, the
  // whole DAG under it. Absent is fine: the index is a cache, and names files that were never stored.
  Status mark_other(const codec::Cid& cid) {
    reachable_.blocks.insert(storage_key(cid));
    reachable_.files.insert(storage_key(cid));
    auto reach = core::reach_of_tree(repository_.objects(), cid);
    if (!reach) return reach.error().code == ErrorCode::not_found ? Status{} : Status{std::move(reach).error()};
    for (const auto& block : reach->blocks) reachable_.blocks.insert(storage_key(block));
    for (const auto& file : reach->file_roots) reachable_.files.insert(storage_key(file));
    return {};
  }

  const Reachable& reachable() const { return reachable_; }
  const std::vector<std::pair<codec::Cid, codec::Cid>>& file_roots() const { return file_roots_; }

 private:
  Status mark_tree(const codec::Cid& tree, const codec::Cid& commit, const OnProblem& on_problem) {
    if (!trees_.insert(storage_key(tree)).second) return {};
    auto reach = core::reach_of_tree(repository_.objects(), tree);
    if (!reach) {
      const auto kind = reach.error().code == ErrorCode::not_found ? FsckProblem::Kind::missing : FsckProblem::Kind::corrupt;
      return on_problem({kind, tree.to_string(), reach.error().message + " (tree of commit " + commit.to_string() + ")"});
    }
    for (const auto& block : reach->blocks) reachable_.blocks.insert(storage_key(block));
    for (const auto& file : reach->file_roots)
      if (reachable_.files.insert(storage_key(file)).second) file_roots_.push_back({file, commit});
    return {};
  }

  Repository& repository_;
  Reachable reachable_;
  std::set<std::string> trees_;
  std::vector<std::pair<codec::Cid, codec::Cid>> file_roots_;  // (file, a commit that holds it)
};

// HEAD's commit and every ref's target, each with the name it was reached by.
Result<std::vector<std::pair<std::string, codec::Cid>>> roots_of(Repository& repository) {
  std::vector<std::pair<std::string, codec::Cid>> roots;
  MLCHAIN_TRY(auto head, repository.refs().head_commit());
  if (head) roots.push_back({"HEAD", *head});
  MLCHAIN_TRY(auto refs, repository.refs().list("refs/"));
  for (auto& ref : refs) roots.push_back({std::move(ref.name), ref.target});
  return roots;
}

}  // namespace

bool is_abandoned_temporary(const stdfs::path& path) {
  const std::string name = path.filename().string();
  const auto marker = name.rfind(".tmp-");
  if (marker == std::string::npos) return false;
  const char* first = name.data() + marker + 5;
  const char* last = name.data() + name.size();
  long pid = 0;
  const auto [end, error] = std::from_chars(first, last, pid);
  if (error != std::errc() || end == last || *end != '-' || pid <= 0) return false;
  if (pid == ::getpid()) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

Result<FsckReport> fsck(Repository& repository) {
  FsckReport report;
  auto problem = [&](FsckProblem found) -> Status {
    report.problems.push_back(std::move(found));
    return {};
  };

  MLCHAIN_TRY_STATUS(repository.objects().for_each([&](const codec::Cid& cid) -> Status {
    ++report.objects_checked;
    auto block = repository.objects().get(cid);
    if (!block) return problem({FsckProblem::Kind::corrupt, cid.to_string(), block.error().message});
    return {};
  }));
  MLCHAIN_TRY_STATUS(repository.contents().for_each([&](const codec::Cid& cid) -> Status {
    ++report.files_checked;
    auto checked = check_contents(repository.contents(), cid);
    if (!checked) return problem({FsckProblem::Kind::corrupt, cid.to_string(), checked.error().message});
    return {};
  }));

  auto head = repository.refs().read_head();
  if (!head) {
    report.problems.push_back({FsckProblem::Kind::bad_ref, "HEAD", head.error().message});
    return report;
  }
  // HEAD's branch is read even when the walk of refs/ does not list it (a directory in its place).
  if (auto branch = repository.refs().head_commit(); !branch && branch.error().code != ErrorCode::not_found)
    report.problems.push_back({FsckProblem::Kind::bad_ref, "HEAD", branch.error().message});
  MLCHAIN_TRY(auto names, repository.refs().names("refs/"));
  std::vector<std::pair<std::string, codec::Cid>> roots;
  if (head->detached) roots.push_back({"HEAD", *head->detached});
  for (auto& name : names) {
    auto target = repository.refs().read(name);
    if (!target) {
      ++report.refs_checked;
      report.problems.push_back({FsckProblem::Kind::bad_ref, name, target.error().message});
    } else if (*target) {
      roots.push_back({std::move(name), **target});
    }
  }

  Marker marker(repository);
  for (const auto& [name, target] : roots) {
    ++report.refs_checked;
    auto commit = core::load_commit(repository.objects(), target);
    if (!commit) {
      MLCHAIN_TRY_STATUS(problem({FsckProblem::Kind::bad_ref, name, name + " names " + target.to_string() + ", which " +
                                                                        "is not a stored commit: " + commit.error().message}));
      continue;
    }
    MLCHAIN_TRY_STATUS(marker.mark_commit(target, problem));
  }
  for (const auto& [file, commit] : marker.file_roots()) {
    MLCHAIN_TRY(const bool stored, repository.contents().contains(file));
    if (!stored)
      MLCHAIN_TRY_STATUS(problem({FsckProblem::Kind::missing, file.to_string(),
                                  "the contents of " + file.to_string() + " (in commit " + commit.to_string() +
                                      ") are not in the repository"}));
  }
  for (auto& path : temporaries(repository))
    if (is_abandoned_temporary(path)) report.leftovers.push_back(std::move(path));
  MLCHAIN_TRY(const auto journal, chain::Journal(repository.paths().journal()).scan());
  for (const auto& bad : journal.problems)
    MLCHAIN_TRY_STATUS(problem({FsckProblem::Kind::corrupt, bad.file.string(),
                                "malformed journal entry: " + bad.detail + " (its transaction may still be in flight)"}));
  return report;
}

Result<GcReport> gc(Repository& repository, const std::vector<codec::Cid>& extra_roots) {
  MLCHAIN_TRY(auto lock, lock_for_gc(repository));
  Marker marker(repository);
  auto stop = [](FsckProblem found) -> Status {
    return make_error(found.kind == FsckProblem::Kind::missing ? ErrorCode::not_found : ErrorCode::verification_failed,
                      found.detail + "; gc removed nothing (run 'mlchain fsck')");
  };
  MLCHAIN_TRY(auto roots, roots_of(repository));
  for (const auto& [name, target] : roots) MLCHAIN_TRY_STATUS(marker.mark_commit(target, stop));
  // Commits an open transaction names stay while it may still settle (the next push finishes it).
  MLCHAIN_TRY(const auto journaled, chain::Journal(repository.paths().journal()).entries());
  for (const auto& commit : chain::journal_commits(journaled)) MLCHAIN_TRY_STATUS(marker.mark_commit(commit, stop));
  for (const auto& root : extra_roots) {
    if (root.codec() == codec::multicodec::dag_cbor)
      MLCHAIN_TRY_STATUS(marker.mark_commit(root, stop));
    else
      MLCHAIN_TRY_STATUS(marker.mark_other(root));
  }

  GcReport report;
  const auto& reachable = marker.reachable();
  std::vector<codec::Cid> unreachable;
  MLCHAIN_TRY_STATUS(repository.objects().for_each([&](const codec::Cid& cid) -> Status {
    if (!reachable.blocks.contains(storage_key(cid))) unreachable.push_back(cid);
    return {};
  }));
  for (const auto& cid : unreachable) {
    report.bytes_freed += size_of(repository.objects().path_of(cid));
    MLCHAIN_TRY_STATUS(repository.objects().remove(cid));
    ++report.objects_removed;
  }
  unreachable.clear();
  MLCHAIN_TRY_STATUS(repository.contents().for_each([&](const codec::Cid& cid) -> Status {
    if (!reachable.files.contains(storage_key(cid))) unreachable.push_back(cid);
    return {};
  }));
  for (const auto& cid : unreachable) {
    report.bytes_freed += size_of(repository.contents().path_of(cid));
    MLCHAIN_TRY_STATUS(repository.contents().remove(cid));
    ++report.files_removed;
  }
  for (const auto& path : temporaries(repository)) {
    if (!is_abandoned_temporary(path)) continue;
    report.bytes_freed += size_of(path);
    std::error_code error;
    stdfs::remove_all(path, error);
    if (error) return make_error(ErrorCode::internal, "cannot remove " + path.string() + ": " + error.message());
    ++report.leftovers_removed;
  }
  return report;
}

}  // namespace mlchain::repo
