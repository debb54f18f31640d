#include <catch2/catch.hpp>

#include "mlchain/codec/hex.hpp"
#include "mlchain/keys/encryption_key.hpp"
#include "mlchain/keys/signers.hpp"

using namespace mlchain;
using mlchain::crypto::PrivateKey;
using mlchain::crypto::PublicKey;

namespace {

keys::PrivateKeySigner signer_of(std::string_view hex) {
  return keys::PrivateKeySigner(PrivateKey::from_hex(hex).value());
}

constexpr auto web3_example_key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

}  // namespace

// Vector: the signature is `cast wallet sign --private-key 0x4c08…2318 "$encryption_key_message"` (Foundry
// 1.7.1), and the key HKDF-SHA256 of it by Node's crypto.hkdfSync with eciesjs 0.4.18 printing the public key
// (tests/vectors/README.md, "Encryption keys").
TEST_CASE("the encryption key derives from the signer's signature as pinned", "[encryption_key]") {
  auto signer = signer_of(web3_example_key);
  const auto signature = signer.sign_message(as_bytes(keys::encryption_key_message));
  REQUIRE(signature);
  CHECK(codec::to_0x_hex(signature->bytes) ==
        "0x725544b72350c472bd8aadb82b12c18f68c2d82c561cd54314bc72dd197f5b965cd55dab2d56743062307a6547ea139bfd1ab7b5"
        "3f9ae897c8cee63cfbc78f351b");
  const auto key = keys::derive_encryption_key(signer);
  REQUIRE(key);
  CHECK(codec::to_hex(key->bytes()) == "178db68e9cf19af11fc9164f57aba64ca6395867f84d22f9c19bbbcff346f9e9");
  CHECK(codec::to_hex(PublicKey::of(*key).compressed()) ==
        "02e58ac79324d53f6408dbdb1b37ec402ac6bf4d1b07ac52e8f8f136046176111c");
}

TEST_CASE("encryption keys are deterministic, per signer, and not the signing key", "[encryption_key]") {
  auto first = signer_of(web3_example_key);
  auto again = signer_of(web3_example_key);
  auto other = signer_of("0000000000000000000000000000000000000000000000000000000000000001");
  const auto first_key = keys::derive_encryption_key(first);
  const auto again_key = keys::derive_encryption_key(again);
  const auto other_key = keys::derive_encryption_key(other);
  REQUIRE(first_key);
  REQUIRE(again_key);
  REQUIRE(other_key);
  CHECK(codec::to_hex(first_key->bytes()) == codec::to_hex(again_key->bytes()));
  CHECK(codec::to_hex(first_key->bytes()) != codec::to_hex(other_key->bytes()));
  CHECK(codec::to_hex(first_key->bytes()) != web3_example_key);
  CHECK(first_key->address() != first.address());
}

namespace {
// A signer that cannot sign (a keystore whose passphrase is refused).
class RefusingSigner final : public core::Signer {
 public:
  codec::Address address() const override { return {}; }
  Result<codec::RecoverableSignature> sign_digest(const codec::Keccak256Digest&) override {
    return make_error(ErrorKind::access_denied, "wrong passphrase for key test");
  }
};
}  // namespace

TEST_CASE("an encryption key is not derived when the signer cannot sign", "[encryption_key]") {
  RefusingSigner signer;
  const auto key = keys::derive_encryption_key(signer);
  REQUIRE_FALSE(key);
  CHECK(key.error().kind == ErrorKind::access_denied);
}
