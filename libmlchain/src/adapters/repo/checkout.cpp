#include "mlchain/repo/checkout.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "disk.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/core/checkout_safety.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/revision.hpp"
#include "mlchain/fs/file_stat.hpp"
#include "mlchain/repo/commit_work_tree.hpp"
#include "mlchain/repo/index_file.hpp"
#include "mlchain/repo/maintenance.hpp"
#include "mlchain/repo/revisions.hpp"
#include "mlchain/repo/work_tree.hpp"

namespace mlchain::repo {
namespace {

namespace stdfs = std::filesystem;
using core::TreeEntry;
using unixfs::NodeKind;

using Listing = std::map<std::string, TreeEntry, std::less<>>;

// Files written at once: enough to overlap one file's flush to disk with another's copy and hashing.
constexpr std::size_t parallel_files = 3;

Listing by_path(std::vector<TreeEntry> entries) {
  Listing listing;
  for (auto& entry : entries) {
    auto path = entry.path;
    listing.emplace(std::move(path), std::move(entry));
  }
  return listing;
}

bool same_entry(const TreeEntry& a, const TreeEntry& b) {
  return a.kind == b.kind && a.cid == b.cid && a.symlink_target == b.symlink_target;
}

enum class OnDisk { absent, directory, other };

Result<OnDisk> on_disk(const stdfs::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) return S_ISDIR(info.st_mode) ? OnDisk::directory : OnDisk::other;
  if (errno == ENOENT || errno == ENOTDIR) return OnDisk::absent;
  return disk::system_error(errno, "stat", path);
}

// "a", "a/b" for "a/b/c".
std::vector<std::string> ancestors(std::string_view path) {
  std::vector<std::string> out;
  for (auto slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1))
    out.emplace_back(path.substr(0, slash));
  return out;
}

std::string parent_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

// What a directory's link to the file records: its root block plus every block below it.
Result<std::uint64_t> tsize_of(DiskObjectStore& objects, const TreeEntry& file) {
  if (file.cid.codec() == codec::multicodec::raw) return file.size;
  MLCHAIN_TRY(const auto block, objects.get(file.cid));
  MLCHAIN_TRY(const auto node, codec::PbNode::decode(block));
  std::uint64_t total = block.size();
  for (const auto& link : node.links) total += link.tsize.value_or(0);
  return total;
}

struct Plan {
  std::vector<TreeEntry> writes;          // REV's entries the work tree lacks or holds otherwise
  std::vector<TreeEntry> removals;        // entries HEAD records that REV does not have
  std::vector<std::string> obstructions;  // untracked or ignored things where REV puts something (forced only)
  std::vector<std::string> refused;       // local changes checkout would overwrite or remove
  std::uint64_t unchanged = 0;
};

// Only what HEAD records (`recorded`) is ever removed: a path the work tree holds (`current`, its
// snapshot) that HEAD does not record is untracked, and matters only where REV puts something.
class Planner {
 public:
  Planner(const stdfs::path& work_tree, const Listing& target, const Listing& recorded, const Listing& current)
      : work_tree_(work_tree), target_(target), recorded_(recorded), current_(current) {
    for (const auto& [path, entry] : recorded_) {
      for (auto& ancestor : ancestors(path)) recorded_directories_.insert(std::move(ancestor));
      if (entry.kind == NodeKind::directory) recorded_directories_.insert(path);
    }
  }

  Result<Plan> plan() {
    for (const auto& [path, wanted] : target_) {
      const auto here = current_.find(path);
      if (here != current_.end() && same_entry(here->second, wanted)) {
        ++plan_.unchanged;
        continue;
      }
      plan_.writes.push_back(wanted);
      if (here != current_.end()) {
        const auto tracked = recorded_.find(path);
        if (tracked == recorded_.end()) {
          plan_.obstructions.push_back(path);
        } else if (!same_entry(here->second, tracked->second)) {
          plan_.refused.push_back(path);
        }
      } else {
        MLCHAIN_TRY_STATUS(check_unlisted(path, wanted));
      }
      for (const auto& ancestor : ancestors(path)) MLCHAIN_TRY_STATUS(check_ancestor(ancestor));
    }
    for (const auto& [path, entry] : recorded_) {
      if (target_.contains(path)) continue;
      // An empty directory holds no work to lose; removing it fails harmlessly once it holds something.
      if (entry.kind == NodeKind::directory) {
        plan_.removals.push_back(entry);
        continue;
      }
      // Gone already, or replaced by something HEAD does not record (which is left alone).
      const auto here = current_.find(path);
      if (here == current_.end()) continue;
      plan_.removals.push_back(entry);
      if (!same_entry(here->second, entry)) plan_.refused.push_back(path);
    }
    return std::move(plan_);
  }

