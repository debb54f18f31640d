// Deployment attestations' data, schema UID and EAS calls against Foundry's cast 1.7.1 (tests/vectors/README.md,
// "Deployment attestations").
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "hex_bytes.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/deployment_abi.hpp"
#include "mlchain/eth/eas_abi.hpp"

namespace deployment = mlchain::eth::deployment;
namespace eas = mlchain::eth::eas;
using deployment::Word;
using mlchain::Bytes;
using mlchain::ErrorKind;
using mlchain::testing::hex_bytes;

namespace {

Bytes vector_file(const std::string& name) {
  std::ifstream in(std::string(MLCHAIN_VECTORS_DIR) + "/deployment/" + name);
  REQUIRE(in);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return hex_bytes(text);
}

// For the constants below, made before Catch2 runs (so they cannot REQUIRE): each is valid hex.
Word constant_word(std::string_view text) {
  const Bytes bytes = *mlchain::codec::from_0x_hex(text);
  Word out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

// cast keccak commit, cast keccak tree.
const Word commit = constant_word("0xa97dd2cbe677d6dda22dd4a01edec54ba307cd2b1f7d130707ba5a29cc019c1d");
const Word tree = constant_word("0xb2510336c6497719adadc7ade198c988520f3349445f074dc729df0f3c2b12ad");
const Word schema = constant_word("0xc1b0d6f67793f01344486330447e8d81b6e067aecaca46fe46fbadecd296b545");

deployment::DeploymentData example() {
  return {.registry = *mlchain::codec::parse_address("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
          .repo = "models",
          .commit = commit,
          .environment = "prod",
          .tree = tree};
}

}  // namespace

TEST_CASE("the deployment schema's UID is cast's keccak of the packed schema, no resolver, revocable", "[deployment]") {
  CHECK(deployment::schema_uid() == schema);
  CHECK(eas::schema_uid(deployment::schema_text, {}, false) != schema);
}

TEST_CASE("deployment data encodes as cast abi-encode and decodes back", "[deployment]") {
  const Bytes expected = vector_file("data.hex");
  const auto encoded = deployment::encode(example());
  REQUIRE(encoded.ok());
  CHECK(*encoded == expected);
  const auto decoded = deployment::decode(expected);
  REQUIRE(decoded.ok());
  CHECK(decoded->registry == example().registry);
  CHECK(decoded->repo == "models");
  CHECK(decoded->commit == commit);
  CHECK(decoded->environment == "prod");
  CHECK(decoded->tree == tree);
}

TEST_CASE("deployment data decoding is strict", "[deployment]") {
  const Bytes good = vector_file("data.hex");
  SECTION("a byte after the encoding") {
    Bytes longer = good;
    longer.push_back(0);
    CHECK(deployment::decode(longer).error().kind == ErrorKind::invalid_input);
  }
  SECTION("cut short") {
    const Bytes shorter(good.begin(), good.end() - 32);
    CHECK(deployment::decode(shorter).error().kind == ErrorKind::invalid_input);
  }
  SECTION("an environment that is no name") {
    auto data = example();
    data.environment = "prod";
    auto bytes = *deployment::encode(data);
    // The environment's text is the last word: "prod" becomes "pr d".
    bytes[bytes.size() - 32 + 2] = ' ';
    CHECK(deployment::decode(bytes).error().kind == ErrorKind::invalid_input);
  }
  SECTION("a zero commit") {
    auto data = example();
    data.commit = Word{};
    CHECK(deployment::decode(*deployment::encode(data)).error().kind == ErrorKind::invalid_input);
  }
  SECTION("only the head words") { CHECK_FALSE(deployment::decode(Bytes(good.begin(), good.begin() + 64)).ok()); }
}

TEST_CASE("deployment data refuses what it could not decode back", "[deployment]") {
  auto data = example();
  data.environment = "";
  CHECK(deployment::encode(data).error().kind == ErrorKind::invalid_argument);
  data.environment = std::string(33, 'a');
  CHECK(deployment::encode(data).error().kind == ErrorKind::invalid_argument);
  data.environment = "prod/eu";
  CHECK(deployment::encode(data).error().kind == ErrorKind::invalid_argument);
  data = example();
  data.repo = "";
  CHECK(deployment::encode(data).error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("EAS attest, revoke and getSchema as cast encodes them", "[deployment]") {
  eas::DelegatedAttestation request;
  request.schema = schema;
  request.recipient = *mlchain::codec::parse_address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  request.revocable = true;
  request.data = vector_file("data.hex");
  const auto attest = eas::attest_calldata(request);
  REQUIRE(attest.ok());
  CHECK(*attest == vector_file("attest-calldata.hex"));

  const auto revoke = eas::revoke_calldata(schema, commit);
  REQUIRE(revoke.ok());
  CHECK(*revoke == vector_file("revoke-calldata.hex"));

  CHECK(mlchain::codec::to_0x_hex(*eas::get_schema_registry_calldata()) == "0xf10b5cc8");
  CHECK(mlchain::codec::to_0x_hex(*eas::get_schema_calldata(schema)) ==
        "0xa2ea7c6e" + mlchain::codec::to_0x_hex(schema).substr(2));

  const auto record = eas::decode_get_schema(vector_file("get-schema.hex"));
  REQUIRE(record.ok());
  CHECK(record->uid == schema);
  CHECK(record->resolver == mlchain::codec::Address{});
  CHECK(record->revocable);
  CHECK(record->schema == deployment::schema_text);
  Bytes longer = vector_file("get-schema.hex");
  longer.push_back(0);
  CHECK_FALSE(eas::decode_get_schema(longer).ok());
}

TEST_CASE("a tree CID's digest and back", "[deployment]") {
  const auto v0 = mlchain::codec::Cid::parse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");
  REQUIRE(v0.ok());
  const auto digest = deployment::tree_digest(*v0);
  REQUIRE(digest.ok());
  const auto shown = deployment::tree_cid(*digest);
  CHECK(shown.to_string() == "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354");
  CHECK(shown.hash() == v0->hash());
}
