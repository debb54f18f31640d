// mlchain import FILE: adds the commits of a CARv1 file (every block re-hashed, every signature checked,
// every file re-imported to its CID) to the repository. Branches do not move.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/remote/car_transfer.hpp"

namespace mlchain::cli {
namespace {

void run_import(const std::string& car, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto imported = remote::import_car(*repository, car);
  if (!imported) return context.fail(imported.error());
  context.out << "imported " << imported->blocks << " blocks from " << car << ": " << imported->commits.size()
              << (imported->commits.size() == 1 ? " commit, " : " commits, ") << imported->files << " new files ("
              << imported->file_bytes << " bytes)\n";
  for (const auto& root : imported->roots) context.out << "root " << root.to_string() << '\n';
  for (const auto& parent : imported->cut_parents)
    context.out << "history ends at the CAR's edge: parent " << parent.to_string() << " not included\n";
  if (!imported->roots.empty())
    context.out << "to name it: mlchain branch NAME " << imported->roots.front().to_string() << '\n';
}

}  // namespace

void register_import(CLI::App& app, Context& context) {
  auto car = std::make_shared<std::string>();
  auto* command =
      app.add_subcommand("import", "Add the commits of a CARv1 file to the repository (branches do not move)");
  command->add_option("FILE", *car, "The CAR file to read")->required();
  command->callback([car, &context] { run_import(*car, context); });
}

}  // namespace mlchain::cli
