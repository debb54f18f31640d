#pragma once
// `mlchain commit` (docs/format.md): snapshot the work tree, storing what is new in the same pass, then sign
// a commit whose parent is HEAD and move HEAD's branch (or a detached HEAD) to it by compare-and-swap.
// Everything is stored before the ref moves, so a crash at any moment leaves HEAD at the old commit or
// the new one, and at worst temporary files that fsck reports and gc removes.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "mlchain/core/commit.hpp"
#include "mlchain/core/signer.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/unixfs/profile.hpp"

namespace mlchain::repo {

struct CommitRequest {
  std::string message;
  core::CommitMeta meta;  // metrics, params, tags, license, data, env; the code provenance is read here
  bool allow_empty = false;
  std::int64_t time = 0;     // seconds since the epoch
  bool dereference = false;  // symlinks are stored as what they point to (SnapshotOptions::dereference)
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;  // bytes hashed, of how many
};

struct CommitOutcome {
  std::optional<codec::Cid> commit;   // nothing when there was nothing to commit
  std::optional<std::string> branch;  // the branch that moved; nothing when HEAD is detached
  std::uint64_t files_read = 0;       // files the stat cache could not vouch for
  std::uint64_t bytes_read = 0;
  std::optional<std::string> index_warning;  // a damaged index was ignored (and is rebuilt)
};

// The profile new commits are made under: `core.profile` in the repository's config, else the default.
// An unknown name is an invalid_input error naming it.
Result<unixfs::Profile> repository_profile(const Repository& repository);

// Nothing to commit (same tree as HEAD, or an empty first tree) without `allow_empty` is success with no
// commit and nothing written. A work tree that checkout could not write back (a symlink leaving it, a tree
// too deep) is an invalid_input error naming the path, with nothing written. Another writer moving the branch first is
// changed_concurrently naming the ref; the objects this one stored stay for gc.
Result<CommitOutcome> commit_work_tree(Repository& repository, core::Signer& signer, CommitRequest request);

// `--data NAME[:ROLE]=PATH`: the CID of a file or directory anywhere (inside the work tree or not),
// computed under `profile` and not stored. PATH itself is followed when it is a symlink (the data's CID,
// not the link's); symlinks below it are not.
Result<core::DataReference> reference_data(std::string name, std::string role, const std::filesystem::path& path,
                                           const unixfs::Profile& profile);

}  // namespace mlchain::repo
