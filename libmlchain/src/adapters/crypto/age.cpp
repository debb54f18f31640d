#include "mlchain/crypto/age.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

#include "mlchain/crypto/kdf.hpp"
#include "mlchain/crypto/random.hpp"

namespace mlchain::crypto::age {
namespace {

constexpr std::string_view version_line = "age-encryption.org/v1";
constexpr std::size_t columns = 64;  // base64 characters per full body line
constexpr std::size_t encrypted_chunk_size = chunk_size + tag_size;
constexpr std::size_t mac_size = 32;

constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// RFC 4648 base64 without padding, as age writes it.
std::string base64_encode(ByteView bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out += base64_alphabet[(group >> shift) & 0x3f];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t group = std::uint32_t{bytes[i]} << 16;
    if (rest == 2) group |= std::uint32_t{bytes[i + 1]} << 8;
    out += base64_alphabet[(group >> 18) & 0x3f];
    out += base64_alphabet[(group >> 12) & 0x3f];
    if (rest == 2) out += base64_alphabet[(group >> 6) & 0x3f];
  }
  return out;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The canonical unpadded encoding only: no padding, no stray characters, and the unused low bits of a
// final partial group zero (otherwise two texts would decode to the same bytes).
std::optional<Bytes> base64_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t group = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = base64_value(c);
    if (value < 0) return std::nullopt;
    group = (group << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(group >> bits));
      group &= (1u << bits) - 1;
    }
  }
  if (group != 0) return std::nullopt;
  return out;
}

bool is_argument(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

Error bad_header(const std::string& what) { return make_error(ErrorKind::invalid_input, "age header: " + what); }

Status check_file_key(const SecretBytes& file_key) {
  if (file_key.size() != file_key_size)
    return make_error(ErrorKind::invalid_argument, "an age file key is " + std::to_string(file_key_size) +
                                                       " bytes, not " + std::to_string(file_key.size()));
  return {};
}

Result<std::array<std::uint8_t, mac_size>> header_mac(ByteView mac_input, const SecretBytes& file_key) {
  MLCHAIN_TRY(const SecretBytes mac_key, hkdf_sha256(file_key.view(), {}, as_bytes("header"), 32));
  using Mac = std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)>;
  using MacContext = std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)>;
  const Mac mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr), &EVP_MAC_free);
  const MacContext context(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr, &EVP_MAC_CTX_free);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  std::array<std::uint8_t, mac_size> out{};
  std::size_t length = 0;
  if (!context || EVP_MAC_init(context.get(), mac_key.data(), mac_key.size(), params) != 1 ||
      EVP_MAC_update(context.get(), mac_input.data(), mac_input.size()) != 1 ||
      EVP_MAC_final(context.get(), out.data(), &length, out.size()) != 1 || length != out.size())
    return make_error(ErrorKind::internal, "HMAC-SHA256 failed in OpenSSL");
  return out;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// The STREAM state both directions share: the payload key in a ChaCha20-Poly1305 context, and the counter
// that numbers chunks (the nonce is the 11-byte big-endian counter, then 1 for the last chunk, else 0).
class Stream {
 public:
  static Result<Stream> begin(const SecretBytes& file_key, ByteView nonce, bool encrypt) {
    MLCHAIN_TRY(const SecretBytes payload_key, hkdf_sha256(file_key.view(), nonce, as_bytes("payload"), 32));
    CipherContext cipher(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!cipher || EVP_CipherInit_ex(cipher.get(), EVP_chacha20_poly1305(), nullptr, payload_key.data(), nullptr,
                                     encrypt ? 1 : 0) != 1)
      return failed();
    return Stream(std::move(cipher), encrypt);
  }

  std::uint64_t chunks_done() const { return counter_; }

