#include <catch2/catch.hpp>

#include <string>

#include "evaluation_vector.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/eip712.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/signature.hpp"
#include "mlchain/crypto/secp256k1.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {

// The documents and signatures below come from the EIP-712 specification and from `cast wallet sign --data`
// (cast 1.7.1); tests/vectors/README.md, "EIP-712", says which is which.
const std::string evaluation_data(mlchain::testing::evaluation_data);

const std::string mail_document = R"json({
  "types": {
    "EIP712Domain": [
      {"name": "name", "type": "string"},
      {"name": "version", "type": "string"},
      {"name": "chainId", "type": "uint256"},
      {"name": "verifyingContract", "type": "address"}
    ],
    "Person": [
      {"name": "name", "type": "string"},
      {"name": "wallet", "type": "address"}
    ],
    "Mail": [
      {"name": "from", "type": "Person"},
      {"name": "to", "type": "Person"},
      {"name": "contents", "type": "string"}
    ]
  },
  "primaryType": "Mail",
  "domain": {
    "name": "Ether Mail",
    "version": "1",
    "chainId": 1,
    "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
  },
  "message": {
    "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
    "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
    "contents": "Hello, Bob!"
  }
})json";

const std::string attest_document = R"json({
  "types": {
    "EIP712Domain": [
      {"name": "name", "type": "string"},
      {"name": "version", "type": "string"},
      {"name": "chainId", "type": "uint256"},
      {"name": "verifyingContract", "type": "address"}
    ],
    "Attest": [
      {"name": "attester", "type": "address"},
      {"name": "schema", "type": "bytes32"},
      {"name": "recipient", "type": "address"},
      {"name": "expirationTime", "type": "uint64"},
      {"name": "revocable", "type": "bool"},
      {"name": "refUID", "type": "bytes32"},
      {"name": "data", "type": "bytes"},
      {"name": "value", "type": "uint256"},
      {"name": "nonce", "type": "uint256"},
      {"name": "deadline", "type": "uint64"}
    ]
  },
  "primaryType": "Attest",
  "domain": {
    "name": "EAS",
    "version": "1.4.0",
    "chainId": 31337,
    "verifyingContract": "0x5FbDB2315678afecb367f032d93F642f64180aa3"
  },
  "message": {
    "attester": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "schema": "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "recipient": "0x0000000000000000000000000000000000000000",
    "expirationTime": "0",
    "revocable": false,
    "refUID": "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    "data": ")json" + evaluation_data +
                                    R"json(",
    "value": "0",
    "nonce": "3",
    "deadline": "1700604800"
  }
})json";

const std::string attest_inferred_domain = R"json({
  "types": {
    "Attest": [
      {"name": "attester", "type": "address"},
      {"name": "schema", "type": "bytes32"},
      {"name": "recipient", "type": "address"},
      {"name": "expirationTime", "type": "uint64"},
      {"name": "revocable", "type": "bool"},
      {"name": "refUID", "type": "bytes32"},
      {"name": "data", "type": "bytes"},
      {"name": "value", "type": "uint256"},
      {"name": "nonce", "type": "uint256"},
      {"name": "deadline", "type": "uint64"}
    ]
  },
  "primaryType": "Attest",
  "domain": {
    "name": "EAS",
    "version": "1.4.0",
    "chainId": 31337,
    "verifyingContract": "0x5FbDB2315678afecb367f032d93F642f64180aa3"
  },
  "message": {
    "attester": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "schema": "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "recipient": "0x0000000000000000000000000000000000000000",
    "expirationTime": "0",
    "revocable": false,
    "refUID": "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    "data": ")json" + evaluation_data + R"json(",
    "value": "0",
    "nonce": "3",
    "deadline": "1700604800"
  }
})json";

