#pragma once
// The bytes a test vector spells as 0x-prefixed hex (a vector that does not parse fails the test).

#include <catch2/catch.hpp>

#include <string_view>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/hex.hpp"

namespace mlchain::testing {

inline Bytes hex_bytes(std::string_view text) {
  auto bytes = codec::from_0x_hex(text);
  REQUIRE(bytes.ok());
  return *bytes;
}

}  // namespace mlchain::testing