  // Seals `plaintext` (at most chunk_size bytes) as the next chunk at `out`, which has room for it and its tag.
  Status seal(ByteView plaintext, bool last, std::uint8_t* out) {
    MLCHAIN_TRY_STATUS(start_chunk(last));
    int written = 0;
    int final_written = 0;
    if ((!plaintext.empty() &&
         EVP_EncryptUpdate(cipher_.get(), out, &written, plaintext.data(), static_cast<int>(plaintext.size())) != 1) ||
        EVP_EncryptFinal_ex(cipher_.get(), out + written, &final_written) != 1 ||
        EVP_CIPHER_CTX_ctrl(cipher_.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size), out + plaintext.size()) !=
            1)
      return failed();
    ++counter_;
    return {};
  }

  // Opens the next chunk (ciphertext then tag) into `out`; false when it does not authenticate as a chunk
  // with this counter and last flag. The counter moves on only when it does.
  Result<bool> open(ByteView chunk, bool last, std::uint8_t* out) {
    MLCHAIN_TRY_STATUS(start_chunk(last));
    const ByteView ciphertext = chunk.first(chunk.size() - tag_size);
    int written = 0;
    if ((!ciphertext.empty() && EVP_DecryptUpdate(cipher_.get(), out, &written, ciphertext.data(),
                                                  static_cast<int>(ciphertext.size())) != 1) ||
        EVP_CIPHER_CTX_ctrl(cipher_.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_size),
                            const_cast<std::uint8_t*>(chunk.data() + ciphertext.size())) != 1)
      return failed();
    int final_written = 0;
    if (EVP_DecryptFinal_ex(cipher_.get(), out + written, &final_written) != 1) return false;
    ++counter_;
    return true;
  }

 private:
  Stream(CipherContext cipher, bool encrypt) : cipher_(std::move(cipher)), encrypt_(encrypt) {}

  static Error failed() { return make_error(ErrorKind::internal, "ChaCha20-Poly1305 failed in OpenSSL"); }

  Status start_chunk(bool last) {
    // 2^88 chunks cannot be reached; a 64-bit counter that would wrap is refused rather than reuse a nonce.
    if (counter_ == std::numeric_limits<std::uint64_t>::max())
      return make_error(ErrorKind::invalid_input, "age payload has too many chunks");
    std::array<std::uint8_t, 12> nonce{};
    for (std::size_t i = 0; i < 8; ++i) nonce[10 - i] = static_cast<std::uint8_t>(counter_ >> (8 * i));
    nonce[11] = last ? 1 : 0;
    if (EVP_CipherInit_ex(cipher_.get(), nullptr, nullptr, nullptr, nonce.data(), encrypt_ ? 1 : 0) != 1)
      return failed();
    return {};
  }

  CipherContext cipher_;
  bool encrypt_;
  std::uint64_t counter_ = 0;
};

Error corrupt_payload(const std::string& what) { return make_error(ErrorKind::corrupt, "age payload: " + what); }

}  // namespace

Result<SecretBytes> new_file_key() {
  SecretBytes key(file_key_size);
  MLCHAIN_TRY_STATUS(fill_random({key.data(), key.size()}));
  return key;
}

Result<Bytes> encode_header(std::span<const Stanza> stanzas, const SecretBytes& file_key) {
  MLCHAIN_TRY_STATUS(check_file_key(file_key));
  if (stanzas.empty()) return make_error(ErrorKind::invalid_argument, "an age header needs at least one stanza");
  std::string text(version_line);
  text += '\n';
  for (const Stanza& stanza : stanzas) {
    if (!is_argument(stanza.type))
      return make_error(ErrorKind::invalid_argument,
                        "an age stanza type must be printable ASCII without spaces: \"" + stanza.type + "\"");
    text += "-> ";
    text += stanza.type;
    for (const std::string& argument : stanza.args) {
      if (!is_argument(argument))
        return make_error(ErrorKind::invalid_argument,
                          "an age stanza argument must be printable ASCII without spaces: \"" + argument + "\"");
      text += ' ';
      text += argument;
    }
    text += '\n';
    // Full lines, then a last line shorter than a full one, empty when the body fills its lines exactly.
    const std::string body = base64_encode(stanza.body);
    for (std::size_t at = 0;; at += columns) {
      const std::string_view line = std::string_view(body).substr(std::min(at, body.size()), columns);
      text += line;
      text += '\n';
      if (line.size() < columns) break;
    }
  }
  text += "---";
  MLCHAIN_TRY(const auto mac, header_mac(as_bytes(text), file_key));
  text += ' ';
  text += base64_encode(mac);
  text += '\n';
  const ByteView bytes = as_bytes(text);
  return Bytes(bytes.begin(), bytes.end());
}

