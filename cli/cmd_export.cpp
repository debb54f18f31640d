// mlchain export REV --car FILE [--depth N]: REV's history (or N generations) as one CARv1.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/remote/car_transfer.hpp"
#include "mlchain/repo/revisions.hpp"

namespace mlchain::cli {
namespace {

struct ExportOptions {
  std::string revision;
  std::string car;
  std::optional<std::uint64_t> depth;
};

void run_export(const ExportOptions& options, Context& context) {
  if (options.depth && *options.depth == 0)
    return context.fail(ErrorKind::invalid_argument, "--depth must be at least 1");
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto commit = resolve_local_commit(*repository, options.revision);
  if (!commit) return context.fail(commit.error());
  auto exported = remote::export_car(*repository, *commit, options.depth, options.car);
  if (!exported) return context.fail(exported.error());
  context.out << "exported " << exported->root.to_string() << " to " << options.car << ": " << exported->commits
              << (exported->commits == 1 ? " commit, " : " commits, ") << exported->blocks << " blocks, "
              << exported->bytes << " bytes\n";
  for (const auto& parent : exported->cut_parents)
    context.out << "history cut at --depth: parent " << parent.to_string() << " not included\n";
}

}  // namespace

void register_export(CLI::App& app, Context& context) {
  auto options = std::make_shared<ExportOptions>();
  auto* command = app.add_subcommand("export", "Write REV's commits, trees and files as a CARv1 file");
  command->add_option("REV", options->revision, "Branch, tag, CID or short CID, with ~N/^N")->required();
  command->add_option("--car", options->car, "The CAR file to write (replaced atomically)")->required();
  command->add_option("--depth", options->depth, "Only N generations of history (REV is generation 1)");
  command->callback([options, &context] { run_export(*options, context); });
}

}  // namespace mlchain::cli
