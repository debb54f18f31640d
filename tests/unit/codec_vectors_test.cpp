#include <catch2/catch.hpp>

#include <optional>

#include "mlchain/codec/cid.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/multibase.hpp"
#include "mlchain/codec/protobuf.hpp"
#include "mlchain/codec/varint.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {

Bytes hex(std::string_view text) { return from_hex(text).value(); }

}  // namespace

// Vectors: ipld/codec-fixtures (commit bf8ab05), fixtures/cid-<CID>/: each directory is named by a CID
// string and its .dag-cbor file holds that CID's bytes after tag 42 and the 0x00 prefix. They cover
// v0, v1 in base32 and base58btc, identity, sha1, keccak and codecs mlchain never writes.
TEST_CASE("CID strings and bytes match the IPLD fixtures", "[cid]") {
  const std::pair<const char*, const char*> fixtures[] = {
      {"QmQg1v4o9xdT3Q14wh4S7dxZkDjyZ9ssFzFzyep1YrVJBY",
       "122022ad631c69ee983095b5b8acd029ff94aff1dc6c48837878589a92b90dfea317"},
      {"QmRgutAxd8t7oGkSm4wmeuByG6M51wcTso6cubDdQtuEfL",
       "122031c3d57080d8463a3c63b2923df5a1d40ad7a73eae5a14af584213e5f504ac33"},
      {"QmXg9Pp2ytZ14xgmQjYEiHjVjMFXzCVVEcRTWJBmLgR39V",
       "12208ab7a6c5e74737878ac73863cb76739d15d4666de44e5756bf55a2f9e9ab5f44"},
      {"bafkqabiaaebagba",
       "01550005"
       "0001020304"},
      {"bafkreiebzrnroamgos2adnbpgw5apo3z4iishhbdx77gldnbk57d4zdio4",
       "0155122081cc5b17018674b401b42f35ba07bb79e211239c23bffe658da1577e3e646877"},
      {"bafyreidj5idub6mapiupjwjsyyxhyhedxycv4vihfsicm2vt46o7morwlm",
       "0171122069ea0740f9807a28f4d932c62e7c1c83be055e55072c90266ab3e79df63a365b"},
      {"bagcqcera73rupyla6bauseyk75rslfys3st25spm75ykhvgusqvv2zfqtucq",
       "0185011220fee347e160f04149130aff63259712dca7aec9ecff70a3d4d4942b5d64b09d05"},
      {"bagyacvradn6dsgl6sw2jwoh7s3d37hq5wsu7g22wtdwnmaaaaaaaaaaaaaaa",
       "01b00156201b7c39197e95b49b38ff96c7bf9e1db4a9f36b5698ecd6000000000000000000"},
      {"bahaacvrasyauh7rmlyrmyc7qzvktjv7x6q2h6ttvei6qon43tl3riaaaaaaa",
       "01c0015620960143fe2c5e22cc0bf0cd5534d7f7f4347f4e75223d07379b9af71400000000"},
      {"z8mWaJ1dZ9fH5EetPuRsj8jj26pXsgpsr", "01781114c876ceeaa8b30123bc5fc99359e682a737308659"},
      {"zdj7Wd8AMwqnhJGQCbFxBVodGSBG84TM7Hs1rcJuQMwTyfEDS",
       "017012207252523e6591fb8fe553d67ff55a86f84044b46a3e4176e10c58fa529a4aabd5"},
      {"zdpuAtX7ZibcWdSKQwiDCkPjWwRvtcKCPku9H7LhgA4qJW4Wk",
       "01711220785197229dc8bb1152945da58e2348f7e279eeded06cc2ca736d0e879858b501"},
  };
  for (auto [text, encoded] : fixtures) {
    INFO(text);
    auto parsed = Cid::parse(text);
    REQUIRE(parsed);
    CHECK(to_hex(parsed->to_bytes()) == encoded);
    auto from_bytes = Cid::from_bytes(hex(encoded));
    REQUIRE(from_bytes);
    CHECK(*from_bytes == *parsed);
    const std::string_view spelled(text);
    if (spelled.front() == 'z') {
      CHECK(multibase_encode(Multibase::base58btc, parsed->to_bytes()) == spelled);
      CHECK(Cid::parse(parsed->to_string()).value() == *parsed);  // printed as base32 instead
    } else {
      CHECK(parsed->to_string() == spelled);
    }
  }
}

// Vectors: multiformats 14.0.5 (npm, in tests/peers/node_modules), CID.parse(v0).toV1() printed in
// base32, base58btc and base16 (the command is in tests/vectors/README.md).
TEST_CASE("one CID in every spelling mlchain reads", "[cid]") {
  const auto v0 = Cid::parse("QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuPU").value();
  CHECK(to_hex(v0.hash().digest) == "9139839e65fabea9efd230898ad8b574509147e48d7c1e87a33d6da70fd2efbf");
  const Cid v1(1, multicodec::dag_pb, v0.hash());
  CHECK(v1.to_string() == "bafybeierhgbz4zp2x2u67urqrgfnrnlukciupzenpqpipiz5nwtq7uxpx4");
  CHECK(Cid::parse("zdj7WfCo4VYhPH8A3hBXmVDZubFp8TF7VBYLkyfhdMTnAyoZQ").value() == v1);
  CHECK(Cid::parse("f017012209139839e65fabea9efd230898ad8b574509147e48d7c1e87a33d6da70fd2efbf").value() == v1);
  CHECK(v0 != v1);
}

