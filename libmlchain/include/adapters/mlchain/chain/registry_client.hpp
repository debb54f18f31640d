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
#include "mlchain/core/signer_authorization.hpp"
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

// Private models (docs/format.md §7.1). An account's published encryption key: 33 bytes, a compressed
// secp256k1 point; `nonce` is the one the account's next publication must sign (the number of publications).
struct PublishedEncryptionKey {
  Bytes key;
  std::uint64_t nonce = 0;
};

// One AccessGranted event: `by` granted `grantee` the version `commit`, whose file keys wrapped for the
// grantee are in the access block `keys`.
struct AccessGrantRecord {
  codec::Address grantee;
  codec::Cid commit;
  codec::Cid keys;
  codec::Address by;
  std::uint64_t block_number = 0;
  eth::Hash transaction_hash{};
  std::uint64_t log_index = 0;
};
// One ReaderAdded or AccessRevoked event.
struct ReaderChangeRecord {
  codec::Address grantee;
  codec::Address by;
  std::uint64_t block_number = 0;
  eth::Hash transaction_hash{};
  std::uint64_t log_index = 0;
};
struct ShreddingRecord {
  codec::Cid commit;
  codec::Address by;
  std::uint64_t block_number = 0;
  eth::Hash transaction_hash{};
  std::uint64_t log_index = 0;
};
// One EncryptionKeyPublished event: the key published with a signature over `nonce`.
struct EncryptionKeyRecord {
  Bytes key;
  std::uint64_t nonce = 0;
  std::uint64_t block_number = 0;
  eth::Hash transaction_hash{};
  std::uint64_t log_index = 0;
};

// One SignerAdded or SignerRemoved event.
struct SignerChangeRecord {
  codec::Address signer;
  codec::Address by;
  bool added = false;       // SignerAdded; false: SignerRemoved
  std::uint64_t block = 0;  // the block the event names: fromBlock or untilBlock
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

  // The key `account` published last; nothing when it never published one (its next nonce is then 0).
  // invalid_input naming the account when its key is not a point on the curve (the contract checks only
  // the length and prefix); encryption_key_events likewise.
  Result<std::optional<PublishedEncryptionKey>> encryption_key_of(const codec::Address& account);
  Result<bool> is_private(std::string_view repo);
  // Every address ever granted access, in the order of their first grants (revoked ones included).
  Result<std::vector<codec::Address>> readers_of(std::string_view repo);
  // Whether `who` is a reader now: granted and not revoked since.
  Result<bool> has_access(std::string_view repo, const codec::Address& who);
  // The block at which `commit` was shredded; nothing when it never was.
  Result<std::optional<std::uint64_t>> shredded_at(std::string_view repo, const codec::Cid& commit);

  // Commit signers (docs/format.md §7.1): every signer ever added, in the order of their first additions;
  // one signer's authorisation intervals, oldest first; whether it was authorised at a block.
  Result<std::vector<codec::Address>> signers_of(std::string_view repo);
  Result<std::vector<core::SignerInterval>> signer_intervals_of(std::string_view repo, const codec::Address& signer);
  Result<bool> signer_authorized_at(std::string_view repo, const codec::Address& signer, std::uint64_t block);
  // Every signer addition and removal of `repo`, oldest first.
  Result<std::vector<SignerChangeRecord>> signer_changes(std::string_view repo);

  // The history of the same, from the logs, oldest first (logs a reorg removed left out): the grants of
  // `repo` (to `grantee` only, when given), its readers added, its revocations and its shreddings, and
  // the keys `account` published.
  Result<std::vector<AccessGrantRecord>> access_grants(std::string_view repo,
                                                       std::optional<codec::Address> grantee = std::nullopt);
  Result<std::vector<ReaderChangeRecord>> readers_added(std::string_view repo);
  Result<std::vector<ReaderChangeRecord>> access_revocations(std::string_view repo);
  Result<std::vector<ShreddingRecord>> shreddings(std::string_view repo);
  Result<std::vector<EncryptionKeyRecord>> encryption_key_events(const codec::Address& account);

 private:
  Result<Bytes> view(const Result<Bytes>& calldata, std::string_view what);
  // The registry's logs matching `topics`, decoded, oldest first; a log of another contract or one the
  // filter does not match is the node's fault.
  struct DecodedLog;
  Result<std::vector<DecodedLog>> logs(std::vector<std::vector<eth::Hash>> topics);
  eth::RpcClient& rpc_;
  codec::Address registry_;
};

// Why a call to the registry reverted, as the error to report: StaleHead → not_fast_forward "the remote moved:
// fetch first"; NotWriter / NotOwner → refused_by_contract naming the address and who can grant; a commit
// not anchored, a shredded version or a bad key signature → refused_by_contract naming it; a bad name, key
// or grant → invalid_argument.
// `repo` and `branch` name the target in the message.
Error explain_registry_revert(ByteView revert_data, std::string_view repo, std::string_view branch);

}  // namespace mlchain::chain
