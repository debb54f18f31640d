#include "mlchain/eth/eas_abi.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/eip712.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/contract_artifacts.hpp"

namespace mlchain::eth::eas {
namespace {

namespace abi = codec::abi;
using abi::Signature;
using abi::Type;
using abi::Value;

const Signature& multi_attest_by_delegation() {
  static const Signature function = *abi::parse_signature(
      "multiAttestByDelegation((bytes32,(address,uint64,bool,bytes32,bytes,uint256)[],(uint8,bytes32,bytes32)[],"
      "address,uint64)[])");
  return function;
}
const Signature& attest_by_delegation() {
  static const Signature function = *abi::parse_signature(
      "attestByDelegation((bytes32,(address,uint64,bool,bytes32,bytes,uint256),(uint8,bytes32,bytes32),address,"
      "uint64))");
  return function;
}
const Signature& get_nonce() {
  static const Signature function = *abi::parse_signature("getNonce(address)");
  return function;
}
const Signature& get_attestation() {
  static const Signature function = *abi::parse_signature("getAttestation(bytes32)");
  return function;
}
const Signature& register_schema() {
  static const Signature function = *abi::parse_signature("register(string,address,bool)");
  return function;
}
const Signature& attest() {
  static const Signature function =
      *abi::parse_signature("attest((bytes32,(address,uint64,bool,bytes32,bytes,uint256)))");
  return function;
}
const Signature& revoke() {
  static const Signature function = *abi::parse_signature("revoke((bytes32,(bytes32,uint256)))");
  return function;
}
const Signature& get_schema_registry() {
  static const Signature function = *abi::parse_signature("getSchemaRegistry()");
  return function;
}
const Signature& get_schema() {
  static const Signature function = *abi::parse_signature("getSchema(bytes32)");
  return function;
}
const Signature& version() {
  static const Signature function = *abi::parse_signature("version()");
  return function;
}
const Signature& attested_event() {
  static const Signature event =
      *abi::parse_signature("Attested(address indexed,address indexed,bytes32,bytes32 indexed)");
  return event;
}

const std::vector<Signature>& custom_errors() {
  static const std::vector<Signature> errors = [] {
    std::vector<Signature> list;
    for (const char* name : {"AccessDenied",        "DeadlineExpired",       "InvalidEAS",
                             "InvalidLength",       "InvalidSignature",      "NotFound",
                             "InvalidNonce",        "AlreadyRevoked",        "AlreadyRevokedOffchain",
                             "AlreadyTimestamped",  "InsufficientValue",     "InvalidAttestation",
                             "InvalidAttestations", "InvalidExpirationTime", "InvalidOffset",
                             "InvalidRegistry",     "InvalidRevocation",     "InvalidRevocations",
                             "InvalidSchema",       "InvalidVerifier",       "Irrevocable",
                             "NotPayable",          "WrongSchema",           "AlreadyExists"})
      list.push_back(Signature{name, {}});
    return list;
  }();
  return errors;
}

// What each of EAS's errors means for someone submitting evaluations.
std::string_view meaning(std::string_view error) {
  if (error == "InvalidSignature") return "the signature does not match the request and its nonce at EAS";
  if (error == "DeadlineExpired") return "the signed request's deadline has passed";
  if (error == "InvalidSchema") return "EAS has no such schema";
  if (error == "NotFound") return "the referenced attestation does not exist";
  if (error == "InvalidAttestation" || error == "InvalidAttestations") return "the schema's resolver refused it";
  if (error == "AlreadyExists") return "the schema is registered already";
  if (error == "InvalidExpirationTime") return "the expiration time has passed";
  if (error == "NotPayable" || error == "InsufficientValue") return "the value sent does not match the request";
  return "";
}

template <class T>
Result<T> take(const std::vector<Value>& values, std::size_t index, std::string_view what) {
  const T* value = index < values.size() ? values[index].get_if<T>() : nullptr;
  if (value == nullptr)
    return make_error(ErrorKind::internal, "eas: decoded " + std::string(what) + " has the wrong type");
  return *value;
}

Result<std::uint64_t> take_u64(const std::vector<Value>& values, std::size_t index, std::string_view what) {
  MLCHAIN_TRY(const codec::U256 value, take<codec::U256>(values, index, what));
  const auto small = value.to_uint64();
  if (!small) return make_error(ErrorKind::internal, "eas: decoded " + std::string(what) + " exceeds 64 bits");
  return *small;
}

abi::Word word_of(const Word& word) { return word; }

Value request_data(const DelegatedAttestation& a) {
  return abi::Tuple{{a.recipient, codec::U256(a.expiration_time), a.revocable, word_of(a.ref_uid), a.data, a.value}};
}

Value signature_value(const codec::RecoverableSignature& signature) {
  abi::Word r;
  abi::Word s;
  std::copy_n(signature.bytes.begin(), 32, r.begin());
  std::copy_n(signature.bytes.begin() + 32, 32, s.begin());
  return abi::Tuple{{codec::U256(std::uint64_t{signature.v()}), r, s}};
}

std::string decimal(std::uint64_t value) { return std::to_string(value); }

}  // namespace

std::string attest_typed_data(const DelegatedAttestation& a, std::uint64_t chain_id, const codec::Address& eas) {
  using json = nlohmann::ordered_json;
  auto field = [](const char* name, const char* type) { return json{{"name", name}, {"type", type}}; };
  const json document{
      {"types",
       {{"EIP712Domain",
         {field("name", "string"), field("version", "string"), field("chainId", "uint256"),
          field("verifyingContract", "address")}},
        {"Attest",
         {field("attester", "address"), field("schema", "bytes32"), field("recipient", "address"),
          field("expirationTime", "uint64"), field("revocable", "bool"), field("refUID", "bytes32"),
          field("data", "bytes"), field("value", "uint256"), field("nonce", "uint256"), field("deadline", "uint64")}}}},
      {"primaryType", "Attest"},
      {"domain",
       {{"name", domain_name},
        {"version", domain_version},
        {"chainId", chain_id},
        {"verifyingContract", codec::to_checksum_address(eas)}}},
      {"message",
       {{"attester", codec::to_checksum_address(a.attester)},
        {"schema", codec::to_0x_hex(a.schema)},
        {"recipient", codec::to_checksum_address(a.recipient)},
        {"expirationTime", decimal(a.expiration_time)},
        {"revocable", a.revocable},
        {"refUID", codec::to_0x_hex(a.ref_uid)},
        {"data", codec::to_0x_hex(a.data)},
        {"value", a.value.to_decimal()},
        {"nonce", a.nonce.to_decimal()},
        {"deadline", decimal(a.deadline)}}}};
  return document.dump();
}

Result<codec::Keccak256Digest> attest_digest(const DelegatedAttestation& attestation, std::uint64_t chain_id,
                                             const codec::Address& eas) {
  return codec::eip712::typed_data_digest(attest_typed_data(attestation, chain_id, eas));
}

Result<Bytes> multi_attest_by_delegation_calldata(std::span<const SignedAttestation> attestations) {
  abi::List entries;
  entries.reserve(attestations.size());
  for (const auto& signed_attestation : attestations) {
    const auto& request = signed_attestation.request;
    entries.push_back(abi::Tuple{{word_of(request.schema), abi::List{request_data(request)},
                                  abi::List{signature_value(signed_attestation.signature)}, request.attester,
                                  codec::U256(request.deadline)}});
  }
  const std::vector<Value> arguments{Value(std::move(entries))};
  return abi::encode_call(multi_attest_by_delegation(), arguments);
}

Result<Bytes> attest_by_delegation_calldata(const SignedAttestation& attestation) {
  const auto& request = attestation.request;
  const std::vector<Value> arguments{
      Value(abi::Tuple{{word_of(request.schema), request_data(request), signature_value(attestation.signature),
                        request.attester, codec::U256(request.deadline)}})};
  return abi::encode_call(attest_by_delegation(), arguments);
}

Result<std::vector<Word>> decode_uids(ByteView return_data) {
  const std::vector<Type> types{Type::array_of(Type::bytes32())};
  auto values = abi::decode(types, return_data);
  if (!values)
    return make_error(ErrorKind::invalid_input, "eas: the returned attestation UIDs: " + values.error().message);
  MLCHAIN_TRY(const auto list, take<abi::List>(*values, 0, "UID list"));
  std::vector<Word> uids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    MLCHAIN_TRY(const auto uid, take<abi::Word>(list, i, "UID"));
    uids.push_back(uid);
  }
  return uids;
}

