#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "mlchain/codec/hex.hpp"
#include "mlchain/crypto/ecies.hpp"

using namespace mlchain;
using namespace mlchain::crypto;

namespace {

// The Web3 Secret Storage example key; its public key as eciesjs 0.4.18 prints it
// (`new PrivateKey(…).publicKey.toHex(true|false)`).
constexpr auto identity_hex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
constexpr auto compressed_hex = "024e3b81af9c2234cad09d679ce6035ed1392347ce64ce405f5dcd36228a25de6e";
constexpr auto uncompressed_hex =
    "044e3b81af9c2234cad09d679ce6035ed1392347ce64ce405f5dcd36228a25de6e47fd35c4215d1edf53e6f83de344615ce719bdb0fd8"
    "78f6ed76f06dd277956de";

PrivateKey identity() { return PrivateKey::from_hex(identity_hex).value(); }

Bytes hex(std::string_view text) { return codec::from_hex(text).value(); }

SecretBytes counting_key() {
  SecretBytes key(age::file_key_size);
  for (std::size_t i = 0; i < key.size(); ++i) key.data()[i] = static_cast<std::uint8_t>(i);
  return key;
}

}  // namespace

TEST_CASE("public keys parse in both SEC 1 forms and nothing else", "[ecies]") {
  const auto compressed = PublicKey::parse(hex(compressed_hex));
  const auto uncompressed = PublicKey::parse(hex(uncompressed_hex));
  REQUIRE(compressed);
  REQUIRE(uncompressed);
  CHECK(*compressed == *uncompressed);
  CHECK(*compressed == PublicKey::of(identity()));
  CHECK(codec::to_hex(compressed->compressed()) == compressed_hex);
  CHECK(codec::to_hex(compressed->uncompressed()) == uncompressed_hex);

  Bytes hybrid = hex(uncompressed_hex);
  hybrid[0] = 0x06;  // libsecp256k1 alone would take this "hybrid" form
  CHECK(PublicKey::parse(hybrid).error().kind == ErrorKind::invalid_input);
  Bytes not_on_curve_uncompressed = hex(uncompressed_hex);
  not_on_curve_uncompressed[64] ^= 0x01;
  CHECK_FALSE(PublicKey::parse(not_on_curve_uncompressed));
  CHECK_FALSE(PublicKey::parse(Bytes(33, 0)));
  CHECK_FALSE(PublicKey::parse(ByteView(hex(compressed_hex)).first(32)));
  CHECK_FALSE(PublicKey::parse({}));
}

TEST_CASE("ECIES wraps round-trip and fail for the wrong key or damage", "[ecies]") {
  const PublicKey recipient = PublicKey::of(identity());
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{16}, std::size_t{1000}}) {
    Bytes plaintext(size, 0x3c);
    const auto wrapped = ecies::wrap(recipient, plaintext);
    REQUIRE(wrapped);
    CHECK(wrapped->size() == ecies::overhead + size);
    CHECK((*wrapped)[0] == 0x04);
    const auto unwrapped = ecies::unwrap(identity(), *wrapped);
    REQUIRE(unwrapped);
    CHECK(Bytes(unwrapped->view().begin(), unwrapped->view().end()) == plaintext);
  }
  // Fresh ephemeral key and nonce every time.
  CHECK(*ecies::wrap(recipient, Bytes(16, 1)) != *ecies::wrap(recipient, Bytes(16, 1)));

  const Bytes wrapped = ecies::wrap(recipient, Bytes(16, 7)).value();
  const auto stranger = PrivateKey::generate();
  REQUIRE(stranger);
  CHECK(ecies::unwrap(*stranger, wrapped).error().kind == ErrorKind::corrupt);
  for (const std::size_t at : {std::size_t{70}, std::size_t{65 + 16 + 3}, wrapped.size() - 1}) {
    Bytes damaged = wrapped;
    damaged[at] ^= 0x80;
    CHECK(ecies::unwrap(identity(), damaged).error().kind == ErrorKind::corrupt);
  }
  CHECK(ecies::unwrap(identity(), ByteView(wrapped).first(ecies::overhead - 1)).error().kind ==
        ErrorKind::invalid_input);
  Bytes bad_point = wrapped;
  bad_point[64] ^= 0x01;  // the ephemeral key leaves the curve
  CHECK(ecies::unwrap(identity(), bad_point).error().kind == ErrorKind::invalid_input);
  Bytes compressed_point = wrapped;
  compressed_point[0] = 0x02;
  CHECK(ecies::unwrap(identity(), compressed_point).error().kind == ErrorKind::invalid_input);
}

