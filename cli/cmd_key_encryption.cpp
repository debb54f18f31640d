// mlchain key encryption show|publish [NAME] [REMOTE | --rpc URL --registry ADDR]: the encryption key a
// signing key derives (workflow/encryption_key.hpp), and its publication on a registry.
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
#include "mlchain/codec/hex.hpp"
#include "mlchain/keys/key_directory.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/workflow/encryption_key.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct EncryptionOptions {
  std::vector<std::string> arguments;  // [NAME] [REMOTE]
  std::string rpc;
  std::string registry;
  bool json = false;
  WaitOptions wait;
};

// One argument is a stored key's name when such a key exists, else a remote's.
Result<workflow::EncryptionKeyOptions> resolve(const EncryptionOptions& options, repo::Repository* repository) {
  workflow::EncryptionKeyOptions resolved{.key = std::nullopt,
                                          .remote = std::nullopt,
                                          .rpc = options.rpc,
                                          .registry = options.registry,
                                          .chain = options.wait.chain_options()};
  if (options.arguments.size() == 2) {
    resolved.key = options.arguments[0];
    resolved.remote = options.arguments[1];
  } else if (options.arguments.size() == 1) {
    MLCHAIN_TRY(const auto directory, keys::KeyDirectory::from_environment());
    const bool stored = directory.load(options.arguments[0]).ok();
    if (stored || repository == nullptr)
      resolved.key = options.arguments[0];
    else
      resolved.remote = options.arguments[0];
  }
  return resolved;
}

void print(const workflow::EncryptionKeyReport& report, bool publishing, bool as_json, Context& context) {
  const std::string key = "0x" + codec::to_hex(report.encryption_key);
  const bool published = report.published && *report.published == report.encryption_key;
  if (as_json) {
    json document{{"address", codec::to_checksum_address(report.account)}, {"encryption_key", key}};
    if (report.registry) {
      document["registry"] = codec::to_checksum_address(*report.registry);
      document["published"] = published;
      document["published_key"] = report.published ? json("0x" + codec::to_hex(*report.published)) : json(nullptr);
    }
    if (report.settled) document["transaction"] = hash_hex(report.settled->receipt.transaction_hash);
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << "encryption key " << key << " of " << codec::to_checksum_address(report.account) << '\n';
  if (!report.registry) return;
  const std::string registry = codec::to_checksum_address(*report.registry);
  if (report.settled)
    context.out << "published on registry " << registry << ": transaction "
                << hash_hex(report.settled->receipt.transaction_hash) << ", block "
                << report.settled->receipt.block_number << '\n';
  else if (published)
    context.out << (publishing ? "already published" : "published") << " on registry " << registry << '\n';
  else if (report.published)
    context.out << "registry " << registry << " holds another key for it: 0x" << codec::to_hex(*report.published)
                << " ('mlchain key encryption publish' replaces it)\n";
  else
    context.out << "not published on registry " << registry << " ('mlchain key encryption publish')\n";
}

void run(const EncryptionOptions& options, bool publishing, Context& context) {
  auto found = repo::discover_repository(std::filesystem::current_path());
  if (!found && found.error().kind != ErrorKind::not_found) return context.fail(found.error());
  repo::Repository* repository = found ? &*found : nullptr;
  auto resolved = resolve(options, repository);
  if (!resolved) return context.fail(resolved.error());
  auto report = publishing ? workflow::publish_encryption_key(repository, *resolved)
                           : workflow::show_encryption_key(repository, *resolved);
  if (!report) return context.fail(report.error());
  print(*report, publishing, options.json, context);
}

void add_command(CLI::App& encryption, const char* name, const char* description, bool publishing, Context& context) {
  auto options = std::make_shared<EncryptionOptions>();
  auto* command = encryption.add_subcommand(name, description);
  command
      ->add_option("NAME_AND_REMOTE", options->arguments,
                   "[NAME] [REMOTE]: the stored key (default: as for commit) and the remote naming the registry "
                   "(default origin, when it has a chain)")
      ->expected(0, 2);
  command->add_option("--rpc", options->rpc, "Chain JSON-RPC URL, with --registry (instead of a remote)");
  command->add_option("--registry", options->registry, "Registry contract address, with --rpc");
  command->add_flag("--json", options->json,
                    "Print a JSON object: address, encryption_key, and with a registry: registry, published, "
                    "published_key, transaction");
  if (publishing) add_wait_options(*command, options->wait);
  command->callback([options, publishing, &context] { run(*options, publishing, context); });
}

}  // namespace

void register_key_encryption(CLI::App& key, Context& context) {
  auto* encryption = key.add_subcommand(
      "encryption", "The key's encryption key (private models are wrapped to it): show it, publish it on a registry");
  encryption->require_subcommand(1);
  add_command(*encryption, "show", "Print the encryption key, and whether the registry holds it", false, context);
  add_command(*encryption, "publish",
              "Publish the encryption key on the registry, signed (EIP-712) by the key; a no-op when it is there", true,
              context);
}

}  // namespace mlchain::cli
