// mlchain earnings [REMOTE] [--address ADDR] [--key NAME] [--json]: what a payee can withdraw from the catalogue
// now, and what it was ever credited.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/catalogue/universe.hpp"
#include "mlchain/codec/ether_amount.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/workflow/signer_for.hpp"
#include "universe_support.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct EarningsOptions {
  catalogue::UniverseFlags flags;
  std::optional<std::string> address;
  std::optional<std::string> key;
  bool json = false;
};

void run_earnings(const EarningsOptions& options, Context& context) {
  auto target = universe_target(options.flags);
  if (!target) return context.fail(target.error());
  codec::Address payee;
  if (options.address) {
    auto address = codec::parse_address(*options.address);
    if (!address) return context.fail(ErrorKind::invalid_argument, "--address: " + address.error().message);
    payee = *address;
  } else {
    auto signer = workflow::signer_for(target->repository ? &*target->repository : nullptr, options.key);
    if (!signer) return context.fail(signer.error());
    payee = signer->signer->address();
  }
  eth::RpcClient rpc(eth::rpc_options_for(target->universe.rpc));
  catalogue::CatalogueClient client(rpc, target->universe.catalogue);
  auto balance = client.balance_of(payee);
  if (!balance) return context.fail(balance.error());
  if (options.json) {
    const json document{{"payee", codec::to_checksum_address(payee)},
                        {"universe", codec::to_checksum_address(target->universe.catalogue)},
                        {"balance_wei", balance->balance.to_decimal()},
                        {"balance_ether", codec::format_ether(balance->balance)},
                        {"earned_wei", balance->earned.to_decimal()},
                        {"earned_ether", codec::format_ether(balance->earned)}};
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << codec::to_checksum_address(payee) << ": balance " << amount_text(balance->balance) << ", earned "
              << amount_text(balance->earned) << '\n';
}

}  // namespace

void register_earnings(CLI::App& app, Context& context) {
  auto options = std::make_shared<EarningsOptions>();
  auto* earnings = app.add_subcommand("earnings", "Show what a payee can withdraw from the catalogue, and has earned");
  earnings->add_option("REMOTE", options->flags.remote, "Chain remote whose universe it reads (default origin)");
  add_universe_options(*earnings, options->flags);
  earnings->add_option("--address", options->address, "The payee (default: the signer's address)");
  earnings->add_option("--key", options->key, "Stored key whose address is the payee (default: as for commit)");
  earnings->add_flag("--json", options->json,
                     "Print {payee, universe, balance_wei, balance_ether, earned_wei, earned_ether}");
  earnings->callback([options, &context] { run_earnings(*options, context); });
}

}  // namespace mlchain::cli
