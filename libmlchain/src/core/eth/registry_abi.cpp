#include "mlchain/eth/registry_abi.hpp"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/keccak.hpp"

namespace mlchain::eth::registry {
namespace {

namespace abi = codec::abi;
using abi::Parameter;
using abi::Signature;
using abi::Type;
using abi::Value;

Parameter plain(Type type) { return Parameter{std::move(type), false}; }
Parameter indexed(Type type) { return Parameter{std::move(type), true}; }

// The declarations of contracts/MlchainRegistry.sol; the unit tests pin their selectors and topics against
// Foundry's cast and check that the embedded bytecode dispatches on these selectors.
const Signature& push_function() {
  static const Signature function{
      "push", {plain(Type::string()), plain(Type::string()), plain(Type::bytes32()), plain(Type::bytes32())}};
  return function;
}
const Signature& grant_function() {
  static const Signature function{"grant", {plain(Type::string()), plain(Type::address())}};
  return function;
}
const Signature& revoke_function() {
  static const Signature function{"revoke", {plain(Type::string()), plain(Type::address())}};
  return function;
}
const Signature& head_of_function() {
  static const Signature function{"headOf", {plain(Type::string()), plain(Type::string())}};
  return function;
}
const Signature& owner_of_function() {
  static const Signature function{"ownerOf", {plain(Type::string())}};
  return function;
}
const Signature& is_writer_function() {
  static const Signature function{"isWriter", {plain(Type::string()), plain(Type::address())}};
  return function;
}
const Signature& branches_of_function() {
  static const Signature function{"branchesOf", {plain(Type::string())}};
  return function;
}

const Signature& set_governance_function() {
  static const Signature function{"setGovernance", {plain(Type::string()), plain(Type::address())}};
  return function;
}
const Signature& governance_of_function() {
  static const Signature function{"governanceOf", {plain(Type::string())}};
  return function;
}
const Signature& set_catalogue_function() {
  static const Signature function{"setCatalogue", {plain(Type::string()), plain(Type::address())}};
  return function;
}
const Signature& catalogue_of_function() {
  static const Signature function{"catalogueOf", {plain(Type::string())}};
  return function;
}
const Signature& anchored_at_function() {
  static const Signature function{"anchoredAt", {plain(Type::string()), plain(Type::bytes32())}};
  return function;
}

const Signature& publish_encryption_key_function() {
  static const Signature function{"publishEncryptionKey",
                                  {plain(Type::address()), plain(Type::bytes()), plain(Type::bytes())}};
  return function;
}
const Signature& encryption_key_of_function() {
  static const Signature function{"encryptionKeyOf", {plain(Type::address())}};
  return function;
}
const Signature& set_private_function() {
  static const Signature function{"setPrivate", {plain(Type::string()), plain(Type::boolean())}};
  return function;
}
const Signature& is_private_function() {
  static const Signature function{"isPrivate", {plain(Type::string())}};
  return function;
}
const Signature& grant_access_function() {
  static const Signature function{"grantAccess",
                                  {plain(Type::string()), plain(Type::address()),
                                   plain(Type::array_of(Type::bytes32())), plain(Type::array_of(Type::bytes()))}};
  return function;
}
const Signature& revoke_access_function() {
  static const Signature function{"revokeAccess", {plain(Type::string()), plain(Type::address())}};
  return function;
}
const Signature& readers_of_function() {
  static const Signature function{"readersOf", {plain(Type::string())}};
  return function;
}
const Signature& has_access_function() {
  static const Signature function{"hasAccess", {plain(Type::string()), plain(Type::address())}};
  return function;
}
const Signature& shred_function() {
  static const Signature function{"shred", {plain(Type::string()), plain(Type::array_of(Type::bytes32()))}};
  return function;
}
const Signature& shredded_at_function() {
  static const Signature function{"shreddedAt", {plain(Type::string()), plain(Type::bytes32())}};
  return function;
}
const Signature& add_signer_function() {
  static const Signature function{"addSigner", {plain(Type::string()), plain(Type::address())}};
  return function;
}
const Signature& remove_signer_function() {
  static const Signature function{"removeSigner", {plain(Type::string()), plain(Type::address())}};
  return function;
}
const Signature& signers_of_function() {
  static const Signature function{"signersOf", {plain(Type::string())}};
  return function;
}
const Signature& signer_intervals_of_function() {
  static const Signature function{"signerIntervalsOf", {plain(Type::string()), plain(Type::address())}};
  return function;
}
const Signature& signer_authorized_at_function() {
  static const Signature function{"signerAuthorizedAt",
                                  {plain(Type::string()), plain(Type::address()), plain(Type::uint256())}};
  return function;
}

const Signature& repository_created_event() {
  static const Signature event{"RepositoryCreated",
                               {indexed(Type::bytes32()), plain(Type::string()), indexed(Type::address())}};
  return event;
}
const Signature& head_updated_event() {
  static const Signature event{
      "HeadUpdated",
      {indexed(Type::bytes32()), indexed(Type::bytes32()), indexed(Type::address()), plain(Type::string()),
       plain(Type::string()), plain(Type::bytes32()), plain(Type::bytes32())}};
  return event;
}
const Signature& writer_granted_event() {
  static const Signature event{"WriterGranted",
                               {indexed(Type::bytes32()), indexed(Type::address()), indexed(Type::address())}};
  return event;
}
const Signature& writer_revoked_event() {
  static const Signature event{"WriterRevoked",
                               {indexed(Type::bytes32()), indexed(Type::address()), indexed(Type::address())}};
  return event;
}
const Signature& governance_set_event() {
  static const Signature event{"GovernanceSet",
                               {indexed(Type::bytes32()), indexed(Type::address()), indexed(Type::address())}};
  return event;
}

const Signature& encryption_key_published_event() {
  static const Signature event{"EncryptionKeyPublished",
                               {indexed(Type::address()), plain(Type::bytes()), plain(Type::uint256())}};
  return event;
}
const Signature& visibility_set_event() {
  static const Signature event{"VisibilitySet",
                               {indexed(Type::bytes32()), plain(Type::boolean()), indexed(Type::address())}};
  return event;
}
const Signature& access_granted_event() {
  static const Signature event{"AccessGranted",
                               {indexed(Type::bytes32()), indexed(Type::address()), indexed(Type::bytes32()),
                                plain(Type::address()), plain(Type::bytes())}};
  return event;
}
const Signature& reader_added_event() {
  static const Signature event{"ReaderAdded",
                               {indexed(Type::bytes32()), indexed(Type::address()), indexed(Type::address())}};
  return event;
}
const Signature& access_revoked_event() {
  static const Signature event{"AccessRevoked",
                               {indexed(Type::bytes32()), indexed(Type::address()), indexed(Type::address())}};
  return event;
}
const Signature& version_shredded_event() {
  static const Signature event{"VersionShredded",
                               {indexed(Type::bytes32()), indexed(Type::bytes32()), indexed(Type::address())}};
  return event;
}
const Signature& signer_added_event() {
  static const Signature event{
      "SignerAdded",
      {indexed(Type::bytes32()), indexed(Type::address()), indexed(Type::address()), plain(Type::uint256())}};
  return event;
}
const Signature& signer_removed_event() {
  static const Signature event{
      "SignerRemoved",
      {indexed(Type::bytes32()), indexed(Type::address()), indexed(Type::address()), plain(Type::uint256())}};
  return event;
}

const std::vector<Signature>& custom_errors() {
  static const std::vector<Signature> errors{
      {"NotWriter", {plain(Type::address())}},
      {"NotOwner", {plain(Type::address())}},
      {"StaleHead", {plain(Type::bytes32()), plain(Type::bytes32())}},
      {"EmptyHead", {}},
      {"UnknownRepository", {}},
      {"InvalidRepositoryName", {}},
      {"EmptyBranchName", {}},
      {"InvalidEncryptionKey", {}},
      {"BadKeySignature", {}},
      {"LengthMismatch", {}},
      {"UnanchoredCommit", {plain(Type::bytes32())}},
      {"VersionIsShredded", {plain(Type::bytes32())}},
      {"ZeroGrantee", {}},
      {"EmptyKeys", {}},
      {"ZeroSigner", {}},
      {"SignerAlreadyAuthorized", {plain(Type::address())}},
      {"SignerNotAuthorized", {plain(Type::address())}},
  };
  return errors;
}

Result<Bytes> call(const Signature& function, std::vector<Value> arguments) {
  return abi::encode_call(function, arguments);
}

// The decoders below ask abi::decode for exactly these types, so a value of another alternative is a bug.
template <class T>
Result<T> take(const std::vector<Value>& values, std::size_t index, std::string_view what) {
  const T* value = index < values.size() ? values[index].get_if<T>() : nullptr;
  if (value == nullptr)
    return make_error(ErrorKind::internal, "registry: decoded " + std::string(what) + " has the wrong type");
  return *value;
}

Result<std::vector<Value>> decode_return(const Signature& function, std::vector<Type> types, ByteView data) {
  auto values = abi::decode(types, data);
  if (!values) {
    return make_error(ErrorKind::invalid_input,
                      "registry: return data of " + function.canonical() + ": " + values.error().message);
  }
  return std::move(values).value();
}

Status check_event_id(const Word& id, std::string_view name, std::string_view what) {
  if (id != codec::keccak256(as_bytes(name))) {
    return make_error(ErrorKind::invalid_input, "registry: a log's " + std::string(what) +
                                                    " id is not the hash of its name '" + std::string(name) + "'");
  }
  return {};
}

Result<Event> decode_repository_created(const std::vector<Value>& values) {
  RepositoryCreated event;
  MLCHAIN_TRY(event.repo_id, take<Word>(values, 0, "repoId"));
  MLCHAIN_TRY(event.repo, take<std::string>(values, 1, "repo"));
  MLCHAIN_TRY(event.owner, take<codec::Address>(values, 2, "owner"));
  MLCHAIN_TRY_STATUS(check_event_id(event.repo_id, event.repo, "repository"));
  return Event{std::move(event)};
}

Result<Event> decode_head_updated(const std::vector<Value>& values) {
  HeadUpdated event;
  MLCHAIN_TRY(event.repo_id, take<Word>(values, 0, "repoId"));
  MLCHAIN_TRY(event.branch_id, take<Word>(values, 1, "branchId"));
  MLCHAIN_TRY(event.pusher, take<codec::Address>(values, 2, "pusher"));
  MLCHAIN_TRY(event.repo, take<std::string>(values, 3, "repo"));
  MLCHAIN_TRY(event.branch, take<std::string>(values, 4, "branch"));
  MLCHAIN_TRY(event.old_head, take<Word>(values, 5, "oldHead"));
  MLCHAIN_TRY(event.new_head, take<Word>(values, 6, "newHead"));
  MLCHAIN_TRY_STATUS(check_event_id(event.repo_id, event.repo, "repository"));
  MLCHAIN_TRY_STATUS(check_event_id(event.branch_id, event.branch, "branch"));
  if (is_empty(event.new_head)) {
    return make_error(ErrorKind::invalid_input, "registry: a HeadUpdated log of '" + event.repo + "' moves '" +
                                                    event.branch + "' to the empty head, which the contract refuses");
  }
  return Event{std::move(event)};
}

template <class Change>
Result<Event> decode_writer_change(const std::vector<Value>& values) {
  Change event;
  MLCHAIN_TRY(event.repo_id, take<Word>(values, 0, "repoId"));
  MLCHAIN_TRY(event.writer, take<codec::Address>(values, 1, "writer"));
  MLCHAIN_TRY(event.by, take<codec::Address>(values, 2, "by"));
  return Event{std::move(event)};
}

Result<Event> decode_governance_set(const std::vector<Value>& values) {
  GovernanceSet event;
  MLCHAIN_TRY(event.repo_id, take<Word>(values, 0, "repoId"));
  MLCHAIN_TRY(event.governance, take<codec::Address>(values, 1, "governance"));
  MLCHAIN_TRY(event.by, take<codec::Address>(values, 2, "by"));
  return Event{std::move(event)};
}

// What the contract checks before it publishes a key (docs/format.md §7.1).
bool is_compressed_key(ByteView key) { return key.size() == 33 && (key[0] == 0x02 || key[0] == 0x03); }

Result<std::uint64_t> small_number(const codec::U256& value, std::string_view what) {
  const auto small = value.to_uint64();
  if (!small) return make_error(ErrorKind::invalid_input, "registry: " + std::string(what) + " beyond 64 bits");
  return *small;
}

Result<Event> decode_encryption_key_published(const std::vector<Value>& values) {
  EncryptionKeyPublished event;
  MLCHAIN_TRY(event.account, take<codec::Address>(values, 0, "account"));
  MLCHAIN_TRY(event.key, take<Bytes>(values, 1, "key"));
  MLCHAIN_TRY(const auto nonce, take<codec::U256>(values, 2, "nonce"));
  MLCHAIN_TRY(event.nonce, small_number(nonce, "an EncryptionKeyPublished nonce"));
  if (!is_compressed_key(event.key)) {
    return make_error(ErrorKind::invalid_input, "registry: an EncryptionKeyPublished log of " +
                                                    codec::to_checksum_address(event.account) +
                                                    " carries a key that is not a compressed secp256k1 point");
  }
  return Event{std::move(event)};
}

Result<Event> decode_visibility_set(const std::vector<Value>& values) {
  VisibilitySet event;
  MLCHAIN_TRY(event.repo_id, take<Word>(values, 0, "repoId"));
  MLCHAIN_TRY(event.is_private, take<bool>(values, 1, "isPrivate"));
  MLCHAIN_TRY(event.by, take<codec::Address>(values, 2, "by"));
  return Event{std::move(event)};
}

Result<Event> decode_access_granted(const std::vector<Value>& values) {
  AccessGranted event;
  MLCHAIN_TRY(event.repo_id, take<Word>(values, 0, "repoId"));
  MLCHAIN_TRY(event.grantee, take<codec::Address>(values, 1, "grantee"));
  MLCHAIN_TRY(event.commit, take<Word>(values, 2, "commit"));
  MLCHAIN_TRY(event.by, take<codec::Address>(values, 3, "by"));
  MLCHAIN_TRY(event.keys, take<Bytes>(values, 4, "keys"));
  if (is_empty(event.commit) || event.keys.empty()) {
    return make_error(ErrorKind::invalid_input,
                      "registry: an AccessGranted log names no commit or no access block, which the contract refuses");
  }
  return Event{std::move(event)};
}

template <class Change>
Result<Event> decode_reader_change(const std::vector<Value>& values) {
  Change event;
  MLCHAIN_TRY(event.repo_id, take<Word>(values, 0, "repoId"));
  MLCHAIN_TRY(event.grantee, take<codec::Address>(values, 1, "grantee"));
  MLCHAIN_TRY(event.by, take<codec::Address>(values, 2, "by"));
  return Event{std::move(event)};
}

Result<Event> decode_version_shredded(const std::vector<Value>& values) {
  VersionShredded event;
  MLCHAIN_TRY(event.repo_id, take<Word>(values, 0, "repoId"));
  MLCHAIN_TRY(event.commit, take<Word>(values, 1, "commit"));
  MLCHAIN_TRY(event.by, take<codec::Address>(values, 2, "by"));
  if (is_empty(event.commit)) {
    return make_error(ErrorKind::invalid_input,
                      "registry: a VersionShredded log names the empty head, which the contract refuses");
  }
  return Event{std::move(event)};
}

template <class Change>
Result<Event> decode_signer_change(const std::vector<Value>& values) {
  Change event;
  MLCHAIN_TRY(event.repo_id, take<Word>(values, 0, "repoId"));
  MLCHAIN_TRY(event.signer, take<codec::Address>(values, 1, "signer"));
  MLCHAIN_TRY(event.by, take<codec::Address>(values, 2, "by"));
  MLCHAIN_TRY(const auto block, take<codec::U256>(values, 3, "block"));
  std::uint64_t number = 0;
  MLCHAIN_TRY(number, small_number(block, "a signer change names a block"));
  if constexpr (std::is_same_v<Change, SignerAdded>)
    event.from_block = number;
  else
    event.until_block = number;
  return Event{std::move(event)};
}

struct EventDecoder {
  const Signature& event;
  Result<Event> (*decode)(const std::vector<Value>&);
};

const std::vector<EventDecoder>& event_decoders() {
  static const std::vector<EventDecoder> decoders{
      {repository_created_event(), decode_repository_created},
      {head_updated_event(), decode_head_updated},
      {writer_granted_event(), decode_writer_change<WriterGranted>},
      {writer_revoked_event(), decode_writer_change<WriterRevoked>},
      {governance_set_event(), decode_governance_set},
      {encryption_key_published_event(), decode_encryption_key_published},
      {visibility_set_event(), decode_visibility_set},
      {access_granted_event(), decode_access_granted},
      {reader_added_event(), decode_reader_change<ReaderAdded>},
      {access_revoked_event(), decode_reader_change<AccessRevoked>},
      {version_shredded_event(), decode_version_shredded},
      {signer_added_event(), decode_signer_change<SignerAdded>},
      {signer_removed_event(), decode_signer_change<SignerRemoved>},
  };
  return decoders;
}

abi::List words(std::span<const Head> heads) { return abi::List(heads.begin(), heads.end()); }

void append_word(Bytes& out, const Word& word) { out.insert(out.end(), word.begin(), word.end()); }
void append_address(Bytes& out, const codec::Address& address) {
  out.insert(out.end(), 12, 0);
  out.insert(out.end(), address.bytes.begin(), address.bytes.end());
}
void append_number(Bytes& out, std::uint64_t value) {
  out.insert(out.end(), 24, 0);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::string hex(const Word& word) { return codec::to_0x_hex(word); }

}  // namespace

Status check_repository_name(std::string_view repo) {
  const bool valid = !repo.empty() && repo.size() <= 64 && std::all_of(repo.begin(), repo.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
  if (!valid) {
    return make_error(ErrorKind::invalid_argument,
                      "repository name '" + std::string(repo) + "' is not 1 to 64 characters of A-Z a-z 0-9 . _ -");
  }
  return {};
}

Status check_branch_name(std::string_view branch) {
  if (branch.empty()) return make_error(ErrorKind::invalid_argument, "the registry refuses an empty branch name");
  return {};
}

Word repository_id(std::string_view repo) { return codec::keccak256(as_bytes(repo)); }
Word branch_id(std::string_view branch) { return codec::keccak256(as_bytes(branch)); }

Result<Head> head_of(const codec::Cid& commit) {
  const auto& hash = commit.hash();
  if (commit.version() != 1 || commit.codec() != codec::multicodec::dag_cbor ||
      hash.code != codec::multihash_code::sha2_256 || hash.digest.size() != Head{}.size()) {
    return make_error(
        ErrorKind::invalid_input,
        "registry: " + commit.to_string() + " is not a commit CID (CIDv1 dag-cbor sha2-256), so it cannot be a head");
  }
  Head head;
  std::copy(hash.digest.begin(), hash.digest.end(), head.begin());
  return head;
}

Result<codec::Cid> commit_of(const Head& head) {
  if (is_empty(head)) return make_error(ErrorKind::invalid_input, "registry: the empty head names no commit");
  return codec::Cid(1, codec::multicodec::dag_cbor,
                    codec::Multihash{codec::multihash_code::sha2_256, Bytes(head.begin(), head.end())});
}

bool is_empty(const Head& head) {
  return std::all_of(head.begin(), head.end(), [](std::uint8_t byte) { return byte == 0; });
}

Result<Bytes> push_calldata(std::string_view repo, std::string_view branch, const Head& expected_old,
                            const Head& new_head) {
  return call(push_function(), {repo, branch, expected_old, new_head});
}
Result<Bytes> grant_calldata(std::string_view repo, const codec::Address& writer) {
  return call(grant_function(), {repo, writer});
}
Result<Bytes> revoke_calldata(std::string_view repo, const codec::Address& writer) {
  return call(revoke_function(), {repo, writer});
}
Result<Bytes> head_of_calldata(std::string_view repo, std::string_view branch) {
  return call(head_of_function(), {repo, branch});
}
Result<Bytes> owner_of_calldata(std::string_view repo) { return call(owner_of_function(), {repo}); }
Result<Bytes> is_writer_calldata(std::string_view repo, const codec::Address& who) {
  return call(is_writer_function(), {repo, who});
}
Result<Bytes> branches_of_calldata(std::string_view repo) { return call(branches_of_function(), {repo}); }

Result<Bytes> set_governance_calldata(std::string_view repo, const codec::Address& governance) {
  return call(set_governance_function(), {repo, governance});
}
Result<Bytes> governance_of_calldata(std::string_view repo) { return call(governance_of_function(), {repo}); }
Result<Bytes> set_catalogue_calldata(std::string_view repo, const codec::Address& catalogue) {
  return call(set_catalogue_function(), {repo, catalogue});
}
Result<Bytes> catalogue_of_calldata(std::string_view repo) { return call(catalogue_of_function(), {repo}); }
Result<Bytes> anchored_at_calldata(std::string_view repo, const Head& commit) {
  return call(anchored_at_function(), {repo, commit});
}

Result<Bytes> publish_encryption_key_calldata(const codec::Address& account, ByteView key, ByteView signature) {
  return call(publish_encryption_key_function(),
              {account, Bytes(key.begin(), key.end()), Bytes(signature.begin(), signature.end())});
}
Result<Bytes> encryption_key_of_calldata(const codec::Address& account) {
  return call(encryption_key_of_function(), {account});
}
Result<Bytes> set_private_calldata(std::string_view repo, bool is_private) {
  return call(set_private_function(), {repo, is_private});
}
Result<Bytes> is_private_calldata(std::string_view repo) { return call(is_private_function(), {repo}); }
Result<Bytes> grant_access_calldata(std::string_view repo, const codec::Address& grantee, std::span<const Head> commits,
                                    std::span<const Bytes> keys) {
  return call(grant_access_function(), {repo, grantee, words(commits), abi::List(keys.begin(), keys.end())});
}
Result<Bytes> revoke_access_calldata(std::string_view repo, const codec::Address& grantee) {
  return call(revoke_access_function(), {repo, grantee});
}
Result<Bytes> readers_of_calldata(std::string_view repo) { return call(readers_of_function(), {repo}); }
Result<Bytes> has_access_calldata(std::string_view repo, const codec::Address& who) {
  return call(has_access_function(), {repo, who});
}
Result<Bytes> shred_calldata(std::string_view repo, std::span<const Head> commits) {
  return call(shred_function(), {repo, words(commits)});
}
Result<Bytes> shredded_at_calldata(std::string_view repo, const Head& commit) {
  return call(shredded_at_function(), {repo, commit});
}

codec::Keccak256Digest encryption_key_digest(std::uint64_t chain_id, const codec::Address& registry,
                                             const codec::Address& account, ByteView compressed_key,
                                             std::uint64_t nonce) {
  // hashStruct of each (EIP-712): keccak256(typeHash ‖ the fields as 32-byte words, bytes and strings hashed).
  static const Word domain_type =
      codec::keccak256(as_bytes("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));
  static const Word key_type = codec::keccak256(as_bytes("EncryptionKey(address account,bytes key,uint256 nonce)"));
  Bytes domain;
  append_word(domain, domain_type);
  append_word(domain, codec::keccak256(as_bytes("mlchain")));
  append_word(domain, codec::keccak256(as_bytes("1")));
  append_number(domain, chain_id);
  append_address(domain, registry);
  Bytes message;
  append_word(message, key_type);
  append_address(message, account);
  append_word(message, codec::keccak256(compressed_key));
  append_number(message, nonce);
  Bytes signed_bytes{0x19, 0x01};
  append_word(signed_bytes, codec::keccak256(domain));
  append_word(signed_bytes, codec::keccak256(message));
  return codec::keccak256(signed_bytes);
}

Result<PublishedEncryptionKey> decode_encryption_key_of(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(encryption_key_of_function(), {Type::bytes(), Type::uint256()}, return_data));
  PublishedEncryptionKey published;
  MLCHAIN_TRY(published.key, take<Bytes>(values, 0, "key"));
  MLCHAIN_TRY(const auto nonce, take<codec::U256>(values, 1, "nonce"));
  MLCHAIN_TRY(published.nonce, small_number(nonce, "encryptionKeyOf answered a nonce"));
  if (!published.key.empty() && !is_compressed_key(published.key))
    return make_error(ErrorKind::invalid_input,
                      "registry: encryptionKeyOf answered a key that is not a compressed secp256k1 point");
  if (!published.key.empty() && published.nonce == 0)
    return make_error(ErrorKind::invalid_input, "registry: encryptionKeyOf answered a key never published (nonce 0)");
  return published;
}

Result<bool> decode_is_private(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(is_private_function(), {Type::boolean()}, return_data));
  return take<bool>(values, 0, "private flag");
}

Result<std::vector<codec::Address>> decode_readers_of(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(readers_of_function(), {Type::array_of(Type::address())}, return_data));
  MLCHAIN_TRY(auto list, take<abi::List>(values, 0, "reader list"));
  std::vector<codec::Address> readers;
  readers.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    MLCHAIN_TRY(auto reader, take<codec::Address>(list, i, "reader"));
    readers.push_back(reader);
  }
  return readers;
}

Result<bool> decode_has_access(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(has_access_function(), {Type::boolean()}, return_data));
  return take<bool>(values, 0, "access flag");
}

