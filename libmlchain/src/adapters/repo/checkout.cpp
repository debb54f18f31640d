#include "mlchain/repo/checkout.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "disk.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/core/checkout_safety.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/revision.hpp"
#include "mlchain/core/tree_diff.hpp"
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

core::FileStat stat_of(const struct stat& info) {
  return {static_cast<std::uint64_t>(info.st_size),
          static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
          static_cast<std::int64_t>(info.st_ctim.tv_sec) * 1'000'000'000 + info.st_ctim.tv_nsec,
          static_cast<std::uint64_t>(info.st_ino), static_cast<std::uint64_t>(info.st_dev)};
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
  std::vector<TreeEntry> removals;        // work tree entries REV does not have
  std::vector<std::string> obstructions;  // untracked or ignored things in the way (removed only when forced)
  std::vector<std::string> refused;       // local changes checkout would overwrite or remove
  std::uint64_t unchanged = 0;
};

class Planner {
 public:
  Planner(const stdfs::path& work_tree, const Listing& target, const Listing& current, std::set<std::string> changed)
      : work_tree_(work_tree), target_(target), current_(current), changed_(std::move(changed)) {}

  Result<Plan> plan() {
    for (const auto& [path, wanted] : target_) {
      const auto here = current_.find(path);
      if (here != current_.end() && same_entry(here->second, wanted)) {
        ++plan_.unchanged;
        continue;
      }
      plan_.writes.push_back(wanted);
      if (here != current_.end()) {
        if (changed_.contains(path)) plan_.refused.push_back(path);
      } else {
        MLCHAIN_TRY_STATUS(check_untracked(path, wanted));
      }
      for (const auto& ancestor : ancestors(path)) MLCHAIN_TRY_STATUS(check_ancestor(ancestor));
    }
    for (const auto& [path, entry] : current_) {
      if (target_.contains(path)) continue;
      plan_.removals.push_back(entry);
      // An empty directory holds no work to lose.
      if (entry.kind != NodeKind::directory && changed_.contains(path)) plan_.refused.push_back(path);
    }
    return std::move(plan_);
  }

 private:
  // Something the work tree's listing does not know (ignored, or of another type) at a path REV writes.
  Status check_untracked(const std::string& path, const TreeEntry& wanted) {
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

  // A directory that will be emptied by the removals is no obstruction; one that holds files the listing
  // does not know is.
  Result<bool> holds_untracked(const std::string& directory) {
    std::error_code error;
    for (stdfs::recursive_directory_iterator walk(work_tree_ / directory, error), end; !error && walk != end;
         walk.increment(error)) {
      if (walk->is_directory(error) && !walk->is_symlink(error)) continue;
      const auto relative = walk->path().lexically_relative(work_tree_).generic_string();
      if (!current_.contains(relative)) return true;
    }
    if (error) return make_error(ErrorCode::internal, "cannot read " + (work_tree_ / directory).string() + ": " + error.message());
    return false;
  }

  Status check_ancestor(const std::string& ancestor) {
    if (!checked_ancestors_.insert(ancestor).second || current_.contains(ancestor)) return {};
    MLCHAIN_TRY(const auto kind, on_disk(work_tree_ / ancestor));
    if (kind == OnDisk::other) plan_.obstructions.push_back(ancestor);
    return {};
  }

  const stdfs::path& work_tree_;
  const Listing& target_;
  const Listing& current_;
  std::set<std::string> changed_;
  std::set<std::string> checked_ancestors_;
  Plan plan_;
};

std::string listed(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& path : paths) out += (out.empty() ? "" : ", ") + path;
  return out;
}

