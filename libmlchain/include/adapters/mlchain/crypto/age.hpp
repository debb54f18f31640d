#pragma once
// age v1 (C2SP age specification, age-encryption.org/v1): the file format private models are sealed in
// (docs/format.md, "Private models"). A file is a header — recipient stanzas and an HMAC-SHA256 over them
// keyed from the file key — followed by the payload: a 16-byte nonce, then the STREAM construction of
// 64 KiB ChaCha20-Poly1305 chunks under a key HKDF-SHA256 derives from the file key and the nonce.
//
// Decoders are strict: anything the specification forbids (a non-canonical base64 body, a line of the
// wrong width, an empty final chunk after a full one, bytes after the last chunk) is refused, never
// repaired. A header or payload that does not authenticate under the file key is ErrorKind::corrupt.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/crypto/secret.hpp"
#include "mlchain/result.hpp"

namespace mlchain::crypto::age {

inline constexpr std::size_t file_key_size = 16;
inline constexpr std::size_t nonce_size = 16;
inline constexpr std::size_t chunk_size = 64 * 1024;  // plaintext bytes per STREAM chunk
inline constexpr std::size_t tag_size = 16;           // Poly1305 tag after each chunk

// One recipient stanza: "-> TYPE ARG…" then the body, base64 in lines of 64 columns.
struct Stanza {
  std::string type;
  std::vector<std::string> args;
  Bytes body;
  bool operator==(const Stanza&) const = default;
};

// A fresh random file key (file_key_size bytes).
Result<SecretBytes> new_file_key();

// "age-encryption.org/v1\n", the stanzas, "--- <MAC>\n". invalid_argument for a stanza the format cannot
// carry (a type or argument that is empty or not printable ASCII without spaces), or a key of the wrong size.
Result<Bytes> encode_header(std::span<const Stanza> stanzas, const SecretBytes& file_key);

struct Header {
  std::vector<Stanza> stanzas;
  std::array<std::uint8_t, 32> mac{};
  std::size_t size = 0;  // bytes of the header, through the newline after the MAC: the payload starts here
  Bytes mac_input;       // the bytes the MAC covers: the header through "---"
};

// The header at the start of `bytes` (which may go on with the payload). invalid_input naming what is wrong.
Result<Header> parse_header(ByteView bytes);

// corrupt "header MAC does not match" unless the header was made under `file_key`.
Status check_header_mac(const Header& header, const SecretBytes& file_key);

// Encrypts a payload as its plaintext arrives, chunk by chunk: memory is one chunk whatever the size.
class PayloadEncryptor {
 public:
  // A random nonce.
  static Result<PayloadEncryptor> begin(const SecretBytes& file_key);
  // A given nonce (nonce_size bytes): for test vectors only, a nonce must never repeat under one key.
  static Result<PayloadEncryptor> begin_with_nonce(const SecretBytes& file_key, ByteView nonce);
  PayloadEncryptor(PayloadEncryptor&&) noexcept;
  PayloadEncryptor& operator=(PayloadEncryptor&&) noexcept;
  ~PayloadEncryptor();
  // Appends to `out` the payload bytes that are final so far: the nonce on the first call, then each
  // chunk once it is known not to be the last.
  Status update(ByteView plaintext, Bytes& out);
  // Appends the last chunk. The encryptor is spent afterwards.
  Status finish(Bytes& out);

 private:
  struct State;
  explicit PayloadEncryptor(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Decrypts a payload as it arrives; a chunk's plaintext is handed on only after its tag verified.
class PayloadDecryptor {
 public:
  static Result<PayloadDecryptor> begin(const SecretBytes& file_key);
  PayloadDecryptor(PayloadDecryptor&&) noexcept;
  PayloadDecryptor& operator=(PayloadDecryptor&&) noexcept;
  ~PayloadDecryptor();
  // Appends to `out` the plaintext of every whole chunk whose tag verified (a full last chunk included,
  // as age's reference implementation hands it on). corrupt when a tag fails or bytes follow the last chunk.
  Status update(ByteView payload, Bytes& out);
  // Appends the last chunk's plaintext when it is shorter than a whole one. corrupt for a truncated payload,
  // a last chunk that fails, or anything the specification forbids at the end (an empty last chunk after
  // others). Until it succeeds, what was handed on is a verified prefix, not the file.
  Status finish(Bytes& out);

 private:
  struct State;
  explicit PayloadDecryptor(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// A whole age file in memory (small things: key records, tests): header then payload.
Result<Bytes> encrypt(std::span<const Stanza> stanzas, const SecretBytes& file_key, ByteView plaintext);
// The plaintext of a whole age file whose file key is `file_key` (the header MAC is checked first).
Result<Bytes> decrypt(ByteView age_file, const SecretBytes& file_key);

}  // namespace mlchain::crypto::age
