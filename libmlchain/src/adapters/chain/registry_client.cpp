#include "mlchain/chain/registry_client.hpp"

#include <algorithm>
#include <type_traits>

#include "mlchain/codec/hex.hpp"
#include "mlchain/crypto/ecies.hpp"
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

struct RegistryClient::DecodedLog {
  registry::Event event;
  std::uint64_t block_number;
  eth::Hash transaction_hash;
  std::uint64_t log_index;
};

Result<std::vector<RegistryClient::DecodedLog>> RegistryClient::logs(std::vector<std::vector<eth::Hash>> topics) {
  eth::LogFilter filter;
  filter.addresses = {registry_};
  filter.topics = std::move(topics);
  MLCHAIN_TRY(const auto answered, rpc_.logs(filter));
  std::vector<DecodedLog> decoded;
  for (const auto& log : answered) {
    if (log.removed) continue;
    const bool matches =
        log.address == registry_ && log.topics.size() >= filter.topics.size() &&
        std::equal(filter.topics.begin(), filter.topics.end(), log.topics.begin(),
                   [](const std::vector<eth::Hash>& accepted, const eth::Hash& topic) {
                     return accepted.empty() || std::find(accepted.begin(), accepted.end(), topic) != accepted.end();
                   });
    if (!matches)
      return make_error(ErrorKind::remote_unavailable,
                        rpc_.display_url() + " answered eth_getLogs with a log the filter does not match");
    MLCHAIN_TRY(auto event, from_node(registry::decode_event(log.topics, log.data), rpc_, "eth_getLogs"));
    decoded.push_back(DecodedLog{std::move(event), log.block_number, log.transaction_hash, log.log_index});
  }
  std::stable_sort(decoded.begin(), decoded.end(), [](const DecodedLog& a, const DecodedLog& b) {
    return std::tie(a.block_number, a.log_index) < std::tie(b.block_number, b.log_index);
  });
  return decoded;
}

namespace {

// logs() checked topic 0 against the filter, which names exactly one event.
template <class T>
Result<const T*> expect_event(const registry::Event& event, const eth::RpcClient& rpc) {
  const T* typed = std::get_if<T>(&event);
  if (typed == nullptr)
    return make_error(ErrorKind::remote_unavailable,
                      rpc.display_url() + " answered eth_getLogs with a log of another event than asked for");
  return typed;
}

}  // namespace

namespace {

// The contract checks a key's length and prefix only (a curve check costs more gas than it is worth there),
// so an account can publish an x that is on no point: nothing can be encrypted to it, and a grantor must
// hear that rather than fail later while wrapping.
Status check_point(const codec::Address& account, ByteView key) {
  if (auto point = crypto::PublicKey::parse(key); !point)
    return make_error(ErrorKind::invalid_input, "the encryption key " + codec::to_checksum_address(account) +
                                                    " published (" + codec::to_0x_hex(key) +
                                                    ") is not a point on secp256k1: nothing can be encrypted to it "
                                                    "until it publishes another");
  return {};
}

}  // namespace

Result<std::optional<PublishedEncryptionKey>> RegistryClient::encryption_key_of(const codec::Address& account) {
  MLCHAIN_TRY(const Bytes data, view(registry::encryption_key_of_calldata(account), "encryptionKeyOf"));
  MLCHAIN_TRY(auto published, from_node(registry::decode_encryption_key_of(data), rpc_, "encryptionKeyOf"));
  if (published.key.empty()) return std::optional<PublishedEncryptionKey>{};
  MLCHAIN_TRY_STATUS(check_point(account, published.key));
  return std::optional<PublishedEncryptionKey>{PublishedEncryptionKey{std::move(published.key), published.nonce}};
}

Result<bool> RegistryClient::is_private(std::string_view repo) {
  MLCHAIN_TRY(const Bytes data, view(registry::is_private_calldata(repo), "isPrivate"));
  return from_node(registry::decode_is_private(data), rpc_, "isPrivate");
}

Result<std::vector<codec::Address>> RegistryClient::readers_of(std::string_view repo) {
  MLCHAIN_TRY(const Bytes data, view(registry::readers_of_calldata(repo), "readersOf"));
  return from_node(registry::decode_readers_of(data), rpc_, "readersOf");
}

Result<bool> RegistryClient::has_access(std::string_view repo, const codec::Address& who) {
  MLCHAIN_TRY(const Bytes data, view(registry::has_access_calldata(repo, who), "hasAccess"));
  return from_node(registry::decode_has_access(data), rpc_, "hasAccess");
}