Result<std::uint64_t> decode_shredded_at(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(shredded_at_function(), {Type::uint256()}, return_data));
  MLCHAIN_TRY(const auto block, take<codec::U256>(values, 0, "block"));
  return small_number(block, "shreddedAt answered a block");
}

Result<codec::Address> decode_governance_of(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(governance_of_function(), {Type::address()}, return_data));
  return take<codec::Address>(values, 0, "governance");
}

Result<codec::Address> decode_catalogue_of(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(catalogue_of_function(), {Type::address()}, return_data));
  return take<codec::Address>(values, 0, "catalogue");
}

Result<std::uint64_t> decode_anchored_at(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(anchored_at_function(), {Type::uint256()}, return_data));
  MLCHAIN_TRY(const auto block, take<codec::U256>(values, 0, "block"));
  const auto small = block.to_uint64();
  if (!small) return make_error(ErrorKind::invalid_input, "registry: anchoredAt answered a block beyond 64 bits");
  return *small;
}

Result<Head> decode_head_of(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(head_of_function(), {Type::bytes32()}, return_data));
  return take<Word>(values, 0, "head");
}

Result<codec::Address> decode_owner_of(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(owner_of_function(), {Type::address()}, return_data));
  return take<codec::Address>(values, 0, "owner");
}

