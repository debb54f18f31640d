// mlchain universe deploy [REMOTE] [--key NAME] [--json] | --rpc URL --registry ADDR: deploys the catalogue (the
// Model Universe) for a registry, records it as the remote's universe and, when the signer owns the
// remote's repository, names it in the registry so a clone finds it.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/catalogue/transactions.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/workflow/signer_for.hpp"
#include "universe_support.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct DeployOptions {
  std::optional<std::string> remote;
  std::optional<std::string> rpc;
  std::optional<std::string> registry;
  std::optional<std::uint64_t> chain_id;
  std::optional<std::string> key;
  WaitOptions wait;
  bool json = false;
};

// The remote's chain (inside a repository), or the one --rpc and --registry name.
Result<chain::ChainRemote> deploy_site(const DeployOptions& options,
                                       const std::optional<repo::Repository>& repository) {
  if (options.rpc || options.registry) {
    if (!options.rpc || !options.registry)
      return make_error(ErrorKind::invalid_argument, "--rpc URL and --registry ADDR go together");
    if (options.remote)
      return make_error(ErrorKind::invalid_argument, "name either REMOTE or --rpc URL --registry ADDR, not both");
    MLCHAIN_TRY_STATUS(remote::check_remote_url("--rpc", *options.rpc));
    auto registry = codec::parse_address(*options.registry);
    if (!registry) return make_error(ErrorKind::invalid_argument, "--registry: " + registry.error().message);
    chain::ChainRemote site;
    site.rpc = *options.rpc;
    site.registry = *registry;
    site.chain_id = options.chain_id;
    return site;
  }
  if (!repository)
    return make_error(ErrorKind::invalid_argument,
                      "outside a repository, name the registry with --rpc URL --registry ADDR");
  return chain::find_chain_remote(*repository, options.remote.value_or(remote::default_remote));
}

void run_deploy(const DeployOptions& options, Context& context) {
  auto repository = optional_repository();
  if (!repository) return context.fail(repository.error());
  auto site = deploy_site(options, *repository);
  if (!site) return context.fail(site.error());
  auto* repo_pointer = *repository ? &**repository : nullptr;
  auto signer = workflow::signer_for(repo_pointer, options.key);
  if (!signer) return context.fail(signer.error());
  auto deployed = catalogue::deploy_catalogue(repo_pointer, *site, *signer->signer, options.wait.chain_options());
  if (!deployed) return context.fail(deployed.error());
  const std::string address = codec::to_checksum_address(deployed->catalogue);
  if (options.json) {
    auto transactions = json::array();
    for (const auto& sent : deployed->transactions)
      transactions.push_back({{"action", sent.settled.entry.action},
                              {"transaction", hash_hex(sent.settled.receipt.transaction_hash)},
                              {"block", sent.settled.receipt.block_number},
                              {"gas_used", sent.settled.receipt.gas_used},
                              {"resumed", sent.resumed}});
    const json document{{"universe", address},
                        {"registry", codec::to_checksum_address(deployed->registry)},
                        {"remote", site->name.empty() ? json(nullptr) : json(site->name)},
                        {"repo", site->repo.empty() ? json(nullptr) : json(site->repo)},
                        {"set_in_registry", !deployed->registry_unchanged && !site->repo.empty()},
                        {"transactions", transactions}};
    context.out << document.dump(2) << '\n';
  } else {
    context.out << "universe " << address << '\n';
    for (const auto& sent : deployed->transactions)
      context.out << sent.settled.entry.action << ": " << transaction_text(sent.settled, sent.resumed) << '\n';
    if (!site->name.empty()) context.out << "remote." << site->name << ".universe = " << address << '\n';
  }
  if (deployed->registry_unchanged)
    context.err << "mlchain: warning: the registry does not name it for the repository: "
                << *deployed->registry_unchanged << '\n';
}

}  // namespace

void register_universe(CLI::App& app, Context& context) {
  auto* universe = app.add_subcommand("universe", "Deploy the catalogue (Model Universe) of a registry");
  universe->require_subcommand(1);
  auto options = std::make_shared<DeployOptions>();
  auto* deploy = universe->add_subcommand(
      "deploy", "Deploy the catalogue for the remote's registry, record it as remote.<name>.universe; prints it");
  deploy->add_option("REMOTE", options->remote, "Chain remote whose registry it serves (default origin)");
  deploy->add_option("--rpc", options->rpc, "JSON-RPC URL of the chain, with --registry (outside a repository)");
  deploy->add_option("--registry", options->registry, "Address of the registry it serves, with --rpc");
  deploy->add_option("--chain-id", options->chain_id, "With --rpc: refuse to sign unless the node serves this chain");
  deploy->add_option("--key", options->key, "Stored key that pays for the deployment (default: as for commit)");
  deploy->add_flag("--json", options->json, "Print {universe, registry, remote, repo, set_in_registry, transactions}");
  add_wait_options(*deploy, options->wait);
  deploy->callback([options, &context] { run_deploy(*options, context); });
}

}  // namespace mlchain::cli
