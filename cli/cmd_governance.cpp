// mlchain governance deploy [REMOTE] [--eas ADDR]: deploys the governance contract (and EAS where the chain
// has none) and makes it the governance of the remote's repository in the registry.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct DeployOptions {
  std::optional<std::string> remote;
  std::optional<std::string> eas;
  std::optional<std::string> key;
  WaitOptions wait;
  bool json = false;
};

void run_deploy(const DeployOptions& options, Context& context) {
  std::optional<codec::Address> eas;
  if (options.eas) {
    auto address = codec::parse_address(*options.eas);
    if (!address) return context.fail(ErrorKind::invalid_argument, "--eas: " + address.error().message);
    eas = *address;
  }
  auto target = governance_target(options.remote);
  if (!target) return context.fail(target.error());
  auto signer = workflow::signer_for(&target->repository, options.key);
  if (!signer) return context.fail(signer.error());
  auto deployed =
      chain::deploy_governance(target->repository, target->remote, eas, *signer->signer, options.wait.chain_options());
  if (!deployed) return context.fail(deployed.error());
  std::uint64_t gas = 0;
  for (const auto& settled : deployed->transactions) gas += settled.receipt.gas_used;
  if (options.json) {
    auto transactions = json::array();
    for (const auto& settled : deployed->transactions)
      transactions.push_back({{"action", settled.entry.action},
                              {"transaction", hash_hex(settled.receipt.transaction_hash)},
                              {"block", settled.receipt.block_number},
                              {"gas_used", settled.receipt.gas_used}});
    const json document{
        {"governance", codec::to_checksum_address(deployed->governance)},
        {"eas", codec::to_checksum_address(deployed->eas)},
        {"schema_registry",
         deployed->schema_registry ? json(codec::to_checksum_address(*deployed->schema_registry)) : json(nullptr)},
        {"repo", target->remote.repo},
        {"transactions", transactions}};
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << "governance " << codec::to_checksum_address(deployed->governance) << '\n'
              << "eas " << codec::to_checksum_address(deployed->eas)
              << (deployed->schema_registry ? " (deployed here, schema registry " +
                                                  codec::to_checksum_address(*deployed->schema_registry) + ")"
                                            : " (the chain's)")
              << '\n'
              << "repository " << target->remote.repo << " is governed by it: " << deployed->transactions.size()
              << " transactions, gas used " << gas << '\n';
}

}  // namespace

void register_governance(CLI::App& app, Context& context) {
  auto* governance =
      app.add_subcommand("governance", "Deploy the governance contract that gates a repository's stages");
  governance->require_subcommand(1);
  auto options = std::make_shared<DeployOptions>();
  auto* deploy = governance->add_subcommand(
      "deploy", "Deploy the governance contract (and EAS where the chain has none); the repository's owner signs");
  deploy->add_option("REMOTE", options->remote, "Chain remote whose repository it governs (default origin)");
  deploy->add_option("--eas", options->eas, "Use the EAS 1.4.0 contract at this address");
  deploy->add_option("--key", options->key, "Stored key of the repository's owner (default: as for commit)");
  deploy->add_flag("--json", options->json, "Print {governance, eas, schema_registry, repo, transactions}");
  add_wait_options(*deploy, options->wait);
  deploy->callback([options, &context] { run_deploy(*options, context); });
}

}  // namespace mlchain::cli
