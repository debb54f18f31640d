#include <catch2/catch.hpp>

#include <string>

#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/keccak.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {
std::string keccak_hex(std::string_view text) { return to_hex(keccak256(as_bytes(text))); }
}  // namespace

// Vectors: the well-known digest of the empty input; `cast keccak` 1.7.1 for the rest (tests/vectors/README.md).
// 135, 136 and 137 bytes sit on either side of the 136-byte rate, where padding changes shape.
TEST_CASE("keccak-256 matches known digests", "[keccak]") {
  CHECK(keccak_hex("") == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  CHECK(keccak_hex("abc") == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  CHECK(keccak_hex(std::string(135, 'a')) == "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
  CHECK(keccak_hex(std::string(136, 'a')) == "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
  CHECK(keccak_hex(std::string(137, 'a')) == "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39");
  CHECK(keccak_hex(std::string(1000000, 'a')) == "fadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96");
}

TEST_CASE("keccak-256 of 50000 patterned bytes matches cast", "[keccak]") {
  Bytes input(50000);
  for (std::size_t i = 0; i < input.size(); ++i) input[i] = static_cast<std::uint8_t>(i % 251);
  CHECK(to_hex(keccak256(input)) == "3ef0b9aa4f51867ad3021a2388bd54572be8f5143995de81297ce6b34aecc886");
}

TEST_CASE("incremental keccak-256 equals one-shot for every split", "[keccak]") {
  Bytes input(300);
  for (std::size_t i = 0; i < input.size(); ++i) input[i] = static_cast<std::uint8_t>(i * 7 + 3);
  const auto expected = keccak256(input);
  for (std::size_t split = 0; split <= input.size(); ++split) {
    Keccak256 hasher;
    hasher.update(ByteView(input).first(split));
    hasher.update(ByteView(input).subspan(split));
    REQUIRE(hasher.finish() == expected);
  }
  Keccak256 bytewise;
  for (auto byte : input) bytewise.update(ByteView(&byte, 1));
  CHECK(bytewise.finish() == expected);
}
