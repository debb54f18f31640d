#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "hex_bytes.hpp"
#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/hex.hpp"

using namespace mlchain;
using namespace mlchain::codec;

using mlchain::testing::hex_bytes;

namespace {

abi::Word word_of(std::string_view text) {
  const Bytes bytes = hex_bytes(text);
  REQUIRE(bytes.size() == 32);
  abi::Word word{};
  std::copy(bytes.begin(), bytes.end(), word.begin());
  return word;
}

abi::Signature signature(std::string_view text) {
  auto parsed = abi::parse_signature(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

std::string zeros(std::size_t words) { return std::string(64 * words, '0'); }

Address address_of(std::string_view text) {
  auto address = parse_address(text);
  REQUIRE(address.ok());
  return *address;
}

// Every expected encoding below was printed by Foundry's cast 1.7.1 (tests/vectors/README.md, "ABI").
const std::string sam_calldata =
    "0xa5643bf200000000000000000000000000000000000000000000000000000000000000600000000000000000000000000000000000"
    "00000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000a000000000000000"
    "000000000000000000000000000000000000000000000000046461766500000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000300000000000000000000000000000000000000"
    "000000000000000000000000010000000000000000000000000000000000000000000000000000000000000002000000000000000000"
    "0000000000000000000000000000000000000000000003";
const std::string g_calldata =
    "0x2289b18c00000000000000000000000000000000000000000000000000000000000000400000000000000000000000000000000000"
    "000000000000000000000000000140000000000000000000000000000000000000000000000000000000000000000200000000000000"
    "000000000000000000000000000000000000000000000000400000000000000000000000000000000000000000000000000000000000"
    "0000a0000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000"
    "000000000000000000000000010000000000000000000000000000000000000000000000000000000000000002000000000000000000"
    "000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000"
    "030000000000000000000000000000000000000000000000000000000000000003000000000000000000000000000000000000000000"
    "000000000000000000006000000000000000000000000000000000000000000000000000000000000000a00000000000000000000000"
    "0000000000000000000000000000000000000000e000000000000000000000000000000000000000000000000000000000000000036f"
    "6e6500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000374776f000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000057468726565000000000000000000000000000000000000000000000000000000";
const std::string push_calldata =
    "0x7c2b85ea00000000000000000000000000000000000000000000000000000000000000800000000000000000000000000000000000"
    "0000000000000000000000000000c0000000000000000000000000000000000000000000000000000000000000000033333333333333"
    "333333333333333333333333333333333333333333333333330000000000000000000000000000000000000000000000000000000000"
    "00000d6d6f64656c732f7265736e65740000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000046d61696e00000000000000000000000000000000000000000000000000000000";
const std::string error_string_data =
    "0x08c379a000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000"
    "00000000000000000000000000000c6e6f742061207772697465720000000000000000000000000000000000000000";
const abi::Word three = [] {
  abi::Word word{};
  word.fill(0x33);
  return word;
}();

}  // namespace

TEST_CASE("abi selectors and topics are keccak-256 of the canonical signature", "[abi]") {
  CHECK(to_hex(abi::selector("transfer(address,uint256)")) == "a9059cbb");
  CHECK(to_0x_hex(signature("Transfer(address indexed from, address indexed to, uint256 value)").topic()) ==
        "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
  CHECK(signature("g( uint256[][] , string[] )").canonical() == "g(uint256[][],string[])");
  CHECK(signature("f(uint)").canonical() == "f(uint256)");
  CHECK(signature("nothing()").parameters.empty());

  CHECK_FALSE(abi::parse_signature("f(uint7)").ok());
  CHECK_FALSE(abi::parse_signature("f(uint256,)").ok());
  CHECK_FALSE(abi::parse_signature("f uint256").ok());
  CHECK_FALSE(abi::parse_signature("1f()").ok());
  CHECK_FALSE(abi::parse_signature("f(uint256 indexed x y)").ok());
  const auto unsupported = abi::parse_signature("f(fixed128x18)");
  REQUIRE_FALSE(unsupported.ok());
  CHECK(unsupported.error().kind == ErrorKind::invalid_input);
}

TEST_CASE("abi encodes calls as cast does", "[abi]") {
  const std::vector<abi::Value> sam_arguments{Bytes{'d', 'a', 'v', 'e'}, true,
                                              abi::List{std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}}};
  const auto sam = abi::encode_call(signature("sam(bytes,bool,uint256[])"), sam_arguments);
  REQUIRE(sam.ok());
  CHECK(to_0x_hex(*sam) == sam_calldata);

  const std::vector<abi::Value> g_arguments{
      abi::List{abi::List{std::uint64_t{1}, std::uint64_t{2}}, abi::List{std::uint64_t{3}}},
      abi::List{"one", "two", "three"}};
  const auto g = abi::encode_call(signature("g(uint256[][],string[])"), g_arguments);
  REQUIRE(g.ok());
  CHECK(to_0x_hex(*g) == g_calldata);

  const std::vector<abi::Value> push_arguments{"models/resnet", "main", abi::Word{}, three};
  const auto push = abi::encode_call(signature("push(string,string,bytes32,bytes32)"), push_arguments);
  REQUIRE(push.ok());
  CHECK(to_0x_hex(*push) == push_calldata);

  const std::vector<abi::Type> types{abi::Type::address(), abi::Type::boolean(), abi::Type::uint256(),
                                     abi::Type::string()};
  const std::vector<abi::Value> values{address_of("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), false,
                                       *U256::parse_quantity("0x" + std::string(64, 'f')), ""};
  const auto encoded = abi::encode(types, values);
  REQUIRE(encoded.ok());
  CHECK(to_0x_hex(*encoded) == "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266" + zeros(1) +
                                   std::string(64, 'f') +
                                   "0000000000000000000000000000000000000000000000000000000000000080" + zeros(1));
  const auto decoded = abi::decode(types, *encoded);
  REQUIRE(decoded.ok());
  CHECK(*decoded == values);
}

TEST_CASE("abi refuses values that do not match their types", "[abi]") {
  const std::vector<abi::Type> types{abi::Type::uint256()};
  const std::vector<abi::Value> text{"1"};
  CHECK_FALSE(abi::encode(types, text).ok());
  const std::vector<abi::Value> two{std::uint64_t{1}, std::uint64_t{2}};
  CHECK_FALSE(abi::encode(types, two).ok());
}

TEST_CASE("abi decodes what it encodes, including the published layouts", "[abi]") {
  const auto function = signature("g(uint256[][],string[])");
  const auto arguments = abi::decode_call(function, hex_bytes(g_calldata));
  REQUIRE(arguments.ok());
  REQUIRE(arguments->size() == 2);
  const auto* names = (*arguments)[1].get_if<abi::List>();
  REQUIRE(names != nullptr);
  CHECK(*names == abi::List{"one", "two", "three"});
  CHECK_FALSE(abi::decode_call(signature("h(uint256[][],string[])"), hex_bytes(g_calldata)).ok());

  const auto push = abi::decode_call(signature("push(string,string,bytes32,bytes32)"), hex_bytes(push_calldata));
  REQUIRE(push.ok());
  CHECK(*(*push)[0].get_if<std::string>() == "models/resnet");
  CHECK(*(*push)[3].get_if<abi::Word>() == three);
}

TEST_CASE("abi decoding is strict", "[abi]") {
  const std::vector<abi::Type> one_string{abi::Type::string()};
  const Bytes good = hex_bytes("0x" + zeros(1).replace(62, 2, "20") + zeros(1).replace(62, 2, "04") + "6d61696e" +
                               std::string(56, '0'));
  REQUIRE(abi::decode(one_string, good).ok());

  auto expect_refused = [&](Bytes data, std::string_view reason) {
    const auto decoded = abi::decode(one_string, data);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().kind == ErrorKind::invalid_input);
    CHECK(decoded.error().message.find(reason) != std::string::npos);
  };
  Bytes trailing = good;
  trailing.push_back(0);
  expect_refused(trailing, "1 bytes after the encoded values");
  Bytes dirty_padding = good;
  dirty_padding.back() = 1;
  expect_refused(dirty_padding, "non-zero padding at byte 68");
  Bytes moved = good;
  moved[31] = 0x40;  // offset past the standard place
  expect_refused(moved, "offset 64 is not where the standard layout puts the value");
  Bytes too_long = good;
  too_long[63] = 0x40;  // length 64 in a 32-byte tail
  expect_refused(too_long, "64 bytes run past the end of the data");
  Bytes huge_offset = good;
  huge_offset[0] = 0xff;
  expect_refused(huge_offset, "offset beyond the end of the data at byte 0");
  expect_refused(Bytes(good.begin(), good.begin() + 40), "data ends inside a word at byte 32");
  expect_refused({}, "data too short");

  const std::vector<abi::Type> flag{abi::Type::boolean()};
  CHECK(abi::decode(flag, hex_bytes("0x" + zeros(1).replace(63, 1, "1"))).ok());
  CHECK_FALSE(abi::decode(flag, hex_bytes("0x" + zeros(1).replace(63, 1, "2"))).ok());
  const std::vector<abi::Type> address{abi::Type::address()};
  CHECK_FALSE(abi::decode(address, hex_bytes("0x" + zeros(1).replace(0, 2, "01"))).ok());

  // An array that claims more elements than the data could hold is refused before anything is allocated.
  const std::vector<abi::Type> numbers{abi::Type::array_of(abi::Type::uint256())};
  const auto claimed = abi::decode(numbers, hex_bytes("0x" + zeros(1).replace(62, 2, "20") + std::string(64, 'f')));
  REQUIRE_FALSE(claimed.ok());
}

TEST_CASE("abi decodes event logs and builds their topics", "[abi]") {
  const auto event = signature("Updated(bytes32 indexed repo, address indexed pusher, string branch, bytes32 head)");
  CHECK(to_0x_hex(event.topic()) == "0x22ccf578db1cf52a71e68c2cd26b205d79e9867c9c25a7ab561da4530c4abd6c");
  const abi::Word repo = word_of("0x" + std::string(64, 'a'));
  const Address pusher = address_of("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  abi::Word pusher_topic{};
  std::copy(pusher.bytes.begin(), pusher.bytes.end(), pusher_topic.begin() + 12);
  const std::vector<abi::Word> topics{event.topic(), repo, pusher_topic};
  const Bytes data = hex_bytes(
      "0x00000000000000000000000000000000000000000000000000000000000000403333333333333333333333333333333333"
      "33333333333333333333333333333300000000000000000000000000000000000000000000000000000000000000046d6169"
      "6e00000000000000000000000000000000000000000000000000000000");

  const auto values = abi::decode_log(event, topics, data);
  REQUIRE(values.ok());
  CHECK(*values == std::vector<abi::Value>{repo, pusher, "main", three});

  const std::vector<abi::Word> missing_topic{event.topic(), repo};
  CHECK_FALSE(abi::decode_log(event, missing_topic, data).ok());
  const std::vector<abi::Word> other_event{repo, repo, pusher_topic};
  CHECK_FALSE(abi::decode_log(event, other_event, data).ok());
  std::vector<abi::Word> dirty_address = topics;
  dirty_address[2][0] = 1;
  CHECK_FALSE(abi::decode_log(event, dirty_address, data).ok());

  const std::vector<std::optional<abi::Value>> filter{std::nullopt, abi::Value(pusher)};
  const auto filter_topics = abi::event_topics(event, filter);
  REQUIRE(filter_topics.ok());
  CHECK(*filter_topics == std::vector<std::optional<abi::Word>>{event.topic(), std::nullopt, pusher_topic});

  // An indexed string is its keccak-256 in the topics: `cast keccak main`.
  const auto named = signature("Named(string indexed name)");
  const std::vector<std::optional<abi::Value>> name{abi::Value("main")};
  const auto name_topics = abi::event_topics(named, name);
  REQUIRE(name_topics.ok());
  CHECK(to_0x_hex(*(*name_topics)[1]) == "0xb8e2054f8a912367e38a22ce773328ff8aabf8082c4120bad9ef085e1dbf29a7");
  const std::vector<abi::Word> named_topics{named.topic(), *(*name_topics)[1]};
  const auto named_values = abi::decode_log(named, named_topics, {});
  REQUIRE(named_values.ok());
  CHECK(*(*named_values)[0].get_if<abi::Word>() == *(*name_topics)[1]);
}

TEST_CASE("abi decodes revert data", "[abi]") {
  const std::vector<abi::Signature> errors{signature("StaleHead(bytes32 expected, bytes32 actual)"),
                                           signature("NotWriter(address caller)")};

  const auto message = abi::decode_revert(hex_bytes(error_string_data), errors);
  REQUIRE(message.ok());
  CHECK(message->kind == abi::Revert::Kind::error_string);
  CHECK(message->message == "not a writer");
  CHECK(message->describe() == "Error(\"not a writer\")");

  const auto panic = abi::decode_revert(hex_bytes("0x4e487b71" + zeros(1).replace(62, 2, "11")), errors);
  REQUIRE(panic.ok());
  CHECK(panic->kind == abi::Revert::Kind::panic);
  CHECK(panic->describe() == "Panic(0x11)");

  const auto stale = abi::decode_revert(hex_bytes("0x7fe83496" + std::string(64, '1') + std::string(64, '2')), errors);
  REQUIRE(stale.ok());
  CHECK(stale->kind == abi::Revert::Kind::custom);
  CHECK(stale->error_name == "StaleHead");
  CHECK(stale->describe() == "StaleHead(0x" + std::string(64, '1') + ", 0x" + std::string(64, '2') + ")");

  const auto empty = abi::decode_revert({}, errors);
  REQUIRE(empty.ok());
  CHECK(empty->kind == abi::Revert::Kind::empty);

  const auto unknown = abi::decode_revert(hex_bytes("0xdeadbeef"), errors);
  REQUIRE(unknown.ok());
  CHECK(unknown->kind == abi::Revert::Kind::unknown);
  CHECK(unknown->describe() == "unknown error 0xdeadbeef (4 bytes)");

  // A known selector with arguments that do not decode is malformed, not unknown.
  CHECK_FALSE(abi::decode_revert(hex_bytes("0x7fe83496" + std::string(64, '1')), errors).ok());
  CHECK_FALSE(abi::decode_revert(hex_bytes(error_string_data + "00"), errors).ok());
}
