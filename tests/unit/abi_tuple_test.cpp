#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "evaluation_vector.hpp"
#include "hex_bytes.hpp"
#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"

using namespace mlchain;
using namespace mlchain::codec;

using mlchain::testing::hex_bytes;

namespace {

abi::Word repeated(std::uint8_t byte) {
  abi::Word word{};
  word.fill(byte);
  return word;
}

Address address_of(std::string_view text) {
  auto address = parse_address(text);
  REQUIRE(address.ok());
  return *address;
}

I256 fixed(std::string_view text) {
  auto value = parse_fixed18(text);
  REQUIRE(value.ok());
  return *value;
}

abi::Type type_of(std::string_view text) {
  auto type = abi::Type::parse(text);
  REQUIRE(type.ok());
  return *type;
}

abi::Signature signature(std::string_view text) {
  auto parsed = abi::parse_signature(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

// Every expected encoding below was printed by Foundry's cast 1.7.1 (tests/vectors/README.md, "ABI tuples
// and sized integers").
const std::string sized_ints =
    "0x00000000000000000000000000000000000000000000000000000000000000ffffffffffffffffffffffffffffffffffffffff"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8000000000000000"
    "0000000000000000000000000000000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeb2eed"
    "f284ea0000";
const std::string int16_extremes =
    "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff800000000000000000000000000000000000000000"
    "0000000000000000000000ffff";
const std::string static_tuple =
    "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00000000000000000000000000000000000000"
    "000000000000000000000000070000000000000000000000000000000000000000000000000000000000000001";
const std::string nested_tuples =
    "0x000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000"
    "00000000000000000000000002000000000000000000000000000000000000000000000000000000000000004000000000000000"
    "0000000000000000000000000000000000000000000000012000000000000000000000000070997970c51812dc3a010c7d01b50e"
    "0d17dc79c80000000000000000000000000000000000000000000000000000000000000040000000000000000000000000000000"
    "00000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000001aaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0000000000000000000000000000000000000000000000"
    "000000000000000002bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb0000000000000000000000"
    "003c44cdddb6a900fa2b585dd299e03d12fa4293bc00000000000000000000000000000000000000000000000000000000000000"
    "400000000000000000000000000000000000000000000000000000000000000000";
const std::string evaluation_data(mlchain::testing::evaluation_data);
const std::string multi_attest_calldata =
    "0x954115250000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000"
    "00000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000040000000"
    "0000000000000000000000000000000000000000000000000000000440aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaa00000000000000000000000000000000000000000000000000000000000000a00000000000000000000000"
    "00000000000000000000000000000000000000038000000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79"
    "c8000000000000000000000000000000000000000000000000000000006553f10000000000000000000000000000000000000000"
    "00000000000000000000000001000000000000000000000000000000000000000000000000000000000000002000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb00000000000000000000000000000000000000000000000000000000000000c0000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000001c011111111111111111111111111111111111111111111111111111111111111112222222222222222222222"
    "22222222222222222222222222222222222222222200000000000000000000000000000000000000000000000000000000000000"
    "80000000000000000000000000000000000000000000000000000000000000016000000000000000000000000000000000000000"
    "00000000000000000000000002000000000000000000000000000000000000000000000000000000000000004000000000000000"
    "00000000000000000000000000000000000000000000000080000000000000000000000000000000000000000000000000000000"
    "00000000086163637572616379000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000056472696674000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000"
    "000d2f13f7789f0000ffffffffffffffffffffffffffffffffffffffffffffffffeb2eedf284ea00000000000000000000000000"
    "00000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000"
    "1bccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccdddddddddddddddddddddddddddddddddddddd"
    "ddddddddddddddddddddddddddaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00000000000000"
    "000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000"
    "00000001e00000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001000000"
    "00000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    "bb00000000000000000000000000000000000000000000000000000000000000c000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000212340000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000001000000000000000000000000000000000000000000000000000000000000001ceeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
const std::string attestation_return =
    "0x0000000000000000000000000000000000000000000000000000000000000020cccccccccccccccccccccccccccccccccccccc"
    "ccccccccccccccccccccccccccaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00000000000000"
    "0000000000000000000000000000000000000000006553f101000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb0000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c80000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000001400000000000000000000000"
    "0000000000000000000000000000000000000001c011111111111111111111111111111111111111111111111111111111111111"
    "11222222222222222222222222222222222222222222222222222222222222222200000000000000000000000000000000000000"
    "00000000000000000000000080000000000000000000000000000000000000000000000000000000000000016000000000000000"
    "00000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000"
    "00000000400000000000000000000000000000000000000000000000000000000000000080000000000000000000000000000000"
    "00000000000000000000000000000000086163637572616379000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000056472696674000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000020000000000000000000000"
    "000000000000000000000000000d2f13f7789f0000ffffffffffffffffffffffffffffffffffffffffffffffffeb2eedf284ea00"
    "00";

const Address zero_address{};
const std::string evaluator_one = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const std::string evaluator_two = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

abi::Value delegated_request(const Bytes& data, std::uint64_t v, std::uint8_t r, std::uint8_t s,
                             const std::string& attester, std::uint64_t deadline) {
  const abi::Tuple request{{zero_address, std::uint64_t{0}, false, repeated(0xbb), data, std::uint64_t{0}}};
  const abi::Tuple signature{{v, repeated(r), repeated(s)}};
  return abi::Tuple{{repeated(0xaa), abi::List{request}, abi::List{signature}, address_of(attester), deadline}};
}

}  // namespace

TEST_CASE("abi parses sized integers and tuples", "[abi][abi-tuple]") {
  CHECK(type_of("uint8") == abi::Type::uint(8));
  CHECK(type_of("uint") == abi::Type::uint256());
  CHECK(type_of("int") == abi::Type::int256());
  CHECK(type_of("int256") == abi::Type::int_(256));
  CHECK(type_of("uint64").bits() == 64);
  CHECK_FALSE(type_of("uint64") == type_of("uint32"));
  CHECK_FALSE(type_of("uint64") == type_of("int64"));
  CHECK(type_of("(bytes32,uint8)").name() == "(bytes32,uint8)");
  CHECK_FALSE(type_of("(bytes32,uint8)").is_dynamic());
  CHECK(type_of("(bytes32,uint8[])").is_dynamic());
  CHECK(type_of("(address, (uint8,bytes32)[] )[]").name() == "(address,(uint8,bytes32)[])[]");
  CHECK(type_of("(address recipient,uint64 expirationTime)").name() == "(address,uint64)");
  for (const char* bad : {"uint7", "uint0", "uint264", "uint008", "intx", "()", "(uint8", "(uint8))", "(uint8,)",
                          "(uint8 a b)", "bytes31", "tuple(uint8)"}) {
    const auto parsed = abi::Type::parse(bad);
    INFO(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::invalid_input);
  }

  // The signature as the governance interface writes it, names and all; its selector as `cast sig` prints it.
  const auto multi = signature(
      "multiAttestByDelegation((bytes32 schema,(address recipient,uint64 expirationTime,bool revocable,bytes32 "
      "refUID,bytes data,uint256 value)[] data,(uint8 v,bytes32 r,bytes32 s)[] signatures,address attester,"
      "uint64 deadline)[])");
  CHECK(multi.canonical() ==
        "multiAttestByDelegation((bytes32,(address,uint64,bool,bytes32,bytes,uint256)[],(uint8,bytes32,bytes32)[],"
        "address,uint64)[])");
  CHECK(to_0x_hex(multi.selector()) == "0x95411525");
}

TEST_CASE("abi encodes sized integers as cast does and checks their range", "[abi][abi-tuple]") {
  const std::vector<abi::Type> types{abi::Type::uint(8), abi::Type::int256(), abi::Type::int_(8), abi::Type::uint(64),
                                     abi::Type::int256()};
  const std::vector<abi::Value> values{std::uint64_t{255}, I256(-1), I256(-128), U256(~std::uint64_t{0}),
                                       fixed("-1.5")};
  const auto encoded = abi::encode(types, values);
  REQUIRE(encoded.ok());
  CHECK(to_0x_hex(*encoded) == sized_ints);
  const auto decoded = abi::decode(types, *encoded);
  REQUIRE(decoded.ok());
  CHECK(*decoded == values);

  const std::vector<abi::Type> narrow{abi::Type::int_(16), abi::Type::uint(16)};
  const std::vector<abi::Value> extremes{I256(-32768), std::uint64_t{65535}};
  CHECK(to_0x_hex(*abi::encode(narrow, extremes)) == int16_extremes);
  CHECK(*abi::decode(narrow, hex_bytes(int16_extremes)) == extremes);

  const auto check_refused = [](const abi::Type& type, const abi::Value& value) {
    const auto refused = abi::encode({&type, 1}, {&value, 1});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::invalid_input);
    CHECK(refused.error().message.find("does not fit " + type.name()) != std::string::npos);
  };
  check_refused(abi::Type::uint(8), std::uint64_t{256});
  check_refused(abi::Type::int_(8), I256(128));
  check_refused(abi::Type::int_(8), I256(-129));
  check_refused(abi::Type::int_(16), I256(32768));
  check_refused(abi::Type::uint(64), *U256::parse_decimal("18446744073709551616"));
  // A uint value for an int type and the reverse are type mismatches.
  const abi::Type int8 = abi::Type::int_(8);
  const abi::Value unsigned_one = std::uint64_t{1};
  CHECK_FALSE(abi::encode({&int8, 1}, {&unsigned_one, 1}).ok());

  // Decoding is strict: a uint8 word with a bit above 8, an int8 word that is not a sign extension.
  const abi::Type uint8 = abi::Type::uint(8);
  for (const auto& [type, word] :
       std::vector<std::pair<abi::Type, std::string>>{{uint8, "0x" + std::string(60, '0') + "0100"},
                                                      {int8, "0x" + std::string(62, '0') + "80"},
                                                      {int8, "0x" + std::string(60, 'f') + "7f7f"},
                                                      {abi::Type::int_(16), "0x" + std::string(60, '0') + "8000"}}) {
    const auto refused = abi::decode({&type, 1}, hex_bytes(word));
    INFO(type.name() << " " << word);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find(" at byte 0") != std::string::npos);
  }
  CHECK(*abi::decode({&int8, 1}, hex_bytes("0x" + std::string(62, 'f') + "80")) == std::vector<abi::Value>{I256(-128)});
}

