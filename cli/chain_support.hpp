#pragma once
// What the chain commands (registry, push's anchoring, log --remote, verify --chain) share: picking the
// key that signs transactions, and the flags that tune waiting for receipts.

#include <cstdint>
#include <optional>
#include <string>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/eth/rpc_types.hpp"
#include "mlchain/keys/signers.hpp"

namespace CLI {
class App;
}

namespace mlchain::cli {

// --key NAME, else (unless CI passes MLCHAIN_PRIVATE_KEY) the repository's user.key when there is a
// repository, else the default key.
Result<keys::SignerChoice> transaction_signer(const repo::Repository* repository, const std::optional<std::string>& key);

struct WaitOptions {
  std::optional<std::uint64_t> confirmations;
  std::uint64_t timeout_seconds = 300;
  chain::ChainOptions chain_options() const;
};
// --confirmations N and --timeout SECONDS.
void add_wait_options(CLI::App& command, WaitOptions& options);

std::string hash_hex(const eth::Hash& hash);

}  // namespace mlchain::cli
