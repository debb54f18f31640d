#include "mlchain/chain/registry_client.hpp"

#include <algorithm>
#include <type_traits>

#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/contract_artifacts.hpp"
#include "mlchain/eth/registry_abi.hpp"
#include "node_answer.hpp"

namespace mlchain::chain {
namespace {

namespace registry = eth::registry;

std::string head_text(const registry::Head& head) {
  if (registry::is_empty(head)) return "none";
  auto commit = registry::commit_of(head);
  return commit ? commit->to_string() : codec::to_0x_hex(head);
}

}  // namespace

Status RegistryClient::check_deployed() {
  MLCHAIN_TRY(const Bytes code, rpc_.code(registry_));
  const std::string where = codec::to_checksum_address(registry_) + " at " + rpc_.display_url();
  if (code.empty())
    return make_error(ErrorKind::not_found, "no contract at " + where +
                                                " (is the registry address right, and the "
                                                "chain the one it was deployed on?)");
  const ByteView expected = eth::registry_artifact().runtime_code;
  if (!std::equal(code.begin(), code.end(), expected.begin(), expected.end()))
    return make_error(ErrorKind::corrupt, "the contract at " + where +
                                              " is not the mlchain registry (its code differs from the registry "
                                              "this mlchain embeds)");
  return {};
}

Result<Bytes> RegistryClient::view(const Result<Bytes>& calldata, std::string_view what) {
  if (!calldata) return calldata.error();
  eth::CallRequest request{std::nullopt, registry_, *calldata, std::nullopt, std::nullopt};
  MLCHAIN_TRY(auto reply, rpc_.call(request));
  if (const auto* refusal = std::get_if<eth::RpcError>(&reply))
    return make_error(ErrorKind::remote_unavailable, std::string(what) + " on registry " +
                                                         codec::to_checksum_address(registry_) + " at " +
                                                         rpc_.display_url() + ": " + refusal->describe());
  return std::get<Bytes>(std::move(reply));
}

Result<std::optional<codec::Cid>> RegistryClient::head_of(std::string_view repo, std::string_view branch,
                                                          const eth::BlockTag& block) {
  auto calldata = registry::head_of_calldata(repo, branch);
  if (!calldata) return calldata.error();
  eth::CallRequest request{std::nullopt, registry_, *calldata, std::nullopt, std::nullopt};
  MLCHAIN_TRY(auto reply, rpc_.call(request, block));
  if (const auto* refusal = std::get_if<eth::RpcError>(&reply))
    return make_error(ErrorKind::remote_unavailable, "headOf on registry " + codec::to_checksum_address(registry_) +
                                                         " at " + rpc_.display_url() + ": " + refusal->describe());
  MLCHAIN_TRY(const registry::Head head, from_node(registry::decode_head_of(std::get<Bytes>(reply)), rpc_, "headOf"));
  if (registry::is_empty(head)) return std::optional<codec::Cid>{};
  MLCHAIN_TRY(const codec::Cid commit, from_node(registry::commit_of(head), rpc_, "headOf"));
  return std::optional<codec::Cid>(commit);
}

Result<std::optional<codec::Address>> RegistryClient::owner_of(std::string_view repo) {
  MLCHAIN_TRY(const Bytes answer, view(registry::owner_of_calldata(repo), "ownerOf"));
  MLCHAIN_TRY(const codec::Address owner, from_node(registry::decode_owner_of(answer), rpc_, "ownerOf"));
  if (owner == codec::Address{}) return std::optional<codec::Address>{};
  return std::optional<codec::Address>(owner);
}

Result<bool> RegistryClient::is_writer(std::string_view repo, const codec::Address& who) {
  MLCHAIN_TRY(const Bytes answer, view(registry::is_writer_calldata(repo, who), "isWriter"));
  return from_node(registry::decode_is_writer(answer), rpc_, "isWriter");
}

Result<std::vector<std::string>> RegistryClient::branches_of(std::string_view repo) {
  MLCHAIN_TRY(const Bytes answer, view(registry::branches_of_calldata(repo), "branchesOf"));
  return from_node(registry::decode_branches_of(answer), rpc_, "branchesOf");
}

Result<std::optional<codec::Address>> RegistryClient::governance_of(std::string_view repo) {
  MLCHAIN_TRY(const Bytes data, view(eth::registry::governance_of_calldata(repo), "governanceOf"));
  MLCHAIN_TRY(const auto governance, from_node(eth::registry::decode_governance_of(data), rpc_, "governanceOf"));
  if (governance == codec::Address{}) return std::optional<codec::Address>{};
  return std::optional<codec::Address>{governance};
}

Result<std::optional<codec::Address>> RegistryClient::catalogue_of(std::string_view repo) {
  MLCHAIN_TRY(const Bytes data, view(eth::registry::catalogue_of_calldata(repo), "catalogueOf"));
  MLCHAIN_TRY(const auto catalogue, from_node(eth::registry::decode_catalogue_of(data), rpc_, "catalogueOf"));
  if (catalogue == codec::Address{}) return std::optional<codec::Address>{};
  return std::optional<codec::Address>{catalogue};
}

Result<std::optional<std::uint64_t>> RegistryClient::anchored_at(std::string_view repo, const codec::Cid& commit) {
  MLCHAIN_TRY(const auto head, eth::registry::head_of(commit));
  MLCHAIN_TRY(const Bytes data, view(eth::registry::anchored_at_calldata(repo, head), "anchoredAt"));
  MLCHAIN_TRY(const auto block, from_node(eth::registry::decode_anchored_at(data), rpc_, "anchoredAt"));
  if (block == 0) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>{block};
}

Result<std::vector<HeadUpdate>> RegistryClient::head_updates(std::string_view repo,
                                                             std::optional<std::string_view> branch) {
  eth::LogFilter filter;
  filter.addresses = {registry_};
  filter.topics = registry::head_updates_filter(repo, branch);
  MLCHAIN_TRY(auto logs, rpc_.logs(filter));
  std::vector<HeadUpdate> updates;
  for (const auto& log : logs) {
    if (log.removed) continue;
    if (log.address != registry_)
      return make_error(ErrorKind::remote_unavailable,
                        rpc_.display_url() + " answered eth_getLogs with a log of another contract");
    MLCHAIN_TRY(const auto event, from_node(registry::decode_event(log.topics, log.data), rpc_, "eth_getLogs"));
    const auto* update = std::get_if<registry::HeadUpdated>(&event);
    if (update == nullptr || update->repo != repo || (branch && update->branch != *branch))
      return make_error(ErrorKind::remote_unavailable,
                        rpc_.display_url() + " answered eth_getLogs with a log the filter does not match");
    HeadUpdate entry;
    entry.branch = update->branch;
    if (!registry::is_empty(update->old_head)) {
      MLCHAIN_TRY(entry.old_head, from_node(registry::commit_of(update->old_head), rpc_, "eth_getLogs"));
    }
    MLCHAIN_TRY(entry.new_head, from_node(registry::commit_of(update->new_head), rpc_, "eth_getLogs"));
    entry.pusher = update->pusher;
    entry.block_number = log.block_number;
    entry.block_hash = log.block_hash;
    entry.transaction_hash = log.transaction_hash;
    entry.log_index = log.log_index;
    updates.push_back(std::move(entry));
  }
  std::stable_sort(updates.begin(), updates.end(), [](const HeadUpdate& a, const HeadUpdate& b) {
    return std::tie(a.block_number, a.log_index) < std::tie(b.block_number, b.log_index);
  });
  return updates;
}

Error explain_registry_revert(ByteView revert_data, std::string_view repo, std::string_view branch) {
  const std::string target = std::string(repo) + (branch.empty() ? "" : "/" + std::string(branch));
  auto decoded = registry::decode_error(revert_data);
  if (!decoded || !*decoded)
    return make_error(ErrorKind::refused_by_contract,
                      "the registry refused the transaction for " + target + " (revert data " +
                          (revert_data.empty() ? std::string("empty") : codec::to_0x_hex(revert_data)) + ")");
  return std::visit(
      [&](const auto& error) -> Error {
        using Kind = std::decay_t<decltype(error)>;
        const std::string reason = " (" + registry::describe(error) + ")";
        if constexpr (std::is_same_v<Kind, registry::StaleHead>) {
          return make_error(ErrorKind::not_fast_forward, "the remote moved: fetch first — " + target + " is at " +
                                                             head_text(error.actual) + ", not " +
                                                             head_text(error.expected) + reason);
        } else if constexpr (std::is_same_v<Kind, registry::NotWriter>) {
          return make_error(ErrorKind::refused_by_contract, codec::to_checksum_address(error.caller) +
                                                                " may not push to " + std::string(repo) +
                                                                ": ask its owner to run 'mlchain registry "
                                                                "grant' for it" +
                                                                reason);
        } else if constexpr (std::is_same_v<Kind, registry::NotOwner>) {
          return make_error(ErrorKind::refused_by_contract, codec::to_checksum_address(error.caller) +
                                                                " does not own " + std::string(repo) +
                                                                ": only its owner grants and revokes" + reason);
        } else if constexpr (std::is_same_v<Kind, registry::UnknownRepository>) {
          return make_error(ErrorKind::not_found, "repository " + std::string(repo) +
                                                      " does not exist on the registry yet: its first push creates it" +
                                                      reason);
        } else {
          return make_error(ErrorKind::invalid_argument, "the registry refused " + target + reason);
        }
      },
      **decoded);
}

}  // namespace mlchain::chain