Result<std::optional<std::uint64_t>> RegistryClient::shredded_at(std::string_view repo, const codec::Cid& commit) {
  MLCHAIN_TRY(const auto head, registry::head_of(commit));
  MLCHAIN_TRY(const Bytes data, view(registry::shredded_at_calldata(repo, head), "shreddedAt"));
  MLCHAIN_TRY(const auto block, from_node(registry::decode_shredded_at(data), rpc_, "shreddedAt"));
  if (block == 0) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>{block};
}

Result<std::vector<AccessGrantRecord>> RegistryClient::access_grants(std::string_view repo,
                                                                     std::optional<codec::Address> grantee) {
  MLCHAIN_TRY(const auto decoded, logs(registry::access_grants_filter(repo, grantee)));
  std::vector<AccessGrantRecord> grants;
  for (const auto& entry : decoded) {
    MLCHAIN_TRY(const auto* granted, expect_event<registry::AccessGranted>(entry.event, rpc_));
    const auto& grant = *granted;
    AccessGrantRecord record;
    record.grantee = grant.grantee;
    MLCHAIN_TRY(record.commit, from_node(registry::commit_of(grant.commit), rpc_, "eth_getLogs"));
    // The contract stores whatever bytes the granting writer sent: ones that are no CID are that writer's
    // fault, named by its transaction.
    auto keys = codec::Cid::from_bytes(grant.keys);
    if (!keys)
      return make_error(ErrorKind::corrupt, "the grant of " + record.commit.to_string() + " to " +
                                                codec::to_checksum_address(grant.grantee) + " in transaction " +
                                                codec::to_0x_hex(entry.transaction_hash) +
                                                " names no access block (its keys are not a CID)");
    record.keys = std::move(*keys);
    record.by = grant.by;
    record.block_number = entry.block_number;
    record.transaction_hash = entry.transaction_hash;
    record.log_index = entry.log_index;
    grants.push_back(std::move(record));
  }
  return grants;
}

Result<std::vector<ReaderChangeRecord>> RegistryClient::readers_added(std::string_view repo) {
  MLCHAIN_TRY(const auto decoded, logs(registry::readers_added_filter(repo)));
  std::vector<ReaderChangeRecord> added;
  for (const auto& entry : decoded) {
    MLCHAIN_TRY(const auto* typed, expect_event<registry::ReaderAdded>(entry.event, rpc_));
    const auto& event = *typed;
    added.push_back({event.grantee, event.by, entry.block_number, entry.transaction_hash, entry.log_index});
  }
  return added;
}

Result<std::vector<ReaderChangeRecord>> RegistryClient::access_revocations(std::string_view repo) {
  MLCHAIN_TRY(const auto decoded, logs(registry::access_revocations_filter(repo)));
  std::vector<ReaderChangeRecord> revoked;
  for (const auto& entry : decoded) {
    MLCHAIN_TRY(const auto* typed, expect_event<registry::AccessRevoked>(entry.event, rpc_));
    const auto& event = *typed;
    revoked.push_back({event.grantee, event.by, entry.block_number, entry.transaction_hash, entry.log_index});
  }
  return revoked;
}

Result<std::vector<ShreddingRecord>> RegistryClient::shreddings(std::string_view repo) {
  MLCHAIN_TRY(const auto decoded, logs(registry::shreddings_filter(repo)));
  std::vector<ShreddingRecord> shredded;
  for (const auto& entry : decoded) {
    MLCHAIN_TRY(const auto* typed, expect_event<registry::VersionShredded>(entry.event, rpc_));
    const auto& event = *typed;
    MLCHAIN_TRY(auto commit, from_node(registry::commit_of(event.commit), rpc_, "eth_getLogs"));
    shredded.push_back({std::move(commit), event.by, entry.block_number, entry.transaction_hash, entry.log_index});
  }
  return shredded;
}

Result<std::vector<EncryptionKeyRecord>> RegistryClient::encryption_key_events(const codec::Address& account) {
  MLCHAIN_TRY(const auto decoded, logs(registry::encryption_key_events_filter(account)));
  std::vector<EncryptionKeyRecord> keys;
  for (const auto& entry : decoded) {
    MLCHAIN_TRY(const auto* typed, expect_event<registry::EncryptionKeyPublished>(entry.event, rpc_));
    const auto& event = *typed;
    MLCHAIN_TRY_STATUS(check_point(account, event.key));
    keys.push_back({event.key, event.nonce, entry.block_number, entry.transaction_hash, entry.log_index});
  }
  return keys;
}