 private:
  // Something the snapshot does not list (ignored, a directory, or nothing) at a path REV writes.
  Status check_unlisted(const std::string& path, const TreeEntry& wanted) {
    MLCHAIN_TRY(const auto kind, on_disk(work_tree_ / path));
    if (kind == OnDisk::absent) return {};
    if (kind == OnDisk::directory) {
      if (wanted.kind == NodeKind::directory) return {};
      MLCHAIN_TRY(const bool untracked, holds_untracked(path));
      if (!untracked) return {};
    }
    plan_.obstructions.push_back(path);
    return {};
  }

  // A directory that the removals will empty is no obstruction; one that holds anything HEAD does not
  // record (untracked, ignored, an empty directory of its own) is.
  Result<bool> holds_untracked(const std::string& directory) {
    std::error_code error;
    for (stdfs::recursive_directory_iterator walk(work_tree_ / directory, error), end; !error && walk != end;
         walk.increment(error)) {
      const auto relative = walk->path().lexically_relative(work_tree_).generic_string();
      const bool is_directory = walk->is_directory(error) && !walk->is_symlink(error);
      if (is_directory ? !recorded_directories_.contains(relative) : !recorded_.contains(relative)) return true;
    }
    if (error)
      return make_error(ErrorKind::internal,
                        "cannot read " + (work_tree_ / directory).string() + ": " + error.message());
    return false;
  }

  // A file or symlink where REV needs a directory: fine when it is one HEAD records, unchanged (the
  // removals take it away; a changed one is refused there), an obstruction otherwise.
  Status check_ancestor(const std::string& ancestor) {
    if (!checked_ancestors_.insert(ancestor).second) return {};
    if (recorded_.contains(ancestor) && current_.contains(ancestor)) return {};
    MLCHAIN_TRY(const auto kind, on_disk(work_tree_ / ancestor));
    if (kind == OnDisk::other) plan_.obstructions.push_back(ancestor);
    return {};
  }

  const stdfs::path& work_tree_;
  const Listing& target_;
  const Listing& recorded_;
  const Listing& current_;
  std::set<std::string> recorded_directories_;
  std::set<std::string> checked_ancestors_;
  Plan plan_;
};

std::string listed(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& path : paths) out += (out.empty() ? "" : ", ") + path;
  return out;
}

