// mlchain restore PATH… [--source REV]: write those paths from REV (default HEAD) into the work tree,
// verified; HEAD does not move.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/repo/checkout.hpp"
#include "mlchain/repo/repository.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

struct RestoreOptions {
  std::vector<std::string> paths;
  std::string source = "HEAD";
};

void run_restore(const RestoreOptions& options, Context& context) {
  const auto here = std::filesystem::current_path();
  auto repository = repo::discover_repository(here);
  if (!repository) return context.fail(repository.error());
  // Paths are given as the shell sees them, from the current directory; the library takes them from the
  // work tree's root.
  std::vector<std::string> paths;
  for (const auto& given : options.paths) {
    const auto relative = (here / given).lexically_normal().lexically_relative(repository->work_tree());
    const auto text = relative.generic_string();
    if (relative.empty() || text == ".." || text.starts_with("../"))
      return context.fail(ErrorKind::invalid_argument,
                          "'" + given + "' is outside the work tree " + repository->work_tree().string());
    paths.push_back(text);
  }
  auto outcome = [&] {
    ProgressBar bar(context.err, "restore");
    return repo::restore(*repository, paths, options.source,
                         [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
  }();
  if (!outcome) return context.fail(outcome.error());
  context.out << "restored " << outcome->files_written << " (" << outcome->bytes_written << " bytes) from "
              << outcome->source.to_string() << '\n';
}

}  // namespace

void register_restore(CLI::App& app, Context& context) {
  auto options = std::make_shared<RestoreOptions>();
  auto* command = app.add_subcommand("restore",
                                     "Write PATHs (files, or directories whole) from REV into the work "
                                     "tree, verified; HEAD does not move");
  command->add_option("PATH", options->paths, "Files or directories, from the current directory")->required();
  command->add_option("-s,--source", options->source, "The revision to take them from (default HEAD)");
  command->callback([options, &context] { run_restore(*options, context); });
}

}  // namespace mlchain::cli
