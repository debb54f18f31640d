#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "mlchain/codec/hex.hpp"
#include "mlchain/crypto/kdf.hpp"
#include "mlchain/keys/keystore.hpp"

using namespace mlchain;
using namespace mlchain::keys;

namespace {

std::string read_vector(const std::string& name) {
  std::ifstream in(std::string(MLCHAIN_VECTORS_DIR) + "/keystore/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Runs `body` and reports how long it took, so refusals can be shown to come before any KDF work.
template <class Body>
double seconds(Body body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

constexpr auto spec_key = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

}  // namespace

// Vectors: RFC 7914 §12 (the three that fit the keystore bounds' spirit; the fourth needs 1 GiB).
TEST_CASE("scrypt matches RFC 7914", "[kdf]") {
  const auto one = crypto::scrypt({}, {}, {16, 1, 1}, 64);
  REQUIRE(one);
  CHECK(codec::to_hex(one->view()) ==
        "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d"
        "3628cf35e20c38d18906");
  const auto two = crypto::scrypt(as_bytes("password"), as_bytes("NaCl"), {1024, 8, 16}, 64);
  REQUIRE(two);
  CHECK(codec::to_hex(two->view()) ==
        "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83"
        "ee6d8360cbdfa2cc0640");
  const auto three = crypto::scrypt(as_bytes("pleaseletmein"), as_bytes("SodiumChloride"), {16384, 8, 1}, 64);
  REQUIRE(three);
  CHECK(codec::to_hex(three->view()) ==
        "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d65"
        "1e40dfcf017b45575887");
  CHECK_FALSE(crypto::scrypt({}, {}, {15, 1, 1}, 32));  // n not a power of two
  CHECK_FALSE(crypto::scrypt({}, {}, {16, 0, 1}, 32));
}

// Vectors: the Web3 Secret Storage Definition's two test vectors (tests/vectors/README.md).
TEST_CASE("the Web3 Secret Storage test vectors decrypt to their key", "[keystore]") {
  for (const char* name : {"web3-secret-storage-pbkdf2.json", "web3-secret-storage-scrypt.json"}) {
    INFO(name);
    const auto keystore = parse_keystore(read_vector(name));
    REQUIRE(keystore);
    const auto key = decrypt_keystore(*keystore, as_bytes("testpassword"), "vector");
    REQUIRE(key);
    CHECK(codec::to_hex(key->bytes()) == spec_key);
  }
  // One wrong passphrase is enough to show the MAC check; the scrypt vector costs a second per try.
  const auto keystore = parse_keystore(read_vector("web3-secret-storage-pbkdf2.json"));
  REQUIRE(keystore);
  const auto wrong = decrypt_keystore(*keystore, as_bytes("testpassword!"), "vector");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().kind == ErrorKind::bad_signature);
  CHECK(wrong.error().message ==
        "wrong passphrase for key vector (or its keystore was altered: its MAC does not match)");
}

TEST_CASE("a keystore round-trips through encryption, serialization and parsing", "[keystore]") {
  const auto key = crypto::PrivateKey::generate();
  REQUIRE(key);
  const auto keystore = encrypt_keystore(*key, as_bytes("correct horse"), KdfStrength::light);
  REQUIRE(keystore);
  const auto scrypt = std::get<crypto::ScryptParams>(keystore->kdf);
  CHECK((scrypt.n == 4096 && scrypt.r == 8 && scrypt.p == 6));
  CHECK(keystore->id.size() == 36);
  CHECK(keystore->id[14] == '4');

  const std::string json = serialize_keystore(*keystore);
  CHECK(json.find(codec::to_hex(key->bytes())) == std::string::npos);
  const auto parsed = parse_keystore(json);
  REQUIRE(parsed);
  REQUIRE(parsed->address);
  CHECK(*parsed->address == key->address());
  CHECK(serialize_keystore(*parsed) == json);
  const auto decrypted = decrypt_keystore(*parsed, as_bytes("correct horse"), "round-trip");
  REQUIRE(decrypted);
  CHECK(codec::to_hex(decrypted->bytes()) == codec::to_hex(key->bytes()));
}

TEST_CASE("geth's standard scrypt parameters", "[keystore][slow]") {
  const auto key = crypto::PrivateKey::generate();
  REQUIRE(key);
  const auto keystore = encrypt_keystore(*key, as_bytes("pw"), KdfStrength::standard);
  REQUIRE(keystore);
  const auto scrypt = std::get<crypto::ScryptParams>(keystore->kdf);
  CHECK((scrypt.n == 262144 && scrypt.r == 8 && scrypt.p == 1));
  CHECK(decrypt_keystore(*keystore, as_bytes("pw"), "standard"));
}

TEST_CASE("tampered keystores fail the MAC", "[keystore]") {
  const std::string vector = read_vector("web3-secret-storage-pbkdf2.json");
  const std::string flipped_mac = replaced(vector, "517ead92", "517ead93");
  const std::string flipped_ciphertext = replaced(vector, "5318b4d5", "5318b4d4");
  for (const auto& text : {flipped_mac, flipped_ciphertext}) {
    const auto keystore = parse_keystore(text);
    REQUIRE(keystore);
    const auto result = decrypt_keystore(*keystore, as_bytes("testpassword"), "tampered");
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::bad_signature);
    CHECK(result.error().message.find("MAC does not match") != std::string::npos);
  }
}

TEST_CASE("a keystore whose key is not the address it states is refused", "[keystore]") {
  const auto key = crypto::PrivateKey::generate();
  REQUIRE(key);
  auto keystore = encrypt_keystore(*key, as_bytes("pw"), KdfStrength::light);
  REQUIRE(keystore);
  keystore->address->bytes[0] ^= 0xff;
  const auto result = decrypt_keystore(*keystore, as_bytes("pw"), "liar");
  REQUIRE_FALSE(result);
  CHECK(result.error().message.find("but its key belongs to") != std::string::npos);
}

TEST_CASE("hostile or malformed keystores are refused before any work", "[keystore]") {
  const std::string scrypt = read_vector("web3-secret-storage-scrypt.json");
  const std::string pbkdf2 = read_vector("web3-secret-storage-pbkdf2.json");
  const std::pair<std::string, std::string> cases[] = {
      {replaced(scrypt, "\"n\" : 262144", "\"n\" : 1073741824"), "power of two from 2 to 2^20"},
      {replaced(scrypt, "\"n\" : 262144", "\"n\" : 262145"), "power of two"},
      {replaced(scrypt, "\"p\" : 8", "\"p\" : 1048576"), "n·r·p"},
      {replaced(scrypt, "\"r\" : 1", "\"r\" : 8192"), "1 GiB"},
      {replaced(scrypt, "\"p\" : 8", "\"p\" : 0"), "at least 1"},
      {replaced(scrypt, "\"dklen\" : 32", "\"dklen\" : 64"), "dklen 64"},
      {replaced(pbkdf2, "\"c\" : 262144", "\"c\" : 1000000000000"), "10^7"},
      {replaced(pbkdf2, "hmac-sha256", "hmac-sha512"), "prf"},
      {replaced(scrypt, "aes-128-ctr", "aes-256-gcm"), "cipher \"aes-256-gcm\" is not supported"},
      {replaced(scrypt, "\"kdf\" : \"scrypt\"", "\"kdf\" : \"argon2\""), "kdf \"argon2\""},
      {replaced(scrypt, "\"version\" : 3", "\"version\" : 4"), "version 4"},
      {replaced(scrypt, "\"version\" : 3", "\"version\" : \"3\""), "\"version\" is not"},
      {replaced(scrypt, "83dbcc02d8ccb40e466191a123791e0e", "83dbcc02"), "\"iv\" is 4 bytes"},
      {replaced(scrypt, "d172bf74", "x172bf74"), "\"ciphertext\" is not hex"},
      {replaced(scrypt, "\"mac\"", "\"MAC\""), "no \"mac\""},
      {scrypt.substr(0, scrypt.size() / 2), "not valid JSON"},
      {"[]", "not a JSON object"},
      {std::string(1000, '[') + std::string(1000, ']'), "nests deeper"},
      {std::string(70000, ' '), "larger than 64 KiB"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(expected);
    Result<Keystore> result = make_error(ErrorKind::internal, "not run");
    const double elapsed = seconds([&] { result = parse_keystore(text); });
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::corrupt);
    CHECK(result.error().message.starts_with("corrupt keystore: "));
    CHECK(result.error().message.find(expected) != std::string::npos);
    CHECK(elapsed < 0.5);
  }
}

TEST_CASE("older geth's \"Crypto\" spelling is read", "[keystore]") {
  const std::string vector = read_vector("web3-secret-storage-pbkdf2.json");
  CHECK(parse_keystore(replaced(vector, "\"crypto\"", "\"Crypto\"")));
}