Result<Bytes> get_nonce_calldata(const codec::Address& attester) {
  const std::vector<Value> arguments{attester};
  return abi::encode_call(get_nonce(), arguments);
}

Result<codec::U256> decode_get_nonce(ByteView return_data) {
  const std::vector<Type> types{Type::uint256()};
  auto values = abi::decode(types, return_data);
  if (!values) return make_error(ErrorKind::invalid_input, "eas: getNonce's answer: " + values.error().message);
  return take<codec::U256>(*values, 0, "nonce");
}

Result<Bytes> get_attestation_calldata(const Word& uid) {
  const std::vector<Value> arguments{word_of(uid)};
  return abi::encode_call(get_attestation(), arguments);
}

Result<Attestation> decode_get_attestation(ByteView return_data) {
  MLCHAIN_TRY(const Type attestation_type,
              Type::parse("(bytes32,bytes32,uint64,uint64,uint64,bytes32,address,address,bool,bytes)"));
  const std::vector<Type> types{attestation_type};
  auto values = abi::decode(types, return_data);
  if (!values) return make_error(ErrorKind::invalid_input, "eas: getAttestation's answer: " + values.error().message);
  MLCHAIN_TRY(const auto tuple, take<abi::Tuple>(*values, 0, "attestation"));
  const auto& fields = tuple.fields;
  Attestation attestation;
  MLCHAIN_TRY(attestation.uid, take<abi::Word>(fields, 0, "uid"));
  MLCHAIN_TRY(attestation.schema, take<abi::Word>(fields, 1, "schema"));
  MLCHAIN_TRY(attestation.time, take_u64(fields, 2, "time"));
  MLCHAIN_TRY(attestation.expiration_time, take_u64(fields, 3, "expirationTime"));
  MLCHAIN_TRY(attestation.revocation_time, take_u64(fields, 4, "revocationTime"));
  MLCHAIN_TRY(attestation.ref_uid, take<abi::Word>(fields, 5, "refUID"));
  MLCHAIN_TRY(attestation.recipient, take<codec::Address>(fields, 6, "recipient"));
  MLCHAIN_TRY(attestation.attester, take<codec::Address>(fields, 7, "attester"));
  MLCHAIN_TRY(attestation.revocable, take<bool>(fields, 8, "revocable"));
  MLCHAIN_TRY(attestation.data, take<Bytes>(fields, 9, "data"));
  return attestation;
}

