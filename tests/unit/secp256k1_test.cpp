#include <catch2/catch.hpp>

#include "mlchain/codec/eip191.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/crypto/secp256k1.hpp"

using namespace mlchain;
using namespace mlchain::codec;
using mlchain::crypto::PrivateKey;

namespace {
constexpr auto web3_example_key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
}

// Vectors: `cast wallet address --private-key K` and `cast wallet sign --private-key K MESSAGE`,
// Foundry 1.7.1 (tests/vectors/README.md).
TEST_CASE("private keys derive their Ethereum addresses", "[secp256k1]") {
  CHECK(to_checksum_address(PrivateKey::from_hex(web3_example_key)->address()) ==
        "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
  CHECK(to_checksum_address(
            PrivateKey::from_hex("0000000000000000000000000000000000000000000000000000000000000001\n")->address()) ==
        "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
}

TEST_CASE("EIP-191 signatures are deterministic and equal cast's", "[secp256k1]") {
  const auto key = PrivateKey::from_hex(web3_example_key);
  REQUIRE(key);
  const auto text = crypto::sign_digest(*key, personal_message_digest(as_bytes("Some data")));
  REQUIRE(text);
  CHECK(to_0x_hex(text->bytes) ==
        "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef0"
        "45e5d18a5f5d4300f8e1a0291c");

  // A 0x-prefixed message is signed as its raw bytes: here the 32 bytes of keccak256("").
  const auto digest_message =
      message_from_argument("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  REQUIRE(digest_message);
  const auto raw = crypto::sign_digest(*key, personal_message_digest(*digest_message));
  REQUIRE(raw);
  CHECK(to_0x_hex(raw->bytes) ==
        "0x4eff6dcb03d6872bce89018a566540c311c96dd59a1feefaa4c90827c4c6edd24c79eae46643e16b54ea20075317b031c89e5740"
        "df5469e42e1b95a93ca036ec1b");
}

TEST_CASE("recovery names the signer and only the signer", "[secp256k1]") {
  for (int i = 0; i < 8; ++i) {
    const auto key = PrivateKey::generate();
    REQUIRE(key);
    const auto digest = personal_message_digest(as_bytes("message " + std::to_string(i)));
    const auto signature = crypto::sign_digest(*key, digest);
    REQUIRE(signature);
    REQUIRE(parse_signature(signature->bytes));  // low s and v ∈ {27, 28} by construction
    const auto recovered = crypto::recover_address(digest, *signature);
    REQUIRE(recovered);
    CHECK(*recovered == key->address());

    auto other_digest = digest;
    other_digest[0] ^= 1;
    const auto other = crypto::recover_address(other_digest, *signature);
    CHECK((!other || *other != key->address()));
  }
}

TEST_CASE("generated keys differ", "[secp256k1]") {
  const auto a = PrivateKey::generate();
  const auto b = PrivateKey::generate();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->address() != b->address());
}

TEST_CASE("private keys out of range or malformed are refused", "[secp256k1]") {
  CHECK_FALSE(PrivateKey::from_hex("0000000000000000000000000000000000000000000000000000000000000000"));
  // n itself, and n + 1.
  CHECK_FALSE(PrivateKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"));
  CHECK_FALSE(PrivateKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142"));
  CHECK(PrivateKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140"));
  CHECK_FALSE(PrivateKey::from_hex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f3623"));    // short
  CHECK_FALSE(PrivateKey::from_hex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f36231g"));  // not hex
  CHECK_FALSE(PrivateKey::from_bytes(Bytes(31, 1)));
  const auto error = PrivateKey::from_hex("zz");
  REQUIRE_FALSE(error);
  CHECK(error.error().message.find("zz") == std::string::npos);  // never echoes what might be a secret
}
