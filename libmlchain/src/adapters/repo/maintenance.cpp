#include "mlchain/repo/maintenance.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <functional>
#include <limits>
#include <set>

#include "disk.hpp"
#include "mlchain/chain/journal.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/repo/commit_signature.hpp"
#include "mlchain/repo/config.hpp"
#include "mlchain/repo/index_file.hpp"

namespace mlchain::repo {
namespace {

namespace stdfs = std::filesystem;

// The file roots a commit's tree needs: dag-pb roots may come from either profile (a v1 CID of a
// dag-pb file says nothing more), raw ones only from unixfs-v1-2025.
Status check_contents(const ContentStore& contents, const codec::Cid& cid) {
  if (cid.version() == 0 || cid.codec() == codec::multicodec::raw) return contents.check(cid, profile_of_cid(cid));
  auto as_v1 = contents.check(cid, unixfs::unixfs_v1_2025);
  if (as_v1.ok() || as_v1.error().kind != ErrorKind::corrupt) return as_v1;
  if (contents.check(cid, unixfs::unixfs_v0_2015).ok()) return {};
  return as_v1;
}

// Named as this library's writers name their temporaries (docs/format.md, "Writes").
bool has_temporary_name(const stdfs::path& path) { return path.filename().string().find(".tmp-") != std::string::npos; }

// Every temporary file a writer of this library may leave: in the stores, under refs/, logs/ and watch/, and
// beside HEAD and config.
std::vector<stdfs::path> temporaries(const Repository& repository) {
  std::vector<stdfs::path> found;
  auto note = [&](const stdfs::path& path) {
    if (has_temporary_name(path)) found.push_back(path);
  };
  std::error_code error;
  for (const auto& root : {repository.paths().objects(), repository.paths().files(), repository.paths().refs(),
                           repository.paths().journal(), repository.paths().dir / "logs", repository.paths().watch(),
                           repository.paths().private_keys().parent_path()}) {
    // A root that is not a directory of its own (a symlink put there) is not walked: what it points to is
    // not the repository's.
    if (stdfs::symlink_status(root, error).type() != stdfs::file_type::directory) continue;
    for (stdfs::recursive_directory_iterator walk(root, error), end; !error && walk != end; walk.increment(error))
      note(walk->path());
  }
  for (stdfs::directory_iterator walk(repository.paths().dir, error), end; !error && walk != end; walk.increment(error))
    note(walk->path());
  for (stdfs::directory_iterator walk(repository.work_tree(), error), end; !error && walk != end; walk.increment(error))
    if (walk->path().filename().string().rfind(std::string(".") + repository_directory_name + ".tmp-", 0) == 0)
      note(walk->path());
  // Checkout's temporaries sit beside the files they become, anywhere in the work tree.
  stdfs::recursive_directory_iterator walk(repository.work_tree(), stdfs::directory_options::skip_permission_denied,
                                           error);
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
  // fsck also checks each commit's signature; gc only needs what the commits hold.
  enum class Signatures { check, ignore };
  Marker(Repository& repository, Signatures signatures) : repository_(repository), signatures_(signatures) {}

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
        const auto kind =
            commit.error().kind == ErrorKind::not_found ? FsckProblem::Kind::missing : FsckProblem::Kind::corrupt;
        std::string detail = commit.error().message;
        if (child) detail += " (parent of " + child->to_string() + ")";
        MLCHAIN_TRY_STATUS(on_problem({kind, cid.to_string(), detail}));
        continue;
      }
      if (signatures_ == Signatures::check) MLCHAIN_TRY_STATUS(check_signature(cid, *commit, on_problem));
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
    if (!reach) return reach.error().kind == ErrorKind::not_found ? Status{} : Status{std::move(reach).error()};
    for (const auto& block : reach->blocks) reachable_.blocks.insert(storage_key(block));
    for (const auto& file : reach->file_roots) reachable_.files.insert(storage_key(file));
    return {};
  }