Result<bool> decode_is_writer(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(is_writer_function(), {Type::boolean()}, return_data));
  return take<bool>(values, 0, "writer flag");
}

Result<std::vector<std::string>> decode_branches_of(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(branches_of_function(), {Type::array_of(Type::string())}, return_data));
  MLCHAIN_TRY(auto list, take<abi::List>(values, 0, "branch list"));
  std::vector<std::string> branches;
  branches.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    MLCHAIN_TRY(auto branch, take<std::string>(list, i, "branch"));
    branches.push_back(std::move(branch));
  }
  return branches;
}

Result<Bytes> add_signer_calldata(std::string_view repo, const codec::Address& signer) {
  return call(add_signer_function(), {repo, signer});
}
Result<Bytes> remove_signer_calldata(std::string_view repo, const codec::Address& signer) {
  return call(remove_signer_function(), {repo, signer});
}
Result<Bytes> signers_of_calldata(std::string_view repo) { return call(signers_of_function(), {repo}); }
Result<Bytes> signer_intervals_of_calldata(std::string_view repo, const codec::Address& signer) {
  return call(signer_intervals_of_function(), {repo, signer});
}
Result<Bytes> signer_authorized_at_calldata(std::string_view repo, const codec::Address& signer,
                                            std::uint64_t block_number) {
  return call(signer_authorized_at_function(), {repo, signer, codec::U256(block_number)});
}

