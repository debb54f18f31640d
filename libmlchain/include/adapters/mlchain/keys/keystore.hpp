#pragma once
// Web3 Secret Storage v3: the JSON keystore geth, `cast wallet` and most wallets read and write.
// The secret key is encrypted with AES-128-CTR under the first half of a key derived from the
// passphrase (scrypt or PBKDF2-HMAC-SHA256); keccak-256(second half ‖ ciphertext) is the MAC that tells a
// wrong passphrase, or an altered file, from the right one.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/crypto/kdf.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/result.hpp"

namespace mlchain::keys {

struct Pbkdf2Params {
  std::uint32_t iterations = 0;  // "c"
};

struct Keystore {
  std::optional<codec::Address> address;  // as the file states it; geth writes it, cast does not
  std::string id;                         // the file's UUID, kept as it is; may be empty
  std::variant<crypto::ScryptParams, Pbkdf2Params> kdf;
  Bytes salt;
  std::array<std::uint8_t, 16> iv{};
  std::array<std::uint8_t, 32> ciphertext{};
  std::array<std::uint8_t, 32> mac{};
};

// The limits a keystore's KDF parameters must stay within. They are checked before any work is done, so
// a hostile file can neither hang the process nor exhaust its memory. Geth's standard scrypt parameters
// (n = 2^18, r = 8, p = 1: 256 MiB, about a second) are well inside.
struct KdfBounds {
  static constexpr std::uint64_t scrypt_max_n = std::uint64_t{1} << 20;
  static constexpr std::uint64_t scrypt_max_memory = std::uint64_t{1} << 30;  // 128·r·n bytes
  static constexpr std::uint64_t scrypt_max_work = std::uint64_t{1} << 23;    // n·r·p, 4× geth's standard
  static constexpr std::uint32_t pbkdf2_max_iterations = 10'000'000;
  static constexpr std::size_t max_salt_bytes = 1024;
};

// Strict parser: version 3, cipher aes-128-ctr, kdf scrypt or pbkdf2 (prf hmac-sha256), dklen 32, a
// 16-byte IV, a 32-byte ciphertext and MAC, KDF parameters within KdfBounds. Extra fields are ignored, as
// geth ignores them. Errors are verification failures saying what is wrong; they never echo the input.
Result<Keystore> parse_keystore(std::string_view json);

// Geth's layout: {"address","crypto":{…},"id","version":3}, lowercase hex without 0x.
std::string serialize_keystore(const Keystore& keystore);

// Decrypts and checks the MAC in constant time, then that the key re-derives the stated address.
// `key_name` and `file` (where the keystore was read, if from a file) name it in errors:
// "wrong passphrase for key NAME (or FILE was altered: its MAC does not match)".
Result<crypto::PrivateKey> decrypt_keystore(const Keystore& keystore, ByteView passphrase, std::string_view key_name,
                                            std::string_view file = {});

enum class KdfStrength {
  standard,  // scrypt n = 262144, r = 8, p = 1, as geth writes by default
  light,     // scrypt n = 4096, r = 8, p = 6, geth's --lightkdf
};

// A new keystore with a fresh random salt, IV and UUID; it states the key's address.
Result<Keystore> encrypt_keystore(const crypto::PrivateKey& key, ByteView passphrase, KdfStrength strength);

}  // namespace mlchain::keys
