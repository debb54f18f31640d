#include "mlchain/crypto/kdf.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <limits>
#include <memory>
#include <new>

namespace mlchain::crypto {
namespace {

constexpr std::uint32_t rotl(std::uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

// Salsa20/8 core on one 64-byte block, in place (RFC 7914 §3).
void salsa20_8(std::uint32_t b[16]) {
  std::uint32_t x[16];
  for (int i = 0; i < 16; ++i) x[i] = b[i];
  for (int round = 0; round < 8; round += 2) {
    x[4] ^= rotl(x[0] + x[12], 7);
    x[8] ^= rotl(x[4] + x[0], 9);
    x[12] ^= rotl(x[8] + x[4], 13);
    x[0] ^= rotl(x[12] + x[8], 18);
    x[9] ^= rotl(x[5] + x[1], 7);
    x[13] ^= rotl(x[9] + x[5], 9);
    x[1] ^= rotl(x[13] + x[9], 13);
    x[5] ^= rotl(x[1] + x[13], 18);
    x[14] ^= rotl(x[10] + x[6], 7);
    x[2] ^= rotl(x[14] + x[10], 9);
    x[6] ^= rotl(x[2] + x[14], 13);
    x[10] ^= rotl(x[6] + x[2], 18);
    x[3] ^= rotl(x[15] + x[11], 7);
    x[7] ^= rotl(x[3] + x[15], 9);
    x[11] ^= rotl(x[7] + x[3], 13);
    x[15] ^= rotl(x[11] + x[7], 18);
    x[1] ^= rotl(x[0] + x[3], 7);
    x[2] ^= rotl(x[1] + x[0], 9);
    x[3] ^= rotl(x[2] + x[1], 13);
    x[0] ^= rotl(x[3] + x[2], 18);
    x[6] ^= rotl(x[5] + x[4], 7);
    x[7] ^= rotl(x[6] + x[5], 9);
    x[4] ^= rotl(x[7] + x[6], 13);
    x[5] ^= rotl(x[4] + x[7], 18);
    x[11] ^= rotl(x[10] + x[9], 7);
    x[8] ^= rotl(x[11] + x[10], 9);
    x[9] ^= rotl(x[8] + x[11], 13);
    x[10] ^= rotl(x[9] + x[8], 18);
    x[12] ^= rotl(x[15] + x[14], 7);
    x[13] ^= rotl(x[12] + x[15], 9);
    x[14] ^= rotl(x[13] + x[12], 13);
    x[15] ^= rotl(x[14] + x[13], 18);
  }
  for (int i = 0; i < 16; ++i) b[i] += x[i];
}

// scryptBlockMix (RFC 7914 §4): `in` and `out` are 2r blocks of 16 words; they must not overlap.
void block_mix(const std::uint32_t* in, std::uint32_t* out, std::size_t r) {
  std::uint32_t x[16];
  for (int i = 0; i < 16; ++i) x[i] = in[(2 * r - 1) * 16 + static_cast<std::size_t>(i)];
  for (std::size_t block = 0; block < 2 * r; ++block) {
    for (std::size_t i = 0; i < 16; ++i) x[i] ^= in[block * 16 + i];
    salsa20_8(x);
    // Even blocks go to the first half of the output, odd ones to the second.
    std::uint32_t* destination = out + ((block / 2) + (block % 2) * r) * 16;
    for (std::size_t i = 0; i < 16; ++i) destination[i] = x[i];
  }
  secure_wipe(x, sizeof x);
}

// scryptROMix (RFC 7914 §5) on one 128·r-byte block of B, in place; v holds n·32·r words, scratch 64·r.
void ro_mix(std::uint8_t* block, std::size_t r, std::uint64_t n, std::uint32_t* v, std::uint32_t* scratch) {
  const std::size_t words = 32 * r;
  std::uint32_t* x = scratch;
  std::uint32_t* y = scratch + words;
  for (std::size_t i = 0; i < words; ++i)
    x[i] = static_cast<std::uint32_t>(block[4 * i]) | static_cast<std::uint32_t>(block[4 * i + 1]) << 8 |
           static_cast<std::uint32_t>(block[4 * i + 2]) << 16 | static_cast<std::uint32_t>(block[4 * i + 3]) << 24;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::copy(x, x + words, v + i * words);
    block_mix(x, y, r);
    std::swap(x, y);
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t j = x[(2 * r - 1) * 16] & (n - 1);  // Integerify mod n, n being a power of two
    const std::uint32_t* vj = v + j * words;
    for (std::size_t k = 0; k < words; ++k) x[k] ^= vj[k];
    block_mix(x, y, r);
    std::swap(x, y);
  }
  for (std::size_t i = 0; i < words; ++i)
    for (unsigned byte = 0; byte < 4; ++byte) block[4 * i + byte] = static_cast<std::uint8_t>(x[i] >> (8 * byte));
}

}  // namespace

Result<SecretBytes> hkdf_sha256(ByteView key_material, ByteView salt, ByteView info, std::size_t length) {
  using Kdf = std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)>;
  using KdfContext = std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)>;
  const Kdf kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr), &EVP_KDF_free);
  const KdfContext context(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr, &EVP_KDF_CTX_free);
  if (!context) return make_error(ErrorKind::internal, "HKDF is not available in OpenSSL");
  // OpenSSL takes non-const pointers in OSSL_PARAM but only reads them; an absent key or salt is one of
  // length zero, and a non-null pointer keeps OpenSSL from treating it as unset.
  static std::uint8_t nothing = 0;
  const auto param_bytes = [](const char* name, ByteView bytes) {
    return OSSL_PARAM_construct_octet_string(name, bytes.empty() ? &nothing : const_cast<std::uint8_t*>(bytes.data()),
                                             bytes.size());
  };
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      param_bytes(OSSL_KDF_PARAM_KEY, key_material),
      param_bytes(OSSL_KDF_PARAM_SALT, salt),
      param_bytes(OSSL_KDF_PARAM_INFO, info),
      OSSL_PARAM_construct_end(),
  };
  SecretBytes out(length);
  if (EVP_KDF_derive(context.get(), out.data(), out.size(), params) != 1)
    return make_error(ErrorKind::internal, "HKDF-SHA256 failed in OpenSSL");
  return out;
}

