#include "mlchain/repo/code_provenance.hpp"

#include <git2.h>

#include <memory>
#include <string>

#include "mlchain/core/url_credentials.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {
namespace {

template <class T, void (*Free)(T*)>
struct Freer {
  void operator()(T* pointer) const { Free(pointer); }
};
using GitRepository = std::unique_ptr<git_repository, Freer<git_repository, git_repository_free>>;
using GitReference = std::unique_ptr<git_reference, Freer<git_reference, git_reference_free>>;
using GitRemote = std::unique_ptr<git_remote, Freer<git_remote, git_remote_free>>;
using GitStatusList = std::unique_ptr<git_status_list, Freer<git_status_list, git_status_list_free>>;

// libgit2 is initialised once per process and stays so: other threads may use it at any time.
void ensure_initialised() {
  static const int initialised = git_libgit2_init();
  (void)initialised;
}

Error git_failure(std::string_view what, const std::filesystem::path& where) {
  const git_error* error = git_error_last();
  return make_error(ErrorKind::internal,
                    "cannot " + std::string(what) + " of the git repository at " + where.string() + ": " +
                        (error != nullptr && error->message != nullptr ? error->message : "unknown error"));
}

// A path git reports ("sub/.mlchain/", "sub/.mlchain/x") inside some mlchain repository's own directory.
bool inside_mlchain_directory(std::string_view path) {
  const std::string name = repository_directory_name;
  std::size_t start = 0;
  while (start < path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == name) return true;
    start = end + 1;
  }
  return false;
}

Result<bool> is_dirty(git_repository* repository, const std::filesystem::path& where) {
  git_status_options options = GIT_STATUS_OPTIONS_INIT;
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* raw = nullptr;
  if (git_status_list_new(&raw, repository, &options) != 0) return git_failure("read the status", where);
  GitStatusList list(raw);
  const std::size_t count = git_status_list_entrycount(list.get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_status_entry* entry = git_status_byindex(list.get(), i);
    if (entry == nullptr || entry->status == GIT_STATUS_CURRENT || (entry->status & GIT_STATUS_IGNORED) != 0) continue;
    const git_diff_delta* delta = entry->index_to_workdir != nullptr ? entry->index_to_workdir : entry->head_to_index;
    const char* path =
        delta != nullptr ? (delta->new_file.path != nullptr ? delta->new_file.path : delta->old_file.path) : nullptr;
    if (path != nullptr && inside_mlchain_directory(path)) continue;
    return true;
  }
  return false;
}

}  // namespace

Result<std::optional<core::GitProvenance>> read_code_provenance(const std::filesystem::path& work_tree) {
  ensure_initialised();
  git_repository* raw_repository = nullptr;
  const int opened = git_repository_open_ext(&raw_repository, work_tree.c_str(), 0, nullptr);
  if (opened == GIT_ENOTFOUND) return std::optional<core::GitProvenance>();
  if (opened != 0) return git_failure("open", work_tree);
  GitRepository repository(raw_repository);

  core::GitProvenance provenance;
  git_reference* raw_head = nullptr;
  const int head = git_repository_head(&raw_head, repository.get());
  if (head == 0) {
    GitReference reference(raw_head);
    if (const git_oid* id = git_reference_target(reference.get())) provenance.commit = git_oid_tostr_s(id);
    if (git_reference_is_branch(reference.get())) provenance.branch = git_reference_shorthand(reference.get());
  } else if (head == GIT_EUNBORNBRANCH) {
    git_reference* raw_symbolic = nullptr;
    if (git_reference_lookup(&raw_symbolic, repository.get(), "HEAD") == 0) {
      GitReference symbolic(raw_symbolic);
      if (const char* target = git_reference_symbolic_target(symbolic.get())) {
        const std::string_view name(target);
        constexpr std::string_view heads = "refs/heads/";
        if (name.substr(0, heads.size()) == heads) provenance.branch = std::string(name.substr(heads.size()));
      }
    }
  } else {
    return git_failure("read HEAD", work_tree);
  }

  git_remote* raw_remote = nullptr;
  const int remote = git_remote_lookup(&raw_remote, repository.get(), "origin");
  if (remote == 0) {
    GitRemote origin(raw_remote);
    if (const char* url = git_remote_url(origin.get())) provenance.remote = core::strip_url_credentials(url);
  } else if (remote != GIT_ENOTFOUND) {
    return git_failure("read the remote 'origin'", work_tree);
  }

  if (!git_repository_is_bare(repository.get())) {
    MLCHAIN_TRY(provenance.dirty, is_dirty(repository.get(), work_tree));
  }
  return std::optional<core::GitProvenance>(std::move(provenance));
}

}  // namespace mlchain::repo
