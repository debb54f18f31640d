#pragma once
// fsck and gc: checking a repository end to end, and removing what nothing reaches.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

struct FsckProblem {
  enum class Kind { corrupt, missing, bad_ref, unreadable } kind;
  std::string subject;  // the CID or ref name
  std::string detail;   // one line: what is wrong, where
};

struct FsckReport {
  std::uint64_t objects_checked = 0;
  std::uint64_t files_checked = 0;
  std::uint64_t refs_checked = 0;
  std::vector<FsckProblem> problems;
  // Temporary files that interrupted writes left (their writer is gone): safe to delete; gc deletes them.
  std::vector<std::filesystem::path> leftovers;
};

// Re-hashes every object and file, checks that HEAD and every ref name a stored commit and that every
// commit reachable from them has its parents, tree and file contents. Only a failure to run at all is
// an error; what it finds is in the report.
Result<FsckReport> fsck(Repository& repository);

struct GcReport {
  std::uint64_t objects_removed = 0;
  std::uint64_t files_removed = 0;
  std::uint64_t leftovers_removed = 0;
  std::uint64_t bytes_freed = 0;
};

// Under lock_for_gc: marks everything reachable from HEAD, every ref (all ancestry, trees, file
// contents) and `extra_roots` (the index's and journal's CIDs), then removes the rest and the leftovers
// of interrupted writes. Stops without removing anything when a reachable object is missing or corrupt.
Result<GcReport> gc(Repository& repository, const std::vector<codec::Cid>& extra_roots = {});

// Whether a temporary file in the stores or refs belongs to a writer that no longer runs on this host.
bool is_abandoned_temporary(const std::filesystem::path& path);

}  // namespace mlchain::repo
