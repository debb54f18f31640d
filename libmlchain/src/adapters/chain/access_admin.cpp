#include "mlchain/chain/access_admin.hpp"

#include <type_traits>

#include "mlchain/chain/registry_client.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/crypto/ecies.hpp"
#include "mlchain/eth/registry_abi.hpp"

namespace mlchain::chain {
namespace {

namespace registry = eth::registry;

constexpr std::string_view publish_key_action = "publish-key";

RevertExplainer explainer_for(std::string repo) {
  return [repo = std::move(repo)](ByteView data) { return explain_access_revert(data, repo); };
}

// Settles the open access transactions among `entries` that `keep` selects, and returns the one with exactly
// this action and calldata if there is one: the transaction an interrupted earlier run of the same command
// sent, which must not be signed a second time.
template <class Keep>
Result<std::optional<Settled>> settle_earlier(Transactor& transactor, const std::vector<JournalEntry>& entries,
                                              Keep keep, std::string_view action, const Bytes* data) {
  std::vector<JournalEntry> access_entries;
  for (const auto& entry : entries)
    if (entry.purpose == Purpose::access && keep(entry)) access_entries.push_back(entry);
  std::optional<Settled> earlier;
  for (const auto& open : open_transactions(access_entries)) {
    MLCHAIN_TRY(auto settled, transactor.settle(open));
    if (settled.entry.action == action && (data == nullptr || settled.entry.transaction.data == *data))
      earlier = std::move(settled);
  }
  return earlier;
}

// One transaction about the remote's repository: the remote's interrupted access transactions and its
// journaled pushes are finished first (a grant needs the versions it names anchored), then this one is
// estimated (a refusal explained), journaled, sent and settled.
Result<AccessSent> send_access(repo::Repository& repository, const ChainRemote& remote, std::string action, Bytes data,
                               core::Signer& signer, const ChainOptions& options) {
  Journal journal = journal_of(repository);
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  RegistryClient registry_client(rpc, remote.registry);
  Transactor transactor(rpc, journal, settings_for(remote, options), explainer_for(remote.repo));
  MLCHAIN_TRY_STATUS(transactor.check_chain());
  MLCHAIN_TRY_STATUS(registry_client.check_deployed());
  MLCHAIN_TRY(const auto entries, journal.entries());
  MLCHAIN_TRY(auto earlier, settle_earlier(
                                transactor, entries,
                                [&](const JournalEntry& entry) { return entry.remote == remote.name; }, action, &data));
  if (auto finished = finish_journal(repository, remote, transactor, journal); !finished)
    return std::move(finished).error();
  if (earlier) return AccessSent{std::move(*earlier), true};

  Intent intent;
  intent.entry.purpose = Purpose::access;
  intent.entry.remote = remote.name;
  intent.entry.rpc = rpc.display_url();
  intent.entry.repo = remote.repo;
  intent.entry.action = std::move(action);
  intent.to = remote.registry;
  intent.data = std::move(data);
  MLCHAIN_TRY(const JournalEntry sent, transactor.submit(std::move(intent), signer));
  MLCHAIN_TRY(auto settled, transactor.settle(OpenTransaction{{sent}}));
  return AccessSent{std::move(settled), false};
}

Result<registry::Head> head_argument(const codec::Cid& commit) {
  auto head = registry::head_of(commit);
  if (!head) return make_error(ErrorKind::invalid_argument, head.error().message);
  return *head;
}

}  // namespace

Result<KeyPublication> publish_encryption_key(Journal& journal, const std::string& rpc_url,
                                              const codec::Address& registry_address,
                                              std::optional<std::uint64_t> chain_id, core::Signer& signer,
                                              ByteView compressed_key, const ChainOptions& options) {
  // The contract checks only the length and prefix; a key off the curve is refused here, before signing.
  if (compressed_key.size() != 33 || !crypto::PublicKey::parse(compressed_key))
    return make_error(ErrorKind::invalid_argument, "encryption key " + codec::to_0x_hex(compressed_key) +
                                                       " is not a compressed secp256k1 point (33 bytes, 02 or 03 "
                                                       "first, on the curve)");
  eth::RpcClient rpc(eth::rpc_options_for(rpc_url));
  RegistryClient registry_client(rpc, registry_address);
  ChainSettings settings;
  settings.chain_id = chain_id;
  settings.confirmations = std::max<std::uint64_t>(1, options.confirmations.value_or(1));
  settings.receipt_timeout = options.receipt_timeout;
  Transactor transactor(rpc, journal, settings, explainer_for({}));
  // The signature binds the chain the node serves (checked against `chain_id` when one is given).
  MLCHAIN_TRY(const std::uint64_t node_chain, transactor.check_chain());
  MLCHAIN_TRY_STATUS(registry_client.check_deployed());

  // An earlier publication left open is settled first; its signature covers a nonce that only it can use.
  MLCHAIN_TRY(const auto entries, journal.entries());
  const codec::Address account = signer.address();
  MLCHAIN_TRY(auto earlier, settle_earlier(
                                transactor, entries,
                                [&](const JournalEntry& entry) {
                                  return entry.rpc == rpc.display_url() && entry.from == account &&
                                         entry.transaction.to == registry_address;
                                },
                                publish_key_action, nullptr));
  MLCHAIN_TRY(const auto published, registry_client.encryption_key_of(account));
  const bool same_key = published && std::equal(published->key.begin(), published->key.end(), compressed_key.begin(),
                                                compressed_key.end());
  if (same_key) return KeyPublication{std::move(earlier), earlier.has_value()};

  const std::uint64_t nonce = published ? published->nonce : 0;
  const auto digest = registry::encryption_key_digest(node_chain, registry_address, account, compressed_key, nonce);
  MLCHAIN_TRY(const auto signature, signer.sign_digest(digest));
  Intent intent;
  intent.entry.purpose = Purpose::access;
  intent.entry.rpc = rpc.display_url();
  intent.entry.action = std::string(publish_key_action);
  intent.to = registry_address;
  MLCHAIN_TRY(intent.data, registry::publish_encryption_key_calldata(account, compressed_key, signature.bytes));
  MLCHAIN_TRY(const JournalEntry sent, transactor.submit(std::move(intent), signer));
  MLCHAIN_TRY(auto settled, transactor.settle(OpenTransaction{{sent}}));
  return KeyPublication{std::move(settled), false};
}

Result<AccessSent> set_private(repo::Repository& repository, const ChainRemote& remote, bool is_private,
                               core::Signer& signer, const ChainOptions& options) {
  MLCHAIN_TRY(Bytes data, registry::set_private_calldata(remote.repo, is_private));
  return send_access(repository, remote, "set-private", std::move(data), signer, options);
}

Result<AccessSent> grant_access(repo::Repository& repository, const ChainRemote& remote, const codec::Address& grantee,
                                const std::vector<VersionGrant>& versions, core::Signer& signer,
                                const ChainOptions& options) {
  if (grantee == codec::Address{})
    return make_error(ErrorKind::invalid_argument, "the zero address cannot be granted access to " + remote.repo);
  std::vector<registry::Head> heads;
  std::vector<Bytes> keys;
  for (const auto& version : versions) {
    MLCHAIN_TRY(auto head, head_argument(version.commit));
    heads.push_back(head);
    keys.push_back(version.keys.to_bytes());
  }
  MLCHAIN_TRY(Bytes data, registry::grant_access_calldata(remote.repo, grantee, heads, keys));
  return send_access(repository, remote, "grant-access", std::move(data), signer, options);
}

Result<AccessSent> revoke_access(repo::Repository& repository, const ChainRemote& remote, const codec::Address& grantee,
                                 core::Signer& signer, const ChainOptions& options) {
  MLCHAIN_TRY(Bytes data, registry::revoke_access_calldata(remote.repo, grantee));
  return send_access(repository, remote, "revoke-access", std::move(data), signer, options);
}

Result<AccessSent> record_shredding(repo::Repository& repository, const ChainRemote& remote,
                                    const std::vector<codec::Cid>& commits, core::Signer& signer,
                                    const ChainOptions& options) {
  std::vector<registry::Head> heads;
  for (const auto& commit : commits) {
    MLCHAIN_TRY(auto head, head_argument(commit));
    heads.push_back(head);
  }
  MLCHAIN_TRY(Bytes data, registry::shred_calldata(remote.repo, heads));
  return send_access(repository, remote, "shred", std::move(data), signer, options);
}

Error explain_access_revert(ByteView revert_data, std::string_view repo) {
  auto decoded = registry::decode_error(revert_data);
  if (decoded && *decoded) {
    if (const auto* not_writer = std::get_if<registry::NotWriter>(&**decoded)) {
      return make_error(ErrorKind::access_denied, codec::to_checksum_address(not_writer->caller) +
                                                      " is neither the owner nor a writer of " + std::string(repo) +
                                                      ": only they grant, revoke and shred (" +
                                                      registry::describe(**decoded) + ")");
    }
  }
  return explain_registry_revert(revert_data, repo, {});
}

}  // namespace mlchain::chain
