#include "mlchain/crypto/ecies.hpp"

#include <openssl/evp.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "curve_context.hpp"
#include "mlchain/crypto/kdf.hpp"
#include "mlchain/crypto/random.hpp"

namespace mlchain::crypto {
namespace {

constexpr std::size_t uncompressed_size = 65;
constexpr std::size_t nonce_size = 16;  // eciesjs's default symmetricNonceLength
constexpr std::size_t tag_size = 16;
constexpr std::size_t aes_key_size = 32;

secp256k1_pubkey parse_point(const std::array<std::uint8_t, 33>& compressed) {
  secp256k1_pubkey point;
  // Cannot fail: a PublicKey holds a point that parsed when it was made.
  if (secp256k1_ec_pubkey_parse(curve_context(), &point, compressed.data(), compressed.size()) != 1) std::abort();
  return point;
}

// The ECDH "hash" that hands back the shared point itself, uncompressed: eciesjs feeds the whole point to HKDF.
int uncompressed_shared_point(unsigned char* output, const unsigned char* x32, const unsigned char* y32, void*) {
  output[0] = 0x04;
  std::memcpy(output + 1, x32, 32);
  std::memcpy(output + 33, y32, 32);
  return 1;
}

// HKDF-SHA256 over ephemeral point ‖ shared point: the AES key of one wrap.
Result<SecretBytes> wrap_key(ByteView ephemeral_uncompressed, const secp256k1_pubkey& other_point,
                             const PrivateKey& own_secret) {
  SecretBytes key_material(2 * uncompressed_size);
  std::memcpy(key_material.data(), ephemeral_uncompressed.data(), uncompressed_size);
  if (secp256k1_ecdh(curve_context(), key_material.data() + uncompressed_size, &other_point, own_secret.bytes().data(),
                     uncompressed_shared_point, nullptr) != 1)
    return make_error(ErrorKind::internal, "secp256k1 ECDH failed");
  return hkdf_sha256(key_material.view(), {}, {}, aes_key_size);
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext gcm_context(bool encrypt, const SecretBytes& key, ByteView nonce) {
  CipherContext cipher(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!cipher || EVP_CipherInit_ex(cipher.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_ctrl(cipher.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_CipherInit_ex(cipher.get(), nullptr, nullptr, key.data(), nonce.data(), encrypt ? 1 : 0) != 1)
    return CipherContext(nullptr, &EVP_CIPHER_CTX_free);
  return cipher;
}

Error gcm_failed() { return make_error(ErrorKind::internal, "AES-256-GCM failed in OpenSSL"); }

}  // namespace

Result<PublicKey> PublicKey::parse(ByteView bytes) {
  // Only the two SEC 1 encodings: libsecp256k1 would also take the "hybrid" 0x06/0x07 form, which no peer sends.
  const bool compressed_form = bytes.size() == 33 && (bytes[0] == 0x02 || bytes[0] == 0x03);
  const bool uncompressed_form = bytes.size() == uncompressed_size && bytes[0] == 0x04;
  secp256k1_pubkey point;
  if ((!compressed_form && !uncompressed_form) ||
      secp256k1_ec_pubkey_parse(curve_context(), &point, bytes.data(), bytes.size()) != 1)
    return make_error(ErrorKind::invalid_input,
                      "not a secp256k1 public key (" + std::to_string(bytes.size()) +
                          " bytes; expected a point, 33 bytes compressed or 65 uncompressed)");
  std::array<std::uint8_t, 33> compressed{};
  std::size_t length = compressed.size();
  secp256k1_ec_pubkey_serialize(curve_context(), compressed.data(), &length, &point, SECP256K1_EC_COMPRESSED);
  return PublicKey(compressed);
}

PublicKey PublicKey::of(const PrivateKey& key) {
  secp256k1_pubkey point;
  // Cannot fail: a PrivateKey is verified when it is made.
  if (secp256k1_ec_pubkey_create(curve_context(), &point, key.bytes().data()) != 1) std::abort();
  std::array<std::uint8_t, 33> compressed{};
  std::size_t length = compressed.size();
  secp256k1_ec_pubkey_serialize(curve_context(), compressed.data(), &length, &point, SECP256K1_EC_COMPRESSED);
  return PublicKey(compressed);
}

std::array<std::uint8_t, 65> PublicKey::uncompressed() const {
  const secp256k1_pubkey point = parse_point(compressed_);
  std::array<std::uint8_t, 65> out{};
  std::size_t length = out.size();
  secp256k1_ec_pubkey_serialize(curve_context(), out.data(), &length, &point, SECP256K1_EC_UNCOMPRESSED);
  return out;
}

namespace ecies {

Result<Bytes> wrap(const PublicKey& recipient, ByteView plaintext) {
  MLCHAIN_TRY(const PrivateKey ephemeral, PrivateKey::generate());
  const std::array<std::uint8_t, 65> ephemeral_point = PublicKey::of(ephemeral).uncompressed();
  MLCHAIN_TRY(const SecretBytes key, wrap_key(ephemeral_point, parse_point(recipient.compressed()), ephemeral));

  Bytes out(overhead + plaintext.size());
  std::memcpy(out.data(), ephemeral_point.data(), ephemeral_point.size());
  std::uint8_t* const nonce = out.data() + uncompressed_size;
  std::uint8_t* const tag = nonce + nonce_size;
  std::uint8_t* const ciphertext = tag + tag_size;
  MLCHAIN_TRY_STATUS(fill_random({nonce, nonce_size}));

  const CipherContext cipher = gcm_context(true, key, {nonce, nonce_size});
  int written = 0;
  int final_written = 0;
  if (!cipher ||
      (!plaintext.empty() && EVP_EncryptUpdate(cipher.get(), ciphertext, &written, plaintext.data(),
                                               static_cast<int>(plaintext.size())) != 1) ||
      EVP_EncryptFinal_ex(cipher.get(), ciphertext + written, &final_written) != 1 ||
      EVP_CIPHER_CTX_ctrl(cipher.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size), tag) != 1)
    return gcm_failed();
  return out;
}

Result<SecretBytes> unwrap(const PrivateKey& recipient, ByteView wrapped) {
  if (wrapped.size() < overhead)
    return make_error(ErrorKind::invalid_input, "ECIES ciphertext of " + std::to_string(wrapped.size()) +
                                                    " bytes is shorter than its " + std::to_string(overhead) +
                                                    "-byte overhead");
  const ByteView ephemeral_bytes = wrapped.first(uncompressed_size);
  if (ephemeral_bytes[0] != 0x04)
    return make_error(ErrorKind::invalid_input, "ECIES ciphertext does not start with an uncompressed point");
  secp256k1_pubkey ephemeral;
  if (secp256k1_ec_pubkey_parse(curve_context(), &ephemeral, ephemeral_bytes.data(), ephemeral_bytes.size()) != 1)
    return make_error(ErrorKind::invalid_input, "the ephemeral key of an ECIES ciphertext is not a secp256k1 point");
  MLCHAIN_TRY(const SecretBytes key, wrap_key(ephemeral_bytes, ephemeral, recipient));

  const ByteView nonce = wrapped.subspan(uncompressed_size, nonce_size);
  const ByteView tag = wrapped.subspan(uncompressed_size + nonce_size, tag_size);
  const ByteView ciphertext = wrapped.subspan(overhead);
  SecretBytes plaintext(ciphertext.size());
  const CipherContext cipher = gcm_context(false, key, nonce);
  int written = 0;
  if (!cipher ||
      (!ciphertext.empty() && EVP_DecryptUpdate(cipher.get(), plaintext.data(), &written, ciphertext.data(),
                                                static_cast<int>(ciphertext.size())) != 1) ||
      EVP_CIPHER_CTX_ctrl(cipher.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size),
                          const_cast<std::uint8_t*>(tag.data())) != 1)
    return gcm_failed();
  int final_written = 0;
  if (EVP_DecryptFinal_ex(cipher.get(), plaintext.data() + written, &final_written) != 1)
    return make_error(ErrorKind::corrupt,
                      "ECIES ciphertext does not authenticate (damaged, or wrapped for another key)");
  return plaintext;
}

}  // namespace ecies

namespace age {

Result<Stanza> wrap_file_key(const PublicKey& recipient, const SecretBytes& file_key) {
  if (file_key.size() != file_key_size)
    return make_error(ErrorKind::invalid_argument, "an age file key is " + std::to_string(file_key_size) +
                                                       " bytes, not " + std::to_string(file_key.size()));
  MLCHAIN_TRY(Bytes body, ecies::wrap(recipient, file_key.view()));
  return Stanza{std::string(ecies_stanza_type), {}, std::move(body)};
}

Result<std::optional<SecretBytes>> unwrap_file_key(const PrivateKey& identity, const Stanza& stanza) {
  if (stanza.type != ecies_stanza_type) return std::optional<SecretBytes>();
  if (!stanza.args.empty())
    return make_error(ErrorKind::invalid_input,
                      "an age stanza " + std::string(ecies_stanza_type) + " has arguments; it takes none");
  if (stanza.body.size() != ecies::overhead + file_key_size)
    return make_error(ErrorKind::invalid_input, "an age stanza " + std::string(ecies_stanza_type) + " body is " +
                                                    std::to_string(stanza.body.size()) + " bytes, not " +
                                                    std::to_string(ecies::overhead + file_key_size));
  auto file_key = ecies::unwrap(identity, stanza.body);
  if (!file_key.ok()) {
    if (file_key.error().kind == ErrorKind::corrupt) return std::optional<SecretBytes>();
    return std::move(file_key).error();
  }
  return std::optional<SecretBytes>(std::move(file_key).value());
}

}  // namespace age

}  // namespace mlchain::crypto