// Writes a set of entries into the work tree in two steps: stage() writes every file and symlink under a
// temporary name and verifies it, touching nothing else; place() renames them into place. Temporaries
// not placed are removed when the writer goes, so a failure at any point leaves none behind.
class Writer {
 public:
  Writer(Repository& repository, const Listing& target, PrestagedFiles prestaged = {})
      : repository_(repository), root_(repository.work_tree()), prestaged_(std::move(prestaged)) {
    for (const auto& [path, entry] : target) {
      for (auto& ancestor : ancestors(path)) needed_directories_.insert(std::move(ancestor));
      if (entry.kind == NodeKind::directory) needed_directories_.insert(path);
    }
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer() {
    for (const auto& item : staged_)
      if (!item.temporary.empty()) ::unlink(item.temporary.c_str());
    for (const auto& [cid, path] : prestaged_) ::unlink(path.c_str());
  }

  // A few files at a time, so that one file's flush to disk overlaps another's hashing. Each temporary
  // goes in its final directory, or the nearest one that exists yet (staging creates none), under the
  // name fsck and gc know as a checkout's (docs/format.md). The first error stops the others from
  // starting new files.
  Status stage(const std::vector<TreeEntry>& entries, const CheckoutProgress& progress) {
    std::uint64_t total = 0;
    std::uint64_t done = 0;
    for (const auto& entry : entries) {
      if (entry.kind == NodeKind::directory) continue;
      total += entry.size;
      // Written already: it is renamed into place from where it lies.
      auto prestaged = entry.kind == NodeKind::file ? prestaged_.extract(entry.cid) : PrestagedFiles::node_type();
      if (prestaged) {
        staged_.push_back({&entry, std::move(prestaged.mapped()), true});
        done += entry.size;
        continue;
      }
      MLCHAIN_TRY(const auto directory, staging_directory(entry.path));
      staged_.push_back(
          {&entry, directory / disk::work_tree_temporary_name(stdfs::path(entry.path).filename().string()), false});
    }
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::optional<Error> failure;
    const auto work = [&] {
      for (std::size_t i = next++; i < staged_.size(); i = next++) {
        if (staged_[i].prestaged) continue;
        {
          std::lock_guard lock(mutex);
          if (failure) return;
        }
        auto status = write_temporary(*staged_[i].entry, staged_[i].temporary);
        std::lock_guard lock(mutex);
        if (!status.ok()) {
          if (!failure) failure = std::move(status).error();
          continue;
        }
        done += staged_[i].entry->size;
        if (progress) progress(done, total);
      }
    };
    std::vector<std::thread> workers;
    const std::size_t count = std::min<std::size_t>(staged_.size(), parallel_files);
    for (std::size_t i = 1; i < count; ++i) workers.emplace_back(work);
    work();
    for (auto& worker : workers) worker.join();
    if (failure) return *failure;
    return {};
  }

  Status remove_entry(const TreeEntry& entry) {
    const auto path = root_ / entry.path;
    if (entry.kind == NodeKind::directory) {
      if (::rmdir(path.c_str()) != 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
        return disk::system_error(errno, "remove the directory", path);
    } else if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return disk::system_error(errno, "remove", path);
    }
    touched(parent_of(entry.path));
    prune_candidates_.insert(parent_of(entry.path));
    return {};
  }

  Status remove_obstruction(const std::string& relative) {
    std::error_code error;
    stdfs::remove_all(root_ / relative, error);
    if (error)
      return make_error(ErrorKind::internal, "cannot remove " + (root_ / relative).string() + ": " + error.message());
    touched(parent_of(relative));
    prune_candidates_.insert(parent_of(relative));
    return {};
  }

  // Directories emptied by the removals that REV does not have go too; one still holding ignored files stays.
  void prune() {
    for (auto it = prune_candidates_.rbegin(); it != prune_candidates_.rend(); ++it) {
      for (std::string directory = *it; !directory.empty(); directory = parent_of(directory)) {
        if (needed_directories_.contains(directory)) break;
        if (::rmdir((root_ / directory).c_str()) != 0) break;
        touched(parent_of(directory));
      }
    }
  }

  // Directories, then every staged file and symlink renamed into place, in path order.
  Status place(const std::vector<TreeEntry>& entries) {
    for (const auto& entry : entries) {
      if (entry.kind != NodeKind::directory) continue;
      MLCHAIN_TRY_STATUS(make_parents(entry.path));
      const auto path = root_ / entry.path;
      MLCHAIN_TRY(const auto kind, on_disk(path));
      if (kind == OnDisk::directory) continue;
      if (kind == OnDisk::other && ::unlink(path.c_str()) != 0) return disk::system_error(errno, "remove", path);
      if (::mkdir(path.c_str(), 0755) != 0) return disk::system_error(errno, "create the directory", path);
      touched(parent_of(entry.path));
    }
    for (auto& item : staged_) {
      MLCHAIN_TRY_STATUS(make_parents(item.entry->path));
      const auto path = root_ / item.entry->path;
      MLCHAIN_TRY_STATUS(make_room(path));
      if (::rename(item.temporary.c_str(), path.c_str()) != 0) return disk::system_error(errno, "write", path);
      touched(item.temporary.parent_path().lexically_relative(root_).generic_string());
      item.temporary.clear();
      touched(parent_of(item.entry->path));
    }
    return {};
  }

  // Every directory whose entries changed is flushed, so the renames survive a power cut before HEAD moves.
  // (A directory pruned after it was touched has nothing left to flush but its parent, touched too.)
  Status sync() {
    for (const auto& directory : touched_) {
      const auto path = directory == "." ? root_ : root_ / directory;
      MLCHAIN_TRY(const auto kind, on_disk(path));
      if (kind == OnDisk::directory) MLCHAIN_TRY_STATUS(disk::sync_directory(path));
    }
    return {};
  }

 private:
  struct Staged {
    const TreeEntry* entry;
    stdfs::path temporary;  // emptied once renamed into place
    bool prestaged;         // written by the caller, not by stage()
  };

  // The entry's directory if it is one on disk now, else the nearest ancestor that is (the work tree's
  // root at worst): it stays a directory, since REV needs it as one.
  Result<stdfs::path> staging_directory(const std::string& relative) {
    auto directories = ancestors(relative);
    for (auto it = directories.rbegin(); it != directories.rend(); ++it) {
      MLCHAIN_TRY(const auto kind, on_disk(root_ / *it));
      if (kind == OnDisk::directory) return root_ / *it;
    }
    return root_;
  }

  Status write_temporary(const TreeEntry& entry, const stdfs::path& temporary) const {
    ::unlink(temporary.c_str());  // a leftover of an interrupted checkout by a process with the same pid
    if (entry.kind == NodeKind::symlink) {
      if (::symlink(entry.symlink_target->c_str(), temporary.c_str()) != 0)
        return disk::system_error(errno, "create the symlink", temporary);
      return {};
    }
    return repository_.contents().materialize(entry.cid, profile_of_cid(entry.cid), temporary);
  }

  Status make_parents(const std::string& relative) {
    for (const auto& ancestor : ancestors(relative)) {
      if (!made_.insert(ancestor).second) continue;
      const auto path = root_ / ancestor;
      MLCHAIN_TRY(const auto kind, on_disk(path));
      if (kind == OnDisk::directory) continue;
      if (kind == OnDisk::other)
        return make_error(ErrorKind::refused, path.string() + " is in the way of a directory of the checkout");
      if (::mkdir(path.c_str(), 0755) != 0) return disk::system_error(errno, "create the directory", path);
      touched(parent_of(ancestor));
    }
    return {};
  }

  // A file or symlink replaces an empty directory (rename cannot).
  static Status make_room(const stdfs::path& path) {
    MLCHAIN_TRY(const auto kind, on_disk(path));
    if (kind != OnDisk::directory) return {};
    if (::rmdir(path.c_str()) != 0) return disk::system_error(errno, "replace the directory", path);
    return {};
  }

  void touched(std::string directory) { touched_.insert(directory.empty() ? "." : std::move(directory)); }

  Repository& repository_;
  stdfs::path root_;
  std::vector<Staged> staged_;
  PrestagedFiles prestaged_;  // those not taken yet
  std::set<std::string> needed_directories_;
  std::set<std::string> prune_candidates_;
  std::set<std::string> made_;
  std::set<std::string> touched_;
};

// The branch REV names, when it is a plain branch name (not a tag, CID or REV~N).
Result<std::optional<std::string>> branch_named(Repository& repository, std::string_view revision) {
  if (!core::check_ref_name(revision).ok()) return std::optional<std::string>();
  MLCHAIN_TRY(const auto branch, repository.refs().read(std::string(heads_prefix) + std::string(revision)));
  if (!branch) return std::optional<std::string>();
  return std::optional<std::string>(std::string(revision));
}

Result<unixfs::Profile> profile_named(const core::Commit& commit, const codec::Cid& cid) {
  auto profile = unixfs::find_profile(commit.profile);
  if (!profile)
    return make_error(ErrorKind::corrupt,
                      "commit " + cid.to_string() + " names an unknown profile '" + commit.profile + "'");
  return *profile;
}

// A commit's files, checked before anything is locked or written: a safe tree, and every file's contents
// in the store.
Result<std::vector<TreeEntry>> safe_files_of(Repository& repository, const codec::Cid& commit_cid) {
  MLCHAIN_TRY(const auto commit, core::load_commit(repository.objects(), commit_cid));
  MLCHAIN_TRY(auto entries, core::list_files(repository.objects(), commit.tree));
  MLCHAIN_TRY_STATUS(core::check_checkout_safety(entries, commit.tree));
  return entries;
}

Status require_stored(Repository& repository, const std::vector<TreeEntry>& entries) {
  for (const auto& entry : entries) {
    if (entry.kind != NodeKind::file) continue;
    MLCHAIN_TRY(const bool stored, repository.contents().contains(entry.cid));
    if (stored) continue;
    const auto why = repository.contents().not_stored(entry.cid);
    if (why.kind == ErrorKind::not_found)
      return make_error(ErrorKind::not_found, why.message + " ('" + entry.path + "'); fetch them first");
    return make_error(why.kind, why.message + " ('" + entry.path + "'); run 'mlchain fsck'");
  }
  return {};
}

// The stat cache learns the files just written, so the next status reads none of them; it is only a
// cache, so a failure to save it undoes nothing. `kept` holds entries of files not written.
void remember_written(Repository& repository, const std::vector<TreeEntry>& written,
                      std::vector<core::StatEntry> kept) {
  for (const auto& entry : written) {
    if (entry.kind != NodeKind::file) continue;
    struct stat info {};
    auto tsize = tsize_of(repository.objects(), entry);
    if (::lstat((repository.work_tree() / entry.path).c_str(), &info) != 0 || !tsize) continue;
    kept.push_back({entry.path, fs::file_stat_of(info), entry.cid, *tsize});
  }
  std::sort(kept.begin(), kept.end(),
            [](const core::StatEntry& a, const core::StatEntry& b) { return a.path < b.path; });
  (void)save_index(repository.paths(), kept);
}

// Moves HEAD once the work tree holds the target's files, given HEAD as it was read under the locks.
using HeadMove = std::function<Status(const Head& head, const std::optional<codec::Cid>& head_commit)>;

// Checkout's work, shared with `reset --hard`: plan against HEAD's recorded tree and the work tree, stage
// every file, and only then change the work tree and move HEAD.
Result<CheckoutOutcome> switch_work_tree(Repository& repository, const codec::Cid& target_cid, const Listing& target,
                                         bool force, const CheckoutProgress& progress, const HeadMove& move_head,
                                         const PrestagedFiles& prestaged = {}) {
  MLCHAIN_TRY(auto writing, lock_for_writing(repository));
  MLCHAIN_TRY(auto index_held, index_lock(repository.paths(), std::chrono::milliseconds(2000)));
  MLCHAIN_TRY(const auto head, repository.refs().read_head());
  MLCHAIN_TRY(const auto head_cid, repository.refs().head_commit());

  // What HEAD records, and the work tree as it is, hashed under HEAD's profile (the stat cache vouching
  // where it can).
  std::vector<TreeEntry> recorded_entries;
  MLCHAIN_TRY(auto profile, repository_profile(repository));
  if (head_cid) {
    MLCHAIN_TRY(const auto head_commit, core::load_commit(repository.objects(), *head_cid));
    MLCHAIN_TRY(profile, profile_named(head_commit, *head_cid));
    MLCHAIN_TRY(recorded_entries, core::list_files(repository.objects(), head_commit.tree));
  }
  const Listing recorded = by_path(std::move(recorded_entries));
  const LoadedIndex index = load_index(repository.paths());
  MLCHAIN_TRY(auto snapshot, snapshot_work_tree(repository, profile, index, SnapshotMode::hash_only));
  const Listing current = by_path(snapshot.entries);

  Planner planner(repository.work_tree(), target, recorded, current);
  MLCHAIN_TRY(const auto plan, planner.plan());
  if (!force && (!plan.refused.empty() || !plan.obstructions.empty())) {
    std::vector<std::string> paths = plan.refused;
    for (const auto& path : plan.obstructions) paths.push_back(path + " (untracked)");
    return make_error(ErrorKind::refused, "checkout of " + target_cid.to_string() +
                                              " would overwrite or remove local changes: " + listed(paths) +
                                              "; commit them, or use --force to discard them");
  }

  Writer writer(repository, target, prestaged);
  MLCHAIN_TRY_STATUS(writer.stage(plan.writes, progress));
  CheckoutOutcome outcome{target_cid, std::nullopt, 0, 0, 0, plan.unchanged};
  for (const auto& path : plan.obstructions) MLCHAIN_TRY_STATUS(writer.remove_obstruction(path));
  for (const auto& entry : plan.removals) MLCHAIN_TRY_STATUS(writer.remove_entry(entry));
  for (const auto& path : snapshot.checkout_temporaries)
    if (is_abandoned_temporary(repository.work_tree() / path)) ::unlink((repository.work_tree() / path).c_str());
  outcome.removed = plan.removals.size() + plan.obstructions.size();
  writer.prune();
  MLCHAIN_TRY_STATUS(writer.place(plan.writes));
  std::set<std::string> written;
  for (const auto& entry : plan.writes) {
    written.insert(entry.path);
    ++outcome.files_written;
    outcome.bytes_written += entry.size;
  }
  MLCHAIN_TRY_STATUS(writer.sync());
  MLCHAIN_TRY_STATUS(move_head(head, head_cid));

  std::vector<core::StatEntry> kept;
  for (const auto& cached : snapshot.index) {
    const auto wanted = target.find(cached.path);
    if (wanted != target.end() && wanted->second.kind == NodeKind::file && wanted->second.cid == cached.cid &&
        !written.contains(cached.path))
      kept.push_back(cached);
  }
  remember_written(repository, plan.writes, std::move(kept));
  return outcome;
}

// A path as restore takes it: relative to the work tree, normalized, "" for all of it.
Result<std::string> work_tree_path(const std::string& given) {
  const auto normal = stdfs::path(given).lexically_normal().generic_string();
  std::string path = normal == "." ? std::string() : normal;
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (stdfs::path(path).is_absolute() || path == ".." || path.starts_with("../"))
    return make_error(ErrorKind::invalid_argument, "'" + given + "' is outside the work tree");
  return path;
}

bool at_or_below(std::string_view path, std::string_view top) {
  return top.empty() || path == top || (path.starts_with(top) && path[top.size()] == '/');
}

}  // namespace

