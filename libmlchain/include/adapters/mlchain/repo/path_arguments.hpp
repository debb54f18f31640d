#pragma once
// The arguments of `log [REV] [--] PATH…` and `diff [REV [REV]] [--] PATH…`, told apart as git does:
// after "--" everything is a path; without it an argument that exists in the work tree is a path and any
// other a revision, and a name that is both is refused as ambiguous.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/core/path_filter.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

struct RevisionsAndPaths {
  std::vector<std::string> revisions;  // as typed, in order
  core::PathFilter paths;              // relative to the work tree's root
  bool limited = false;                // any path was given
};

// `first_path`: the index of the first argument that followed "--", when there was one. Usage errors
// naming the argument: more than `max_revisions` revisions, a path outside the work tree, an argument
// that is both a revision and a file, a revision after a path.
Result<RevisionsAndPaths> split_revisions_and_paths(Repository& repository,
                                                    const std::filesystem::path& current_directory,
                                                    const std::vector<std::string>& arguments,
                                                    std::optional<std::size_t> first_path, std::size_t max_revisions);

}  // namespace mlchain::repo
