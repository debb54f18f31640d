#include "universe_support.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>

#include "mlchain/codec/ether_amount.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::cli {

void add_universe_options(CLI::App& command, catalogue::UniverseFlags& flags) {
  command.add_option("--rpc", flags.rpc,
                     "JSON-RPC URL of the chain, with --universe: names the catalogue without a repository");
  command.add_option("--universe", flags.universe, "Address of the catalogue (Model Universe) contract, with --rpc");
}

std::string remote_and_name(const std::vector<std::string>& arguments, catalogue::UniverseFlags& flags) {
  if (arguments.size() == 2) flags.remote = arguments.front();
  return arguments.empty() ? std::string() : arguments.back();
}

std::string transaction_text(const chain::Settled& settled, bool resumed) {
  return std::string(resumed ? "finished the interrupted transaction " : "transaction ") +
         codec::to_0x_hex(settled.receipt.transaction_hash) + ", block " +
         std::to_string(settled.receipt.block_number) + ", gas used " + std::to_string(settled.receipt.gas_used);
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

Result<SigningTarget> signing_target(const catalogue::UniverseFlags& flags, const std::optional<std::string>& key) {
  MLCHAIN_TRY(auto target, universe_target(flags));
  MLCHAIN_TRY(auto signer, workflow::signer_for(target.repository ? &*target.repository : nullptr, key));
  return SigningTarget{std::move(target), std::move(signer)};
}

std::string amount_text(const codec::U256& wei) {
  return codec::format_ether(wei) + " ether (" + wei.to_decimal() + " wei)";
}

}  // namespace mlchain::cli
