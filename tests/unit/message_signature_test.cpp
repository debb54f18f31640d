#include <catch2/catch.hpp>

#include "mlchain/codec/address.hpp"
#include "mlchain/keys/signers.hpp"

using namespace mlchain;

namespace {

keys::PrivateKeySigner signer_of(const char* hex) {
  auto key = crypto::PrivateKey::from_hex(hex);
  REQUIRE(key.ok());
  return keys::PrivateKeySigner(std::move(key).value());
}

}  // namespace

TEST_CASE("check_message_signature: the signer's own address verifies, another is named", "[keys]") {
  auto alice = signer_of("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d");
  auto bob = signer_of("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  const auto message = as_bytes("hello world");
  auto signature = alice.sign_message(message);
  REQUIRE(signature.ok());

  auto verified = keys::check_message_signature(message, *signature, alice.address());
  REQUIRE(verified.ok());
  CHECK(*verified == alice.address());

  auto refused = keys::check_message_signature(message, *signature, bob.address());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::bad_signature);
  CHECK(refused.error().message == "signature does not verify: it was made by " +
                                       codec::to_checksum_address(alice.address()) + ", not " +
                                       codec::to_checksum_address(bob.address()));

  auto other_message = keys::check_message_signature(as_bytes("hello world!"), *signature, alice.address());
  REQUIRE_FALSE(other_message.ok());
  CHECK(other_message.error().kind == ErrorKind::bad_signature);
}
