#include <catch2/catch.hpp>

#include "mlchain/codec/ether_amount.hpp"

using mlchain::ErrorKind;
using mlchain::codec::format_ether;
using mlchain::codec::parse_ether_amount;
using mlchain::codec::U256;

namespace {

std::string wei_of(std::string_view text) {
  auto parsed = parse_ether_amount(text);
  REQUIRE(parsed);
  return parsed->to_decimal();
}

}  // namespace

TEST_CASE("amounts in wei, gwei and ether become exact wei", "[ether_amount]") {
  CHECK(wei_of("0") == "0");
  CHECK(wei_of("1000") == "1000");
  CHECK(wei_of("1ether") == "1000000000000000000");
  CHECK(wei_of("0.01ether") == "10000000000000000");
  CHECK(wei_of("1.5ether") == "1500000000000000000");
  CHECK(wei_of("0.000000000000000001ether") == "1");
  CHECK(wei_of("5gwei") == "5000000000");
  CHECK(wei_of("1.5gwei") == "1500000000");
  CHECK(wei_of("007gwei") == "7000000000");
  CHECK(wei_of("115792089237316195423570985008687907853269984665640564039457584007913129639935") ==
        "115792089237316195423570985008687907853269984665640564039457584007913129639935");
}

TEST_CASE("anything else is a usage error naming the text", "[ether_amount]") {
  for (const char* text : {"", "ether", "1.ether", ".5ether", "-1", "+1", "1e18", "1 ether", "0.01", "1.5wei", "1eth",
                           "0x10", "0.0000000001gwei", "0.0000000000000000001ether", "1,5ether",
                           "115792089237316195423570985008687907853269984665640564039457584007913129639936"}) {
    INFO(text);
    auto parsed = parse_ether_amount(text);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::invalid_argument);
    CHECK(parsed.error().message.find("'" + std::string(text) + "'") != std::string::npos);
  }
}

TEST_CASE("wei print as the shortest exact decimal of ether", "[ether_amount]") {
  CHECK(format_ether(U256(0)) == "0");
  CHECK(format_ether(U256(1)) == "0.000000000000000001");
  CHECK(format_ether(U256(1'000'000'000)) == "0.000000001");
  CHECK(format_ether(*U256::parse_decimal("700000000000000000")) == "0.7");
  CHECK(format_ether(*U256::parse_decimal("1000000000000000000")) == "1");
  CHECK(format_ether(*U256::parse_decimal("12345000000000000000000")) == "12345");
  CHECK(format_ether(*parse_ether_amount("1.25ether")) == "1.25");
}
