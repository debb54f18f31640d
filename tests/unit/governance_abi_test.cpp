// The governance and EAS interfaces as typed values: each calldata is dispatched by the embedded contract,
// the attested evaluation data is the standard encoding (pinned against `cast abi-encode`), decoders refuse
// what the contract refuses, rules parse and print back, and refusals name the rule that refused.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "evaluation_vector.hpp"
#include "hex_bytes.hpp"
#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/eip712.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/contract_artifacts.hpp"
#include "mlchain/eth/eas_abi.hpp"
#include "mlchain/eth/governance_abi.hpp"

using mlchain::Bytes;
using mlchain::ByteView;
namespace gov = mlchain::eth::governance;
namespace eas = mlchain::eth::eas;
using mlchain::codec::I256;

using mlchain::testing::hex_bytes;

namespace {

gov::Word word_of(std::uint8_t fill) {
  gov::Word word;
  word.fill(fill);
  return word;
}

// solc dispatches external functions by comparing the selector with a PUSH4 of it.
bool dispatches(ByteView runtime_code, const Bytes& calldata) {
  const Bytes push4{0x63, calldata[0], calldata[1], calldata[2], calldata[3]};
  return std::search(runtime_code.begin(), runtime_code.end(), push4.begin(), push4.end()) != runtime_code.end();
}

}  // namespace

TEST_CASE("the embedded governance contract dispatches every call mlchain makes", "[governance]") {
  const auto runtime = mlchain::eth::governance_artifact().runtime_code;
  const auto commit = word_of(0x11);
  gov::StagePolicy policy;
  policy.requirements.push_back(*gov::parse_rule("accuracy>=0.9"));
  const std::vector<mlchain::codec::Address> evaluators(1);
  for (const auto& calldata :
       {gov::set_evaluators_calldata("model", evaluators, 1),
        gov::set_stage_policy_calldata("model", "production", policy),
        gov::promote_calldata("model", "production", commit, gov::Word{}),
        gov::approve_calldata("model", "production", commit), gov::round_of_calldata("model"),
        gov::stages_of_calldata("model"), gov::stage_policy_calldata("model", "production"),
        gov::holder_of_calldata("model", "production"),
        gov::evaluation_of_calldata("model", commit, mlchain::codec::Address{}),
        gov::check_calldata("model", "production", commit), gov::approvals_of_calldata("model", "production", commit),
        gov::evaluation_schema_calldata(), gov::eas_calldata()}) {
    REQUIRE(calldata.ok());
    CHECK(dispatches(runtime, *calldata));
  }
}

TEST_CASE("only the embedded governance code, bound to the registry, is the governance", "[governance]") {
  const auto compiled = mlchain::eth::governance_artifact().runtime_code;
  const auto registry = mlchain::codec::parse_address("0x5FbDB2315678afecb367f032d93F642f64180aa3");
  const auto other = mlchain::codec::parse_address("0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc");
  REQUIRE(registry.ok());
  REQUIRE(other.ok());
  // As a deployment fills an immutable in: the registry's word where the compiled code holds zeros.
  const Bytes zeros(32, 0);
  const auto slot = std::search(compiled.begin(), compiled.end(), zeros.begin(), zeros.end());
  REQUIRE(slot != compiled.end());
  const auto deployed_for = [&](const mlchain::codec::Address& address) {
    Bytes code(compiled.begin(), compiled.end());
    std::copy(address.bytes.begin(), address.bytes.end(), code.begin() + (slot - compiled.begin()) + 12);
    return code;
  };
  CHECK(gov::is_governance_code(deployed_for(*registry), *registry));
  CHECK_FALSE(gov::is_governance_code(deployed_for(*other), *registry));
  CHECK_FALSE(gov::is_governance_code(Bytes(compiled.begin(), compiled.end()), *registry));
  CHECK_FALSE(gov::is_governance_code(Bytes{}, *registry));
  Bytes truncated = deployed_for(*registry);
  truncated.pop_back();
  CHECK_FALSE(gov::is_governance_code(truncated, *registry));
  Bytes altered = deployed_for(*registry);
  const auto code_byte = std::find_if(altered.begin(), altered.end(), [](std::uint8_t byte) { return byte != 0; });
  *code_byte ^= 0xff;
  CHECK_FALSE(gov::is_governance_code(altered, *registry));
  CHECK_FALSE(gov::is_governance_code(mlchain::eth::registry_artifact().runtime_code, *registry));
}

