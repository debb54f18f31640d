#include "mlchain/repo/path_arguments.hpp"

#include "mlchain/repo/revisions.hpp"

namespace mlchain::repo {
namespace {

bool exists_in_work_tree(const std::filesystem::path& current_directory, const std::string& argument) {
  std::error_code error;
  const auto status = std::filesystem::symlink_status(current_directory / argument, error);
  return !error && status.type() != std::filesystem::file_type::not_found;
}

}  // namespace

Result<RevisionsAndPaths> split_revisions_and_paths(Repository& repository,
                                                    const std::filesystem::path& current_directory,
                                                    const std::vector<std::string>& arguments,
                                                    std::optional<std::size_t> first_path, std::size_t max_revisions) {
  RevisionsAndPaths split;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const auto& argument = arguments[i];
    bool is_path = first_path && i >= *first_path;
    if (!first_path) {
      auto inside = core::work_tree_path(repository.work_tree(), current_directory, argument);
      is_path = inside.ok() && exists_in_work_tree(current_directory, argument);
      if (is_path && resolve_revision(repository, argument).ok())
        return make_error(ErrorKind::invalid_argument,
                          "'" + argument +
                              "' is both a revision and a path in the work tree; put '--' before "
                              "the paths");
      if (!is_path && !paths.empty())
        return make_error(ErrorKind::invalid_argument,
                          "'" + argument +
                              "' is not in the work tree, and revisions come before paths; put "
                              "'--' before paths that no longer exist");
    }
    if (is_path) {
      MLCHAIN_TRY(auto path, core::work_tree_path(repository.work_tree(), current_directory, argument));
      paths.push_back(std::move(path));
    } else {
      split.revisions.push_back(argument);
    }
  }
  if (split.revisions.size() > max_revisions)
    return make_error(ErrorKind::invalid_argument, "at most " + std::to_string(max_revisions) + " revision" +
                                                       (max_revisions == 1 ? "" : "s") + " can be given, not '" +
                                                       split.revisions[max_revisions] + "'; put '--' before paths");
  split.limited = !paths.empty();
  split.paths = core::PathFilter(std::move(paths));
  return split;
}

}  // namespace mlchain::repo
