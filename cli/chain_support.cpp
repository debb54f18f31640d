#include "chain_support.hpp"

#include <CLI/CLI.hpp>

#include "count_option.hpp"
#include "mlchain/codec/hex.hpp"

namespace mlchain::cli {

chain::ChainOptions WaitOptions::chain_options() const {
  chain::ChainOptions options;
  options.confirmations = confirmations;
  options.receipt_timeout = std::chrono::seconds(timeout_seconds);
  return options;
}

void add_wait_options(CLI::App& command, WaitOptions& options) {
  command
      .add_option("--confirmations", options.confirmations,
                  "Blocks the transaction's block must have on top of it, itself included (default: the remote's "
                  "confirmations setting, else 1)")
      ->check(positive_whole_number);
  command
      .add_option("--timeout", options.timeout_seconds,
                  "Seconds to wait for the receipt; the transaction stays journaled after that (default 300)")
      ->check(positive_whole_number);
}

std::string hash_hex(const eth::Hash& hash) { return codec::to_0x_hex(hash); }

}  // namespace mlchain::cli
