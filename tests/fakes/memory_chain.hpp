#pragma once
// A chain held in memory behind watch::ChainSource, for unit tests of the watcher's delivery loop: blocks
// a test mines with the registry's and a governance contract's logs (encoded with the project's ABI codec,
// as the contracts emit them), reorganizes (the last blocks replaced by others with new hashes) and takes
// offline (every call fails as an unreachable node does). Block 0 exists from the start and holds no log.
// Every block and transaction hash is new in the process. Not thread-safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/eth/registry_abi.hpp"
#include "mlchain/watch/chain_source.hpp"

namespace mlchain::testing {

class MemoryChain final : public watch::ChainSource {
 public:
  struct Block {
    std::uint64_t number = 0;
    eth::Hash hash{};
    std::vector<eth::Log> logs;
  };

  MemoryChain(codec::Address registry, std::string repo);

  // Logs for the next mined block, in order; each returns the log as it will be mined (its transaction
  // hash is new, its block fields are filled in by mine()).
  eth::Log push(const std::string& branch, const eth::registry::Head& new_head,
                const eth::registry::Head& old_head = {});
  eth::Log set_governance(const codec::Address& governance);
  eth::Log promote(const codec::Address& governance, const std::string& stage, const eth::registry::Head& commit);
  // The catalogue's Purchased of `listing` (whatever repository it lists: the chain does not say).
  eth::Log purchase(const codec::Address& catalogue, const std::string& listing, const codec::Address& buyer,
                    std::uint64_t price, std::uint64_t access_until);
  // A log taken off the chain by a reorganization, included again (same transaction hash; its log index
  // is its place in the next block, as a node numbers it).
  void include(const eth::Log& log);
  // Seals the pending logs into a new block with a hash never seen before; returns its number.
  std::uint64_t mine();
  // Drops the last `depth` blocks (pending logs are kept) and returns their logs.
  std::vector<eth::Log> reorganize(std::uint64_t depth);

  void set_offline(bool offline) { offline_ = offline; }
  // Runs once eth_getLogs has collected its answer and before it returns: a reorg made there is one the
  // caller cannot see in the logs it gets.
  std::function<void()> after_logs_query;
  // Calls answered so far (an offline node counts too), and the eth_getLogs ones among them.
  std::uint64_t calls() const { return calls_; }
  std::uint64_t log_queries() const { return log_queries_; }
  const std::vector<Block>& blocks() const { return blocks_; }

  Result<std::uint64_t> head() override;
  Result<std::optional<eth::Hash>> block_hash(std::uint64_t block) override;
  Result<std::vector<eth::Log>> logs(std::span<const codec::Address> contracts,
                                     const std::vector<std::vector<eth::Hash>>& topics, std::uint64_t from,
                                     std::uint64_t to) override;
  std::string describe() const override { return "memory://chain"; }

 private:
  Status reachable();
  eth::Hash fresh_hash(std::string_view what);

  codec::Address registry_;
  std::string repo_;
  std::vector<Block> blocks_;
  std::vector<eth::Log> pending_;
  bool offline_ = false;
  std::uint64_t calls_ = 0;
  std::uint64_t log_queries_ = 0;
};

}  // namespace mlchain::testing
