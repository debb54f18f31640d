#include "chain_support.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "count_option.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/keys/key_directory.hpp"
#include "mlchain/repo/config.hpp"

namespace mlchain::cli {

Result<keys::SignerChoice> transaction_signer(const repo::Repository* repository, const std::optional<std::string>& key) {
  std::optional<std::string> name = key;
  if (!name && repository != nullptr && std::getenv("MLCHAIN_PRIVATE_KEY") == nullptr) {
    MLCHAIN_TRY(auto config, repo::Config::load(repository->paths().config()));
    name = config.get("user.key");
  }
  MLCHAIN_TRY(auto directory, keys::KeyDirectory::from_environment());
  return keys::choose_signer(directory, name, keys::standard_passphrase_source(std::nullopt));
}

chain::ChainOptions WaitOptions::chain_options() const {
  chain::ChainOptions options;
  options.confirmations = confirmations;
  options.receipt_timeout = std::chrono::seconds(timeout_seconds);
  return options;
}

void add_wait_options(CLI::App& command, WaitOptions& options) {
  command.add_option("--confirmations", options.confirmations,
                     "Blocks the transaction's block must have on top of it, itself included (default: the remote's "
                     "confirmations setting, else 1)")
      ->check(positive_whole_number);
  command.add_option("--timeout", options.timeout_seconds,
                     "Seconds to wait for the receipt; the transaction stays journaled after that (default 300)")
      ->check(positive_whole_number);
}

std::string hash_hex(const eth::Hash& hash) { return codec::to_0x_hex(hash); }

}  // namespace mlchain::cli