Result<Bytes> attest_calldata(const DelegatedAttestation& request) {
  const std::vector<Value> arguments{Value(abi::Tuple{{word_of(request.schema), request_data(request)}})};
  return abi::encode_call(attest(), arguments);
}

Result<Bytes> revoke_calldata(const Word& schema, const Word& uid) {
  const std::vector<Value> arguments{
      Value(abi::Tuple{{word_of(schema), Value(abi::Tuple{{word_of(uid), codec::U256(std::uint64_t{0})}})}})};
  return abi::encode_call(revoke(), arguments);
}

Result<Bytes> get_schema_registry_calldata() { return abi::encode_call(get_schema_registry(), {}); }

Result<codec::Address> decode_get_schema_registry(ByteView return_data) {
  const std::vector<Type> types{Type::address()};
  auto values = abi::decode(types, return_data);
  if (!values)
    return make_error(ErrorKind::invalid_input, "eas: getSchemaRegistry's answer: " + values.error().message);
  return take<codec::Address>(*values, 0, "schema registry");
}

Result<Bytes> get_schema_calldata(const Word& uid) {
  const std::vector<Value> arguments{word_of(uid)};
  return abi::encode_call(get_schema(), arguments);
}

Result<SchemaRecord> decode_get_schema(ByteView return_data) {
  MLCHAIN_TRY(const Type record_type, Type::parse("(bytes32,address,bool,string)"));
  const std::vector<Type> types{record_type};
  auto values = abi::decode(types, return_data);
  if (!values) return make_error(ErrorKind::invalid_input, "eas: getSchema's answer: " + values.error().message);
  MLCHAIN_TRY(const auto tuple, take<abi::Tuple>(*values, 0, "schema record"));
  SchemaRecord record;
  MLCHAIN_TRY(record.uid, take<abi::Word>(tuple.fields, 0, "uid"));
  MLCHAIN_TRY(record.resolver, take<codec::Address>(tuple.fields, 1, "resolver"));
  MLCHAIN_TRY(record.revocable, take<bool>(tuple.fields, 2, "revocable"));
  MLCHAIN_TRY(record.schema, take<std::string>(tuple.fields, 3, "schema"));
  return record;
}

Result<Bytes> register_schema_calldata(std::string_view schema, const codec::Address& resolver, bool revocable) {
  const std::vector<Value> arguments{schema, resolver, revocable};
  return abi::encode_call(register_schema(), arguments);
}

Word schema_uid(std::string_view schema, const codec::Address& resolver, bool revocable) {
  Bytes packed(schema.begin(), schema.end());
  packed.insert(packed.end(), resolver.bytes.begin(), resolver.bytes.end());
  packed.push_back(revocable ? 1 : 0);
  return codec::keccak256(packed);
}

