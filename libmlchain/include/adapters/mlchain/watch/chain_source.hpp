#pragma once
// What a watcher asks of the chain: its head, the hash of a block (to notice a reorg) and the logs of the
// followed contracts in a bounded block range. Behind an interface so the watcher's delivery logic is
// tested on a chain a test builds and reorganizes itself; the JSON-RPC node stands behind it in use.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/eth/rpc_client.hpp"
#include "mlchain/eth/rpc_types.hpp"
#include "mlchain/result.hpp"

namespace mlchain::watch {

class ChainSource {
 public:
  virtual ~ChainSource() = default;
  virtual Result<std::uint64_t> head() = 0;
  // Nothing when the chain has no such block (it is shorter now).
  virtual Result<std::optional<eth::Hash>> block_hash(std::uint64_t block) = 0;
  // The logs of `contracts` matching `topics` in blocks `from` to `to`, both included.
  virtual Result<std::vector<eth::Log>> logs(std::span<const codec::Address> contracts,
                                             const std::vector<std::vector<eth::Hash>>& topics, std::uint64_t from,
                                             std::uint64_t to) = 0;
  // The node's URL (credentials redacted), for messages.
  virtual std::string describe() const = 0;
};

class RpcChainSource final : public ChainSource {
 public:
  explicit RpcChainSource(eth::RpcClient& rpc) : rpc_(rpc) {}
  Result<std::uint64_t> head() override;
  Result<std::optional<eth::Hash>> block_hash(std::uint64_t block) override;
  Result<std::vector<eth::Log>> logs(std::span<const codec::Address> contracts,
                                     const std::vector<std::vector<eth::Hash>>& topics, std::uint64_t from,
                                     std::uint64_t to) override;
  std::string describe() const override { return rpc_.display_url(); }

 private:
  eth::RpcClient& rpc_;
};

}  // namespace mlchain::watch
