#include "mlchain/chain/anchoring.hpp"

#include <algorithm>
#include <map>

#include "mlchain/core/history.hpp"

namespace mlchain::chain {
namespace {

Status check_chain_id(eth::RpcClient& rpc, const ChainRemote& remote, std::uint64_t& chain_id) {
  MLCHAIN_TRY(chain_id, rpc.chain_id());
  if (remote.chain_id && *remote.chain_id != chain_id)
    return make_error(ErrorKind::invalid_input,
                      "the node at " + rpc.display_url() + " serves chain " + std::to_string(chain_id) +
                          ", not chain " + std::to_string(*remote.chain_id) + " as remote '" + remote.name + "' says");
  return {};
}

Result<std::vector<TimedUpdate>> timed(eth::RpcClient& rpc, std::vector<HeadUpdate> updates) {
  std::map<std::uint64_t, std::uint64_t> times;
  std::vector<TimedUpdate> result;
  for (auto& update : updates) {
    auto known = times.find(update.block_number);
    if (known == times.end()) {
      MLCHAIN_TRY(auto block, rpc.block_by_number(eth::BlockTag::number(update.block_number)));
      if (!block)
        return make_error(
            ErrorKind::remote_unavailable,
            rpc.display_url() + " has no block " + std::to_string(update.block_number) + " that its logs name");
      known = times.emplace(update.block_number, block->timestamp).first;
    }
    result.push_back(TimedUpdate{std::move(update), known->second});
  }
  return result;
}

// Whether `commit` is `head` or in its history, as far as the local objects tell.
bool reaches(repo::Repository& repository, const codec::Cid& head, const codec::Cid& commit) {
  if (head == commit) return true;
  auto history = core::walk_history(repository.objects(), {head});
  return history && std::any_of(history->begin(), history->end(),
                                [&](const core::StoredCommit& stored) { return stored.cid == commit; });
}

}  // namespace

Result<std::vector<TimedUpdate>> remote_history(const ChainRemote& remote) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  std::uint64_t chain_id = 0;
  MLCHAIN_TRY_STATUS(check_chain_id(rpc, remote, chain_id));
  RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  MLCHAIN_TRY(auto updates, registry.head_updates(remote.repo));
  std::reverse(updates.begin(), updates.end());
  return timed(rpc, std::move(updates));
}

Result<AnchorCheck> check_anchored(repo::Repository& repository, const ChainRemote& remote, const codec::Cid& commit,
                                   std::uint64_t min_confirmations) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  std::uint64_t chain_id = 0;
  MLCHAIN_TRY_STATUS(check_chain_id(rpc, remote, chain_id));
  RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  MLCHAIN_TRY(const auto updates, registry.head_updates(remote.repo));
  MLCHAIN_TRY(const std::uint64_t latest, rpc.block_number());

  AnchorCheck check;
  check.detail = commit.to_string() + " is not a head, nor an ancestor of a head, that repository " + remote.repo +
                 " on registry " + codec::to_checksum_address(remote.registry) + " (chain " + std::to_string(chain_id) +
                 ") ever held";
  for (const auto& update : updates) {  // oldest first: the earliest anchoring is the strongest claim
    if (!reaches(repository, update.new_head, commit)) continue;
    // The log alone could come from a dropped block: the receipt must be in the canonical block now.
    MLCHAIN_TRY(const auto receipt, rpc.transaction_receipt(update.transaction_hash));
    if (!receipt || !receipt->succeeded || receipt->block_hash != update.block_hash) {
      check.detail = "the anchoring transaction of " + update.new_head.to_string() + " is no longer in block " +
                     std::to_string(update.block_number) + " (a reorganisation dropped it)";
      continue;
    }
    MLCHAIN_TRY(const auto block, rpc.block_by_number(eth::BlockTag::number(receipt->block_number)));
    if (!block || block->hash != receipt->block_hash) {
      check.detail = "block " + std::to_string(receipt->block_number) + " that anchored " +
                     update.new_head.to_string() + " is no longer canonical";
      continue;
    }
    const std::uint64_t confirmations = latest >= block->number ? latest - block->number + 1 : 0;
    if (confirmations < min_confirmations) {
      check.detail = "anchored in block " + std::to_string(block->number) + " with " + std::to_string(confirmations) +
                     " confirmation(s), fewer than the " + std::to_string(min_confirmations) + " asked for";
      continue;
    }
    check.anchoring = Anchoring{TimedUpdate{update, block->timestamp}, confirmations, chain_id};
    check.detail.clear();
    return check;
  }
  return check;
}

}  // namespace mlchain::chain
