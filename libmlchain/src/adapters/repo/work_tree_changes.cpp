#include "mlchain/repo/work_tree_changes.hpp"

#include "mlchain/core/history.hpp"
#include "mlchain/repo/commit_work_tree.hpp"
#include "mlchain/repo/index_file.hpp"
#include "mlchain/repo/work_tree.hpp"

namespace mlchain::repo {

Result<WorkTreeChanges> compare_work_tree(Repository& repository, const std::optional<codec::Cid>& commit) {
  std::vector<core::TreeEntry> recorded;
  MLCHAIN_TRY(auto profile, repository_profile(repository));
  if (commit) {
    MLCHAIN_TRY(const auto loaded, core::load_commit(repository.objects(), *commit));
    auto commit_profile = unixfs::find_profile(loaded.profile);
    if (!commit_profile)
      return make_error(ErrorKind::corrupt,
                        "commit " + commit->to_string() + " names an unknown profile '" + loaded.profile + "'");
    profile = *commit_profile;
    MLCHAIN_TRY(recorded, core::list_files(repository.objects(), loaded.tree));
  }

  const LoadedIndex index = load_index(repository.paths());
  MLCHAIN_TRY(auto snapshot, snapshot_work_tree(repository, profile, index, SnapshotMode::hash_only));
  WorkTreeChanges result{core::diff_trees(recorded, snapshot.entries), index.warning, snapshot.files_read};

  const bool stale = snapshot.files_read > 0 || index.warning || snapshot.index.size() != index.entries.size();
  if (stale) {
    // Only a cache: if a committer holds the index right now, its own refresh will do.
    if (auto lock = index_lock(repository.paths(), std::chrono::milliseconds(0))) {
      (void)save_index(repository.paths(), snapshot.index);
    }
  }
  return result;
}

}  // namespace mlchain::repo