  const Reachable& reachable() const { return reachable_; }
  const std::vector<std::pair<codec::Cid, codec::Cid>>& file_roots() const { return file_roots_; }

 private:
  static Status check_signature(const codec::Cid& cid, const core::Commit& commit, const OnProblem& on_problem) {
    auto checked = check_commit_signature(commit);
    const std::string author = codec::to_checksum_address(commit.author);
    if (!checked)
      return on_problem({FsckProblem::Kind::bad_signature, cid.to_string(),
                         "commit " + cid.to_string() + " claims author " + author + " but " + checked.error().message});
    if (checked->good) return {};
    const std::string signer = checked->signer ? codec::to_checksum_address(*checked->signer) : "no key";
    return on_problem({FsckProblem::Kind::bad_signature, cid.to_string(),
                       "commit " + cid.to_string() + " claims author " + author + " but was signed by " + signer});
  }

  Status mark_tree(const codec::Cid& tree, const codec::Cid& commit, const OnProblem& on_problem) {
    if (!trees_.insert(storage_key(tree)).second) return {};
    auto reach = core::reach_of_tree(repository_.objects(), tree);
    if (!reach) {
      const auto kind =
          reach.error().kind == ErrorKind::not_found ? FsckProblem::Kind::missing : FsckProblem::Kind::corrupt;
      return on_problem(
          {kind, tree.to_string(), reach.error().message + " (tree of commit " + commit.to_string() + ")"});
    }
    for (const auto& block : reach->blocks) reachable_.blocks.insert(storage_key(block));
    for (const auto& file : reach->file_roots)
      if (reachable_.files.insert(storage_key(file)).second) file_roots_.push_back({file, commit});
    return {};
  }

  Repository& repository_;
  Signatures signatures_;
  Reachable reachable_;
  std::set<std::string> trees_;
  std::vector<std::pair<codec::Cid, codec::Cid>> file_roots_;  // (file, a commit that holds it)
};

// HEAD's commit and every ref's target, each with the name it was reached by. Anything under refs/ that
// cannot be read fails it, naming the ref.
Result<std::vector<std::pair<std::string, codec::Cid>>> roots_of(Repository& repository) {
  std::vector<std::pair<std::string, codec::Cid>> roots;
  MLCHAIN_TRY(auto head, repository.refs().head_commit());
  if (head) roots.push_back({"HEAD", *head});
  MLCHAIN_TRY(auto refs, repository.refs().list("refs/"));
  for (auto& ref : refs) roots.push_back({std::move(ref.name), ref.target});
  return roots;
}

// "HEAD@{0}" is the newest entry of HEAD's reflog, as git numbers them.
std::string entry_name(const std::string& log, std::size_t newest_first_index) {
  return log + "@{" + std::to_string(newest_first_index) + "}";
}

// What a reflog entry names: the commits it moved from and to.
std::vector<codec::Cid> targets_of(const ReflogEntry& entry) {
  std::vector<codec::Cid> targets;
  if (entry.old_target) targets.push_back(*entry.old_target);
  if (entry.new_target) targets.push_back(*entry.new_target);
  return targets;
}

// The type each top-level entry of .mlchain/ must have when it is there.
struct LayoutEntry {
  const char* name;
  bool directory;
};
constexpr LayoutEntry layout[] = {{"HEAD", false},    {"config", false}, {"index", false},
                                  {"gc.lock", false}, {"refs", true},    {"objects", true},
                                  {"files", true},    {"journal", true}, {"logs", true}};

