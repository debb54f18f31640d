#pragma once
// Key derivation: HKDF for keys made from other keys (age, ECIES, the encryption key), and password-based
// derivation for keystores. scrypt is our own (RFC 7914) around OpenSSL's PBKDF2:
// OpenSSL 3.0 refuses N ≥ 2^(16·r), which rules out keystores geth and the Web3 Secret Storage spec's
// own test vector use (n = 262144 with r = 1).

#include <cstdint>

#include "mlchain/bytes.hpp"
#include "mlchain/crypto/secret.hpp"
#include "mlchain/result.hpp"

namespace mlchain::crypto {

struct ScryptParams {
  std::uint64_t n = 0;  // CPU/memory cost, a power of two ≥ 2
  std::uint32_t r = 0;  // block size
  std::uint32_t p = 0;  // parallelism
};

// Uses 128·r·(n + p) bytes. Callers bound the parameters first (a keystore says how much work to do, so a
// hostile one could ask for any amount); this only refuses values scrypt cannot run with, or memory that
// cannot be allocated.
Result<SecretBytes> scrypt(ByteView passphrase, ByteView salt, const ScryptParams& params, std::size_t length);

// RFC 5869 extract-then-expand; an empty salt is HashLen zero bytes, as the RFC says.
Result<SecretBytes> hkdf_sha256(ByteView key_material, ByteView salt, ByteView info, std::size_t length);

Result<SecretBytes> pbkdf2_hmac_sha256(ByteView passphrase, ByteView salt, std::uint32_t iterations,
                                       std::size_t length);

}  // namespace mlchain::crypto
