#pragma once
// The Ethereum Attestation Service (EAS 1.4.0, as deployed on mainnet and the major L2s and as embedded from
// npm @ethereum-attestation-service/eas-contracts) as typed values: the calls mlchain makes to EAS and its
// SchemaRegistry, the answers, the Attested event, EAS's errors, and the EIP-712 document an attester signs
// for a delegated attestation (docs/format.md, "Evaluations"). Pure: no transport.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/codec/signature.hpp"
#include "mlchain/codec/u256.hpp"
#include "mlchain/result.hpp"

namespace mlchain::eth::eas {

using Word = std::array<std::uint8_t, 32>;

// The EIP-712 domain EAS 1.4.0 signs under (with the chain id and the EAS contract's address).
inline constexpr std::string_view domain_name = "EAS";
inline constexpr std::string_view domain_version = "1.4.0";

// What the attester signs and the relayer submits: EAS's AttestationRequestData plus the attester, the
// schema, the attester's nonce at EAS and a deadline (0: none).
struct DelegatedAttestation {
  Word schema{};
  codec::Address recipient;
  std::uint64_t expiration_time = 0;
  bool revocable = false;
  Word ref_uid{};
  Bytes data;
  codec::U256 value;
  codec::Address attester;
  codec::U256 nonce;
  std::uint64_t deadline = 0;
};

// The EIP-712 v4 document (JSON text: types, primaryType "Attest", domain, message) that `attestation` is
// signed over: what eth_signTypedData_v4 and `cast wallet sign --data` / `cast wallet verify --data` take.
std::string attest_typed_data(const DelegatedAttestation& attestation, std::uint64_t chain_id,
                              const codec::Address& eas);
// Its EIP-712 digest (what the attester's key signs, unprefixed).
Result<codec::Keccak256Digest> attest_digest(const DelegatedAttestation& attestation, std::uint64_t chain_id,
                                             const codec::Address& eas);

struct SignedAttestation {
  DelegatedAttestation request;
  codec::RecoverableSignature signature;
};

// multiAttestByDelegation with one entry per signed attestation (each entry: one request, one signature).
Result<Bytes> multi_attest_by_delegation_calldata(std::span<const SignedAttestation> attestations);
// attestByDelegation of one signed attestation.
Result<Bytes> attest_by_delegation_calldata(const SignedAttestation& attestation);
// The UIDs multiAttestByDelegation returns, in request order.
Result<std::vector<Word>> decode_uids(ByteView return_data);

Result<Bytes> get_nonce_calldata(const codec::Address& attester);
Result<codec::U256> decode_get_nonce(ByteView return_data);

// An attestation as EAS stores it.
struct Attestation {
  Word uid{};
  Word schema{};
  std::uint64_t time = 0;
  std::uint64_t expiration_time = 0;
  std::uint64_t revocation_time = 0;
  Word ref_uid{};
  codec::Address recipient;
  codec::Address attester;
  bool revocable = false;
  Bytes data;
};
Result<Bytes> get_attestation_calldata(const Word& uid);
// A uid EAS does not know answers an attestation whose uid is zero.
Result<Attestation> decode_get_attestation(ByteView return_data);

// EAS.attest((schema, (recipient, expirationTime, revocable, refUID, data, value))): an attestation made by
// the sender itself (`attester` and `nonce` of the request are not used). It returns the new UID.
Result<Bytes> attest_calldata(const DelegatedAttestation& request);
// EAS.revoke((schema, (uid, value))): the sender withdraws its own revocable attestation.
Result<Bytes> revoke_calldata(const Word& schema, const Word& uid);

// EAS.getSchemaRegistry(), and SchemaRegistry.getSchema(uid): a schema the registry does not know answers
// a record whose uid is zero.
Result<Bytes> get_schema_registry_calldata();
Result<codec::Address> decode_get_schema_registry(ByteView return_data);
struct SchemaRecord {
  Word uid{};
  codec::Address resolver;
  bool revocable = false;
  std::string schema;
};
Result<Bytes> get_schema_calldata(const Word& uid);
Result<SchemaRecord> decode_get_schema(ByteView return_data);

// SchemaRegistry.register and the UID it gives: keccak256(abi.encodePacked(schema, resolver, revocable)).
Result<Bytes> register_schema_calldata(std::string_view schema, const codec::Address& resolver, bool revocable);
Word schema_uid(std::string_view schema, const codec::Address& resolver, bool revocable);

// The data sent to deploy EAS (its creation code and the schema registry it uses) and a schema registry.
Result<Bytes> eas_deployment(const codec::Address& schema_registry);
Bytes schema_registry_deployment();
// eas.version() and EAS's getSchemaRegistry(), to recognise an EAS contract at an address.
Result<Bytes> version_calldata();
Result<std::string> decode_version(ByteView return_data);

// Attested(address indexed recipient, address indexed attester, bytes32 uid, bytes32 indexed schemaUID).
struct Attested {
  codec::Address recipient;
  codec::Address attester;
  Word uid{};
  Word schema{};
};
Word attested_topic();
// invalid_input unless the log is an Attested event that decodes.
Result<Attested> decode_attested(std::span<const Word> topics, ByteView data);

// EAS's and its signature checker's custom errors by name ("InvalidSignature", "DeadlineExpired", …), as
// one line for a message, or nothing when the revert data is not one of them.
std::optional<std::string> describe_error(ByteView revert_data);
// Whether EAS refused with InvalidSignature(): also what it answers for a request whose nonce it has used.
bool is_invalid_signature(ByteView revert_data);

// EAS's known deployments by chain id (from the package's deployments/), so `governance deploy` uses the
// chain's EAS instead of deploying its own. Nothing for a chain without one (anvil, private chains).
std::optional<codec::Address> known_deployment(std::uint64_t chain_id);

}  // namespace mlchain::eth::eas