TEST_CASE("promote's calldata is what cast calldata gives", "[governance]") {
  // cast calldata "promote(string,bytes32,bytes32,bytes32)" model $(cast format-bytes32-string production) 0x11…11 0x0
  const auto expected = hex_bytes(
      "0xa94534d6000000000000000000000000000000000000000000000000000000000000008070726f64756374696f6e000000000000000000"
      "0000000000000000000000000011111111111111111111111111111111111111111111111111111111111111110000000000000000000000"
      "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000056d6f64"
      "656c000000000000000000000000000000000000000000000000000000");
  const auto calldata = gov::promote_calldata("model", "production", word_of(0x11), gov::Word{});
  REQUIRE(calldata.ok());
  CHECK(*calldata == expected);
}

TEST_CASE("an evaluation's data is the schema's standard encoding", "[governance]") {
  const auto expected = hex_bytes(mlchain::testing::evaluation_data);
  gov::Evaluation evaluation{word_of(0x11), word_of(0x22), {{"accuracy", I256(0)}, {"drift", I256(0)}}};
  evaluation.metrics[0].second = *mlchain::codec::parse_fixed18("0.95");
  evaluation.metrics[1].second = *mlchain::codec::parse_fixed18("-1.5");
  const auto data = gov::encode_evaluation(evaluation);
  REQUIRE(data.ok());
  CHECK(*data == expected);
  const auto decoded = gov::decode_evaluation(expected);
  REQUIRE(decoded.ok());
  CHECK(decoded->commit == evaluation.commit);
  CHECK(decoded->metrics == evaluation.metrics);
}

TEST_CASE("evaluation data the contract would refuse is refused", "[governance]") {
  SECTION("no metrics, a name twice, a name that is no bytes32 name") {
    gov::Evaluation none{word_of(1), word_of(2), {}};
    CHECK(gov::encode_evaluation(none).error().kind == mlchain::ErrorKind::invalid_argument);
    gov::Evaluation twice{word_of(1), word_of(2), {{"a", I256(1)}, {"a", I256(2)}}};
    CHECK(gov::encode_evaluation(twice).error().message.find("twice") != std::string::npos);
    gov::Evaluation odd{word_of(1), word_of(2), {{"acc uracy", I256(1)}}};
    CHECK_FALSE(gov::encode_evaluation(odd).ok());
  }
  SECTION("names and values of different lengths") {
    using mlchain::codec::abi::Type;
    using mlchain::codec::abi::Value;
    const std::vector<Type> types{Type::bytes32(), Type::bytes32(), Type::array_of(Type::string()),
                                  Type::array_of(Type::int256())};
    const std::vector<Value> values{mlchain::codec::abi::Word(word_of(1)), mlchain::codec::abi::Word(word_of(2)),
                                    mlchain::codec::abi::List{Value("a"), Value("b")},
                                    mlchain::codec::abi::List{Value(I256(1))}};
    const auto data = mlchain::codec::abi::encode(types, values);
    REQUIRE(data.ok());
    CHECK(gov::decode_evaluation(*data).error().kind == mlchain::ErrorKind::invalid_input);
  }
}

TEST_CASE("rules parse and print back", "[governance]") {
  const auto rule = gov::parse_rule("accuracy>=0.9");
  REQUIRE(rule.ok());
  CHECK(rule->metric == "accuracy");
  CHECK(rule->op == gov::Op::at_least);
  CHECK(gov::rule_text(*rule) == "accuracy>=0.9");
  CHECK(gov::rule_text(*gov::parse_rule("drift<0.25")) == "drift<0.25");
  CHECK(gov::rule_text(*gov::parse_rule("loss<=-1.5")) == "loss<=-1.5");
  CHECK(gov::parse_rule("drift>0.2")->op == gov::Op::above);
  const auto up = gov::parse_improvement("accuracy+0.01");
  REQUIRE(up.ok());
  CHECK(gov::improvement_text(*up) == "accuracy+0.01");
  const auto down = gov::parse_improvement("val-loss-0.05");
  REQUIRE(down.ok());
  CHECK(down->metric == "val-loss");
  CHECK(down->value.is_negative());
  CHECK(gov::improvement_text(*down) == "val-loss-0.05");
  for (const char* bad : {"accuracy=>0.9", "accuracy>=", ">=0.9", "accuracy>=1e-3", "acc uracy>=1", "accuracy"})
    CHECK(gov::parse_rule(bad).error().kind == mlchain::ErrorKind::invalid_argument);
  CHECK_FALSE(gov::parse_improvement("accuracy").ok());
  CHECK(gov::holds(gov::Op::at_least, I256(5), I256(5)));
  CHECK_FALSE(gov::holds(gov::Op::above, I256(5), I256(5)));
  CHECK(gov::holds(gov::Op::below, I256(-6), I256(-5)));
}