Result<std::vector<codec::Address>> decode_signers_of(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(signers_of_function(), {Type::array_of(Type::address())}, return_data));
  MLCHAIN_TRY(auto list, take<abi::List>(values, 0, "signer list"));
  std::vector<codec::Address> signers;
  signers.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    MLCHAIN_TRY(auto signer, take<codec::Address>(list, i, "signer"));
    signers.push_back(signer);
  }
  return signers;
}

Result<std::vector<core::SignerInterval>> decode_signer_intervals_of(ByteView return_data) {
  MLCHAIN_TRY(auto values,
              decode_return(signer_intervals_of_function(),
                            {Type::array_of(Type::uint256()), Type::array_of(Type::uint256())}, return_data));
  MLCHAIN_TRY(auto starts, take<abi::List>(values, 0, "fromBlocks"));
  MLCHAIN_TRY(auto ends, take<abi::List>(values, 1, "untilBlocks"));
  if (starts.size() != ends.size())
    return make_error(ErrorKind::invalid_input, "registry: signerIntervalsOf answered " +
                                                    std::to_string(starts.size()) + " starts and " +
                                                    std::to_string(ends.size()) + " ends");
  std::vector<core::SignerInterval> intervals;
  intervals.reserve(starts.size());
  for (std::size_t i = 0; i < starts.size(); ++i) {
    MLCHAIN_TRY(const auto start, take<codec::U256>(starts, i, "fromBlock"));
    MLCHAIN_TRY(const auto end, take<codec::U256>(ends, i, "untilBlock"));
    core::SignerInterval interval;
    MLCHAIN_TRY(interval.from_block, small_number(start, "signerIntervalsOf answered a block"));
    MLCHAIN_TRY(const std::uint64_t until, small_number(end, "signerIntervalsOf answered a block"));
    if (until != 0) interval.until_block = until;
    const bool ordered = !interval.until_block || *interval.until_block >= interval.from_block;
    const bool follows =
        intervals.empty() || (intervals.back().until_block && *intervals.back().until_block <= interval.from_block);
    if (!ordered || !follows)
      return make_error(ErrorKind::invalid_input,
                        "registry: signerIntervalsOf answered intervals that overlap, run backwards or reopen");
    intervals.push_back(interval);
  }
  return intervals;
}

