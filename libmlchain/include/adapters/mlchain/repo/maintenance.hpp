#pragma once
// fsck and gc: checking a repository end to end, and removing what nothing reaches.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mlchain/core/history.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

struct FsckProblem {
  // unreadable: something in .mlchain/ is not the kind of file it must be (a FIFO, a symlink, a
  // directory where a file belongs), reported and never opened; malformed: config, index or a reflog
  // does not parse.
  enum class Kind { corrupt, missing, bad_ref, unreadable, bad_signature, malformed } kind;
  std::string subject;  // the CID, ref name or path
  std::string detail;   // one line: what is wrong, where
};

struct FsckReport {
  std::uint64_t objects_checked = 0;
  std::uint64_t files_checked = 0;
  std::uint64_t refs_checked = 0;
  std::vector<FsckProblem> problems;
  // Temporary files that interrupted writes left (their writer is gone): safe to delete; gc deletes them.
  std::vector<std::filesystem::path> leftovers;
  // What objects/ and files/ hold that is neither a block or file under its own name nor a temporary:
  // nothing reads it, and neither fsck nor gc removes what mlchain did not write.
  std::vector<std::filesystem::path> strays;
};

// Re-hashes every object and file; checks that every file of .mlchain/ is of its kind and parses (HEAD,
// config, index, refs, reflogs, journal), that HEAD and every ref name a stored commit, and that every
// commit reachable from them, from the reflogs and from the journal is signed by its author and has its
// parents, tree and file contents. Only a failure to run at all is an error; what it finds is in the
// report.
Result<FsckReport> fsck(Repository& repository);

struct GcOptions {
  std::vector<codec::Cid> extra_roots;  // beside the refs: the index's CIDs
  std::int64_t now = 0;                 // unix seconds; reflog entries older than gc.reflog-expire before it expire
  bool dry_run = false;                 // report what would go, change nothing
};

struct GcReport {
  std::uint64_t objects_removed = 0;  // with dry_run: that would be removed
  std::uint64_t files_removed = 0;
  std::uint64_t leftovers_removed = 0;
  std::uint64_t bytes_freed = 0;
  std::uint64_t reflog_entries_expired = 0;
  std::vector<core::StoredCommit> commits_removed;  // newest first
};

// Under lock_for_gc: marks everything reachable from HEAD, every ref, every reflog entry younger than
// gc.reflog-expire (default 30 days), the journal and `extra_roots` (all ancestry, trees, file
// contents), expires the older reflog entries, then removes the rest and the leftovers of interrupted
// writes. Stops without removing anything when config, HEAD, a ref or a reflog cannot be read (a ref that
// cannot be read must not look like one that is not there) or a reachable object is missing or corrupt.
Result<GcReport> gc(Repository& repository, const GcOptions& options);

// The commits reachable from `from` that no ref reaches, each before its parents: what moving a detached
// HEAD away from `from` leaves behind. Commits that cannot be read end the walk there.
Result<std::vector<core::StoredCommit>> commits_left_behind(Repository& repository, const codec::Cid& from);

// Whether a temporary file in the stores or refs belongs to a writer that no longer runs on this host.
bool is_abandoned_temporary(const std::filesystem::path& path);

}  // namespace mlchain::repo