Result<SecretBytes> pbkdf2_hmac_sha256(ByteView passphrase, ByteView salt, std::uint32_t iterations,
                                       std::size_t length) {
  if (iterations == 0 || iterations > static_cast<std::uint32_t>(std::numeric_limits<int>::max()) ||
      length > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      passphrase.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      salt.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    return make_error(ErrorKind::invalid_input, "PBKDF2 parameters out of range");
  SecretBytes out(length);
  // OpenSSL wants a non-null pointer even for an empty passphrase.
  const char* text = passphrase.empty() ? "" : reinterpret_cast<const char*>(passphrase.data());
  if (PKCS5_PBKDF2_HMAC(text, static_cast<int>(passphrase.size()), salt.data(), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), EVP_sha256(), static_cast<int>(length), out.data()) != 1)
    return make_error(ErrorKind::internal, "PBKDF2-HMAC-SHA256 failed in OpenSSL");
  return out;
}

Result<SecretBytes> scrypt(ByteView passphrase, ByteView salt, const ScryptParams& params, std::size_t length) {
  const std::uint64_t n = params.n;
  const std::size_t r = params.r;
  const std::size_t p = params.p;
  if (n < 2 || (n & (n - 1)) != 0) return make_error(ErrorKind::invalid_input, "scrypt n must be a power of two ≥ 2");
  // RFC 7914 §2: r·p < 2^30; the element counts below must not overflow either.
  if (r == 0 || p == 0 || r * p >= (std::size_t{1} << 30) || n > (std::uint64_t{1} << 40) / r)
    return make_error(ErrorKind::invalid_input, "scrypt r and p must be ≥ 1 with r·p < 2^30");
  const std::size_t block_bytes = 128 * r;

  MLCHAIN_TRY(SecretBytes b, pbkdf2_hmac_sha256(passphrase, salt, 1, block_bytes * p));
  const std::size_t v_words = static_cast<std::size_t>(n) * 32 * r;
  std::unique_ptr<std::uint32_t[]> v(new (std::nothrow) std::uint32_t[v_words]);
  std::unique_ptr<std::uint32_t[]> scratch(new (std::nothrow) std::uint32_t[64 * r]);
  if (!v || !scratch)
    return make_error(ErrorKind::internal,
                      "scrypt needs " + std::to_string(v_words * 4 / (1024 * 1024)) + " MiB that cannot be allocated");
  for (std::size_t i = 0; i < p; ++i) ro_mix(b.data() + i * block_bytes, r, n, v.get(), scratch.get());
  secure_wipe(v.get(), v_words * sizeof(std::uint32_t));
  secure_wipe(scratch.get(), 64 * r * sizeof(std::uint32_t));
  return pbkdf2_hmac_sha256(passphrase, b.view(), 1, length);
}

}  // namespace mlchain::crypto