Result<bool> decode_signer_authorized_at(ByteView return_data) {
  MLCHAIN_TRY(auto values, decode_return(signer_authorized_at_function(), {Type::boolean()}, return_data));
  return take<bool>(values, 0, "authorisation");
}

Word repository_created_topic() { return repository_created_event().topic(); }
Word head_updated_topic() { return head_updated_event().topic(); }
Word writer_granted_topic() { return writer_granted_event().topic(); }
Word writer_revoked_topic() { return writer_revoked_event().topic(); }
Word governance_set_topic() { return governance_set_event().topic(); }
Word encryption_key_published_topic() { return encryption_key_published_event().topic(); }
Word visibility_set_topic() { return visibility_set_event().topic(); }
Word access_granted_topic() { return access_granted_event().topic(); }
Word reader_added_topic() { return reader_added_event().topic(); }
Word access_revoked_topic() { return access_revoked_event().topic(); }
Word version_shredded_topic() { return version_shredded_event().topic(); }
Word signer_added_topic() { return signer_added_event().topic(); }
Word signer_removed_topic() { return signer_removed_event().topic(); }

Result<Event> decode_event(std::span<const Word> topics, ByteView data) {
  if (topics.empty())
    return make_error(ErrorKind::invalid_input, "registry: a log without topics is none of its events");
  for (const auto& [event, decode] : event_decoders()) {
    if (topics[0] != event.topic()) continue;
    auto values = abi::decode_log(event, topics, data);
    if (!values) {
      return make_error(ErrorKind::invalid_input, "registry: a " + event.name + " log: " + values.error().message);
    }
    return decode(*values);
  }
  return make_error(ErrorKind::invalid_input,
                    "registry: a log with topic " + hex(topics[0]) + " is none of its events");
}

