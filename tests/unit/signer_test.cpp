#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "mlchain/codec/eip191.hpp"
#include "mlchain/keys/key_directory.hpp"
#include "mlchain/keys/signers.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;
using mlchain::testing::TemporaryDirectory;
namespace stdfs = std::filesystem;

namespace {

// Sets MLCHAIN_PRIVATE_KEY for one scope; the tests run in one process, so it must not leak.
class EnvironmentKey {
 public:
  explicit EnvironmentKey(const char* value) { ::setenv("MLCHAIN_PRIVATE_KEY", value, 1); }
  ~EnvironmentKey() { ::unsetenv("MLCHAIN_PRIVATE_KEY"); }
};

keys::Keystore light_keystore(const crypto::PrivateKey& key, const char* passphrase) {
  return keys::encrypt_keystore(key, as_bytes(passphrase), keys::KdfStrength::light).value();
}

// Counts how often the passphrase is asked for, and answers with `passphrase`.
keys::PassphraseSource counting_source(int& asked, const char* passphrase) {
  return [&asked, passphrase](const keys::StoredKey&) -> Result<crypto::SecretBytes> {
    ++asked;
    return crypto::SecretBytes(as_bytes(passphrase));
  };
}

constexpr auto env_key_hex = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
constexpr auto env_key_address = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";

}  // namespace

TEST_CASE("the key directory stores keys 0600 in a 0700 directory; the first is the default", "[keys]") {
  TemporaryDirectory home;
  keys::KeyDirectory directory(home.path / "keys");
  CHECK(directory.list()->empty());
  CHECK_FALSE(directory.default_name().value());

  const auto first = crypto::PrivateKey::generate().value();
  const auto second = crypto::PrivateKey::generate().value();
  REQUIRE(directory.add("zeta", light_keystore(first, "pw")));
  REQUIRE(directory.add("alpha", light_keystore(second, "pw")));
  CHECK(directory.default_name().value() == std::optional<std::string>("zeta"));

  struct stat info {};
  REQUIRE(::stat((home.path / "keys").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
  REQUIRE(::stat(directory.file_of("zeta").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  const auto listing = directory.list();
  REQUIRE(listing);
  REQUIRE(listing->size() == 2);
  CHECK((*listing)[0].name == "alpha");
  CHECK_FALSE((*listing)[0].is_default);
  CHECK((*listing)[1].is_default);
  CHECK((*listing)[1].address == first.address());

  const auto taken = directory.add("alpha", light_keystore(first, "pw"));
  REQUIRE_FALSE(taken);
  CHECK(taken.error().kind == ErrorKind::exists);

  const auto missing = directory.load("nobody");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::not_found);
  CHECK(directory.load("../keys/alpha").error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("a corrupt keystore is listed with its problem, not hiding the others", "[keys]") {
  TemporaryDirectory home;
  keys::KeyDirectory directory(home.path / "keys");
  REQUIRE(directory.add("good", light_keystore(crypto::PrivateKey::generate().value(), "pw")));
  std::ofstream(directory.file_of("bad")) << "{}";
  const auto listing = directory.list();
  REQUIRE(listing);
  REQUIRE(listing->size() == 2);
  REQUIRE((*listing)[0].problem);
  CHECK((*listing)[0].problem->message.find("bad.json: corrupt keystore") != std::string::npos);
  CHECK_FALSE((*listing)[1].problem);
  const auto loaded = directory.load("bad");
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().kind == ErrorKind::corrupt);
}

TEST_CASE("a keystore signer knows its address without the passphrase and asks for it once", "[signer]") {
  TemporaryDirectory home;
  keys::KeyDirectory directory(home.path / "keys");
  const auto key = crypto::PrivateKey::generate().value();
  auto stored = directory.add("k", light_keystore(key, "right"));
  REQUIRE(stored);

  int asked = 0;
  auto signer = keys::KeystoreSigner::create(*stored, counting_source(asked, "right"));
  REQUIRE(signer);
  CHECK((*signer)->address() == key.address());
  CHECK(asked == 0);
  const auto message = as_bytes("commit digest");
  const auto first = (*signer)->sign_message(message);
  const auto second = (*signer)->sign_message(message);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(asked == 1);
  CHECK(*first == *second);
  CHECK(crypto::recover_address(codec::personal_message_digest(message), *first).value() == key.address());

  int wrong_asked = 0;
  auto wrong = keys::KeystoreSigner::create(*stored, counting_source(wrong_asked, "wrong"));
  REQUIRE(wrong);
  const auto refused = (*wrong)->sign_message(message);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::bad_signature);
  CHECK(refused.error().message.starts_with("wrong passphrase for key k"));
}

TEST_CASE("signer choice: --key NAME, else MLCHAIN_PRIVATE_KEY, else the default key", "[signer]") {
  TemporaryDirectory home;
  keys::KeyDirectory directory(home.path / "keys");
  int asked = 0;

  const auto none = keys::choose_signer(directory, std::nullopt, counting_source(asked, "pw"));
  REQUIRE_FALSE(none);
  CHECK(none.error().kind == ErrorKind::not_found);
  CHECK(none.error().message.find("mlchain key new") != std::string::npos);

  const auto default_key = crypto::PrivateKey::generate().value();
  const auto named_key = crypto::PrivateKey::generate().value();
  REQUIRE(directory.add("default-key", light_keystore(default_key, "pw")));
  REQUIRE(directory.add("named", light_keystore(named_key, "pw")));

  auto chosen = keys::choose_signer(directory, std::nullopt, counting_source(asked, "pw"));
  REQUIRE(chosen);
  CHECK(chosen->signer->address() == default_key.address());
  CHECK(chosen->description == "key default-key");

  {
    const EnvironmentKey environment(env_key_hex);
    chosen = keys::choose_signer(directory, std::nullopt, counting_source(asked, "pw"));
    REQUIRE(chosen);
    CHECK(codec::to_checksum_address(chosen->signer->address()) == env_key_address);
    CHECK(chosen->description == "MLCHAIN_PRIVATE_KEY");
    CHECK_FALSE(chosen->stored);

    chosen = keys::choose_signer(directory, std::string("named"), counting_source(asked, "pw"));
    REQUIRE(chosen);
    CHECK(chosen->signer->address() == named_key.address());
  }
  {
    const EnvironmentKey malformed("0x1234");
    const auto refused = keys::choose_signer(directory, std::nullopt, counting_source(asked, "pw"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::invalid_argument);
    CHECK(refused.error().message.find("1234") == std::string::npos);
  }
  CHECK(asked == 0);
}
