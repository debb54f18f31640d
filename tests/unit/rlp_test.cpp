#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/rlp.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {

nlohmann::json read_vectors(const std::string& name) {
  std::ifstream in(std::string(MLCHAIN_VECTORS_DIR) + "/rlp/" + name);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

Bytes hex_bytes(std::string text) {
  if (text.starts_with("0x")) text.erase(0, 2);
  auto bytes = from_hex(text);
  REQUIRE(bytes.ok());
  return *bytes;
}

// "#N" in the Ethereum tests is a decimal integer of any size; its minimal big-endian bytes.
Bytes decimal_to_big_endian(std::string_view digits) {
  Bytes value;  // big-endian, no leading zeros
  for (const char digit : digits) {
    unsigned carry = static_cast<unsigned>(digit - '0');
    for (auto byte = value.rbegin(); byte != value.rend(); ++byte) {
      const unsigned total = *byte * 10u + carry;
      *byte = static_cast<std::uint8_t>(total);
      carry = total >> 8;
    }
    while (carry != 0) {
      value.insert(value.begin(), static_cast<std::uint8_t>(carry));
      carry >>= 8;
    }
  }
  return value;
}

// The item an "in" value of the Ethereum RLP tests stands for.
rlp::Item item_of(const nlohmann::json& in) {
  if (in.is_array()) {
    rlp::List items;
    for (const auto& element : in) items.push_back(item_of(element));
    return items;
  }
  if (in.is_number_unsigned()) return rlp::Item::integer(in.get<std::uint64_t>());
  const auto text = in.get<std::string>();
  if (text.starts_with("#")) return decimal_to_big_endian(std::string_view(text).substr(1));
  return rlp::Item(as_bytes(text));
}

}  // namespace

// Vectors: ethereum/tests RLPTests (tests/vectors/README.md).
TEST_CASE("rlp encodes the Ethereum test suite's valid cases and decodes them back", "[rlp]") {
  const auto vectors = read_vectors("rlptest.json");
  REQUIRE(vectors.size() == 28);
  for (const auto& [name, test] : vectors.items()) {
    INFO(name);
    const rlp::Item item = item_of(test.at("in"));
    const Bytes expected = hex_bytes(test.at("out").get<std::string>());
    CHECK(to_hex(rlp::encode(item)) == to_hex(expected));
    const auto decoded = rlp::decode(expected);
    REQUIRE(decoded.ok());
    CHECK(*decoded == item);
  }
}

TEST_CASE("rlp refuses the Ethereum test suite's invalid cases", "[rlp]") {
  const auto vectors = read_vectors("invalidRLPTest.json");
  REQUIRE(vectors.size() == 17);
  for (const auto& [name, test] : vectors.items()) {
    INFO(name);
    const auto decoded = rlp::decode(hex_bytes(test.at("out").get<std::string>()));
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().kind == ErrorKind::invalid_input);
    CHECK(decoded.error().message.starts_with("rlp: "));
  }
}

TEST_CASE("rlp decoding names the offset of what is wrong", "[rlp]") {
  const auto wrapped = rlp::decode(hex_bytes("c3018101"));  // a list whose second item wraps 0x01
  REQUIRE_FALSE(wrapped.ok());
  CHECK(wrapped.error().message == "rlp: single byte below 0x80 wrapped in a string header at byte 2");

  const auto leftover = rlp::decode(hex_bytes("8180ff"));
  REQUIRE_FALSE(leftover.ok());
  CHECK(leftover.error().message == "rlp: 1 bytes left over after the item at byte 2");

  // An element that claims more than its list holds, though the input has the bytes.
  const auto overrun = rlp::decode(hex_bytes("c2830102030405"));
  REQUIRE_FALSE(overrun.ok());
  CHECK(overrun.error().message == "rlp: item of 3 bytes runs past the end of its input at byte 1");

  CHECK_FALSE(rlp::decode({}).ok());
}

TEST_CASE("rlp refuses lists nested deeper than its limit", "[rlp]") {
  auto nested = [](std::size_t levels) {  // `levels` lists, each inside the next
    rlp::Item item = rlp::List{};
    for (std::size_t i = 1; i < levels; ++i) item = rlp::List{item};
    return rlp::encode(item);
  };
  CHECK(rlp::decode(nested(rlp::max_depth)).ok());
  const auto deep = rlp::decode(nested(rlp::max_depth + 1));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().message.find("nested deeper than 64") != std::string::npos);
}

TEST_CASE("rlp integers are minimal big-endian bytes", "[rlp]") {
  CHECK(rlp::Item::integer(std::uint64_t{0}) == rlp::Item(Bytes{}));
  CHECK(to_hex(rlp::encode(rlp::Item::integer(std::uint64_t{0x0400}))) == "820400");
  const auto max = U256::parse_quantity("0x" + std::string(64, 'f'));
  REQUIRE(max.ok());
  CHECK(to_hex(rlp::encode(rlp::Item::integer(*max))) == "a0" + std::string(64, 'f'));

  CHECK(*rlp::to_uint64(rlp::Item(Bytes{}), "nonce") == 0);
  CHECK(*rlp::to_uint64(rlp::Item(Bytes{0x04, 0x00}), "nonce") == 0x400);
  const auto leading_zero = rlp::to_uint64(rlp::Item(Bytes{0x00, 0x01}), "nonce");
  REQUIRE_FALSE(leading_zero.ok());
  CHECK(leading_zero.error().message == "rlp: nonce has a leading zero byte");
  CHECK_FALSE(rlp::to_uint64(rlp::Item(Bytes{0x00}), "nonce").ok());  // zero is the empty string
  CHECK_FALSE(rlp::to_uint64(rlp::Item(Bytes(9, 0x01)), "nonce").ok());
  CHECK_FALSE(rlp::to_u256(rlp::Item(Bytes(33, 0x01)), "value").ok());
  CHECK_FALSE(rlp::to_u256(rlp::List{}, "value").ok());
}