std::vector<std::vector<Word>> head_updates_filter(std::string_view repo, std::optional<std::string_view> branch) {
  std::vector<std::vector<Word>> topics{{head_updated_topic()}, {repository_id(repo)}};
  if (branch) topics.push_back({branch_id(*branch)});
  return topics;
}

namespace {

// The address of an indexed topic: left-padded to 32 bytes.
Word address_topic(const codec::Address& address) {
  Word topic{};
  std::copy(address.bytes.begin(), address.bytes.end(), topic.begin() + 12);
  return topic;
}

}  // namespace

std::vector<std::vector<Word>> access_grants_filter(std::string_view repo, std::optional<codec::Address> grantee) {
  std::vector<std::vector<Word>> topics{{access_granted_topic()}, {repository_id(repo)}};
  if (grantee) topics.push_back({address_topic(*grantee)});
  return topics;
}
std::vector<std::vector<Word>> readers_added_filter(std::string_view repo) {
  return {{reader_added_topic()}, {repository_id(repo)}};
}
std::vector<std::vector<Word>> access_revocations_filter(std::string_view repo) {
  return {{access_revoked_topic()}, {repository_id(repo)}};
}
std::vector<std::vector<Word>> shreddings_filter(std::string_view repo) {
  return {{version_shredded_topic()}, {repository_id(repo)}};
}
std::vector<std::vector<Word>> encryption_key_events_filter(const codec::Address& account) {
  return {{encryption_key_published_topic()}, {address_topic(account)}};
}

