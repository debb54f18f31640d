#include "universe_support.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>

namespace mlchain::cli {

void add_universe_options(CLI::App& command, catalogue::UniverseFlags& flags) {
  command.add_option("--rpc", flags.rpc,
                     "JSON-RPC URL of the chain, with --universe: names the catalogue without a repository");
  command.add_option("--universe", flags.universe, "Address of the catalogue (Model Universe) contract, with --rpc");
}

Result<std::optional<repo::Repository>> optional_repository() {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (repository) return std::optional<repo::Repository>(std::move(*repository));
  if (repository.error().kind == ErrorKind::not_found) return std::optional<repo::Repository>();
  return std::move(repository).error();
}

Result<UniverseTarget> universe_target(const catalogue::UniverseFlags& flags) {
  MLCHAIN_TRY(auto repository, optional_repository());
  MLCHAIN_TRY(auto universe, catalogue::find_universe(repository ? &*repository : nullptr, flags));
  return UniverseTarget{std::move(repository), std::move(universe)};
}

}  // namespace mlchain::cli