Result<CheckoutOutcome> checkout(Repository& repository, std::string_view revision, bool force,
                                 const CheckoutProgress& progress, const PrestagedFiles& prestaged) {
  MLCHAIN_TRY(const auto target_cid, resolve_revision(repository, revision));
  std::optional<std::string> branch;
  if (revision == "HEAD") {
    MLCHAIN_TRY(const auto head, repository.refs().read_head());
    branch = head.branch;
  } else {
    MLCHAIN_TRY(branch, branch_named(repository, revision));
  }
  MLCHAIN_TRY(auto entries, safe_files_of(repository, target_cid));
  MLCHAIN_TRY_STATUS(require_stored(repository, entries));
  const Listing target = by_path(std::move(entries));

  const Head wanted = branch ? Head{branch, std::nullopt} : Head{std::nullopt, target_cid};
  const auto switch_head = [&](const Head& head, const std::optional<codec::Cid>& head_cid) -> Status {
    auto switched = repository.refs().switch_head(head, head_cid, wanted);
    if (switched.ok()) return switched;
    // The work tree is written by now: say so, whichever way moving HEAD failed.
    if (switched.error().kind == ErrorKind::changed_concurrently)
      return make_error(ErrorKind::changed_concurrently, "HEAD moved while checking out " + target_cid.to_string() +
                                                             " (another process committed); the work tree holds " +
                                                             target_cid.to_string() +
                                                             "'s files, HEAD was left as the other process set it");
    if (switched.error().kind == ErrorKind::locked)
      return make_error(ErrorKind::locked, "HEAD was not moved to " + target_cid.to_string() + ": " +
                                               switched.error().message + " (the work tree holds " +
                                               target_cid.to_string() + "'s files)");
    return switched;
  };
  MLCHAIN_TRY(auto outcome, switch_work_tree(repository, target_cid, target, force, progress, switch_head, prestaged));
  outcome.branch = branch;
  return outcome;
}

