#include <catch2/catch.hpp>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/eip191.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/signature.hpp"

using namespace mlchain;
using namespace mlchain::codec;

// Vectors: EIP-55's own examples (mixed case, all caps, all lower).
TEST_CASE("EIP-55 checksums match the EIP's examples", "[eip55]") {
  const char* examples[] = {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
                            "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
                            "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26"};
  for (const char* example : examples) {
    const auto address = parse_address(example);
    REQUIRE(address);
    CHECK(to_checksum_address(*address) == example);
  }
}

TEST_CASE("addresses parse strictly", "[eip55]") {
  CHECK(parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));  // all lowercase: no checksum to check
  CHECK(parse_address("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"));  // all uppercase
  const auto mistyped = parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
  REQUIRE_FALSE(mistyped);
  CHECK(mistyped.error().message.find("checksum") != std::string::npos);
  CHECK_FALSE(parse_address("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));      // no 0x
  CHECK_FALSE(parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA"));      // short
  CHECK_FALSE(parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00"));  // long
  CHECK_FALSE(parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg"));    // not hex
}

// Vectors: `cast hash-message "Some data"` and `cast hash-message 0x000102` (which hashes its argument as
// text), Foundry 1.7.1. For the raw bytes 00 01 02: `cast wallet sign --private-key K 0x000102` equals
// `cast wallet sign --no-hash --private-key K 0xcda63bf8…`, so cast signs that digest (tests/vectors/README.md).
TEST_CASE("EIP-191 personal message digests match cast", "[eip191]") {
  CHECK(to_hex(personal_message_digest(as_bytes("Some data"))) ==
        "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655");
  CHECK(to_hex(personal_message_digest(as_bytes("0x000102"))) ==
        "d2603e4f081514da04a70a2e74f45cd881f8abfa76518767b32f3cf701317bc2");
  const auto raw = message_from_argument("0x000102");
  REQUIRE(raw);
  CHECK(*raw == Bytes{0, 1, 2});
  CHECK(to_hex(personal_message_digest(*raw)) == "cda63bf890b8707fe3e9937d85e50e6d155c31d18fa982cee37a1f142ea24b6f");
}

TEST_CASE("message arguments: 0x means hex, anything else is text", "[eip191]") {
  CHECK(message_from_argument("hello").value() == Bytes{'h', 'e', 'l', 'l', 'o'});
  CHECK(message_from_argument("0x").value().empty());
  CHECK(message_from_argument("0X00").value() == Bytes{'0', 'X', '0', '0'});
  CHECK_FALSE(message_from_argument("0x0"));
  CHECK_FALSE(message_from_argument("0xzz"));
}

TEST_CASE("signatures parse strictly", "[signature]") {
  Bytes signature =
      from_hex(
          "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da1"
          "67c747ef045e5d18a5f5d4300f8e1a0291c")
          .value();
  REQUIRE(parse_signature(signature));
  CHECK(parse_signature(signature)->v() == 28);

  auto wrong_v = signature;
  wrong_v[64] = 1;
  CHECK_FALSE(parse_signature(wrong_v));

  // s replaced by n - s: the same signature's malleable twin, which EIP-2 forbids.
  auto high_s = signature;
  const Bytes n = from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141").value();
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    const auto index = static_cast<std::size_t>(i);
    int difference = n[index] - signature[32 + index] - borrow;
    borrow = difference < 0 ? 1 : 0;
    high_s[32 + index] = static_cast<std::uint8_t>(difference + 256 * borrow);
  }
  const auto refused = parse_signature(high_s);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("high-s") != std::string::npos);

  auto zero_r = signature;
  std::fill(zero_r.begin(), zero_r.begin() + 32, 0);
  CHECK_FALSE(parse_signature(zero_r));
  CHECK_FALSE(parse_signature(ByteView(signature).first(64)));
}