Result<std::vector<codec::Address>> RegistryClient::signers_of(std::string_view repo) {
  MLCHAIN_TRY(const Bytes data, view(registry::signers_of_calldata(repo), "signersOf"));
  return from_node(registry::decode_signers_of(data), rpc_, "signersOf");
}

Result<std::vector<core::SignerInterval>> RegistryClient::signer_intervals_of(std::string_view repo,
                                                                              const codec::Address& signer) {
  MLCHAIN_TRY(const Bytes data, view(registry::signer_intervals_of_calldata(repo, signer), "signerIntervalsOf"));
  return from_node(registry::decode_signer_intervals_of(data), rpc_, "signerIntervalsOf");
}

Result<bool> RegistryClient::signer_authorized_at(std::string_view repo, const codec::Address& signer,
                                                  std::uint64_t block) {
  MLCHAIN_TRY(const Bytes data,
              view(registry::signer_authorized_at_calldata(repo, signer, block), "signerAuthorizedAt"));
  return from_node(registry::decode_signer_authorized_at(data), rpc_, "signerAuthorizedAt");
}

Result<std::vector<SignerChangeRecord>> RegistryClient::signer_changes(std::string_view repo) {
  MLCHAIN_TRY(const auto decoded, logs(registry::signer_changes_filter(repo)));
  std::vector<SignerChangeRecord> changes;
  for (const auto& entry : decoded) {
    if (const auto* added = std::get_if<registry::SignerAdded>(&entry.event)) {
      changes.push_back({added->signer, added->by, true, added->from_block, entry.transaction_hash, entry.log_index});
    } else {
      MLCHAIN_TRY(const auto* removed, expect_event<registry::SignerRemoved>(entry.event, rpc_));
      changes.push_back(
          {removed->signer, removed->by, false, removed->until_block, entry.transaction_hash, entry.log_index});
    }
  }
  return changes;
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
          return make_error(ErrorKind::refused_by_contract,
                            codec::to_checksum_address(error.caller) + " does not own " + std::string(repo) +
                                ": only its owner manages its writers and signers" + reason);
        } else if constexpr (std::is_same_v<Kind, registry::UnknownRepository>) {
          return make_error(ErrorKind::not_found, "repository " + std::string(repo) +
                                                      " does not exist on the registry yet: its first push creates it" +
                                                      reason);
        } else if constexpr (std::is_same_v<Kind, registry::BadKeySignature>) {
          return make_error(ErrorKind::refused_by_contract,
                            "the registry refused the encryption key: its signature is not the account's over the "
                            "account's current nonce (EIP-712 EncryptionKey)" +
                                reason);
        } else if constexpr (std::is_same_v<Kind, registry::InvalidEncryptionKey>) {
          return make_error(ErrorKind::invalid_argument,
                            "the registry refused the encryption key: it is not a compressed secp256k1 point (33 "
                            "bytes, 02 or 03 first)" +
                                reason);
        } else if constexpr (std::is_same_v<Kind, registry::UnanchoredCommit>) {
          return make_error(ErrorKind::refused_by_contract, "commit " + head_text(error.commit) +
                                                                " is not anchored in " + std::string(repo) +
                                                                ": push it first" + reason);
        } else if constexpr (std::is_same_v<Kind, registry::VersionIsShredded>) {
          return make_error(ErrorKind::refused_by_contract, "version " + head_text(error.commit) + " of " +
                                                                std::string(repo) +
                                                                " was shredded: its keys are gone, there is "
                                                                "nothing to grant" +
                                                                reason);
        } else if constexpr (std::is_same_v<Kind, registry::SignerAlreadyAuthorized>) {
          return make_error(ErrorKind::refused_by_contract, codec::to_checksum_address(error.signer) +
                                                                " already signs for " + std::string(repo) +
                                                                ": remove it first to start a new interval" + reason);
        } else if constexpr (std::is_same_v<Kind, registry::SignerNotAuthorized>) {
          return make_error(ErrorKind::refused_by_contract, codec::to_checksum_address(error.signer) +
                                                                " does not sign for " + std::string(repo) +
                                                                " now: there is nothing to remove" + reason);
        } else {
          return make_error(ErrorKind::invalid_argument, "the registry refused " + target + reason);
        }
      },
      **decoded);
}

}  // namespace mlchain::chain