// eciesjs 0.4.18's `encrypt(publicKey, 000102…0f)` (tests/vectors/README.md, "age and ECIES").
TEST_CASE("ECIES ciphertexts made by eciesjs unwrap", "[ecies]") {
  std::ifstream in(std::string(MLCHAIN_VECTORS_DIR) + "/age/eciesjs-wrap.hex");
  std::string text;
  REQUIRE(std::getline(in, text));
  const auto unwrapped = ecies::unwrap(identity(), hex(text));
  REQUIRE(unwrapped);
  CHECK(codec::to_hex(unwrapped->view()) == "000102030405060708090a0b0c0d0e0f");
}

TEST_CASE("age file keys travel in mlchain.dev/ecies-secp256k1 stanzas", "[ecies][age]") {
  const SecretBytes file_key = counting_key();
  const auto stanza = age::wrap_file_key(PublicKey::of(identity()), file_key);
  REQUIRE(stanza);
  CHECK(stanza->type == "mlchain.dev/ecies-secp256k1");
  CHECK(stanza->args.empty());
  CHECK(stanza->body.size() == 113);

  const auto unwrapped = age::unwrap_file_key(identity(), *stanza);
  REQUIRE(unwrapped);
  REQUIRE(unwrapped->has_value());
  CHECK(codec::to_hex((*unwrapped)->view()) == "000102030405060708090a0b0c0d0e0f");

  // Someone else's stanza, or another type: not ours, so age goes on to the next stanza.
  const auto stranger = PrivateKey::generate();
  REQUIRE(stranger);
  const auto not_ours = age::unwrap_file_key(*stranger, *stanza);
  REQUIRE(not_ours);
  CHECK_FALSE(not_ours->has_value());
  const auto other_type = age::unwrap_file_key(identity(), age::Stanza{"X25519", {"abc"}, stanza->body});
  REQUIRE(other_type);
  CHECK_FALSE(other_type->has_value());

  // Ours but malformed.
  age::Stanza with_argument = *stanza;
  with_argument.args.push_back("x");
  CHECK(age::unwrap_file_key(identity(), with_argument).error().kind == ErrorKind::invalid_input);
  age::Stanza longer = *stanza;
  longer.body.push_back(0);
  CHECK(age::unwrap_file_key(identity(), longer).error().kind == ErrorKind::invalid_input);

  SecretBytes wrong_size(15);
  CHECK(age::wrap_file_key(PublicKey::of(identity()), wrong_size).error().kind == ErrorKind::invalid_argument);

  // A whole file for two recipients decrypts with either key.
  const auto second = PrivateKey::generate();
  REQUIRE(second);
  const std::vector<age::Stanza> stanzas = {*stanza, age::wrap_file_key(PublicKey::of(*second), file_key).value()};
  const auto file = age::encrypt(stanzas, file_key, as_bytes("both of us"));
  REQUIRE(file);
  const auto header = age::parse_header(*file);
  REQUIRE(header);
  const auto second_key = age::unwrap_file_key(*second, header->stanzas[1]);
  REQUIRE(second_key);
  REQUIRE(second_key->has_value());
  const auto plaintext = age::decrypt(*file, **second_key);
  REQUIRE(plaintext);
  CHECK(std::string(plaintext->begin(), plaintext->end()) == "both of us");
}