Result<ResetOutcome> reset(Repository& repository, std::string_view revision, ResetMode mode,
                           const CheckoutProgress& progress) {
  MLCHAIN_TRY(const auto target_cid, resolve_revision(repository, revision));
  ResetOutcome outcome{target_cid, std::nullopt, std::nullopt, std::nullopt};
  const auto advance = [&](const Head& head, const std::optional<codec::Cid>& head_cid) -> Status {
    outcome.previous = head_cid;
    outcome.branch = head.branch;
    auto moved = repository.refs().advance_head(head_cid, target_cid, "reset: moving to " + std::string(revision));
    if (moved.ok() || moved.error().kind != ErrorKind::changed_concurrently) return moved;
    return make_error(ErrorKind::changed_concurrently, "HEAD moved while resetting to " + target_cid.to_string() +
                                                           " (another process committed): " + moved.error().message);
  };
  if (mode == ResetMode::soft) {
    MLCHAIN_TRY(auto writing, lock_for_writing(repository));
    MLCHAIN_TRY(const auto head, repository.refs().read_head());
    MLCHAIN_TRY(const auto head_cid, repository.refs().head_commit());
    MLCHAIN_TRY_STATUS(advance(head, head_cid));
    return outcome;
  }
  MLCHAIN_TRY(auto entries, safe_files_of(repository, target_cid));
  MLCHAIN_TRY_STATUS(require_stored(repository, entries));
  const Listing target = by_path(std::move(entries));
  MLCHAIN_TRY(auto work_tree, switch_work_tree(repository, target_cid, target, true, progress, advance));
  work_tree.branch = outcome.branch;
  outcome.work_tree = std::move(work_tree);
  return outcome;
}

