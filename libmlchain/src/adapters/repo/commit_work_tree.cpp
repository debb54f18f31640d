#include "mlchain/repo/commit_work_tree.hpp"

#include "mlchain/core/history.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/repo/code_provenance.hpp"
#include "mlchain/repo/config.hpp"
#include "mlchain/repo/index_file.hpp"
#include "mlchain/repo/work_tree.hpp"

namespace mlchain::repo {

Result<unixfs::Profile> repository_profile(const Repository& repository) {
  MLCHAIN_TRY(auto config, Config::load(repository.paths().config()));
  const auto name = config.get("core.profile");
  if (!name) return unixfs::default_profile;
  auto profile = unixfs::find_profile(*name);
  if (!profile)
    return make_error(ErrorKind::invalid_input, "core.profile '" + *name + "' in " +
                                                    repository.paths().config().string() +
                                                    " is not a profile (unixfs-v1-2025 or unixfs-v0-2015)");
  return *profile;
}

Result<CommitOutcome> commit_work_tree(Repository& repository, core::Signer& signer, CommitRequest request) {
  MLCHAIN_TRY(const auto profile, repository_profile(repository));
  MLCHAIN_TRY(auto writing, lock_for_writing(repository));
  MLCHAIN_TRY(const auto head, repository.refs().read_head());
  MLCHAIN_TRY(const auto parent, repository.refs().head_commit());

  const LoadedIndex index = load_index(repository.paths());
  MLCHAIN_TRY(const bool configured_dereference, repository_dereferences(repository));
  const SnapshotOptions options{.mode = SnapshotMode::store,
                                .dereference = request.dereference || configured_dereference,
                                .on_progress = std::move(request.on_progress)};
  MLCHAIN_TRY(auto snapshot, snapshot_work_tree(repository, profile, index, options));
  CommitOutcome outcome;
  outcome.branch = head.branch;
  outcome.files_read = snapshot.files_read;
  outcome.bytes_read = snapshot.bytes_read;
  outcome.index_warning = index.warning;

  if (!request.allow_empty) {
    bool unchanged = !parent && snapshot.entries.empty();
    if (parent) {
      MLCHAIN_TRY(const auto previous, core::load_commit(repository.objects(), *parent));
      unchanged = previous.tree == snapshot.root.cid;
    }
    if (unchanged) return outcome;
  }

  core::Commit commit;
  commit.tree = snapshot.root.cid;
  if (parent) commit.parents.push_back(*parent);
  commit.profile = std::string(profile.name);
  commit.author = signer.address();
  commit.time = request.time;
  commit.message = std::move(request.message);
  commit.meta = std::move(request.meta);
  MLCHAIN_TRY(commit.meta.code, read_code_provenance(repository.work_tree()));

  MLCHAIN_TRY(const auto unsigned_block, core::encode_unsigned(commit));
  const auto digest = core::signing_digest(unsigned_block);
  MLCHAIN_TRY(commit.signature, signer.sign_message(digest));
  MLCHAIN_TRY(const auto block, core::encode_commit(commit));
  for (const auto& tree_block : snapshot.tree_blocks)
    MLCHAIN_TRY_STATUS(repository.objects().put(tree_block.cid, tree_block.block));
  const auto cid = codec::Cid::of_block(1, codec::multicodec::dag_cbor, block);
  MLCHAIN_TRY_STATUS(repository.objects().put(cid, block));
  MLCHAIN_TRY_STATUS(repository.refs().advance_head(
      parent, cid,
      std::string(parent ? "commit: " : "commit (initial): ") + commit.message.substr(0, commit.message.find('\n'))));
  outcome.commit = cid;

  // The index is only a cache: a commit that moved its branch has succeeded even if it cannot be saved.
  if (auto lock = index_lock(repository.paths(), std::chrono::milliseconds(2000))) {
    (void)save_index(repository.paths(), snapshot.index);
  }
  return outcome;
}

Result<core::DataReference> reference_data(std::string name, std::string role, const std::filesystem::path& path,
                                           const unixfs::Profile& profile) {
  fs::ImportOptions options;
  options.follow_argument_symlink = true;
  MLCHAIN_TRY(const auto node, fs::cid_of_path(path, profile, options));
  return core::DataReference{std::move(name), node.cid.to_string(), std::move(role)};
}

}  // namespace mlchain::repo