TEST_CASE("abi encodes static and dynamic tuples as cast does", "[abi][abi-tuple]") {
  const std::vector<abi::Type> inline_types{type_of("(bytes32,uint8)"), abi::Type::boolean()};
  const std::vector<abi::Value> inline_values{abi::Tuple{{repeated(0xaa), std::uint64_t{7}}}, true};
  CHECK(to_0x_hex(*abi::encode(inline_types, inline_values)) == static_tuple);
  CHECK(*abi::decode(inline_types, hex_bytes(static_tuple)) == inline_values);

  const abi::Type nested = type_of("(address,(uint8,bytes32)[])[]");
  const abi::Value nested_value =
      abi::List{abi::Tuple{{address_of(evaluator_one), abi::List{abi::Tuple{{std::uint64_t{1}, repeated(0xaa)}},
                                                                 abi::Tuple{{std::uint64_t{2}, repeated(0xbb)}}}}},
                abi::Tuple{{address_of(evaluator_two), abi::List{}}}};
  CHECK(to_0x_hex(*abi::encode({&nested, 1}, {&nested_value, 1})) == nested_tuples);
  CHECK(*abi::decode({&nested, 1}, hex_bytes(nested_tuples)) == std::vector<abi::Value>{nested_value});

  // A tuple value must have one field per component, each of its type.
  const abi::Type pair = type_of("(bytes32,uint8)");
  const abi::Value short_tuple = abi::Tuple{{repeated(0xaa)}};
  const abi::Value swapped = abi::Tuple{{std::uint64_t{7}, repeated(0xaa)}};
  const abi::Value not_a_tuple = abi::List{repeated(0xaa), std::uint64_t{7}};
  CHECK_FALSE(abi::encode({&pair, 1}, {&short_tuple, 1}).ok());
  CHECK_FALSE(abi::encode({&pair, 1}, {&swapped, 1}).ok());
  CHECK_FALSE(abi::encode({&pair, 1}, {&not_a_tuple, 1}).ok());
}