Result<Header> parse_header(ByteView bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::size_t at = 0;
  std::size_t line_number = 0;
  const auto next_line = [&]() -> std::optional<std::string_view> {
    const std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    ++line_number;
    return line;
  };
  const auto where = [&] { return "line " + std::to_string(line_number) + ": "; };

  const auto first = next_line();
  if (!first || *first != version_line) return bad_header("not an age v1 file (no \"age-encryption.org/v1\" line)");
  Header header;
  for (;;) {
    const std::size_t line_start = at;
    const auto line = next_line();
    if (!line) return bad_header("truncated before the MAC line");
    if (line->starts_with("---")) {
      if (header.stanzas.empty()) return bad_header(where() + "no recipient stanza before the MAC");
      if (!line->starts_with("--- ")) return bad_header(where() + "the MAC line is malformed");
      const auto mac = base64_decode(line->substr(4));
      if (!mac || mac->size() != mac_size) return bad_header(where() + "the MAC is not 32 bytes of canonical base64");
      std::copy(mac->begin(), mac->end(), header.mac.begin());
      header.mac_input.assign(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(line_start + 3));
      header.size = at;
      return header;
    }
    if (!line->starts_with("-> ")) return bad_header(where() + "expected a stanza (\"-> \") or the MAC (\"--- \")");
    Stanza stanza;
    std::string_view fields = line->substr(3);
    for (bool is_type = true;; is_type = false) {
      const std::size_t space = fields.find(' ');
      const std::string_view field = fields.substr(0, space);
      if (!is_argument(field)) return bad_header(where() + "a stanza argument is empty or not printable ASCII");
      if (is_type)
        stanza.type = field;
      else
        stanza.args.emplace_back(field);
      if (space == std::string_view::npos) break;
      fields.remove_prefix(space + 1);
    }
    for (;;) {
      const auto body_line = next_line();
      if (!body_line) return bad_header("truncated inside a stanza body");
      if (body_line->size() > columns) return bad_header(where() + "a body line is longer than 64 columns");
      const auto decoded = base64_decode(*body_line);
      // A full line's decoding is whole bytes (64 characters are 48 bytes), so only the last line can carry
      // the partial group whose canonical form base64_decode checks.
      if (!decoded) return bad_header(where() + "a body line is not canonical base64");
      append(stanza.body, *decoded);
      if (body_line->size() < columns) break;
    }
    header.stanzas.push_back(std::move(stanza));
  }
}

Status check_header_mac(const Header& header, const SecretBytes& file_key) {
  MLCHAIN_TRY_STATUS(check_file_key(file_key));
  MLCHAIN_TRY(const auto expected, header_mac(header.mac_input, file_key));
  if (CRYPTO_memcmp(expected.data(), header.mac.data(), mac_size) != 0)
    return make_error(ErrorKind::corrupt, "age header MAC does not match");
  return {};
}

struct PayloadEncryptor::State {
  Stream stream;
  std::array<std::uint8_t, nonce_size> nonce{};
  bool nonce_written = false;
  bool finished = false;
  Bytes pending;  // plaintext not yet sealed: at most one chunk, held back until it is known not to be the last

  void write_nonce(Bytes& out) {
    if (nonce_written) return;
    out.insert(out.end(), nonce.begin(), nonce.end());
    nonce_written = true;
  }

  Status seal_into(ByteView plaintext, bool last, Bytes& out) {
    const std::size_t start = out.size();
    out.resize(start + plaintext.size() + tag_size);
    return stream.seal(plaintext, last, out.data() + start);
  }
};

PayloadEncryptor::PayloadEncryptor(std::unique_ptr<State> state) : state_(std::move(state)) {}
PayloadEncryptor::PayloadEncryptor(PayloadEncryptor&&) noexcept = default;
PayloadEncryptor& PayloadEncryptor::operator=(PayloadEncryptor&&) noexcept = default;
PayloadEncryptor::~PayloadEncryptor() {
  if (state_) secure_wipe(state_->pending.data(), state_->pending.size());
}

