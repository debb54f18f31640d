#include <catch2/catch.hpp>

#include "mlchain/codec/cid.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/multibase.hpp"
#include "mlchain/codec/varint.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {
Bytes hex(std::string_view text) { return from_hex(text).value(); }
}  // namespace

// Vectors: multiformats/unsigned-varint README (1 → 01, 127 → 7f, 128 → 8001, 255 → ff01, 300 → ac02,
// 16384 → 808001) and the 2^63-1 bound.
TEST_CASE("varint encodes the multiformats examples", "[varint]") {
  const std::pair<std::uint64_t, const char*> cases[] = {
      {0, "00"},     {1, "01"},     {127, "7f"},       {128, "8001"},
      {255, "ff01"}, {300, "ac02"}, {16384, "808001"}, {0x7fffffffffffffffULL, "ffffffffffffffff7f"}};
  for (auto [value, encoded] : cases) {
    Bytes out;
    append_varint(out, value);
    CHECK(to_hex(out) == encoded);
    auto decoded = read_varint(out);
    REQUIRE(decoded);
    CHECK(decoded->value == value);
    CHECK(decoded->length == out.size());
  }
}

TEST_CASE("varint rejects non-minimal, overlong and truncated input", "[varint]") {
  CHECK_FALSE(read_varint(hex("8000")));                  // 0 with a redundant continuation
  CHECK_FALSE(read_varint(hex("ff00")));                  // 127 non-minimal
  CHECK_FALSE(read_varint(hex("80")));                    // truncated
  CHECK_FALSE(read_varint({}));                           // empty
  CHECK_FALSE(read_varint(hex("ffffffffffffffffff01")));  // 10 bytes
  CHECK_FALSE(read_varint(hex("808080808080808080")));    // 9 bytes all continuing
}

// Vectors: RFC 4648 §9 (lowercased, unpadded) and the multibase spec's test vectors
// ("yes mani !" in base58btc is z7paNL19xttacUY).
TEST_CASE("base32 and base58btc match the published vectors", "[multibase]") {
  const std::pair<const char*, const char*> base32[] = {{"", ""},
                                                        {"f", "my"},
                                                        {"fo", "mzxq"},
                                                        {"foo", "mzxw6"},
                                                        {"foob", "mzxw6yq"},
                                                        {"fooba", "mzxw6ytb"},
                                                        {"foobar", "mzxw6ytboi"}};
  for (auto [plain, encoded] : base32) {
    CHECK(base32_encode(as_bytes(plain)) == encoded);
    auto decoded = base32_decode(encoded);
    REQUIRE(decoded);
    CHECK(std::string(decoded->begin(), decoded->end()) == plain);
  }
  CHECK(multibase_encode(Multibase::base58btc, as_bytes("yes mani !")) == "z7paNL19xttacUY");
  CHECK(base58btc_encode(hex("00000001")) == "1112");
  CHECK(base58btc_decode("1112").value() == hex("00000001"));
}

TEST_CASE("base32 decoding is strict", "[multibase]") {
  CHECK_FALSE(base32_decode("MZXW6"));     // uppercase
  CHECK_FALSE(base32_decode("mzxw6==="));  // padding
  CHECK_FALSE(base32_decode("mz"));        // non-zero trailing bits ("my" is canonical for "f")
  CHECK_FALSE(base32_decode("m"));         // impossible length
  CHECK_FALSE(multibase_decode("Mfoo"));   // unsupported prefix
  CHECK_FALSE(base58btc_decode("0OIl"));   // characters outside the alphabet
}

// Vectors: the 6-byte file "hello\n" (docs/format.md) and the CID spec's example CIDv0.
TEST_CASE("CIDs round-trip between strings and bytes", "[cid]") {
  auto v1 = Cid::parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
  REQUIRE(v1);
  CHECK(v1->version() == 1);
  CHECK(v1->codec() == multicodec::raw);
  CHECK(*v1 == Cid::of_block(1, multicodec::raw, as_bytes("hello\n")));
  CHECK(v1->to_string() == "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");

  auto v0 = Cid::parse("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n");
  REQUIRE(v0);
  CHECK(v0->version() == 0);
  CHECK(v0->codec() == multicodec::dag_pb);
  CHECK(v0->to_bytes().size() == 34);
  CHECK(v0->to_string() == "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n");
  CHECK(Cid::from_bytes(v0->to_bytes()).value() == *v0);

  auto as_base58 = Cid::parse(multibase_encode(Multibase::base58btc, v1->to_bytes()));
  REQUIRE(as_base58);
  CHECK(*as_base58 == *v1);
}

TEST_CASE("malformed CIDs are rejected", "[cid]") {
  CHECK_FALSE(Cid::parse(""));
  CHECK_FALSE(Cid::parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6a"));     // truncated
  CHECK_FALSE(Cid::parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6amaa"));  // trailing
  CHECK_FALSE(Cid::parse("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR10"));                 // '0' not base58
  auto v0 = Cid::parse("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n").value();
  CHECK_FALSE(Cid::parse("z" + base58btc_encode(v0.to_bytes())));  // CIDv0 wrapped in multibase
  Bytes v2 = {0x02, 0x55, 0x12, 0x20};
  v2.resize(36);
  CHECK_FALSE(Cid::from_bytes(v2));  // unknown version
  Bytes short_digest = {0x01, 0x55, 0x12, 0x10};
  short_digest.resize(20);
  CHECK_FALSE(Cid::from_bytes(short_digest));  // sha2-256 with a 16-byte digest
}
