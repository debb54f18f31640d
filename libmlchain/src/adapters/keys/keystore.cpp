#include "mlchain/keys/keystore.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/crypto/random.hpp"

namespace mlchain::keys {
namespace {

using nlohmann::json;

constexpr std::size_t max_keystore_bytes = 64 * 1024;
constexpr int max_nesting = 8;  // a keystore nests 3 deep; deeper input is refused before it is parsed

Error corrupt(const std::string& what) { return make_error(ErrorKind::corrupt, "corrupt keystore: " + what); }

// Counts bracket depth outside strings, so a deeply nested hostile input costs no recursion at all.
bool nesting_within_limit(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_nesting) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

Result<const json*> member(const json& object, const char* name, const std::string& where) {
  const auto found = object.find(name);
  if (found == object.end()) return corrupt(where + " has no \"" + name + "\"");
  return &*found;
}

Result<const json*> object_member(const json& object, const char* name, const std::string& where) {
  MLCHAIN_TRY(const json* value, member(object, name, where));
  if (!value->is_object()) return corrupt("\"" + std::string(name) + "\" is not an object");
  return value;
}

Result<std::string> string_member(const json& object, const char* name, const std::string& where) {
  MLCHAIN_TRY(const json* value, member(object, name, where));
  if (!value->is_string()) return corrupt("\"" + std::string(name) + "\" is not a string");
  return value->get<std::string>();
}

Result<std::uint64_t> unsigned_member(const json& object, const char* name, const std::string& where) {
  MLCHAIN_TRY(const json* value, member(object, name, where));
  if (!value->is_number_unsigned()) return corrupt("\"" + std::string(name) + "\" is not a non-negative integer");
  return value->get<std::uint64_t>();
}

// Keystores carry lowercase hex (some writers use uppercase); a "0x" prefix is tolerated as geth does.
Result<Bytes> hex_member(const json& object, const char* name, const std::string& where) {
  MLCHAIN_TRY(std::string text, string_member(object, name, where));
  std::string_view digits = text;
  if (digits.starts_with("0x")) digits.remove_prefix(2);
  auto bytes = codec::from_hex(digits);
  if (!bytes) return corrupt("\"" + std::string(name) + "\" is not hex");
  return bytes;
}

template <std::size_t size>
Result<std::array<std::uint8_t, size>> fixed_hex_member(const json& object, const char* name,
                                                        const std::string& where) {
  MLCHAIN_TRY(Bytes bytes, hex_member(object, name, where));
  if (bytes.size() != size)
    return corrupt("\"" + std::string(name) + "\" is " + std::to_string(bytes.size()) + " bytes, not " +
                   std::to_string(size));
  std::array<std::uint8_t, size> out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Result<crypto::ScryptParams> parse_scrypt(const json& params) {
  const std::string where = "\"kdfparams\"";
  MLCHAIN_TRY(std::uint64_t n, unsigned_member(params, "n", where));
  MLCHAIN_TRY(std::uint64_t r, unsigned_member(params, "r", where));
  MLCHAIN_TRY(std::uint64_t p, unsigned_member(params, "p", where));
  const std::string stated = "scrypt n=" + std::to_string(n) + " r=" + std::to_string(r) + " p=" + std::to_string(p);
  if (n < 2 || n > KdfBounds::scrypt_max_n || (n & (n - 1)) != 0)
    return corrupt(stated + " refused: n must be a power of two from 2 to 2^20");
  if (r == 0 || p == 0 || r > KdfBounds::scrypt_max_work || p > KdfBounds::scrypt_max_work)
    return corrupt(stated + " refused: r and p must be at least 1");
  if (128 * r * n > KdfBounds::scrypt_max_memory)
    return corrupt(stated + " refused: it needs more than 1 GiB of memory (128·r·n)");
  if (n * r > KdfBounds::scrypt_max_work / p)
    return corrupt(stated + " refused: n·r·p is above 2^23, four times geth's standard work");
  return crypto::ScryptParams{n, static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(p)};
}

Result<Pbkdf2Params> parse_pbkdf2(const json& params) {
  const std::string where = "\"kdfparams\"";
  MLCHAIN_TRY(std::string prf, string_member(params, "prf", where));
  if (prf != "hmac-sha256")
    return corrupt("pbkdf2 prf \"" + prf.substr(0, 32) + "\" is not supported (only hmac-sha256)");
  MLCHAIN_TRY(std::uint64_t c, unsigned_member(params, "c", where));
  if (c == 0 || c > KdfBounds::pbkdf2_max_iterations)
    return corrupt("pbkdf2 c=" + std::to_string(c) + " refused: it must be from 1 to 10^7");
  return Pbkdf2Params{static_cast<std::uint32_t>(c)};
}

Result<Keystore> parse_document(const json& document) {
  if (!document.is_object()) return corrupt("not a JSON object");
  Keystore keystore;

  MLCHAIN_TRY(std::uint64_t version, unsigned_member(document, "version", "the keystore"));
  if (version != 3) return corrupt("version " + std::to_string(version) + " is not supported (only 3)");

  if (const auto id = document.find("id"); id != document.end()) {
    if (!id->is_string()) return corrupt("\"id\" is not a string");
    keystore.id = id->get<std::string>();
  }
  if (const auto address = document.find("address"); address != document.end()) {
    if (!address->is_string()) return corrupt("\"address\" is not a string");
    std::string text = address->get<std::string>();
    if (!text.starts_with("0x")) text = "0x" + text;
    auto parsed = codec::parse_address(text);
    if (!parsed) return corrupt("\"address\" is not an Ethereum address");
    keystore.address = *parsed;
  }

  // Version 3 files from older geth spell it "Crypto".
  const bool lower = document.contains("crypto");
  const bool upper = document.contains("Crypto");
  if (lower && upper) return corrupt("it has both \"crypto\" and \"Crypto\"");
  MLCHAIN_TRY(const json* crypto, object_member(document, upper ? "Crypto" : "crypto", "the keystore"));

  MLCHAIN_TRY(std::string cipher, string_member(*crypto, "cipher", "\"crypto\""));
  if (cipher != "aes-128-ctr")
    return corrupt("cipher \"" + cipher.substr(0, 32) + "\" is not supported (only aes-128-ctr)");
  MLCHAIN_TRY(const json* cipher_params, object_member(*crypto, "cipherparams", "\"crypto\""));
  MLCHAIN_TRY(keystore.iv, fixed_hex_member<16>(*cipher_params, "iv", "\"cipherparams\""));
  MLCHAIN_TRY(keystore.ciphertext, fixed_hex_member<32>(*crypto, "ciphertext", "\"crypto\""));
  MLCHAIN_TRY(keystore.mac, fixed_hex_member<32>(*crypto, "mac", "\"crypto\""));

  MLCHAIN_TRY(std::string kdf, string_member(*crypto, "kdf", "\"crypto\""));
  MLCHAIN_TRY(const json* kdf_params, object_member(*crypto, "kdfparams", "\"crypto\""));
  MLCHAIN_TRY(std::uint64_t dklen, unsigned_member(*kdf_params, "dklen", "\"kdfparams\""));
  if (dklen != 32) return corrupt("dklen " + std::to_string(dklen) + " refused: it must be 32");
  MLCHAIN_TRY(keystore.salt, hex_member(*kdf_params, "salt", "\"kdfparams\""));
  if (keystore.salt.empty() || keystore.salt.size() > KdfBounds::max_salt_bytes)
    return corrupt("the salt is " + std::to_string(keystore.salt.size()) + " bytes; it must be 1 to 1024");
  if (kdf == "scrypt") {
    MLCHAIN_TRY(keystore.kdf, parse_scrypt(*kdf_params));
  } else if (kdf == "pbkdf2") {
    MLCHAIN_TRY(keystore.kdf, parse_pbkdf2(*kdf_params));
  } else {
    return corrupt("kdf \"" + kdf.substr(0, 32) + "\" is not supported (only scrypt and pbkdf2)");
  }
  return keystore;
}

Result<crypto::SecretBytes> derive_key(const Keystore& keystore, ByteView passphrase) {
  if (const auto* scrypt = std::get_if<crypto::ScryptParams>(&keystore.kdf))
    return crypto::scrypt(passphrase, keystore.salt, *scrypt, 32);
  return crypto::pbkdf2_hmac_sha256(passphrase, keystore.salt, std::get<Pbkdf2Params>(keystore.kdf).iterations, 32);
}

std::array<std::uint8_t, 32> compute_mac(const crypto::SecretBytes& derived, ByteView ciphertext) {
  codec::Keccak256 hasher;
  hasher.update(derived.view().subspan(16, 16));
  hasher.update(ciphertext);
  return hasher.finish();
}

// AES-128-CTR is its own inverse, so this both encrypts and decrypts.
Status aes_128_ctr(ByteView key, ByteView iv, ByteView in, std::uint8_t* out) {
  const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> context(EVP_CIPHER_CTX_new(),
                                                                                &EVP_CIPHER_CTX_free);
  int written = 0;
  int final_written = 0;
  if (!context || EVP_EncryptInit_ex(context.get(), EVP_aes_128_ctr(), nullptr, key.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(context.get(), out, &written, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), out + written, &final_written) != 1)
    return make_error(ErrorKind::internal, "AES-128-CTR failed in OpenSSL");
  return {};
}

std::string new_uuid(const std::array<std::uint8_t, 16>& random) {
  auto bytes = random;
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex = codec::to_hex(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

}  // namespace

Result<Keystore> parse_keystore(std::string_view text) {
  if (text.size() > max_keystore_bytes) return corrupt("it is larger than 64 KiB");
  if (!nesting_within_limit(text)) return corrupt("it nests deeper than a keystore does");
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return corrupt("not valid JSON");
  return parse_document(document);
}

std::string serialize_keystore(const Keystore& keystore) {
  json kdf_params = {{"dklen", 32}, {"salt", codec::to_hex(keystore.salt)}};
  std::string kdf_name;
  if (const auto* scrypt = std::get_if<crypto::ScryptParams>(&keystore.kdf)) {
    kdf_name = "scrypt";
    kdf_params["n"] = scrypt->n;
    kdf_params["r"] = scrypt->r;
    kdf_params["p"] = scrypt->p;
  } else {
    kdf_name = "pbkdf2";
    kdf_params["c"] = std::get<Pbkdf2Params>(keystore.kdf).iterations;
    kdf_params["prf"] = "hmac-sha256";
  }
  json document = {{"crypto",
                    {{"cipher", "aes-128-ctr"},
                     {"cipherparams", {{"iv", codec::to_hex(keystore.iv)}}},
                     {"ciphertext", codec::to_hex(keystore.ciphertext)},
                     {"kdf", kdf_name},
                     {"kdfparams", kdf_params},
                     {"mac", codec::to_hex(keystore.mac)}}},
                   {"version", 3}};
  if (keystore.address) document["address"] = codec::to_hex(keystore.address->bytes);
  if (!keystore.id.empty()) document["id"] = keystore.id;
  return document.dump();
}

Result<crypto::PrivateKey> decrypt_keystore(const Keystore& keystore, ByteView passphrase, std::string_view key_name,
                                            std::string_view file) {
  const std::string source = file.empty() ? "its keystore" : std::string(file);
  const std::string prefix = file.empty() ? "" : std::string(file) + ": ";
  MLCHAIN_TRY(crypto::SecretBytes derived, derive_key(keystore, passphrase));
  const auto mac = compute_mac(derived, keystore.ciphertext);
  if (CRYPTO_memcmp(mac.data(), keystore.mac.data(), mac.size()) != 0)
    return make_error(ErrorKind::bad_signature, "wrong passphrase for key " + std::string(key_name) + " (or " + source +
                                                    " was altered: its MAC does not match)");
  crypto::SecretBytes plain(keystore.ciphertext.size());
  MLCHAIN_TRY_STATUS(aes_128_ctr(derived.view().first(16), keystore.iv, keystore.ciphertext, plain.data()));
  auto key = crypto::PrivateKey::from_bytes(plain.view());
  if (!key)
    return make_error(ErrorKind::corrupt,
                      prefix + "corrupt keystore: it decrypts to a value that is not a secp256k1 key");
  if (keystore.address && key->address() != *keystore.address)
    return make_error(ErrorKind::corrupt, prefix + "corrupt keystore: it states address " +
                                              codec::to_checksum_address(*keystore.address) +
                                              " but its key belongs to " + codec::to_checksum_address(key->address()));
  return key;
}

Result<Keystore> encrypt_keystore(const crypto::PrivateKey& key, ByteView passphrase, KdfStrength strength) {
  Keystore keystore;
  keystore.address = key.address();
  keystore.kdf =
      strength == KdfStrength::standard ? crypto::ScryptParams{262144, 8, 1} : crypto::ScryptParams{4096, 8, 6};
  keystore.salt.resize(32);
  std::array<std::uint8_t, 16> uuid_bytes{};
  MLCHAIN_TRY_STATUS(crypto::fill_random(keystore.salt));
  MLCHAIN_TRY_STATUS(crypto::fill_random(keystore.iv));
  MLCHAIN_TRY_STATUS(crypto::fill_random(uuid_bytes));
  keystore.id = new_uuid(uuid_bytes);

  MLCHAIN_TRY(crypto::SecretBytes derived, derive_key(keystore, passphrase));
  MLCHAIN_TRY_STATUS(aes_128_ctr(derived.view().first(16), keystore.iv, key.bytes(), keystore.ciphertext.data()));
  keystore.mac = compute_mac(derived, keystore.ciphertext);
  return keystore;
}

}  // namespace mlchain::keys