Result<PayloadEncryptor> PayloadEncryptor::begin(const SecretBytes& file_key) {
  std::array<std::uint8_t, nonce_size> nonce{};
  MLCHAIN_TRY_STATUS(fill_random(nonce));
  return begin_with_nonce(file_key, nonce);
}

Result<PayloadEncryptor> PayloadEncryptor::begin_with_nonce(const SecretBytes& file_key, ByteView nonce) {
  MLCHAIN_TRY_STATUS(check_file_key(file_key));
  if (nonce.size() != nonce_size)
    return make_error(ErrorKind::invalid_argument, "an age payload nonce is " + std::to_string(nonce_size) +
                                                       " bytes, not " + std::to_string(nonce.size()));
  MLCHAIN_TRY(Stream stream, Stream::begin(file_key, nonce, true));
  auto state = std::make_unique<State>(State{std::move(stream), {}, false, false, {}});
  std::copy(nonce.begin(), nonce.end(), state->nonce.begin());
  state->pending.reserve(chunk_size);
  return PayloadEncryptor(std::move(state));
}

Status PayloadEncryptor::update(ByteView plaintext, Bytes& out) {
  State& state = *state_;
  if (state.finished) return make_error(ErrorKind::internal, "age payload encryptor used after finish");
  state.write_nonce(out);
  // Top up the held-back chunk; it is sealed once more bytes show it is not the last.
  if (!state.pending.empty()) {
    const std::size_t take = std::min(chunk_size - state.pending.size(), plaintext.size());
    append(state.pending, plaintext.first(take));
    plaintext = plaintext.subspan(take);
    if (plaintext.empty()) return {};
    MLCHAIN_TRY_STATUS(state.seal_into(state.pending, false, out));
    secure_wipe(state.pending.data(), state.pending.size());
    state.pending.clear();
  }
  // Whole chunks straight from the caller's buffer, all but one that might be the last.
  while (plaintext.size() > chunk_size) {
    MLCHAIN_TRY_STATUS(state.seal_into(plaintext.first(chunk_size), false, out));
    plaintext = plaintext.subspan(chunk_size);
  }
  append(state.pending, plaintext);
  return {};
}

Status PayloadEncryptor::finish(Bytes& out) {
  State& state = *state_;
  if (state.finished) return make_error(ErrorKind::internal, "age payload encryptor used after finish");
  state.write_nonce(out);
  // The pending chunk is empty here only when the whole plaintext is: age's one empty last chunk.
  MLCHAIN_TRY_STATUS(state.seal_into(state.pending, true, out));
  secure_wipe(state.pending.data(), state.pending.size());
  state.pending.clear();
  state.finished = true;
  return {};
}

struct PayloadDecryptor::State {
  SecretBytes file_key;
  std::optional<Stream> stream;  // once the nonce has arrived
  Bytes nonce;
  Bytes pending;       // ciphertext of a chunk not yet whole
  bool ended = false;  // a full chunk authenticated as the last one: nothing may follow
  bool finished = false;

  // Opens a whole encrypted chunk. Whether it is the last one need not wait for the next bytes: its tag
  // verifies under one last flag only, and a full last chunk is one the spec allows.
  Status open_full_chunk(ByteView chunk, Bytes& out) {
    const std::size_t start = out.size();
    out.resize(start + chunk_size);
    MLCHAIN_TRY(const bool opened, stream->open(chunk, false, out.data() + start));
    if (opened) return {};
    MLCHAIN_TRY(const bool opened_as_last, stream->open(chunk, true, out.data() + start));
    if (!opened_as_last) {
      out.resize(start);
      return corrupt_payload("chunk " + std::to_string(stream->chunks_done()) + " does not authenticate");
    }
    ended = true;
    return {};
  }
};

PayloadDecryptor::PayloadDecryptor(std::unique_ptr<State> state) : state_(std::move(state)) {}
PayloadDecryptor::PayloadDecryptor(PayloadDecryptor&&) noexcept = default;
PayloadDecryptor& PayloadDecryptor::operator=(PayloadDecryptor&&) noexcept = default;
PayloadDecryptor::~PayloadDecryptor() = default;