TEST_CASE("CID parsing rejects what the forms do not allow", "[cid]") {
  const char* const rejected[] = {
      "Bafkqabiaaebagba",    // uppercase multibase prefix (base32upper is not read)
      "BAFKQABIAAEBAGBA",    // uppercase base32
      "bafkqabiaaebagba ",   // trailing space
      " bafkqabiaaebagba",   // leading space
      "f01550005000102030",  // odd number of hex digits
      "F01550005"
      "0001020304",  // uppercase base16 prefix
      "f01550005"
      "000102030A",                                       // uppercase hex digit
      "QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuP",    // v0 one character short
      "QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuPUU",  // v0 one character long
      "QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuPl",   // 'l' is not base58
      "b",                                                // multibase with nothing in it
      "z",
      "Qm",
  };
  for (const char* text : rejected) {
    INFO(text);
    CHECK_FALSE(Cid::parse(text));
  }
}

TEST_CASE("CID bytes are strict about versions, varints and digests", "[cid]") {
  const char* const rejected[] = {
      "",
      "01",            // version only
      "0155",          // no multihash
      "00551220",      // explicit version 0
      "03551220",      // version 3
      "01d5001220",    // codec 0x55 as a non-minimal varint
      "8100551220",    // version 1 as a non-minimal varint
      "0155122100",    // sha2-256 with a 33-byte length
      "015512200102",  // sha2-256 digest truncated
      "01550081",      // identity length truncated
      "1220",          // v0 without its digest
  };
  for (const char* encoded : rejected) {
    INFO(encoded);
    CHECK_FALSE(Cid::from_bytes(hex(encoded)));
  }
  Bytes identity_128 = hex("0155008001");
  identity_128.resize(identity_128.size() + 128, 0xab);
  CHECK(Cid::from_bytes(identity_128));
  Bytes identity_129 = hex("0155008101");
  identity_129.resize(identity_129.size() + 129, 0xab);
  CHECK_FALSE(Cid::from_bytes(identity_129));  // inline data is bounded

  // Reading a CID at the front of a longer buffer reports exactly its length.
  const Bytes two = hex("0155000500010203040155000100");
  std::size_t consumed = 0;
  auto first = Cid::read(two, consumed);
  REQUIRE(first);
  CHECK(consumed == 9);
  CHECK(first->to_string() == "bafkqabiaaebagba");
  CHECK_FALSE(Cid::from_bytes(two));
}

TEST_CASE("base58btc keeps leading zero bytes as leading '1's", "[multibase]") {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},    {"00", "1"},  {"0000", "11"}, {"0001", "12"},     {"01", "2"},
      {"39", "z"}, {"3a", "21"}, {"ff", "5Q"},   {"0000ff", "115Q"}, {"00000000000000000000", "1111111111"}};
  for (auto [bytes, text] : cases) {
    INFO(bytes);
    CHECK(base58btc_encode(hex(bytes)) == text);
    CHECK(base58btc_decode(text).value() == hex(bytes));
  }
}

TEST_CASE("base32 rejects every impossible length and every non-zero tail", "[multibase]") {
  // Lengths 1, 3 and 6 (mod 8) cannot come from whole bytes.
  for (const char* text : {"a", "aaa", "aaaaaa", "aaaaaaaaa"}) CHECK_FALSE(base32_decode(text));
  // The last character's unused low bits must be zero: 2, 4, 1 and 3 of them for lengths 2, 4, 5, 7.
  CHECK(base32_decode("aa").value() == Bytes{0});
  CHECK_FALSE(base32_decode("ab"));
  CHECK(base32_decode("aaaq").value() == hex("0001"));
  CHECK_FALSE(base32_decode("aaab"));
  CHECK(base32_decode("aaaac").value() == hex("000001"));
  CHECK_FALSE(base32_decode("aaaab"));
  CHECK(base32_decode("aaaaaai").value() == hex("00000001"));
  CHECK_FALSE(base32_decode("aaaaaab"));
  CHECK_FALSE(base32_decode("mzxw6ytboi======"));
  CHECK_FALSE(base32_decode("mzxw6ytbo1"));  // '1' is not in the alphabet
  CHECK_FALSE(multibase_decode(""));
  CHECK(multibase_decode("b").value().empty());
}

// Protobuf varints (dag-pb, UnixFS) carry 64 bits in up to 10 bytes, minimal only.
TEST_CASE("protobuf varints cover uint64 and stay minimal", "[protobuf]") {
  auto read = [](std::string_view encoded) {
    const Bytes bytes = hex(encoded);
    protobuf::Reader reader(bytes);
    auto value = reader.read_varint();
    return value.ok() && reader.done() ? std::optional<std::uint64_t>(*value) : std::nullopt;
  };
  CHECK(read("00") == 0u);
  CHECK(read("ffffffffffffffff7f") == 0x7fffffffffffffffu);
  CHECK(read("80808080808080808001") == 0x8000000000000000u);
  CHECK(read("ffffffffffffffffff01") == 0xffffffffffffffffu);
  CHECK_FALSE(read("ffffffffffffffffff02"));  // bit 64
  CHECK_FALSE(read("ffffffffffffffffff81"));  // an 11th byte
  CHECK_FALSE(read("ffffffffffffffffff8100"));
  CHECK_FALSE(read("80808080808080808000"));  // non-minimal
  CHECK_FALSE(read("8000"));
  CHECK_FALSE(read("ff"));  // truncated
  Bytes written;
  append_varint(written, 0xffffffffffffffffu);
  CHECK(to_hex(written) == "ffffffffffffffffff01");
}
