// mlchain shred REV… [--remote R]: crypto-shredding of a private model's versions (workflow/access.hpp).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/workflow/access.hpp"

namespace mlchain::cli {
namespace {

struct ShredOptions {
  std::vector<std::string> revisions;
  std::string remote;
  std::optional<std::string> key;
  WaitOptions wait;
};

void run_shred(const ShredOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto shredded = workflow::shred(
      *repository, options.revisions,
      workflow::AccessOptions{.remote = options.remote, .key = options.key, .chain = options.wait.chain_options()});
  if (!shredded) return context.fail(shredded.error());
  for (const auto& version : shredded->versions) context.out << "shredded " << version.to_string() << '\n';
  for (const auto& cid : shredded->unpinned) context.out << "unpinned " << cid.to_string() << '\n';
  context.out << "destroyed " << shredded->keys_destroyed << " file keys, unpinned " << shredded->unpinned.size()
              << " ciphertexts and access pages, ";
  if (shredded->settled)
    context.out << "recorded on chain: transaction " << hash_hex(shredded->settled->receipt.transaction_hash)
                << ", block " << shredded->settled->receipt.block_number << '\n';
  else
    context.out << "recorded on chain already\n";
  for (const auto& kept : shredded->kept)
    context.err << "mlchain: warning: kept the key of " << kept.to_string()
                << ": a version not shredded holds the same contents\n";
  context.err << "mlchain: note: copies a reader already decrypted, and this repository's own plaintext "
                 "(.mlchain/files, the work tree), are beyond shredding; see mlchain-shred(1)\n";
}

}  // namespace

void register_shred(CLI::App& app, Context& context) {
  auto options = std::make_shared<ShredOptions>();
  auto* command = app.add_subcommand(
      "shred", "Destroy a private model's file keys of versions REV…, unpin their ciphertext, record it on chain");
  command->add_option("REV", options->revisions, "Versions (anchored heads) to shred")->required()->expected(1, -1);
  command->add_option("--remote", options->remote, "Remote name (default origin)");
  command->add_option("--key", options->key, "Stored key that pushed the versions (default: as for commit)");
  add_wait_options(*command, options->wait);
  command->callback([options, &context] { run_shred(*options, context); });
}

}  // namespace mlchain::cli
