// mlchain gc: removes the objects and files nothing reachable uses, and leftovers of interrupted writes.
#include <CLI/CLI.hpp>
#include <filesystem>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/repo/maintenance.hpp"

namespace mlchain::cli {
namespace {

void run_gc(Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto report = repo::gc(*repository);
  if (!report) return context.fail(report.error());
  context.out << "removed " << report->objects_removed << " objects, " << report->files_removed << " files, "
              << report->leftovers_removed << " leftovers; freed " << report->bytes_freed << " bytes\n";
}

}  // namespace

void register_gc(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "gc", "Remove objects and files that no ref, HEAD or index entry reaches, and leftovers of interrupted writes");
  command->callback([&context] { run_gc(context); });
}

}  // namespace mlchain::cli