std::optional<std::string> wrong_type(const stdfs::path& path, bool directory) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return std::nullopt;
  if (directory ? S_ISDIR(info.st_mode) : S_ISREG(info.st_mode)) return std::nullopt;
  std::string found = S_ISDIR(info.st_mode)    ? "a directory"
                      : S_ISLNK(info.st_mode)  ? "a symbolic link"
                      : S_ISFIFO(info.st_mode) ? "a FIFO"
                      : S_ISREG(info.st_mode)  ? "a file"
                                               : "a special file";
  return path.string() + " is " + found + ", not " + (directory ? "a directory" : "a regular file");
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

  std::set<std::string> unusable;  // top-level names of the wrong type: reported once, never opened
  for (const auto& entry : layout)
    if (auto found = wrong_type(repository.paths().dir / entry.name, entry.directory)) {
      unusable.insert(entry.name);
      report.problems.push_back({FsckProblem::Kind::unreadable, entry.name, *found + " (it was not opened)"});
    }

  // Temporaries are reported below once their writer is gone.
  const auto stray = [&](const stdfs::path& path) {
    if (!has_temporary_name(path)) report.strays.push_back(path);
  };
  if (!unusable.contains("objects"))
    MLCHAIN_TRY_STATUS(repository.objects().for_each(
        [&](const codec::Cid& cid) -> Status {
          ++report.objects_checked;
          auto block = repository.objects().get(cid);
          if (!block) return problem({FsckProblem::Kind::corrupt, cid.to_string(), block.error().message});
          return {};
        },
        stray));
  if (!unusable.contains("files"))
    MLCHAIN_TRY_STATUS(repository.contents().for_each(
        [&](const codec::Cid& cid) -> Status {
          ++report.files_checked;
          auto checked = check_contents(repository.contents(), cid);
          if (!checked) return problem({FsckProblem::Kind::corrupt, cid.to_string(), checked.error().message});
          return {};
        },
        stray));

  if (!unusable.contains("config"))
    if (auto config = Config::load(repository.paths().config()); !config)
      report.problems.push_back({FsckProblem::Kind::malformed, "config", config.error().message});
  if (!unusable.contains("index"))
    if (auto index = load_index(repository.paths()); index.warning)
      report.problems.push_back({FsckProblem::Kind::malformed, "index", *index.warning});

  std::vector<std::pair<std::string, codec::Cid>> roots;
  std::vector<std::pair<std::string, codec::Cid>> logged;  // reflog entries' commits: stored, not required as refs
  if (!unusable.contains("HEAD")) {
    auto head = repository.refs().read_head();
    if (!head)
      report.problems.push_back({FsckProblem::Kind::bad_ref, "HEAD", head.error().message});
    else if (head->detached)
      roots.push_back({"HEAD", *head->detached});
    // HEAD's branch is read even when the walk of refs/ cannot list it (a directory in its place).
    else if (auto branch = repository.refs().head_commit(); !branch && branch.error().kind != ErrorKind::not_found)
      report.problems.push_back({FsckProblem::Kind::bad_ref, "HEAD", branch.error().message});
  }
  std::set<std::string> ref_names;
  if (!unusable.contains("refs")) {
    MLCHAIN_TRY(auto listing, repository.refs().scan("refs/"));
    for (const auto& damaged : listing.damaged)
      report.problems.push_back({FsckProblem::Kind::unreadable, damaged.path.string(),
                                 "a ref cannot be read: " + damaged.describe() + " (it was not opened)"});
    ref_names.insert(listing.names.begin(), listing.names.end());
  }
  if (!unusable.contains("logs")) {
    MLCHAIN_TRY(auto logs, repository.refs().scan_reflogs());
    for (const auto& damaged : logs.damaged)
      report.problems.push_back({FsckProblem::Kind::unreadable, damaged.path.string(),
                                 "a reflog cannot be read: " + damaged.describe() + " (it was not opened)"});
    for (const auto& name : logs.names) {
      // A logged ref that exists as something other than a file (a directory where the branch was)
      // is a damaged ref, not a deleted one.
      if (name != "HEAD" && !ref_names.contains(name))
        if (auto target = repository.refs().read(name); !target)
          report.problems.push_back({FsckProblem::Kind::bad_ref, name, target.error().message});
      auto entries = repository.refs().reflog(name);
      if (!entries) {
        report.problems.push_back(
            {FsckProblem::Kind::malformed, repository.refs().reflog_path_of(name).string(), entries.error().message});
        continue;
      }
      for (std::size_t i = 0; i < entries->size(); ++i)
        for (const auto& target : targets_of((*entries)[i]))
          logged.push_back({entry_name(name, entries->size() - 1 - i), target});
    }
  }
  for (auto& name : ref_names) {
    auto target = repository.refs().read(name);
    if (!target) {
      ++report.refs_checked;
      report.problems.push_back({FsckProblem::Kind::bad_ref, name, target.error().message});
    } else if (*target) {
      roots.push_back({name, **target});
    }
  }

  Marker marker(repository, Marker::Signatures::check);
  for (const auto& [name, target] : roots) {
    ++report.refs_checked;
    auto commit = core::load_commit(repository.objects(), target);
    if (!commit) {
      MLCHAIN_TRY_STATUS(problem(
          {FsckProblem::Kind::bad_ref, name,
           name + " names " + target.to_string() + ", which " + "is not a stored commit: " + commit.error().message}));
      continue;
    }
    MLCHAIN_TRY_STATUS(marker.mark_commit(target, problem));
  }
  std::set<std::string> logged_checked;
  for (const auto& [name, target] : logged) {
    if (!logged_checked.insert(storage_key(target)).second) continue;
    if (auto commit = core::load_commit(repository.objects(), target); !commit) {
      const auto kind =
          commit.error().kind == ErrorKind::not_found ? FsckProblem::Kind::missing : FsckProblem::Kind::corrupt;
      MLCHAIN_TRY_STATUS(problem({kind, target.to_string(),
                                  "reflog entry " + name + " names " + target.to_string() +
                                      ", which is not a stored commit: " + commit.error().message}));
      continue;
    }
    MLCHAIN_TRY_STATUS(marker.mark_commit(target, problem));
  }
  if (!unusable.contains("journal")) {
    MLCHAIN_TRY(const auto journal, chain::Journal(repository.paths().journal()).scan());
    for (const auto& bad : journal.problems)
      MLCHAIN_TRY_STATUS(
          problem({FsckProblem::Kind::corrupt, bad.file.string(),
                   "malformed journal entry: " + bad.detail + " (its transaction may still be in flight)"}));
    // An open transaction's commits must be whole and signed: the next push anchors them.
    for (const auto& commit : chain::journal_commits(journal.entries))
      if (auto stored = repository.objects().contains(commit); stored && *stored)
        MLCHAIN_TRY_STATUS(marker.mark_commit(commit, problem));
  }
  for (const auto& [file, commit] : marker.file_roots()) {
    // A stored block that cannot be read (a symlink, FIFO or directory in its place, no permission) was
    // reported with the objects; here it is the file it belongs to, and the check goes on.
    const auto stored = repository.contents().contains(file);
    if (!stored) {
      const auto kind =
          stored.error().kind == ErrorKind::not_found ? FsckProblem::Kind::missing : FsckProblem::Kind::corrupt;
      MLCHAIN_TRY_STATUS(
          problem({kind, file.to_string(), stored.error().message + " (in commit " + commit.to_string() + ")"}));
    } else if (!*stored) {
      const auto why = repository.contents().not_stored(file);
      const auto kind = why.kind == ErrorKind::not_found ? FsckProblem::Kind::missing : FsckProblem::Kind::corrupt;
      MLCHAIN_TRY_STATUS(problem({kind, file.to_string(), why.message + " (in commit " + commit.to_string() + ")"}));
    }
  }
  for (auto& path : temporaries(repository))
    if (is_abandoned_temporary(path)) report.leftovers.push_back(std::move(path));
  return report;
}