Result<RestoreOutcome> restore(Repository& repository, const std::vector<std::string>& paths, std::string_view source,
                               const CheckoutProgress& progress) {
  MLCHAIN_TRY(const auto source_cid, resolve_revision(repository, source));
  MLCHAIN_TRY(const auto entries, safe_files_of(repository, source_cid));
  Listing chosen;
  for (const auto& given : paths) {
    MLCHAIN_TRY(const auto top, work_tree_path(given));
    bool found = false;
    for (const auto& entry : entries) {
      if (!at_or_below(entry.path, top)) continue;
      found = true;
      chosen.emplace(entry.path, entry);
    }
    if (!found)
      return make_error(ErrorKind::not_found,
                        "'" + given + "' is not in " + std::string(source) + " (" + source_cid.to_string() + ")");
  }
  std::vector<TreeEntry> writes;
  for (const auto& [path, entry] : chosen) writes.push_back(entry);
  MLCHAIN_TRY_STATUS(require_stored(repository, writes));

  MLCHAIN_TRY(auto writing, lock_for_writing(repository));
  MLCHAIN_TRY(auto index_held, index_lock(repository.paths(), std::chrono::milliseconds(2000)));
  // Restore overwrites files, as asked; it never removes a directory that holds something, nor a file
  // where the source needs a directory.
  std::vector<std::string> in_the_way;
  std::set<std::string> checked;
  for (const auto& entry : writes) {
    for (const auto& ancestor : ancestors(entry.path)) {
      if (!checked.insert(ancestor).second) continue;
      MLCHAIN_TRY(const auto kind, on_disk(repository.work_tree() / ancestor));
      if (kind == OnDisk::other) in_the_way.push_back(ancestor);
    }
    const auto path = repository.work_tree() / entry.path;
    MLCHAIN_TRY(const auto kind, on_disk(path));
    std::error_code error;
    if (entry.kind == NodeKind::directory ? kind == OnDisk::other
                                          : kind == OnDisk::directory && !stdfs::is_empty(path, error))
      in_the_way.push_back(entry.path);
  }
  if (!in_the_way.empty())
    return make_error(ErrorKind::refused, "restore from " + source_cid.to_string() + " would replace " +
                                              listed(in_the_way) + "; move them away first");

  Writer writer(repository, chosen);
  MLCHAIN_TRY_STATUS(writer.stage(writes, progress));
  MLCHAIN_TRY_STATUS(writer.place(writes));
  MLCHAIN_TRY_STATUS(writer.sync());
  RestoreOutcome outcome{source_cid, 0, 0};
  for (const auto& entry : writes) {
    if (entry.kind == NodeKind::directory) continue;
    ++outcome.files_written;
    outcome.bytes_written += entry.size;
  }
  std::vector<core::StatEntry> kept;
  for (const auto& cached : load_index(repository.paths()).entries)
    if (!chosen.contains(cached.path)) kept.push_back(cached);
  remember_written(repository, writes, std::move(kept));
  return outcome;
}

}  // namespace mlchain::repo