Result<PayloadDecryptor> PayloadDecryptor::begin(const SecretBytes& file_key) {
  MLCHAIN_TRY_STATUS(check_file_key(file_key));
  auto state = std::make_unique<State>();
  state->file_key = SecretBytes(file_key.view());
  state->pending.reserve(encrypted_chunk_size);
  return PayloadDecryptor(std::move(state));
}

Status PayloadDecryptor::update(ByteView payload, Bytes& out) {
  State& state = *state_;
  if (state.finished) return make_error(ErrorKind::internal, "age payload decryptor used after finish");
  if (!state.stream) {
    const std::size_t take = std::min(nonce_size - state.nonce.size(), payload.size());
    append(state.nonce, payload.first(take));
    payload = payload.subspan(take);
    if (state.nonce.size() < nonce_size) return {};
    MLCHAIN_TRY(Stream stream, Stream::begin(state.file_key, state.nonce, false));
    state.stream.emplace(std::move(stream));
  }
  while (!payload.empty()) {
    if (state.ended) return corrupt_payload("bytes after the last chunk");
    // Whole chunks straight from the caller's buffer; only a chunk split across calls is copied.
    if (state.pending.empty() && payload.size() >= encrypted_chunk_size) {
      MLCHAIN_TRY_STATUS(state.open_full_chunk(payload.first(encrypted_chunk_size), out));
      payload = payload.subspan(encrypted_chunk_size);
      continue;
    }
    const std::size_t take = std::min(encrypted_chunk_size - state.pending.size(), payload.size());
    append(state.pending, payload.first(take));
    payload = payload.subspan(take);
    if (state.pending.size() == encrypted_chunk_size) {
      MLCHAIN_TRY_STATUS(state.open_full_chunk(state.pending, out));
      state.pending.clear();
    }
  }
  return {};
}

Status PayloadDecryptor::finish(Bytes& out) {
  State& state = *state_;
  if (state.finished) return make_error(ErrorKind::internal, "age payload decryptor used after finish");
  state.finished = true;
  if (!state.stream) return corrupt_payload("truncated in its nonce");
  if (state.ended) return {};
  const std::uint64_t chunks = state.stream->chunks_done();
  if (state.pending.empty())
    return corrupt_payload(chunks == 0 ? "no chunk after the nonce"
                                       : "truncated after chunk " + std::to_string(chunks - 1) +
                                             ": the last chunk is missing");
  if (state.pending.size() < tag_size) return corrupt_payload("truncated inside a chunk");
  if (state.pending.size() == tag_size && chunks > 0) return corrupt_payload("an empty last chunk after others");
  const std::size_t start = out.size();
  out.resize(start + state.pending.size() - tag_size);
  MLCHAIN_TRY(const bool opened, state.stream->open(state.pending, true, out.data() + start));
  if (!opened) {
    out.resize(start);
    return corrupt_payload("the last chunk does not authenticate");
  }
  state.pending.clear();
  return {};
}

Result<Bytes> encrypt(std::span<const Stanza> stanzas, const SecretBytes& file_key, ByteView plaintext) {
  MLCHAIN_TRY(Bytes out, encode_header(stanzas, file_key));
  MLCHAIN_TRY(PayloadEncryptor encryptor, PayloadEncryptor::begin(file_key));
  out.reserve(out.size() + nonce_size + plaintext.size() + (plaintext.size() / chunk_size + 1) * tag_size);
  MLCHAIN_TRY_STATUS(encryptor.update(plaintext, out));
  MLCHAIN_TRY_STATUS(encryptor.finish(out));
  return out;
}

Result<Bytes> decrypt(ByteView age_file, const SecretBytes& file_key) {
  MLCHAIN_TRY(const Header header, parse_header(age_file));
  MLCHAIN_TRY_STATUS(check_header_mac(header, file_key));
  MLCHAIN_TRY(PayloadDecryptor decryptor, PayloadDecryptor::begin(file_key));
  Bytes out;
  const ByteView payload = age_file.subspan(header.size);
  out.reserve(payload.size());
  MLCHAIN_TRY_STATUS(decryptor.update(payload, out));
  MLCHAIN_TRY_STATUS(decryptor.finish(out));
  return out;
}

}  // namespace mlchain::crypto::age
