// mlchain buy [REMOTE] NAME [--key NAME] [--json]: pays a listing's price for an access grant; the catalogue
// credits each payee its share.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/catalogue/transactions.hpp"
#include "mlchain/codec/ether_amount.hpp"
#include "mlchain/codec/hex.hpp"
#include "universe_support.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct BuyOptions {
  std::vector<std::string> arguments;  // [REMOTE] NAME
  catalogue::UniverseFlags flags;
  std::optional<std::string> key;
  WaitOptions wait;
  bool json = false;
};

void run_buy(BuyOptions options, Context& context) {
  const std::string name = remote_and_name(options.arguments, options.flags);
  if (auto valid = eth::catalogue::check_listing_name(name); !valid) return context.fail(valid.error());
  auto target = signing_target(options.flags, options.key);
  if (!target) return context.fail(target.error());
  auto& signer = target->signer.signer;
  auto bought =
      catalogue::buy(target->repository(), target->target.universe, name, *signer, options.wait.chain_options());
  if (!bought) return context.fail(bought.error());
  const auto& price = bought->listing.terms.price;
  const auto& settled = bought->sent.settled;
  if (options.json) {
    const json document{{"name", name},
                        {"repo", bought->listing.repo},
                        {"buyer", codec::to_checksum_address(signer->address())},
                        {"price_wei", price.to_decimal()},
                        {"duration_seconds", bought->listing.terms.duration},
                        {"transaction", hash_hex(settled.receipt.transaction_hash)},
                        {"block", settled.receipt.block_number},
                        {"gas_used", settled.receipt.gas_used}};
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << "bought " << name << " (" << bought->listing.repo << ") for " << codec::format_ether(price)
              << " ether: " << transaction_text(settled, bought->sent.resumed) << '\n';
}

}  // namespace

void register_buy(CLI::App& app, Context& context) {
  auto options = std::make_shared<BuyOptions>();
  auto* buy = app.add_subcommand("buy", "Pay the listing NAME's price for access; its payees are credited");
  buy->add_option("REMOTE_AND_NAME", options->arguments, "[REMOTE] NAME: the remote (default origin), the name")
      ->required()
      ->expected(1, 2);
  add_universe_options(*buy, options->flags);
  buy->add_option("--key", options->key, "Stored key that pays (default: as for commit)");
  buy->add_flag("--json", options->json, "Print {name, repo, buyer, price_wei, duration_seconds, transaction, …}");
  add_wait_options(*buy, options->wait);
  buy->callback([options, &context] { run_buy(*options, context); });
}

}  // namespace mlchain::cli