TEST_CASE("names are bytes32 words, zero-padded", "[governance]") {
  const auto word = gov::name_word("production", "stage");
  REQUIRE(word.ok());
  CHECK(mlchain::codec::to_0x_hex(*word) == "0x70726f64756374696f6e00000000000000000000000000000000000000000000");
  CHECK(*gov::word_name(*word) == "production");
  CHECK_FALSE(gov::name_word("", "stage").ok());
  CHECK_FALSE(gov::name_word(std::string(33, 'a'), "stage").ok());
  gov::Word gap = *word;
  gap[20] = 'x';  // bytes after the zero that ends the name
  CHECK_FALSE(gov::word_name(gap).ok());
}

TEST_CASE("refusals name the rule that refused", "[governance]") {
  const auto stale =
      mlchain::codec::abi::encode_call(*mlchain::codec::abi::parse_signature("StaleRound(bytes32,bytes32)"),
                                       std::vector<mlchain::codec::abi::Value>{mlchain::codec::abi::Word(word_of(1)),
                                                                               mlchain::codec::abi::Word(word_of(2))});
  REQUIRE(stale.ok());
  const auto refusal = gov::decode_refusal(*stale);
  REQUIRE(refusal);
  CHECK(refusal->name == "StaleRound");
  CHECK(refusal->message.find("stale round") != std::string::npos);
  const auto holder =
      mlchain::codec::abi::encode_call(*mlchain::codec::abi::parse_signature("StaleHolder(bytes32,bytes32)"),
                                       std::vector<mlchain::codec::abi::Value>{mlchain::codec::abi::Word(gov::Word{}),
                                                                               mlchain::codec::abi::Word(word_of(3))});
  REQUIRE(holder.ok());
  CHECK(gov::decode_refusal(*holder)->kind == mlchain::ErrorKind::not_fast_forward);
  CHECK_FALSE(gov::decode_refusal(hex_bytes("0x08c379a0")).has_value());
  CHECK(eas::describe_error(hex_bytes("0x8baa579f"))->find("InvalidSignature") != std::string::npos);
}

TEST_CASE("EAS: the schema UID and the Attest type are EAS's", "[governance]") {
  // cast keccak of abi.encodePacked(schema, resolver 0x5FbDB2315678afecb367f032d93F642f64180aa3, false)
  const auto resolver = mlchain::codec::parse_address("0x5FbDB2315678afecb367f032d93F642f64180aa3");
  REQUIRE(resolver.ok());
  CHECK(mlchain::codec::to_0x_hex(eas::schema_uid(gov::evaluation_schema_text, *resolver, false)) ==
        "0xea69ad9573e6763bb256aac71f67b2572afdc18d3fe2fad3d557d69fd11118e8");
  eas::DelegatedAttestation request;
  request.data = {1, 2, 3};
  const auto typed = eas::attest_typed_data(request, 31337, *resolver);
  CHECK(typed.find("\"primaryType\":\"Attest\"") != std::string::npos);
  CHECK(mlchain::codec::encode_type(typed, "Attest").value() ==
        "Attest(address attester,bytes32 schema,address recipient,uint64 expirationTime,bool revocable,bytes32 "
        "refUID,bytes data,uint256 value,uint256 nonce,uint64 deadline)");
  const auto runtime = mlchain::eth::eas_artifact().runtime_code;
  const eas::SignedAttestation signed_attestation{request, {}};
  for (const auto& calldata :
       {eas::multi_attest_by_delegation_calldata(std::span(&signed_attestation, 1)),
        eas::attest_by_delegation_calldata(signed_attestation), eas::get_nonce_calldata(mlchain::codec::Address{}),
        eas::get_attestation_calldata(word_of(1)), eas::version_calldata()}) {
    REQUIRE(calldata.ok());
    CHECK(dispatches(runtime, *calldata));
  }
  CHECK(dispatches(mlchain::eth::schema_registry_artifact().runtime_code,
                   *eas::register_schema_calldata("x", mlchain::codec::Address{}, false)));
}

TEST_CASE("EAS's InvalidSignature, and only it, reads as one (a used nonce answers it too)", "[governance]") {
  // The selectors as `cast sig` gives them.
  CHECK(eas::is_invalid_signature(hex_bytes("0x8baa579f")));
  CHECK_FALSE(eas::is_invalid_signature(hex_bytes("0x1ab7da6b")));  // DeadlineExpired()
  CHECK_FALSE(eas::is_invalid_signature(hex_bytes("0x")));
  CHECK_FALSE(eas::is_invalid_signature(hex_bytes("0x8baa57")));
}
