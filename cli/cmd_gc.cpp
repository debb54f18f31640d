// mlchain gc: removes the objects and files nothing reachable uses, and leftovers of interrupted writes.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/repo/index_file.hpp"
#include "mlchain/repo/maintenance.hpp"

namespace mlchain::cli {
namespace {

void run_gc(Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  // What the stat cache has hashed stays: a commit about to be made may rely on it.
  std::vector<codec::Cid> indexed;
  for (const auto& entry : repo::load_index(repository->paths()).entries) indexed.push_back(entry.cid);
  auto report = repo::gc(*repository, indexed);
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
