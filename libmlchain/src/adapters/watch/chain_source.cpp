#include "mlchain/watch/chain_source.hpp"

namespace mlchain::watch {

Result<std::uint64_t> RpcChainSource::head() { return rpc_.block_number(); }

Result<std::optional<eth::Hash>> RpcChainSource::block_hash(std::uint64_t block) {
  MLCHAIN_TRY(const auto found, rpc_.block_by_number(eth::BlockTag::number(block)));
  if (!found) return std::optional<eth::Hash>{};
  if (found->number != block)
    return make_error(ErrorKind::remote_unavailable, rpc_.display_url() + " answered block " + std::to_string(block) +
                                                         " with block " + std::to_string(found->number));
  return std::optional<eth::Hash>{found->hash};
}

Result<std::vector<eth::Log>> RpcChainSource::logs(std::span<const codec::Address> contracts,
                                                   const std::vector<std::vector<eth::Hash>>& topics,
                                                   std::uint64_t from, std::uint64_t to) {
  eth::LogFilter filter;
  filter.addresses.assign(contracts.begin(), contracts.end());
  filter.topics = topics;
  filter.from_block = eth::BlockTag::number(from);
  filter.to_block = eth::BlockTag::number(to);
  MLCHAIN_TRY(auto logs, rpc_.logs(filter));
  for (const auto& log : logs)
    if (log.block_number < from || log.block_number > to)
      return make_error(ErrorKind::remote_unavailable, rpc_.display_url() + " answered eth_getLogs for blocks " +
                                                           std::to_string(from) + " to " + std::to_string(to) +
                                                           " with a log of block " + std::to_string(log.block_number));
  return logs;
}

}  // namespace mlchain::watch
