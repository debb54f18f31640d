#pragma once
// The registry contract's interface (contracts/MlchainRegistry.sol) as typed values: calldata for each of
// its functions, their return data, its events and its custom errors, on top of the general Solidity ABI
// codec (codec/abi.hpp). Pure: what goes to the chain and what comes back, never the transport.
//
// A repository is named by a string and identified by keccak256 of its bytes (the repository id), a branch
// likewise (the branch id); the ids are the storage keys and the indexed event topics. A head is the
// sha2-256 digest of the head commit's CID, which is always CIDv1 dag-cbor sha2-256, so the 32 bytes alone
// give the CID back; all zeros means "no head".
//
// Decoders are strict (codec/abi.hpp) and also check what the contract guarantees, such as an event's
// repository id being the hash of its repository name: bytes that fail are an invalid_input error, which a caller
// that got them from a node reports as that node's fault.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/core/signer_authorization.hpp"
#include "mlchain/result.hpp"

namespace mlchain::eth::registry {

using Word = std::array<std::uint8_t, 32>;  // a bytes32 value and a log topic
using Head = Word;

// The same rule as the contract applies on a repository's first push: 1 to 64 bytes of [A-Za-z0-9._-].
// Usage error naming the name otherwise, so a bad name is refused before anything is signed.
Status check_repository_name(std::string_view repo);
// A branch name the contract accepts: not empty. (mlchain's ref-name rules are the caller's to check.)
Status check_branch_name(std::string_view branch);

Word repository_id(std::string_view repo);
Word branch_id(std::string_view branch);

// The head that names `commit`: invalid_input error unless it is CIDv1 dag-cbor sha2-256.
Result<Head> head_of(const codec::Cid& commit);
// The commit a non-zero head names (the zero head names none: invalid_input error).
Result<codec::Cid> commit_of(const Head& head);
bool is_empty(const Head& head);

// Calldata (selector ‖ arguments) of each function. The names are not checked here: the contract is the
// authority (a bad name reverts), and views must be able to ask about any name.
Result<Bytes> push_calldata(std::string_view repo, std::string_view branch, const Head& expected_old,
                            const Head& new_head);
Result<Bytes> grant_calldata(std::string_view repo, const codec::Address& writer);
Result<Bytes> revoke_calldata(std::string_view repo, const codec::Address& writer);
Result<Bytes> head_of_calldata(std::string_view repo, std::string_view branch);
Result<Bytes> owner_of_calldata(std::string_view repo);
Result<Bytes> is_writer_calldata(std::string_view repo, const codec::Address& who);
Result<Bytes> branches_of_calldata(std::string_view repo);
// The repository's governance contract, chosen by its owner (zero: none), and the first block at which a
// head was pushed in the repository (0: never: such a commit cannot be evaluated or promoted).
Result<Bytes> set_governance_calldata(std::string_view repo, const codec::Address& governance);
Result<Bytes> governance_of_calldata(std::string_view repo);
Result<Bytes> anchored_at_calldata(std::string_view repo, const Head& commit);
// The repository's catalogue (the Model Universe it is listed in), chosen by its owner (zero: none).
Result<Bytes> set_catalogue_calldata(std::string_view repo, const codec::Address& catalogue);
Result<Bytes> catalogue_of_calldata(std::string_view repo);

// Private models (docs/format.md §7.1). An encryption key is a compressed secp256k1 point (33 bytes, 02 or 03
// first); `signature` is r ‖ s ‖ v (65 bytes) by `account` over encryption_key_digest. grant_access names one
// access block (its binary CID) per commit, so `commits` and `keys` have the same length (the contract
// refuses otherwise; it is not checked here, so a test can send what the contract refuses).
Result<Bytes> publish_encryption_key_calldata(const codec::Address& account, ByteView key, ByteView signature);
Result<Bytes> encryption_key_of_calldata(const codec::Address& account);
Result<Bytes> set_private_calldata(std::string_view repo, bool is_private);
Result<Bytes> is_private_calldata(std::string_view repo);
Result<Bytes> grant_access_calldata(std::string_view repo, const codec::Address& grantee, std::span<const Head> commits,
                                    std::span<const Bytes> keys);
Result<Bytes> revoke_access_calldata(std::string_view repo, const codec::Address& grantee);
Result<Bytes> readers_of_calldata(std::string_view repo);
Result<Bytes> has_access_calldata(std::string_view repo, const codec::Address& who);
Result<Bytes> shred_calldata(std::string_view repo, std::span<const Head> commits);
Result<Bytes> shredded_at_calldata(std::string_view repo, const Head& commit);

// Commit signers (docs/format.md §7.1): the owner authorises a key to sign commits from the block of
// addSigner until the block of removeSigner (that block excluded); each signer's intervals only grow.
Result<Bytes> add_signer_calldata(std::string_view repo, const codec::Address& signer);
Result<Bytes> remove_signer_calldata(std::string_view repo, const codec::Address& signer);
Result<Bytes> signers_of_calldata(std::string_view repo);
Result<Bytes> signer_intervals_of_calldata(std::string_view repo, const codec::Address& signer);
Result<Bytes> signer_authorized_at_calldata(std::string_view repo, const codec::Address& signer,
                                            std::uint64_t block_number);

// The EIP-712 digest an account signs to publish `compressed_key` as its encryption key: domain {name
// "mlchain", version "1", chainId, verifyingContract: the registry}, message EncryptionKey(address account,
// bytes key, uint256 nonce), where the nonce is the account's current one (encryptionKeyOf).
codec::Keccak256Digest encryption_key_digest(std::uint64_t chain_id, const codec::Address& registry,
                                             const codec::Address& account, ByteView compressed_key,
                                             std::uint64_t nonce);

// The return data of the views, as eth_call answers it.
Result<Head> decode_head_of(ByteView return_data);
// The zero address for a repository that does not exist yet.
Result<codec::Address> decode_owner_of(ByteView return_data);
Result<bool> decode_is_writer(ByteView return_data);
Result<std::vector<std::string>> decode_branches_of(ByteView return_data);
Result<codec::Address> decode_governance_of(ByteView return_data);
Result<std::uint64_t> decode_anchored_at(ByteView return_data);
Result<codec::Address> decode_catalogue_of(ByteView return_data);
// encryptionKeyOf: the key (empty when the account never published one) and the nonce the next
// publication must sign (the number of publications so far).
struct PublishedEncryptionKey {
  Bytes key;
  std::uint64_t nonce = 0;
};
Result<PublishedEncryptionKey> decode_encryption_key_of(ByteView return_data);
Result<bool> decode_is_private(ByteView return_data);
Result<std::vector<codec::Address>> decode_readers_of(ByteView return_data);
Result<bool> decode_has_access(ByteView return_data);
// 0: never shredded.
Result<std::uint64_t> decode_shredded_at(ByteView return_data);
// Every signer ever added, in the order of their first additions (removed ones included).
Result<std::vector<codec::Address>> decode_signers_of(ByteView return_data);
// A signer's intervals, oldest first. The decoder checks what the contract guarantees: as many ends as
// starts, each interval starts no later than it ends and no earlier than the one before ended, and only the
// last one is open.
Result<std::vector<core::SignerInterval>> decode_signer_intervals_of(ByteView return_data);
Result<bool> decode_signer_authorized_at(ByteView return_data);

// The events. Each log carries its ids and addresses in indexed topics and the names and heads in its data.
struct RepositoryCreated {
  Word repo_id{};
  std::string repo;
  codec::Address owner;
};
struct HeadUpdated {
  Word repo_id{};
  Word branch_id{};
  codec::Address pusher;
  std::string repo;
  std::string branch;
  Head old_head{};  // zero on a branch's first push
  Head new_head{};
};
struct WriterGranted {
  Word repo_id{};
  codec::Address writer;
  codec::Address by;
};
struct WriterRevoked {
  Word repo_id{};
  codec::Address writer;
  codec::Address by;
};
// The owner chose (or, with the zero address, dropped) the repository's governance contract.
struct GovernanceSet {
  Word repo_id{};
  codec::Address governance;
  codec::Address by;
};
// `account` published `key` (33 bytes, compressed) with a signature over `nonce`.
struct EncryptionKeyPublished {
  codec::Address account;
  Bytes key;
  std::uint64_t nonce = 0;
};
struct VisibilitySet {
  Word repo_id{};
  bool is_private = false;
  codec::Address by;
};
// `keys` is the binary CID of the access block holding `commit`'s file keys wrapped for `grantee`.
struct AccessGranted {
  Word repo_id{};
  codec::Address grantee;
  Head commit{};
  codec::Address by;
  Bytes keys;
};
// `grantee` became a reader (its first grant, or the first since a revocation).
struct ReaderAdded {
  Word repo_id{};
  codec::Address grantee;
  codec::Address by;
};
struct AccessRevoked {
  Word repo_id{};
  codec::Address grantee;
  codec::Address by;
};
struct VersionShredded {
  Word repo_id{};
  Head commit{};
  codec::Address by;
};
// The owner authorised `signer` from block `from_block` on, or ended its authorisation at `until_block`.
struct SignerAdded {
  Word repo_id{};
  codec::Address signer;
  codec::Address by;
  std::uint64_t from_block = 0;
};
struct SignerRemoved {
  Word repo_id{};
  codec::Address signer;
  codec::Address by;
  std::uint64_t until_block = 0;
};
using Event =
    std::variant<RepositoryCreated, HeadUpdated, WriterGranted, WriterRevoked, GovernanceSet, EncryptionKeyPublished,
                 VisibilitySet, AccessGranted, ReaderAdded, AccessRevoked, VersionShredded, SignerAdded, SignerRemoved>;

// Topic 0 of each event: keccak256 of its canonical signature.
Word repository_created_topic();
Word head_updated_topic();
Word writer_granted_topic();
Word writer_revoked_topic();
Word governance_set_topic();
Word encryption_key_published_topic();
Word visibility_set_topic();
Word access_granted_topic();
Word reader_added_topic();
Word access_revoked_topic();
Word version_shredded_topic();
Word signer_added_topic();
Word signer_removed_topic();

// One log of the registry. Usage error for a log of another event or one that does not decode.
Result<Event> decode_event(std::span<const Word> topics, ByteView data);

// eth_getLogs topic filters (one list of accepted values per topic position; an empty list matches any):
// every head update of `repo`, or of one of its branches.
std::vector<std::vector<Word>> head_updates_filter(std::string_view repo,
                                                   std::optional<std::string_view> branch = std::nullopt);

// The grants of `repo` (to one grantee, or to anyone), its readers added, its revocations, its shreddings,
// and the encryption keys `account` published.
std::vector<std::vector<Word>> access_grants_filter(std::string_view repo,
                                                    std::optional<codec::Address> grantee = std::nullopt);
std::vector<std::vector<Word>> readers_added_filter(std::string_view repo);
std::vector<std::vector<Word>> access_revocations_filter(std::string_view repo);
std::vector<std::vector<Word>> shreddings_filter(std::string_view repo);
std::vector<std::vector<Word>> encryption_key_events_filter(const codec::Address& account);
// Every signer addition and removal of `repo` (topic 0 accepts both events).
std::vector<std::vector<Word>> signer_changes_filter(std::string_view repo);

// The custom errors a call to the registry reverts with.
struct NotWriter {
  codec::Address caller;
};
struct NotOwner {
  codec::Address caller;
};
struct StaleHead {
  Head expected{};
  Head actual{};
};
struct EmptyHead {};
struct UnknownRepository {};
struct InvalidRepositoryName {};
struct EmptyBranchName {};
struct InvalidEncryptionKey {};
struct BadKeySignature {};
struct LengthMismatch {};
struct UnanchoredCommit {
  Head commit{};
};
struct VersionIsShredded {
  Head commit{};
};
struct ZeroGrantee {};
struct EmptyKeys {};
struct ZeroSigner {};
struct SignerAlreadyAuthorized {
  codec::Address signer;
};
struct SignerNotAuthorized {
  codec::Address signer;
};
using RegistryError =
    std::variant<NotWriter, NotOwner, StaleHead, EmptyHead, UnknownRepository, InvalidRepositoryName, EmptyBranchName,
                 InvalidEncryptionKey, BadKeySignature, LengthMismatch, UnanchoredCommit, VersionIsShredded,
                 ZeroGrantee, EmptyKeys, ZeroSigner, SignerAlreadyAuthorized, SignerNotAuthorized>;

// The registry's error in revert data; nothing when the data is something else (empty, Error(string), a
// panic, an unknown selector: codec::abi::decode_revert tells those apart). Usage error for data that
// starts with a registry error's selector and does not decode under it.
Result<std::optional<RegistryError>> decode_error(ByteView revert_data);
// One line for messages: "StaleHead(expected 0x…, actual 0x…)", "NotWriter(0x…)".
std::string describe(const RegistryError& error);

}  // namespace mlchain::eth::registry
