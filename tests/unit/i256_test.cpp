#include <catch2/catch.hpp>

#include <string>

#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/i256.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {
// 2^255 - 1 and -2^255: python's 2**255-1 and -2**255, `cast max-int` and `cast min-int` (cast 1.7.1).
const std::string max_decimal = "57896044618658097711785492504343953926634992332820282019728792003956564819967";
const std::string min_decimal = "-57896044618658097711785492504343953926634992332820282019728792003956564819968";

I256 parsed(std::string_view text) {
  auto value = I256::parse_decimal(text);
  REQUIRE(value.ok());
  return *value;
}
}  // namespace

TEST_CASE("I256 reads and prints decimal text and two's complement bytes", "[i256]") {
  CHECK(I256(0).to_decimal() == "0");
  CHECK(I256(-1).to_decimal() == "-1");
  CHECK(to_0x_hex(I256(-1).big_endian()) == "0x" + std::string(64, 'f'));
  CHECK(to_0x_hex(I256(-128).big_endian()) == "0x" + std::string(62, 'f') + "80");
  CHECK(to_0x_hex(I256(255).big_endian()) == "0x" + std::string(62, '0') + "ff");
  CHECK(I256::max().to_decimal() == max_decimal);
  CHECK(I256::min().to_decimal() == min_decimal);
  CHECK(parsed(max_decimal) == I256::max());
  CHECK(parsed(min_decimal) == I256::min());
  CHECK(to_0x_hex(I256::min().big_endian()) == "0x8" + std::string(63, '0'));
  CHECK(parsed("-1500000000000000000") == I256(-1500000000000000000));
  CHECK(parsed("-9223372036854775808").to_int64() == std::numeric_limits<std::int64_t>::min());
  CHECK_FALSE(parsed("9223372036854775808").to_int64().has_value());
  CHECK_FALSE(parsed("-9223372036854775809").to_int64().has_value());
  CHECK(I256::from_big_endian(I256(-42).big_endian()) == I256(-42));
  CHECK(I256::min().magnitude().to_decimal() == min_decimal.substr(1));

  for (const std::string& bad :
       {std::string(""), std::string("-"), std::string("+1"), std::string("01"), std::string("-01"), std::string("-0"),
        std::string("1.5"), std::string("1e3"), std::string(" 1"), std::string("0x10"), max_decimal.substr(0, 76) + "8",
        "-" + max_decimal.substr(0, 76) + "9"}) {
    const auto refused = I256::parse_decimal(bad);
    INFO(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::invalid_input);
    CHECK(refused.error().message.find("\"" + bad.substr(0, 20)) != std::string::npos);
  }
}

TEST_CASE("I256 orders by sign and adds and subtracts with overflow checks", "[i256]") {
  CHECK(I256(-1) < I256(0));
  CHECK(I256(-2) < I256(-1));
  CHECK(I256::min() < I256(-1));
  CHECK(I256(1) < I256::max());
  CHECK(I256(5) > I256(-5));
  CHECK(I256(3) == I256(3));

  CHECK(I256(2).checked_add(I256(-5)) == I256(-3));
  CHECK(I256(-2).checked_sub(I256(-5)) == I256(3));
  CHECK(I256::max().checked_sub(I256::max()) == I256(0));
  CHECK(I256::min().checked_add(I256::max()) == I256(-1));
  CHECK_FALSE(I256::max().checked_add(I256(1)).has_value());
  CHECK_FALSE(I256::min().checked_add(I256(-1)).has_value());
  CHECK_FALSE(I256::min().checked_sub(I256(1)).has_value());
  CHECK_FALSE(I256(0).checked_sub(I256::min()).has_value());
  CHECK(I256(-1).checked_sub(I256::max()) == I256::min());
  CHECK_FALSE(I256::min().checked_negate().has_value());
  CHECK(I256::max().checked_negate() == I256::min().checked_add(I256(1)));
}

TEST_CASE("fixed point with 18 decimals reads plain decimals and prints the shortest exact one", "[i256][fixed18]") {
  const auto value = [](std::string_view text) {
    auto parsed = parse_fixed18(text);
    INFO(text);
    REQUIRE(parsed.ok());
    return parsed->to_decimal();
  };
  CHECK(value("0.95") == "950000000000000000");
  CHECK(value("-1.5") == "-1500000000000000000");
  CHECK(value("3") == "3000000000000000000");
  CHECK(value("0") == "0");
  CHECK(value("-0.0") == "0");
  CHECK(value("0.950") == "950000000000000000");
  CHECK(value("0.000000000000000001") == "1");
  CHECK(value("-0.000000000000000001") == "-1");
  CHECK(value("57896044618658097711785492504343953926634992332820282019728.792003956564819967") == max_decimal);
  CHECK(value("-57896044618658097711785492504343953926634992332820282019728.792003956564819968") == min_decimal);

  for (const char* bad :
       {"", "-", ".5", "5.", "+1", "01.5", "1e-3", "1E3", "0.1234567890123456789", "1,5", " 1", "1.2.3", "0x10", "NaN",
        "inf", "57896044618658097711785492504343953926634992332820282019728.8"}) {
    const auto refused = parse_fixed18(bad);
    INFO(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::invalid_input);
    CHECK(refused.error().message.find("\"" + std::string(bad).substr(0, 20)) != std::string::npos);
  }

  for (const char* text : {"0.95", "-1.5", "3", "0", "-3", "0.000000000000000001", "123456.789",
                           "-57896044618658097711785492504343953926634992332820282019728.792003956564819968"}) {
    CHECK(format_fixed18(*parse_fixed18(text)) == text);
  }
  CHECK(format_fixed18(I256(950000000000000000)) == "0.95");
  CHECK(format_fixed18(I256(-1)) == "-0.000000000000000001");
}
