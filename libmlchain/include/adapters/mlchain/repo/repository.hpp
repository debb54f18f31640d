#pragma once
// The repository on disk (docs/format.md): a `.mlchain/` directory beside the work tree, like `.git/`.
//
//   .mlchain/HEAD            "ref: refs/heads/<b>\n", or "<cid>\n" when detached
//   .mlchain/config          `key = value` lines (repo/config.hpp)
//   .mlchain/refs/{heads,tags,remotes}/…   "<cid>\n" each
//   .mlchain/logs/HEAD, .mlchain/logs/refs/…   reflogs: one line per move (repo/ref_store.hpp)
//   .mlchain/objects/<xx>/<cid>   IPLD blocks;  .mlchain/files/<xx>/<cid>   whole file contents
//   .mlchain/index           the stat cache;  .mlchain/journal/   transactions not yet confirmed

#include <chrono>
#include <filesystem>

#include "mlchain/fs/lock_file.hpp"
#include "mlchain/repo/content_store.hpp"
#include "mlchain/repo/object_store.hpp"
#include "mlchain/repo/ref_store.hpp"

namespace mlchain::repo {

inline constexpr const char* repository_directory_name = ".mlchain";
inline constexpr const char* initial_branch = "main";

struct RepositoryPaths {
  std::filesystem::path work_tree;  // absolute
  std::filesystem::path dir;        // work_tree / ".mlchain"

  std::filesystem::path head() const { return dir / "HEAD"; }
  std::filesystem::path config() const { return dir / "config"; }
  std::filesystem::path refs() const { return dir / "refs"; }
  std::filesystem::path objects() const { return dir / "objects"; }
  std::filesystem::path files() const { return dir / "files"; }
  std::filesystem::path index() const { return dir / "index"; }
  std::filesystem::path journal() const { return dir / "journal"; }
  std::filesystem::path watch() const { return dir / "watch"; }  // mlchain watch's cursor and parked events
  // A private model's file keys, one sealed record per plaintext content (docs/format.md §8.3).
  std::filesystem::path private_keys() const { return dir / "private" / "keys"; }
  // The versions `mlchain shred` began to shred here, one empty file per commit CID (docs/format.md §8.3).
  std::filesystem::path shredded() const { return dir / "private" / "shredded"; }
  std::filesystem::path writers_lock() const { return dir / "gc.lock"; }
};

class Repository {
 public:
  explicit Repository(RepositoryPaths paths);

  const RepositoryPaths& paths() const { return paths_; }
  const std::filesystem::path& work_tree() const { return paths_.work_tree; }
  DiskObjectStore& objects() { return objects_; }
  ContentStore& contents() { return contents_; }
  RefStore& refs() { return refs_; }

 private:
  RepositoryPaths paths_;
  ContentStore contents_;  // before objects_, which serves one-chunk files from it
  DiskObjectStore objects_;
  RefStore refs_;
};

// The work tree that holds `.mlchain/` at `start` or in the nearest parent of it, like git.
// ErrorKind::not_found ("not in an mlchain repository … run 'mlchain init'") when there is none.
Result<Repository> discover_repository(const std::filesystem::path& start);

// Creates `.mlchain/` in `work_tree` (created first if missing) with an unborn branch "main".
// ErrorKind::exists naming it when `work_tree` or any parent already holds a repository.
Result<Repository> init_repository(const std::filesystem::path& work_tree);

// Held by every command that adds objects or moves refs (commit, checkout, fetch…) for as long as it
// writes, shared among them; gc holds it exclusively, so it never sweeps objects a writer has stored but
// not yet made reachable. flock(2)-based: a holder that dies frees it. A writer waits up to `patience`
// for a running gc, gc for running writers; then ErrorKind::locked.
class RepositoryLock {
 public:
  RepositoryLock(RepositoryLock&& other) noexcept;
  RepositoryLock& operator=(RepositoryLock&&) = delete;
  RepositoryLock(const RepositoryLock&) = delete;
  RepositoryLock& operator=(const RepositoryLock&) = delete;
  ~RepositoryLock();

 private:
  friend Result<RepositoryLock> lock_for_writing(const Repository&, std::chrono::milliseconds);
  friend Result<RepositoryLock> lock_for_gc(const Repository&, std::chrono::milliseconds);
  explicit RepositoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

Result<RepositoryLock> lock_for_writing(const Repository& repository,
                                        std::chrono::milliseconds patience = std::chrono::milliseconds(10000));
Result<RepositoryLock> lock_for_gc(const Repository& repository,
                                   std::chrono::milliseconds patience = std::chrono::milliseconds(2000));

}  // namespace mlchain::repo
