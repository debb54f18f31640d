// mlchain withdraw [REMOTE] [--key NAME] [--json]: the catalogue pays the signer its whole balance.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

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

struct WithdrawOptions {
  catalogue::UniverseFlags flags;
  std::optional<std::string> key;
  WaitOptions wait;
  bool json = false;
};

void run_withdraw(const WithdrawOptions& options, Context& context) {
  auto target = signing_target(options.flags, options.key);
  if (!target) return context.fail(target.error());
  auto& signer = target->signer.signer;
  auto withdrawn =
      catalogue::withdraw(target->repository(), target->target.universe, *signer, options.wait.chain_options());
  if (!withdrawn) return context.fail(withdrawn.error());
  const auto& settled = withdrawn->sent.settled;
  const std::string payee = codec::to_checksum_address(signer->address());
  if (options.json) {
    const json document{{"payee", payee},
                        {"amount_wei", withdrawn->amount.to_decimal()},
                        {"transaction", hash_hex(settled.receipt.transaction_hash)},
                        {"block", settled.receipt.block_number},
                        {"gas_used", settled.receipt.gas_used}};
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << "withdrew " << amount_text(withdrawn->amount) << " to " << payee << ": "
              << transaction_text(settled, withdrawn->sent.resumed) << '\n';
}

}  // namespace

void register_withdraw(CLI::App& app, Context& context) {
  auto options = std::make_shared<WithdrawOptions>();
  auto* withdraw = app.add_subcommand("withdraw", "Withdraw the signer's whole balance from the catalogue");
  withdraw->add_option("REMOTE", options->flags.remote, "Chain remote whose universe pays (default origin)");
  add_universe_options(*withdraw, options->flags);
  withdraw->add_option("--key", options->key, "Stored key of the payee (default: as for commit)");
  withdraw->add_flag("--json", options->json, "Print {payee, amount_wei, transaction, block, gas_used}");
  add_wait_options(*withdraw, options->wait);
  withdraw->callback([options, &context] { run_withdraw(*options, context); });
}

}  // namespace mlchain::cli
