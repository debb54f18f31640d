// mlchain registry deploy --rpc URL [--chain-id N] [--key NAME]: deploys the embedded registry contract.
// mlchain registry grant|revoke [REMOTE] ADDR [--key NAME]: the owner lets a writer push, or stops it.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/chain/registry_admin.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct DeployOptions {
  std::string rpc;
  std::optional<std::uint64_t> chain_id;
  std::optional<std::string> key;
  WaitOptions wait;
  bool json = false;
};

struct WriterOptions {
  std::vector<std::string> arguments;  // [REMOTE] ADDR
  std::optional<std::string> key;
  WaitOptions wait;
};

void run_deploy(const DeployOptions& options, Context& context) {
  if (auto valid = remote::check_remote_url("--rpc", options.rpc); !valid) return context.fail(valid.error());
  const auto repository = repo::discover_repository(std::filesystem::current_path());
  // Outside any repository is no error here: the deploy is journaled in $MLCHAIN_HOME instead.
  if (!repository && repository.error().kind != ErrorKind::not_found) return context.fail(repository.error());
  auto journal = chain::deploy_journal(repository ? &*repository : nullptr);
  if (!journal) return context.fail(journal.error());
  auto signer = workflow::signer_for(repository ? &*repository : nullptr, options.key);
  if (!signer) return context.fail(signer.error());
  auto deployed =
      chain::deploy_registry(*journal, options.rpc, options.chain_id, *signer->signer, options.wait.chain_options());
  if (!deployed) return context.fail(deployed.error());
  const auto& receipt = deployed->settled.receipt;
  const std::string address = codec::to_checksum_address(deployed->address);
  if (options.json) {
    const json document{{"registry", address},
                        {"chain_id", deployed->settled.entry.transaction.chain_id},
                        {"transaction", hash_hex(receipt.transaction_hash)},
                        {"block", receipt.block_number},
                        {"gas_used", receipt.gas_used},
                        {"deployer", codec::to_checksum_address(deployed->settled.entry.from)},
                        {"resumed", deployed->resumed}};
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << "registry " << address << '\n'
              << (deployed->resumed ? "finished the interrupted deploy: " : "") << "transaction "
              << hash_hex(receipt.transaction_hash) << ", block " << receipt.block_number << ", gas used "
              << receipt.gas_used << ", chain " << deployed->settled.entry.transaction.chain_id << ", deployer "
              << codec::to_checksum_address(deployed->settled.entry.from) << '\n';
}

void run_change_writer(const WriterOptions& options, chain::WriterChange change, Context& context) {
  const std::string remote_name = options.arguments.size() == 2 ? options.arguments[0] : remote::default_remote;
  auto writer = codec::parse_address(options.arguments.back());
  if (!writer) return context.fail(ErrorKind::invalid_argument, "ADDR: " + writer.error().message);
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto remote = chain::find_chain_remote(*repository, remote_name);
  if (!remote) return context.fail(remote.error());
  auto signer = workflow::signer_for(&*repository, options.key);
  if (!signer) return context.fail(signer.error());
  auto settled =
      chain::change_writer(*repository, *remote, *writer, change, *signer->signer, options.wait.chain_options());
  if (!settled) return context.fail(settled.error());
  context.out << (change == chain::WriterChange::grant ? "granted " : "revoked ") << codec::to_checksum_address(*writer)
              << (change == chain::WriterChange::grant ? " on " : " from ") << remote->repo << ": transaction "
              << hash_hex(settled->receipt.transaction_hash) << ", block " << settled->receipt.block_number
              << ", gas used " << settled->receipt.gas_used << '\n';
}

void add_writer_command(CLI::App& registry, const char* name, const char* description, chain::WriterChange change,
                        Context& context) {
  auto options = std::make_shared<WriterOptions>();
  auto* command = registry.add_subcommand(name, description);
  command
      ->add_option("REMOTE_AND_ADDR", options->arguments,
                   "[REMOTE] ADDR: the remote (default origin) and the writer's address")
      ->required()
      ->expected(1, 2);
  command->add_option("--key", options->key, "Stored key of the repository's owner (default: as for commit)");
  add_wait_options(*command, options->wait);
  command->callback([options, change, &context] { run_change_writer(*options, change, context); });
}

}  // namespace

void register_registry(CLI::App& app, Context& context) {
  auto* registry = app.add_subcommand("registry", "Deploy the registry contract; grant and revoke writers");
  registry->require_subcommand(1);

  auto deploy_options = std::make_shared<DeployOptions>();
  auto* deploy = registry->add_subcommand("deploy", "Deploy the registry contract mlchain embeds; prints its address");
  deploy->add_option("--rpc", deploy_options->rpc, "JSON-RPC URL of the chain (a bearer token: MLCHAIN_RPC_TOKEN)")
      ->required();
  deploy->add_option("--chain-id", deploy_options->chain_id, "Refuse to sign unless the node serves this chain");
  deploy->add_option("--key", deploy_options->key, "Stored key that pays for the deployment (default: as for commit)");
  deploy->add_flag("--json", deploy_options->json,
                   "Print a JSON object: registry, chain_id, transaction, block, gas_used");
  add_wait_options(*deploy, deploy_options->wait);
  deploy->callback([deploy_options, &context] { run_deploy(*deploy_options, context); });

  add_writer_command(*registry, "grant", "Let ADDR push to the remote's repository (the owner signs)",
                     chain::WriterChange::grant, context);
  add_writer_command(*registry, "revoke", "Stop ADDR from pushing to the remote's repository (the owner signs)",
                     chain::WriterChange::revoke, context);
}

}  // namespace mlchain::cli