std::vector<std::vector<Word>> signer_changes_filter(std::string_view repo) {
  return {{signer_added_topic(), signer_removed_topic()}, {repository_id(repo)}};
}

Result<std::optional<RegistryError>> decode_error(ByteView revert_data) {
  auto revert = abi::decode_revert(revert_data, custom_errors());
  if (!revert) return make_error(ErrorKind::invalid_input, "registry: revert data: " + revert.error().message);
  if (revert->kind != abi::Revert::Kind::custom) return std::optional<RegistryError>{};
  const std::string& name = revert->error_name;
  const auto& arguments = revert->arguments;
  if (name == "NotWriter") {
    MLCHAIN_TRY(auto caller, take<codec::Address>(arguments, 0, "caller"));
    return std::optional<RegistryError>{NotWriter{caller}};
  }
  if (name == "NotOwner") {
    MLCHAIN_TRY(auto caller, take<codec::Address>(arguments, 0, "caller"));
    return std::optional<RegistryError>{NotOwner{caller}};
  }
  if (name == "StaleHead") {
    MLCHAIN_TRY(auto expected, take<Word>(arguments, 0, "expected head"));
    MLCHAIN_TRY(auto actual, take<Word>(arguments, 1, "actual head"));
    return std::optional<RegistryError>{StaleHead{expected, actual}};
  }
  if (name == "EmptyHead") return std::optional<RegistryError>{EmptyHead{}};
  if (name == "UnknownRepository") return std::optional<RegistryError>{UnknownRepository{}};
  if (name == "InvalidRepositoryName") return std::optional<RegistryError>{InvalidRepositoryName{}};
  if (name == "EmptyBranchName") return std::optional<RegistryError>{EmptyBranchName{}};
  if (name == "InvalidEncryptionKey") return std::optional<RegistryError>{InvalidEncryptionKey{}};
  if (name == "BadKeySignature") return std::optional<RegistryError>{BadKeySignature{}};
  if (name == "LengthMismatch") return std::optional<RegistryError>{LengthMismatch{}};
  if (name == "UnanchoredCommit") {
    MLCHAIN_TRY(auto commit, take<Word>(arguments, 0, "commit"));
    return std::optional<RegistryError>{UnanchoredCommit{commit}};
  }
  if (name == "VersionIsShredded") {
    MLCHAIN_TRY(auto commit, take<Word>(arguments, 0, "commit"));
    return std::optional<RegistryError>{VersionIsShredded{commit}};
  }
  if (name == "ZeroGrantee") return std::optional<RegistryError>{ZeroGrantee{}};
  if (name == "EmptyKeys") return std::optional<RegistryError>{EmptyKeys{}};
  if (name == "ZeroSigner") return std::optional<RegistryError>{ZeroSigner{}};
  if (name == "SignerAlreadyAuthorized") {
    MLCHAIN_TRY(auto signer, take<codec::Address>(arguments, 0, "signer"));
    return std::optional<RegistryError>{SignerAlreadyAuthorized{signer}};
  }
  if (name == "SignerNotAuthorized") {
    MLCHAIN_TRY(auto signer, take<codec::Address>(arguments, 0, "signer"));
    return std::optional<RegistryError>{SignerNotAuthorized{signer}};
  }
  return make_error(ErrorKind::internal, "registry: decoded an error it does not declare: " + name);
}

