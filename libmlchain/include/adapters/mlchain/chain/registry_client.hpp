#pragma once
// Reading a deployed registry (contracts/MlchainRegistry.sol) through a JSON-RPC node: heads, roles,
// branches (eth_call) and the history of head updates (eth_getLogs). What a node answers that does not
// decode is that node's fault: ErrorKind::remote_unavailable naming its URL, never a wrong value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/eth/rpc_client.hpp"

namespace mlchain::chain {

// One HeadUpdated event: a push that moved a branch.
struct HeadUpdate {
  std::string branch;
  std::optional<codec::Cid> old_head;  // nothing: the branch's first push
  codec::Cid new_head;
  codec::Address pusher;
  std::uint64_t block_number = 0;
  eth::Hash block_hash{};
  eth::Hash transaction_hash{};
  std::uint64_t log_index = 0;
};

class RegistryClient {
 public:
  RegistryClient(eth::RpcClient& rpc, codec::Address registry) : rpc_(rpc), registry_(registry) {}

  const codec::Address& address() const { return registry_; }
  eth::RpcClient& rpc() { return rpc_; }

  // not_found when the address holds no code, corrupt when it holds other code than the
  // registry mlchain embeds (a mistyped address must not be trusted with heads).
  Status check_deployed();

  // Nothing for a branch that was never pushed.
  Result<std::optional<codec::Cid>> head_of(std::string_view repo, std::string_view branch,
                                            const eth::BlockTag& block = eth::BlockTag::latest());
  // Nothing for a repository that was never pushed.
  Result<std::optional<codec::Address>> owner_of(std::string_view repo);
  Result<bool> is_writer(std::string_view repo, const codec::Address& who);
  Result<std::vector<std::string>> branches_of(std::string_view repo);
  // The governance contract the repository's owner chose; nothing when none.
  Result<std::optional<codec::Address>> governance_of(std::string_view repo);
  // The catalogue the repository's owner named; nothing when none.
  Result<std::optional<codec::Address>> catalogue_of(std::string_view repo);
  // The first block at which `commit` was pushed as a head of `repo`; nothing when it never was.
  Result<std::optional<std::uint64_t>> anchored_at(std::string_view repo, const codec::Cid& commit);

  // Every head update of `repo` (or of one branch), oldest first; logs a reorg removed are left out.
  Result<std::vector<HeadUpdate>> head_updates(std::string_view repo,
                                               std::optional<std::string_view> branch = std::nullopt);

 private:
  Result<Bytes> view(const Result<Bytes>& calldata, std::string_view what);
  eth::RpcClient& rpc_;
  codec::Address registry_;
};

// Why a call to the registry reverted, as the error to report: StaleHead → not_fast_forward "the remote moved:
// fetch first"; NotWriter / NotOwner → refused_by_contract naming the address and who can grant; a bad name →
// invalid_argument.
// `repo` and `branch` name the target in the message.
Error explain_registry_revert(ByteView revert_data, std::string_view repo, std::string_view branch);

}  // namespace mlchain::chain