class Writer {
 public:
  Writer(Repository& repository, const Listing& target) : repository_(repository), root_(repository.work_tree()) {
    for (const auto& [path, entry] : target) {
      for (auto& ancestor : ancestors(path)) needed_directories_.insert(std::move(ancestor));
      if (entry.kind == NodeKind::directory) needed_directories_.insert(path);
    }
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
    if (error) return make_error(ErrorCode::internal, "cannot remove " + (root_ / relative).string() + ": " + error.message());
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

  // Directories, symlinks, and the parents of files; files themselves go to write_files().
  Status prepare(const TreeEntry& entry) {
    const auto path = root_ / entry.path;
    MLCHAIN_TRY_STATUS(make_parents(entry.path));
    touched(parent_of(entry.path));
    if (entry.kind == NodeKind::file) return {};
    if (entry.kind == NodeKind::directory) {
      MLCHAIN_TRY(const auto kind, on_disk(path));
      if (kind == OnDisk::directory) return {};
      if (kind == OnDisk::other && ::unlink(path.c_str()) != 0) return disk::system_error(errno, "remove", path);
      if (::mkdir(path.c_str(), 0755) != 0) return disk::system_error(errno, "create the directory", path);
      return {};
    }
    return place(entry);
  }

  // A few files at a time, so that one file's flush to disk overlaps another's hashing. The first error
  // stops the others from starting new files; files already placed stay.
  Status write_files(const std::vector<const TreeEntry*>& files) {
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::optional<Error> failure;
    const auto work = [&] {
      for (std::size_t i = next++; i < files.size(); i = next++) {
        {
          std::lock_guard lock(mutex);
          if (failure) return;
        }
        auto status = place(*files[i]);
        if (!status.ok()) {
          std::lock_guard lock(mutex);
          if (!failure) failure = std::move(status).error();
        }
      }
    };
    std::vector<std::thread> workers;
    const std::size_t count = std::min<std::size_t>(files.size(), parallel_files);
    for (std::size_t i = 1; i < count; ++i) workers.emplace_back(work);
    work();
    for (auto& worker : workers) worker.join();
    if (failure) return *failure;
    return {};
  }

  // Every directory whose entries changed is flushed, so the renames survive a power cut before HEAD moves.
  // (A directory pruned after it was touched has nothing left to flush but its parent, touched too.)
  Status sync() {
    for (const auto& directory : touched_) {
      MLCHAIN_TRY(const auto kind, on_disk(root_ / directory));
      if (kind == OnDisk::directory) MLCHAIN_TRY_STATUS(disk::sync_directory(root_ / directory));
    }
    return {};
  }

 private:
  Status make_parents(const std::string& relative) {
    for (const auto& ancestor : ancestors(relative)) {
      if (!made_.insert(ancestor).second) continue;
      const auto path = root_ / ancestor;
      MLCHAIN_TRY(const auto kind, on_disk(path));
      if (kind == OnDisk::directory) continue;
      if (kind == OnDisk::other)
        return make_error(ErrorCode::conflict, path.string() + " is in the way of a directory of the checkout");
      if (::mkdir(path.c_str(), 0755) != 0) return disk::system_error(errno, "create the directory", path);
      touched(parent_of(ancestor));
    }
    return {};
  }

  // Writes beside the final path under a temporary name, verified against the CID for a file, then
  // renamed into place.
  Status place(const TreeEntry& entry) const {
    const auto path = root_ / entry.path;
    const auto temporary = path.parent_path() / disk::work_tree_temporary_name(path.filename().string());
    ::unlink(temporary.c_str());  // a leftover of an interrupted checkout by a process with the same pid
    if (entry.kind == NodeKind::symlink) {
      if (::symlink(entry.symlink_target->c_str(), temporary.c_str()) != 0)
        return disk::system_error(errno, "create the symlink", temporary);
    } else {
      MLCHAIN_TRY_STATUS(repository_.contents().materialize(entry.cid, profile_of_cid(entry.cid), temporary));
    }
    Status placed = make_room(path);
    if (placed.ok() && ::rename(temporary.c_str(), path.c_str()) != 0) placed = disk::system_error(errno, "write", path);
    if (!placed.ok()) ::unlink(temporary.c_str());
    return placed;
  }

  // A file or symlink replaces an empty directory that REV does not have (rename cannot).
  static Status make_room(const stdfs::path& path) {
    MLCHAIN_TRY(const auto kind, on_disk(path));
    if (kind != OnDisk::directory) return {};
    if (::rmdir(path.c_str()) != 0) return disk::system_error(errno, "replace the directory", path);
    return {};
  }

  void touched(std::string directory) { touched_.insert(std::move(directory)); }

  Repository& repository_;
  stdfs::path root_;
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
    return make_error(ErrorCode::verification_failed,
                      "commit " + cid.to_string() + " names an unknown profile '" + commit.profile + "'");
  return *profile;
}

}  // namespace