TEST_CASE("abi encodes EAS's multiAttestByDelegation and decodes getAttestation as cast does", "[abi][abi-tuple]") {
  const Bytes evaluation = hex_bytes(evaluation_data);
  const std::vector<abi::Type> evaluation_types{abi::Type::bytes32(), abi::Type::bytes32(),
                                                abi::Type::array_of(abi::Type::string()),
                                                abi::Type::array_of(abi::Type::int256())};
  const std::vector<abi::Value> evaluation_values{repeated(0x11), repeated(0x22), abi::List{"accuracy", "drift"},
                                                  abi::List{fixed("0.95"), fixed("-1.5")}};
  CHECK(to_0x_hex(*abi::encode(evaluation_types, evaluation_values)) == evaluation_data);
  CHECK(*abi::decode(evaluation_types, evaluation) == evaluation_values);

  const auto multi = signature(
      "multiAttestByDelegation((bytes32,(address,uint64,bool,bytes32,bytes,uint256)[],(uint8,bytes32,bytes32)[],"
      "address,uint64)[])");
  const std::vector<abi::Value> arguments{
      abi::List{delegated_request(evaluation, 27, 0xcc, 0xdd, evaluator_one, 1700000000),
                delegated_request(Bytes{0x12, 0x34}, 28, 0xee, 0xff, evaluator_two, 0)}};
  const auto calldata = abi::encode_call(multi, arguments);
  REQUIRE(calldata.ok());
  CHECK(to_0x_hex(*calldata) == multi_attest_calldata);
  const auto decoded_call = abi::decode_call(multi, *calldata);
  REQUIRE(decoded_call.ok());
  CHECK(*decoded_call == arguments);

  const auto attestation_type = type_of(
      "(bytes32 uid,bytes32 schema,uint64 time,uint64 expirationTime,uint64 revocationTime,bytes32 refUID,"
      "address recipient,address attester,bool revocable,bytes data)");
  const auto returned = abi::decode({&attestation_type, 1}, hex_bytes(attestation_return));
  REQUIRE(returned.ok());
  const auto* attestation = (*returned)[0].get_if<abi::Tuple>();
  REQUIRE(attestation != nullptr);
  REQUIRE(attestation->fields.size() == 10);
  CHECK(attestation->fields[0] == abi::Value(repeated(0xcc)));
  CHECK(attestation->fields[2] == abi::Value(std::uint64_t{1700000001}));
  CHECK(attestation->fields[7] == abi::Value(address_of(evaluator_one)));
  CHECK(attestation->fields[8] == abi::Value(false));
  CHECK(attestation->fields[9] == abi::Value(evaluation));
  CHECK(to_0x_hex(*abi::encode({&attestation_type, 1}, *returned)) == attestation_return);

  // Strict as elsewhere: trailing bytes, and an offset the canonical layout does not put there.
  CHECK_FALSE(abi::decode({&attestation_type, 1}, hex_bytes(attestation_return + "00")).ok());
  std::string moved = attestation_return;
  moved.replace(2 + 64 - 2, 2, "40");  // the tuple's offset 0x20 -> 0x40
  CHECK_FALSE(abi::decode({&attestation_type, 1}, hex_bytes(moved)).ok());
  const auto truncated = hex_bytes(multi_attest_calldata.substr(0, multi_attest_calldata.size() - 64));
  CHECK_FALSE(abi::decode_call(multi, truncated).ok());
}

TEST_CASE("abi decodes events with tuple parameters", "[abi][abi-tuple]") {
  const auto event =
      signature("Checked(bytes32 indexed stage, (bytes32,uint8,int256) rule, (uint8,bytes32) indexed key)");
  const abi::Type rule_type = type_of("(bytes32,uint8,int256)");
  const abi::Value rule = abi::Tuple{{repeated(0x01), std::uint64_t{2}, fixed("-0.5")}};
  const auto data = abi::encode({&rule_type, 1}, {&rule, 1});
  REQUIRE(data.ok());
  const std::vector<abi::Word> topics{event.topic(), repeated(0x07), repeated(0x09)};
  const auto values = abi::decode_log(event, topics, *data);
  REQUIRE(values.ok());
  CHECK(*values == std::vector<abi::Value>{repeated(0x07), rule, repeated(0x09)});
  CHECK(event.canonical() == "Checked(bytes32,(bytes32,uint8,int256),(uint8,bytes32))");
}