Result<GcReport> gc(Repository& repository, const GcOptions& options) {
  MLCHAIN_TRY(auto lock, lock_for_gc(repository));
  auto refuse = [](const Error& error) {
    return make_error(ErrorKind::corrupt, error.message + "; gc removed nothing");
  };
  for (const auto& entry : layout)
    if (auto found = wrong_type(repository.paths().dir / entry.name, entry.directory))
      return refuse(make_error(ErrorKind::corrupt, *found + " (move it away, then run 'mlchain fsck')"));
  auto config = Config::load(repository.paths().config());
  if (!config) return refuse(config.error());
  std::optional<std::int64_t> expire = default_reflog_expire_days * 86400;
  if (auto setting = config->get(reflog_expire_key)) {
    auto parsed = parse_reflog_expire_seconds(*setting);
    if (!parsed) return refuse(parsed.error());
    expire = *parsed;
  }
  // An entry expires once it is as old as the expiry: with "now", every entry.
  const std::int64_t cutoff = expire ? options.now - *expire : std::numeric_limits<std::int64_t>::min();

  Marker marker(repository, Marker::Signatures::ignore);
  auto stop = [](FsckProblem found) -> Status {
    return make_error(found.kind == FsckProblem::Kind::missing ? ErrorKind::not_found : ErrorKind::corrupt,
                      found.detail + "; gc removed nothing (run 'mlchain fsck')");
  };
  auto roots = roots_of(repository);
  if (!roots) return refuse(roots.error());
  for (const auto& [name, target] : *roots) MLCHAIN_TRY_STATUS(marker.mark_commit(target, stop));

  // What a young reflog entry names stays; a commit an entry names but that is not stored (gone before the
  // reflog knew better) holds nothing to keep.
  auto logs = repository.refs().scan_reflogs();
  if (!logs) return refuse(logs.error());
  if (!logs->damaged.empty())
    return refuse(make_error(ErrorKind::corrupt, "a reflog cannot be read: " + logs->damaged.front().describe() +
                                                     " (move it away, then run 'mlchain fsck')"));
  for (const auto& name : logs->names) {
    if (name != "HEAD")
      if (auto target = repository.refs().read(name); !target) return refuse(target.error());
    auto entries = repository.refs().reflog(name);
    if (!entries) return refuse(entries.error());
    for (const auto& entry : *entries) {
      if (entry.time <= cutoff) continue;
      for (const auto& target : targets_of(entry)) {
        MLCHAIN_TRY(const bool stored, repository.objects().contains(target));
        if (stored) MLCHAIN_TRY_STATUS(marker.mark_commit(target, stop));
      }
    }
  }
  // Commits an open transaction names stay while it may still settle (the next push finishes it).
  MLCHAIN_TRY(const auto journaled, chain::Journal(repository.paths().journal()).entries());
  for (const auto& commit : chain::journal_commits(journaled)) MLCHAIN_TRY_STATUS(marker.mark_commit(commit, stop));
  for (const auto& root : options.extra_roots) {
    if (root.codec() == codec::multicodec::dag_cbor)
      MLCHAIN_TRY_STATUS(marker.mark_commit(root, stop));
    else
      MLCHAIN_TRY_STATUS(marker.mark_other(root));
  }

  GcReport report;
  const auto& reachable = marker.reachable();
  // A file's blocks (its leaves and inner nodes) stay while any reachable version needs them: a leaf two
  // versions share goes only once neither is reachable.
  std::set<std::string> file_blocks;
  for (const auto& key : reachable.files) {
    const auto root = cid_of_storage_key(key);
    if (!root) continue;
    std::vector<codec::Cid> missing;
    auto blocks = repository.contents().stored_blocks(*root, &missing);
    if (!blocks) return refuse(blocks.error());
    // A file none of whose DAG is here is whole in files/ or one the index hashed and never stored; one
    // whose root is here but not every block has lost a leaf.
    if (!missing.empty() && missing.front() != *root) {
      MLCHAIN_TRY(const auto whole, repository.contents().whole_file(*root));
      if (!whole)
        return make_error(ErrorKind::not_found, repository.contents().not_stored(*root).message +
                                                    "; gc removed nothing (run 'mlchain fsck')");
    }
    for (const auto& block : *blocks) file_blocks.insert(storage_key(block));
  }
  std::vector<codec::Cid> unreachable_objects;
  MLCHAIN_TRY_STATUS(repository.objects().for_each([&](const codec::Cid& cid) -> Status {
    const auto key = storage_key(cid);
    if (!reachable.blocks.contains(key) && !file_blocks.contains(key)) unreachable_objects.push_back(cid);
    return {};
  }));
  std::vector<codec::Cid> unreachable_files;
  MLCHAIN_TRY_STATUS(repository.contents().for_each([&](const codec::Cid& cid) -> Status {
    if (!reachable.files.contains(storage_key(cid))) unreachable_files.push_back(cid);
    return {};
  }));
  for (const auto& cid : unreachable_objects) {
    if (cid.codec() != codec::multicodec::dag_cbor) continue;
    if (auto commit = core::load_commit(repository.objects(), cid))
      report.commits_removed.push_back({cid, std::move(commit).value()});
  }
  std::sort(report.commits_removed.begin(), report.commits_removed.end(), [](const auto& a, const auto& b) {
    return a.commit.time != b.commit.time ? a.commit.time > b.commit.time : a.cid.to_string() < b.cid.to_string();
  });
  std::vector<stdfs::path> leftovers;
  for (auto& path : temporaries(repository))
    if (is_abandoned_temporary(path)) leftovers.push_back(std::move(path));

  for (const auto& name : logs->names) {
    if (options.dry_run) {
      MLCHAIN_TRY(const auto entries, repository.refs().reflog(name));
      report.reflog_entries_expired += static_cast<std::uint64_t>(std::count_if(
          entries.begin(), entries.end(), [&](const ReflogEntry& entry) { return entry.time <= cutoff; }));
    } else {
      // Before anything is removed: an entry left naming a removed commit would be a reflog that lies.
      MLCHAIN_TRY(const auto dropped, repository.refs().expire_reflog(name, cutoff));
      report.reflog_entries_expired += dropped;
    }
  }
  for (const auto& cid : unreachable_objects) {
    report.bytes_freed += size_of(repository.objects().path_of(cid));
    if (!options.dry_run) MLCHAIN_TRY_STATUS(repository.objects().remove(cid));
    ++report.objects_removed;
  }
  for (const auto& cid : unreachable_files) {
    report.bytes_freed += size_of(repository.contents().path_of(cid));
    if (!options.dry_run) MLCHAIN_TRY_STATUS(repository.contents().remove(cid));
    ++report.files_removed;
  }
  for (const auto& path : leftovers) {
    report.bytes_freed += size_of(path);
    ++report.leftovers_removed;
    if (options.dry_run) continue;
    std::error_code error;
    stdfs::remove_all(path, error);
    if (error) return make_error(ErrorKind::internal, "cannot remove " + path.string() + ": " + error.message());
  }
  return report;
}

Result<std::vector<core::StoredCommit>> commits_left_behind(Repository& repository, const codec::Cid& from) {
  auto ancestry = [&](std::vector<codec::Cid> pending, const std::set<std::string>& stop_at,
                      std::vector<core::StoredCommit>* collected) {
    std::set<std::string> seen;
    while (!pending.empty()) {
      const auto cid = pending.back();
      pending.pop_back();
      const auto key = storage_key(cid);
      if (stop_at.contains(key) || !seen.insert(key).second) continue;
      auto commit = core::load_commit(repository.objects(), cid);
      if (!commit) continue;
      for (const auto& parent : commit->parents) pending.push_back(parent);
      if (collected) collected->push_back({cid, std::move(commit).value()});
    }
    return seen;
  };
  MLCHAIN_TRY(const auto refs, repository.refs().list("refs/"));
  std::vector<codec::Cid> tips;
  for (const auto& ref : refs) tips.push_back(ref.target);
  const auto on_refs = ancestry(tips, {}, nullptr);
  // In the order the walk meets them, child before parent: commit times may tie, ancestry never does.
  std::vector<core::StoredCommit> behind;
  ancestry({from}, on_refs, &behind);
  return behind;
}

}  // namespace mlchain::repo