Result<Bytes> eas_deployment(const codec::Address& schema_registry) {
  const ByteView code = eas_artifact().creation_code;
  Bytes data(code.begin(), code.end());
  const std::vector<Type> types{Type::address()};
  const std::vector<Value> arguments{schema_registry};
  MLCHAIN_TRY(const Bytes encoded, abi::encode(types, arguments));
  data.insert(data.end(), encoded.begin(), encoded.end());
  return data;
}

Bytes schema_registry_deployment() {
  const ByteView code = schema_registry_artifact().creation_code;
  return Bytes(code.begin(), code.end());
}

Result<Bytes> version_calldata() { return abi::encode_call(version(), {}); }

Result<std::string> decode_version(ByteView return_data) {
  const std::vector<Type> types{Type::string()};
  auto values = abi::decode(types, return_data);
  if (!values) return make_error(ErrorKind::invalid_input, "eas: version()'s answer: " + values.error().message);
  return take<std::string>(*values, 0, "version");
}

Word attested_topic() { return attested_event().topic(); }

Result<Attested> decode_attested(std::span<const Word> topics, ByteView data) {
  if (topics.empty() || topics[0] != attested_topic())
    return make_error(ErrorKind::invalid_input, "eas: the log is not an Attested event");
  auto values = abi::decode_log(attested_event(), topics, data);
  if (!values) return make_error(ErrorKind::invalid_input, "eas: an Attested log: " + values.error().message);
  Attested attested;
  MLCHAIN_TRY(attested.recipient, take<codec::Address>(*values, 0, "recipient"));
  MLCHAIN_TRY(attested.attester, take<codec::Address>(*values, 1, "attester"));
  MLCHAIN_TRY(attested.uid, take<abi::Word>(*values, 2, "uid"));
  MLCHAIN_TRY(attested.schema, take<abi::Word>(*values, 3, "schema"));
  return attested;
}

std::optional<std::string> describe_error(ByteView revert_data) {
  auto revert = abi::decode_revert(revert_data, custom_errors());
  if (!revert || revert->kind != abi::Revert::Kind::custom) return std::nullopt;
  const std::string_view what = meaning(revert->error_name);
  return "EAS refused: " + revert->error_name + "()" + (what.empty() ? "" : " (" + std::string(what) + ")");
}

bool is_invalid_signature(ByteView revert_data) {
  const auto revert = abi::decode_revert(revert_data, custom_errors());
  return revert && revert->kind == abi::Revert::Kind::custom && revert->error_name == "InvalidSignature";
}

std::optional<codec::Address> known_deployment(std::uint64_t chain_id) {
  // From the deployments/ folder of @ethereum-attestation-service/eas-contracts 1.9.0.
  static constexpr std::array<std::pair<std::uint64_t, std::string_view>, 22> deployments{{
      {1, "0xA1207F3BBa224E2c9c3c6D5aF63D0eb1582Ce587"},      {10, "0x4200000000000000000000000000000000000021"},
      {40, "0x9898C3FF2fdCA9E734556fC4BCCd5b9239218155"},     {130, "0x4200000000000000000000000000000000000021"},
      {137, "0x5E634ef5355f45A855d02D66eCD687b1502AF790"},    {324, "0x21d8d4eE83b80bc0Cc0f2B7df3117Cf212d02901"},
      {420, "0x4200000000000000000000000000000000000021"},    {1868, "0x4200000000000000000000000000000000000021"},
      {8453, "0x4200000000000000000000000000000000000021"},   {42161, "0xbD75f629A22Dc1ceD33dDA0b68c546A1c035c458"},
      {42170, "0x6d3dC0Fe5351087E3Af3bDe8eB3F7350ed894fc3"},  {42220, "0x72E1d8ccf5299fb36fEfD8CC4394B8ef7e98Af92"},
      {57073, "0x4200000000000000000000000000000000000021"},  {59140, "0xaEF4103A04090071165F78D45D83A0C0782c2B2a"},
      {59144, "0xaEF4103A04090071165F78D45D83A0C0782c2B2a"},  {80002, "0xb101275a60d8bfb14529C421899aD7CA1Ae5B5Fc"},
      {84531, "0x4200000000000000000000000000000000000021"},  {84532, "0x4200000000000000000000000000000000000021"},
      {421614, "0x2521021fc8BF070473E1e1801D3c7B4aB701E1dE"}, {534351, "0xaEF4103A04090071165F78D45D83A0C0782c2B2a"},
      {534352, "0xC47300428b6AD2c7D03BB76D05A176058b47E6B0"}, {11155111, "0xC2679fBD37d54388Ce493F1DB75320D236e1815e"},
  }};
  for (const auto& [chain, address] : deployments)
    if (chain == chain_id) return *codec::parse_address(address);
  return std::nullopt;
}

}  // namespace mlchain::eth::eas