const std::string report_document = R"json({
  "types": {
    "EIP712Domain": [
      {"name": "name", "type": "string"},
      {"name": "chainId", "type": "uint256"},
      {"name": "salt", "type": "bytes32"}
    ],
    "Metric": [
      {"name": "name", "type": "string"},
      {"name": "value", "type": "int256"}
    ],
    "Report": [
      {"name": "evaluator", "type": "address"},
      {"name": "metrics", "type": "Metric[]"},
      {"name": "digests", "type": "bytes32[2]"},
      {"name": "delta", "type": "int8"},
      {"name": "grade", "type": "uint8"},
      {"name": "tag", "type": "bytes4"},
      {"name": "blob", "type": "bytes"},
      {"name": "passed", "type": "bool"},
      {"name": "notes", "type": "string[]"},
      {"name": "matrix", "type": "uint64[][]"},
      {"name": "big", "type": "uint256"}
    ]
  },
  "primaryType": "Report",
  "domain": {
    "name": "mlchain test",
    "chainId": "0x7a69",
    "salt": "0x0101010101010101010101010101010101010101010101010101010101010101"
  },
  "message": {
    "evaluator": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
    "metrics": [
      {"name": "accuracy", "value": "950000000000000000"},
      {"name": "drift", "value": -1500000000000000000}
    ],
    "digests": [
      "0x1111111111111111111111111111111111111111111111111111111111111111",
      "0x2222222222222222222222222222222222222222222222222222222222222222"
    ],
    "delta": -128,
    "grade": "0xff",
    "tag": "0xdeadbeef",
    "blob": "0x",
    "passed": true,
    "notes": ["a", "b c"],
    "matrix": [[1, 2], [], [3]],
    "big": "115792089237316195423570985008687907853269984665640564039457584007913129639935"
  }
})json";

// `cast wallet sign --data --private-key $(cast keccak cow)` of mail_document: the EIP-712 specification's
// signature of its example (v 28, r 0x4355…, s 0x0729…).
const std::string mail_signature =
    "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d07299936d304c153f6443dfa05f40ff007d72911b6"
    "f72307f996231605b915621c";
const std::string cow_key = "c85ef7d79691fe79573b1a7064c19c1a9819ebdbd1faaab1a8ec92344438aaf4";
// anvil's account 1, 0x70997970C51812dc3A010C7d01b50e0d17dc79C8.
const std::string evaluator_key = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const std::string evaluator = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
// `cast wallet sign --data --from-file --private-key 0x59c6…690d attest.json` (and of the same document
// without its EIP712Domain type, which cast infers), and of report.json.
const std::string attest_signature =
    "0x9c128836fa2fa5b217971655daf5da08dd39e8db70ab5313bf56b6c05a17173269c75363910dbb02aab11a65a20690b57a61ab0a5546"
    "70cc0e15e7f0c78bdc951b";
const std::string report_signature =
    "0x910686aa8614d9fcf479f71742c6991fc558d9b1df164b221725fe196bc39e220dcb58897cc3c10bff03428bf7de6a5632e016b78f4b"
    "6b34dac85958b008ff471b";

Keccak256Digest digest_of(std::string_view document) {
  const auto digest = typed_data_digest(document);
  if (!digest) FAIL(digest.error().message);
  return *digest;
}

