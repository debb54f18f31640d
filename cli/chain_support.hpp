#pragma once
// What the chain commands (registry, push's anchoring, log --remote, verify --chain) share: the flags that
// tune waiting for receipts. The key that signs is workflow::signer_for's choice.

#include <cstdint>
#include <optional>
#include <string>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/eth/rpc_types.hpp"

namespace CLI {
class App;
}

namespace mlchain::cli {

struct WaitOptions {
  std::optional<std::uint64_t> confirmations;
  std::uint64_t timeout_seconds = 300;
  chain::ChainOptions chain_options() const;
};
// --confirmations N and --timeout SECONDS.
void add_wait_options(CLI::App& command, WaitOptions& options);

std::string hash_hex(const eth::Hash& hash);

}  // namespace mlchain::cli
