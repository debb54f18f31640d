#include <catch2/catch.hpp>

#include <string>

#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/u256.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {
const std::string max_decimal = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
}  // namespace

// 2^256 - 1 in decimal: `cast to-dec 0xff…ff` (cast 1.7.1), also python's 2**256-1.
TEST_CASE("U256 reads and prints decimal and quantity text", "[u256]") {
  const auto max = U256::parse_decimal(max_decimal);
  REQUIRE(max.ok());
  CHECK(max->to_quantity() == "0x" + std::string(64, 'f'));
  CHECK(max->to_decimal() == max_decimal);
  CHECK(U256(0).to_decimal() == "0");
  CHECK(U256(0).to_quantity() == "0x0");
  CHECK(U256(1'000'000'000).to_quantity() == "0x3b9aca00");
  CHECK(U256::parse_quantity("0x3B9ACA00")->to_decimal() == "1000000000");
  CHECK(U256::parse("0x0000ff")->to_uint64() == 255u);
  CHECK(U256::parse("255")->to_uint64() == 255u);

  CHECK_FALSE(U256::parse_decimal("").ok());
  CHECK_FALSE(U256::parse_decimal("01").ok());
  CHECK_FALSE(U256::parse_decimal("1e9").ok());
  CHECK_FALSE(U256::parse_decimal("-1").ok());
  CHECK_FALSE(
      U256::parse_decimal("115792089237316195423570985008687907853269984665640564039457584007913129639936").ok());
  CHECK_FALSE(U256::parse_quantity("0x").ok());
  CHECK_FALSE(U256::parse_quantity("0x01").ok());
  CHECK_FALSE(U256::parse_quantity("0x00").ok());
  CHECK_FALSE(U256::parse_quantity("1").ok());
  CHECK_FALSE(U256::parse_quantity("0x1" + std::string(64, '0')).ok());
  CHECK_FALSE(U256::parse_quantity("0xg").ok());
  const auto error = U256::parse_quantity("0x01");
  CHECK(error.error().kind == ErrorKind::invalid_input);
  CHECK(error.error().message == "quantity with a leading zero: \"0x01\"");
}

TEST_CASE("U256 arithmetic reports overflow", "[u256]") {
  const U256 max = *U256::parse_decimal(max_decimal);
  CHECK_FALSE(max.checked_add(U256(1)).has_value());
  CHECK_FALSE(max.checked_mul(2).has_value());
  CHECK_FALSE(U256(1).checked_sub(U256(2)).has_value());
  CHECK(*U256(5).checked_sub(U256(2)) == U256(3));
  CHECK(U256(std::uint64_t{0xffffffffffffffff}).checked_add(U256(1))->to_quantity() == "0x10000000000000000");
  CHECK(U256(std::uint64_t{0xffffffffffffffff}).checked_mul(0xffffffffffffffff)->to_quantity() ==
        "0xfffffffffffffffe0000000000000001");
  CHECK(max.divided_by(0xffffffffffffffff).to_quantity() == "0x1000000000000000100000000000000010000000000000001");
  CHECK(U256(110).divided_by(10) == U256(11));
  CHECK_FALSE(max.to_uint64().has_value());
  CHECK(U256(7) < U256(256));
}

TEST_CASE("U256 big-endian bytes", "[u256]") {
  CHECK(U256(0).minimal_big_endian().empty());
  CHECK(to_hex(U256(0x0400).minimal_big_endian()) == "0400");
  CHECK(U256::from_big_endian(Bytes{0x00, 0x01, 0x02})->to_uint64() == 0x0102u);
  CHECK(U256::from_big_endian(Bytes{})->is_zero());
  CHECK_FALSE(U256::from_big_endian(Bytes(33, 1)).ok());
}
