// mlchain init [DIR]: creates .mlchain/ (docs/format.md) in DIR, or the current directory.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::cli {
namespace {

struct InitOptions {
  std::string directory = ".";
};

void run_init(const InitOptions& options, Context& context) {
  auto repository = repo::init_repository(options.directory);
  if (!repository) return context.fail(repository.error());
  context.out << "Initialized empty mlchain repository in " << repository->paths().dir.string() << " (branch "
              << repo::initial_branch << ")\n";
}

}  // namespace

void register_init(CLI::App& app, Context& context) {
  auto options = std::make_shared<InitOptions>();
  auto* command = app.add_subcommand("init", "Create an empty repository (.mlchain/) in DIR or the current directory");
  command->add_option("DIR", options->directory, "Work tree to create the repository in (created if missing)");
  command->callback([options, &context] { run_init(*options, context); });
}

}  // namespace mlchain::cli