std::string describe(const RegistryError& error) {
  struct Describe {
    std::string operator()(const NotWriter& e) const {
      return "NotWriter(" + codec::to_checksum_address(e.caller) + ")";
    }
    std::string operator()(const NotOwner& e) const { return "NotOwner(" + codec::to_checksum_address(e.caller) + ")"; }
    std::string operator()(const StaleHead& e) const {
      return "StaleHead(expected " + hex(e.expected) + ", actual " + hex(e.actual) + ")";
    }
    std::string operator()(const EmptyHead&) const { return "EmptyHead()"; }
    std::string operator()(const UnknownRepository&) const { return "UnknownRepository()"; }
    std::string operator()(const InvalidRepositoryName&) const { return "InvalidRepositoryName()"; }
    std::string operator()(const EmptyBranchName&) const { return "EmptyBranchName()"; }
    std::string operator()(const InvalidEncryptionKey&) const { return "InvalidEncryptionKey()"; }
    std::string operator()(const BadKeySignature&) const { return "BadKeySignature()"; }
    std::string operator()(const LengthMismatch&) const { return "LengthMismatch()"; }
    std::string operator()(const UnanchoredCommit& e) const { return "UnanchoredCommit(" + hex(e.commit) + ")"; }
    std::string operator()(const VersionIsShredded& e) const { return "VersionIsShredded(" + hex(e.commit) + ")"; }
    std::string operator()(const ZeroGrantee&) const { return "ZeroGrantee()"; }
    std::string operator()(const EmptyKeys&) const { return "EmptyKeys()"; }
    std::string operator()(const ZeroSigner&) const { return "ZeroSigner()"; }
    std::string operator()(const SignerAlreadyAuthorized& e) const {
      return "SignerAlreadyAuthorized(" + codec::to_checksum_address(e.signer) + ")";
    }
    std::string operator()(const SignerNotAuthorized& e) const {
      return "SignerNotAuthorized(" + codec::to_checksum_address(e.signer) + ")";
    }
  };
  return std::visit(Describe{}, error);
}

}  // namespace mlchain::eth::registry
