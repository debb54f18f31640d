// mlchain signer add|remove [REMOTE] ADDR [--key NAME]: the owner authorises a key to sign the repository's
// commits from the block of the transaction on, or ends its authorisation at that block.
// mlchain signer list [REMOTE] [--json]: every signer ever added, with its intervals (docs/format.md §7.1).
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
#include "mlchain/chain/commit_signers.hpp"
#include "mlchain/chain/registry_admin.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct ChangeOptions {
  std::vector<std::string> arguments;  // [REMOTE] ADDR
  std::optional<std::string> key;
  WaitOptions wait;
};

struct ListOptions {
  std::string remote = remote::default_remote;
  bool json = false;
};

void run_change(const ChangeOptions& options, chain::SignerChange change, Context& context) {
  const std::string remote_name = options.arguments.size() == 2 ? options.arguments[0] : remote::default_remote;
  auto signer = codec::parse_address(options.arguments.back());
  if (!signer) return context.fail(ErrorKind::invalid_argument, "ADDR: " + signer.error().message);
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto remote = chain::find_chain_remote(*repository, remote_name);
  if (!remote) return context.fail(remote.error());
  auto key = workflow::signer_for(&*repository, options.key);
  if (!key) return context.fail(key.error());
  auto settled =
      chain::change_signer(*repository, *remote, *signer, change, *key->signer, options.wait.chain_options());
  if (!settled) return context.fail(settled.error());
  const bool added = change == chain::SignerChange::add;
  context.out << (added ? "authorised " : "removed ") << codec::to_checksum_address(*signer)
              << (added ? " to sign for " : " as a signer of ") << remote->repo << (added ? " from" : " at")
              << " block " << settled->receipt.block_number << ": transaction "
              << hash_hex(settled->receipt.transaction_hash) << ", gas used " << settled->receipt.gas_used << '\n';
}

std::string interval_text(const core::SignerInterval& interval) {
  return "from block " + std::to_string(interval.from_block) +
         (interval.until_block ? " until block " + std::to_string(*interval.until_block) : std::string(", current"));
}

void run_list(const ListOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto remote = chain::find_chain_remote(*repository, options.remote);
  if (!remote) return context.fail(remote.error());
  auto signers = chain::list_signers(*remote);
  if (!signers) return context.fail(signers.error());
  if (options.json) {
    auto list = json::array();
    for (const auto& record : *signers) {
      auto intervals = json::array();
      for (const auto& interval : record.intervals)
        intervals.push_back({{"from_block", interval.from_block},
                             {"until_block", interval.until_block ? json(*interval.until_block) : json(nullptr)}});
      const bool current = !record.intervals.empty() && !record.intervals.back().until_block;
      list.push_back(
          {{"signer", codec::to_checksum_address(record.signer)}, {"current", current}, {"intervals", intervals}});
    }
    context.out << json{{"repo", remote->repo}, {"signers", list}}.dump(2) << '\n';
    return;
  }
  if (signers->empty()) {
    context.out << "repository " << remote->repo << " never authorised a signer\n";
    return;
  }
  for (const auto& record : *signers) {
    context.out << codec::to_checksum_address(record.signer);
    const char* separator = " ";
    for (const auto& interval : record.intervals) {
      context.out << separator << interval_text(interval);
      separator = "; ";
    }
    context.out << '\n';
  }
}

void add_change_command(CLI::App& signer, const char* name, const char* description, chain::SignerChange change,
                        Context& context) {
  auto options = std::make_shared<ChangeOptions>();
  auto* command = signer.add_subcommand(name, description);
  command
      ->add_option("REMOTE_AND_ADDR", options->arguments,
                   "[REMOTE] ADDR: the remote (default origin) and the signer's address")
      ->required()
      ->expected(1, 2);
  command->add_option("--key", options->key, "Stored key of the repository's owner (default: as for commit)");
  add_wait_options(*command, options->wait);
  command->callback([options, change, &context] { run_change(*options, change, context); });
}

}  // namespace

void register_signer(CLI::App& app, Context& context) {
  auto* signer = app.add_subcommand("signer", "Authorise and remove the keys that may sign the repository's commits");
  signer->require_subcommand(1);
  add_change_command(*signer, "add",
                     "Authorise ADDR to sign the remote's commits from this transaction's block on (the owner signs)",
                     chain::SignerChange::add, context);
  add_change_command(*signer, "remove",
                     "End ADDR's authorisation at this transaction's block: commits first anchored from then on "
                     "do not count as signed by it (the owner signs)",
                     chain::SignerChange::remove, context);
  auto list_options = std::make_shared<ListOptions>();
  auto* list = signer->add_subcommand("list", "Every signer the remote's repository ever authorised, with its blocks");
  list->add_option("REMOTE", list_options->remote, "Remote whose repository to list (default origin)");
  list->add_flag("--json", list_options->json,
                 "Print {\"repo\", \"signers\": [{signer, current, intervals: [{from_block, until_block}]}]}");
  list->callback([list_options, &context] { run_list(*list_options, context); });
}

}  // namespace mlchain::cli