// The signer of `signature` over the document's digest, and our own signature of that digest with `key`:
// RFC 6979 makes signing deterministic, so equal digests give cast's very bytes.
void check_signed_as_cast_does(std::string_view document, const std::string& signature, const std::string& key,
                               std::string_view signer) {
  const auto digest = digest_of(document);
  const auto parsed = parse_signature(*from_0x_hex(signature));
  REQUIRE(parsed.ok());
  const auto recovered = crypto::recover_address(digest, *parsed);
  REQUIRE(recovered.ok());
  CHECK(to_checksum_address(*recovered) == signer);
  const auto private_key = crypto::PrivateKey::from_hex(key);
  REQUIRE(private_key.ok());
  const auto ours = crypto::sign_digest(*private_key, digest);
  REQUIRE(ours.ok());
  CHECK(to_0x_hex(ours->bytes) == signature);
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("EIP-712 hashes the specification's Mail example to its published values", "[eip712]") {
  CHECK(*encode_type(mail_document, "Mail") ==
        "Mail(Person from,Person to,string contents)Person(string name,address wallet)");
  CHECK(to_0x_hex(keccak256(as_bytes(*encode_type(mail_document, "Mail")))) ==
        "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2");
  CHECK(to_0x_hex(*domain_separator(mail_document)) ==
        "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
  CHECK(to_0x_hex(*struct_hash(mail_document, "Mail")) ==
        "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
  CHECK(*struct_hash(mail_document, "EIP712Domain") == *domain_separator(mail_document));
  CHECK(to_0x_hex(digest_of(mail_document)) == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
  check_signed_as_cast_does(mail_document, mail_signature, cow_key, "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
  // The namespace is inline: both spellings name the same function.
  CHECK(*eip712::typed_data_digest(mail_document) == digest_of(mail_document));
}

TEST_CASE("EIP-712 digests of EAS delegated attestations match cast's signatures", "[eip712]") {
  CHECK(*encode_type(attest_document, "Attest") ==
        "Attest(address attester,bytes32 schema,address recipient,uint64 expirationTime,bool revocable,bytes32 refUID,"
        "bytes data,uint256 value,uint256 nonce,uint64 deadline)");
  CHECK(to_0x_hex(keccak256(as_bytes(*encode_type(attest_document, "Attest")))) ==
        "0xfeb2925a02bae3dae48d424a0437a2b6ac939aa9230ddc55a1a76f065d988076");
  check_signed_as_cast_does(attest_document, attest_signature, evaluator_key, evaluator);
  // Without an EIP712Domain type the domain's own fields make it, as cast infers it.
  CHECK(digest_of(attest_inferred_domain) == digest_of(attest_document));
  CHECK(*encode_type(attest_inferred_domain, "EIP712Domain") ==
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
  // Every signed field counts: another nonce is another digest.
  CHECK(digest_of(replaced(attest_document, R"("nonce": "3")", R"("nonce": "4")")) != digest_of(attest_document));
  // Numbers as JSON integers, decimal and hex strings are the same value.
  CHECK(digest_of(replaced(attest_document, R"("nonce": "3")", R"("nonce": 3)")) == digest_of(attest_document));
  CHECK(digest_of(replaced(attest_document, R"("nonce": "3")", R"("nonce": "0x03")")) == digest_of(attest_document));
}

TEST_CASE("EIP-712 v4 arrays, nested structs and every atomic type match cast", "[eip712]") {
  CHECK(*encode_type(report_document, "Report") ==
        "Report(address evaluator,Metric[] metrics,bytes32[2] digests,int8 delta,uint8 grade,bytes4 tag,bytes blob,"
        "bool passed,string[] notes,uint64[][] matrix,uint256 big)Metric(string name,int256 value)");
  check_signed_as_cast_does(report_document, report_signature, evaluator_key, evaluator);
}

TEST_CASE("EIP-712 refuses malformed documents and says what is wrong", "[eip712]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"{\"types\": ", "not a JSON document"},
      {"[]", "not a JSON object"},
      {replaced(mail_document, R"("primaryType": "Mail",)", ""), "\"primaryType\" is missing"},
      {replaced(mail_document, R"("primaryType": "Mail")", R"("primaryType": "Letter")"), "\"Letter\" is not one of"},
      {replaced(mail_document, R"("primaryType": "Mail")", R"("primaryType": "EIP712Domain")"), "not a message type"},
      {replaced(mail_document, R"("type": "Person"})", R"("type": "Persn"})"), "unknown type \"Persn\""},
      {replaced(mail_document, R"("type": "Person"})", R"("type": "Person[0x]"})"), "malformed array length"},
      {replaced(mail_document, R"({"name": "wallet", "type": "address"})",
                R"({"name": "wallet", "type": "address"}, {"name": "inbox", "type": "Mail[]"})"),
       "cyclic types: Mail -> Person -> Mail"},
      {replaced(mail_document, R"({"name": "wallet", "type": "address"})",
                R"({"name": "wallet", "type": "address"}, {"name": "friend", "type": "Person"})"),
       "cyclic types: Person -> Person"},
      {replaced(mail_document, R"({"name": "wallet", "type": "address"})",
                R"({"name": "wallet", "type": "address"}, {"name": "wallet", "type": "string"})"),
       "declares field wallet twice"},
      {replaced(mail_document, R"(,
    "contents": "Hello, Bob!")",
                ""),
       "message.contents is missing"},
      {replaced(mail_document, R"("contents": "Hello, Bob!")", R"("contents": "Hello, Bob!", "cc": "Eve")"),
       "field \"cc\" is not declared in type Mail"},
      {replaced(mail_document, R"("contents": "Hello, Bob!")", R"("contents": 7)"),
       "message.contents: expected a string"},
      {replaced(mail_document, R"("wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")",
                R"("wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD827")"),
       "message.from.wallet"},
      {replaced(mail_document, R"("chainId": 1,)", R"("chainId": 1.5,)"), "domain.chainId: not an integer"},
      {replaced(mail_document, R"("chainId": 1,)", R"("chainId": "-1",)"), "domain.chainId: -1 does not fit uint256"},
      {replaced(mail_document, R"("chainId": 1,)", R"("chainId": "1e3",)"), "domain.chainId: not an integer"},
      {replaced(mail_document, R"("from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"})",
                R"("from": "Cow")"),
       "message.from: expected an object of type Person"},
      {replaced(report_document, R"("grade": "0xff")", R"("grade": "0x100")"), "message.grade: 256 does not fit uint8"},
      {replaced(report_document, R"("delta": -128)", R"("delta": -129)"), "message.delta: -129 does not fit int8"},
      {replaced(report_document, R"("delta": -128)", R"("delta": 128)"), "message.delta: 128 does not fit int8"},
      {replaced(report_document, R"("tag": "0xdeadbeef")", R"("tag": "0xdeadbe")"), "message.tag: 3 bytes for bytes4"},
      {replaced(report_document, R"("tag": "0xdeadbeef")", R"("tag": "deadbeef")"), "message.tag: not 0x hex"},
      {replaced(report_document, R"("passed": true)", R"("passed": "yes")"), "message.passed: expected true or false"},
      {replaced(report_document, R"("matrix": [[1, 2], [], [3]])", R"("matrix": [[1, 2], [], 3])"),
       "message.matrix[2]: expected an array"},
      {replaced(report_document, R"("name": "drift", "value": -1500000000000000000)", R"("name": "drift")"),
       "message.metrics[1].value is missing"},
      {replaced(report_document,
                R"(,
      "0x2222222222222222222222222222222222222222222222222222222222222222")",
                ""),
       "message.digests: 1 elements for bytes32[2]"},
      {replaced(report_document, R"("name": "mlchain test",)", R"("name": "mlchain test", "owner": "me",)"),
       "field \"owner\" is not declared in type EIP712Domain"},
      {replaced(attest_inferred_domain, R"("name": "EAS",)", R"("name": "EAS", "owner": "me",)"),
       "field \"owner\" is not declared in type EIP712Domain"},
      {replaced(report_document, R"("big": "1157)", R"("big": "11579)"), "message.big: not an integer"},
  };
  for (const auto& [document, reason] : cases) {
    const auto digest = typed_data_digest(document);
    INFO(reason);
    REQUIRE_FALSE(digest.ok());
    CHECK(digest.error().kind == ErrorKind::invalid_input);
    CHECK(digest.error().message.find(reason) != std::string::npos);
    CHECK(digest.error().message.starts_with("typed data: "));
  }
  CHECK_FALSE(struct_hash(mail_document, "Letter").ok());
  CHECK_FALSE(encode_type(mail_document, "uint256").ok());
}