Result<CheckoutOutcome> checkout(Repository& repository, std::string_view revision, bool force) {
  MLCHAIN_TRY(const auto target_cid, resolve_revision(repository, revision));
  std::optional<std::string> branch;
  if (revision == "HEAD") {
    MLCHAIN_TRY(const auto head, repository.refs().read_head());
    branch = head.branch;
  } else {
    MLCHAIN_TRY(branch, branch_named(repository, revision));
  }
  MLCHAIN_TRY(const auto target_commit, core::load_commit(repository.objects(), target_cid));
  MLCHAIN_TRY(auto target_entries, core::list_files(repository.objects(), target_commit.tree));
  MLCHAIN_TRY_STATUS(core::check_checkout_safety(target_entries, target_commit.tree));
  for (const auto& entry : target_entries) {
    if (entry.kind != NodeKind::file) continue;
    MLCHAIN_TRY(const bool stored, repository.contents().contains(entry.cid));
    if (!stored)
      return make_error(ErrorCode::not_found, "the contents of " + entry.cid.to_string() + " ('" + entry.path +
                                                  "') are not in the repository; fetch them first");
  }
  const Listing target = by_path(std::move(target_entries));

  MLCHAIN_TRY(auto writing, lock_for_writing(repository));
  MLCHAIN_TRY(auto index_held, index_lock(repository.paths(), std::chrono::milliseconds(2000)));
  MLCHAIN_TRY(const auto head, repository.refs().read_head());
  MLCHAIN_TRY(const auto head_cid, repository.refs().head_commit());

  // The work tree as it is, hashed under HEAD's profile (the stat cache vouching where it can), and what
  // differs from HEAD in it: local changes that only --force may overwrite.
  std::vector<TreeEntry> recorded;
  MLCHAIN_TRY(auto profile, repository_profile(repository));
  if (head_cid) {
    MLCHAIN_TRY(const auto head_commit, core::load_commit(repository.objects(), *head_cid));
    MLCHAIN_TRY(profile, profile_named(head_commit, *head_cid));
    MLCHAIN_TRY(recorded, core::list_files(repository.objects(), head_commit.tree));
  }
  const LoadedIndex index = load_index(repository.paths());
  MLCHAIN_TRY(auto snapshot, snapshot_work_tree(repository, profile, index, SnapshotMode::hash_only));
  std::set<std::string> changed;
  for (const auto& change : core::diff_trees(recorded, snapshot.entries))
    if (change.kind != core::ChangeKind::deleted) changed.insert(change.path);
  const Listing current = by_path(snapshot.entries);

  Planner planner(repository.work_tree(), target, current, std::move(changed));
  MLCHAIN_TRY(const auto plan, planner.plan());
  if (!force && (!plan.refused.empty() || !plan.obstructions.empty())) {
    std::vector<std::string> paths = plan.refused;
    for (const auto& path : plan.obstructions) paths.push_back(path + " (untracked)");
    return make_error(ErrorCode::conflict, "checkout of " + target_cid.to_string() +
                                               " would overwrite or remove local changes: " + listed(paths) +
                                               "; commit them, or use --force to discard them");
  }

  Writer writer(repository, target);
  CheckoutOutcome outcome{target_cid, branch, 0, 0, 0, plan.unchanged};
  for (const auto& path : plan.obstructions) MLCHAIN_TRY_STATUS(writer.remove_obstruction(path));
  for (const auto& entry : plan.removals) MLCHAIN_TRY_STATUS(writer.remove_entry(entry));
  for (const auto& path : snapshot.checkout_temporaries)
    if (is_abandoned_temporary(repository.work_tree() / path)) ::unlink((repository.work_tree() / path).c_str());
  outcome.removed = plan.removals.size() + plan.obstructions.size();
  writer.prune();
  std::set<std::string> written;
  std::vector<const TreeEntry*> files;
  for (const auto& entry : plan.writes) {
    MLCHAIN_TRY_STATUS(writer.prepare(entry));
    if (entry.kind == NodeKind::file) files.push_back(&entry);
  }
  MLCHAIN_TRY_STATUS(writer.write_files(files));
  for (const auto& entry : plan.writes) {
    written.insert(entry.path);
    ++outcome.files_written;
    outcome.bytes_written += entry.size;
  }
  MLCHAIN_TRY_STATUS(writer.sync());

  auto switched = repository.refs().switch_head(head, head_cid, branch ? Head{branch, std::nullopt} : Head{std::nullopt, target_cid});
  if (!switched) {
    if (switched.error().code != ErrorCode::conflict) return std::move(switched).error();
    return make_error(ErrorCode::conflict, "HEAD moved while checking out " + target_cid.to_string() +
                                               " (another process committed); the work tree holds " +
                                               target_cid.to_string() + "'s files, HEAD was left as the other process set it");
  }

  // The stat cache learns the files just written, so the next status reads none of them; it is only a
  // cache, so a failure to save it does not undo the checkout.
  std::vector<core::StatEntry> entries;
  for (const auto& [path, entry] : target) {
    if (entry.kind != NodeKind::file) continue;
    if (written.contains(path)) {
      struct stat info {};
      auto tsize = tsize_of(repository.objects(), entry);
      if (::lstat((repository.work_tree() / path).c_str(), &info) != 0 || !tsize) continue;
      entries.push_back({path, stat_of(info), entry.cid, *tsize});
      continue;
    }
    const auto cached = std::lower_bound(snapshot.index.begin(), snapshot.index.end(), path,
                                         [](const core::StatEntry& e, const std::string& key) { return e.path < key; });
    if (cached != snapshot.index.end() && cached->path == path && cached->cid == entry.cid) entries.push_back(*cached);
  }
  (void)save_index(repository.paths(), entries);
  return outcome;
}

}  // namespace mlchain::repo
