#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/sha256.hpp"
#include "mlchain/crypto/age.hpp"
#include "mlchain/crypto/ecies.hpp"
#include "mlchain/crypto/kdf.hpp"

using namespace mlchain;
using namespace mlchain::crypto;
using namespace mlchain::crypto::age;

namespace {

SecretBytes fixed_file_key() {
  SecretBytes key(file_key_size);
  for (std::size_t i = 0; i < key.size(); ++i) key.data()[i] = static_cast<std::uint8_t>(0xa0 + i);
  return key;
}

Bytes pattern(std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i % 251);
  return out;
}

std::vector<Stanza> one_stanza() { return {Stanza{"example.org/test", {"arg1", "arg2"}, Bytes{1, 2, 3}}}; }

std::string as_text(ByteView bytes) { return {reinterpret_cast<const char*>(bytes.data()), bytes.size()}; }

Bytes as_byte_vector(std::string_view text) { return {text.begin(), text.end()}; }

// Feeds `input` in pieces of `piece` bytes, the way a streaming caller does.
Result<Bytes> encrypt_in_pieces(const SecretBytes& key, ByteView plaintext, std::size_t piece) {
  MLCHAIN_TRY(Bytes out, encode_header(one_stanza(), key));
  MLCHAIN_TRY(PayloadEncryptor encryptor, PayloadEncryptor::begin(key));
  for (std::size_t at = 0; at < plaintext.size(); at += piece)
    MLCHAIN_TRY_STATUS(encryptor.update(plaintext.subspan(at, std::min(piece, plaintext.size() - at)), out));
  MLCHAIN_TRY_STATUS(encryptor.finish(out));
  return out;
}

Result<Bytes> decrypt_payload_in_pieces(const SecretBytes& key, ByteView payload, std::size_t piece) {
  MLCHAIN_TRY(PayloadDecryptor decryptor, PayloadDecryptor::begin(key));
  Bytes out;
  for (std::size_t at = 0; at < payload.size(); at += piece)
    MLCHAIN_TRY_STATUS(decryptor.update(payload.subspan(at, std::min(piece, payload.size() - at)), out));
  MLCHAIN_TRY_STATUS(decryptor.finish(out));
  return out;
}

// An independent STREAM sealer (OpenSSL directly, the age spec's nonce layout), to build payloads the
// encryptor never makes: an empty last chunk after a full one.
Bytes seal_chunk(const SecretBytes& file_key, ByteView nonce, std::uint64_t counter, bool last, ByteView plaintext) {
  const auto payload_key = hkdf_sha256(file_key.view(), nonce, as_bytes("payload"), 32);
  REQUIRE(payload_key);
  std::array<std::uint8_t, 12> chunk_nonce{};
  for (int i = 0; i < 8; ++i) chunk_nonce[static_cast<std::size_t>(10 - i)] = static_cast<std::uint8_t>(counter >> (8 * i));
  chunk_nonce[11] = last ? 1 : 0;
  EVP_CIPHER_CTX* cipher = EVP_CIPHER_CTX_new();
  REQUIRE(EVP_EncryptInit_ex(cipher, EVP_chacha20_poly1305(), nullptr, payload_key->data(), chunk_nonce.data()) == 1);
  Bytes out(plaintext.size() + tag_size);
  int written = 0;
  if (!plaintext.empty())
    REQUIRE(EVP_EncryptUpdate(cipher, out.data(), &written, plaintext.data(), static_cast<int>(plaintext.size())) == 1);
  REQUIRE(EVP_EncryptFinal_ex(cipher, out.data() + written, &written) == 1);
  REQUIRE(EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_AEAD_GET_TAG, 16, out.data() + plaintext.size()) == 1);
  EVP_CIPHER_CTX_free(cipher);
  return out;
}

Bytes read_vector(const std::string& name) {
  std::ifstream in(std::string(MLCHAIN_VECTORS_DIR) + "/age/" + name, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("age files round-trip at every chunk boundary, fed whole or in pieces", "[age]") {
  const auto key = fixed_file_key();
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, chunk_size - 1, chunk_size, chunk_size + 1,
                                 2 * chunk_size, 3 * chunk_size + 5}) {
    INFO("plaintext of " << size << " bytes");
    const Bytes plaintext = pattern(size);
    const auto whole = encrypt(one_stanza(), key, plaintext);
    REQUIRE(whole);
    const auto header = parse_header(*whole);
    REQUIRE(header);
    // One chunk per started 64 KiB, a full last chunk included; the empty plaintext is one empty chunk.
    const std::size_t chunks = size == 0 ? 1 : (size + chunk_size - 1) / chunk_size;
    CHECK(whole->size() - header->size == nonce_size + size + chunks * tag_size);
    const auto decrypted = decrypt(*whole, key);
    REQUIRE(decrypted);
    CHECK(*decrypted == plaintext);

    for (const std::size_t piece : {std::size_t{1000}, chunk_size, chunk_size + tag_size + 1}) {
      INFO("in pieces of " << piece);
      const auto pieces = encrypt_in_pieces(key, plaintext, piece);
      REQUIRE(pieces);
      const auto pieces_header = parse_header(*pieces);
      REQUIRE(pieces_header);
      const auto back = decrypt_payload_in_pieces(key, ByteView(*pieces).subspan(pieces_header->size), piece);
      REQUIRE(back);
      CHECK(*back == plaintext);
    }
  }
}

TEST_CASE("the payload follows the age spec's STREAM byte for byte", "[age]") {
  const auto key = fixed_file_key();
  const Bytes nonce(nonce_size, 0x5c);
  const Bytes plaintext = pattern(chunk_size + 5);
  auto encryptor = PayloadEncryptor::begin_with_nonce(key, nonce);
  REQUIRE(encryptor);
  Bytes payload;
  REQUIRE(encryptor->update(plaintext, payload));
  REQUIRE(encryptor->finish(payload));
  Bytes expected = nonce;
  append(expected, seal_chunk(key, nonce, 0, false, ByteView(plaintext).first(chunk_size)));
  append(expected, seal_chunk(key, nonce, 1, true, ByteView(plaintext).subspan(chunk_size)));
  CHECK(payload == expected);
}

TEST_CASE("the STREAM rules at the end of a payload are enforced", "[age]") {
  const auto key = fixed_file_key();
  const Bytes nonce(nonce_size, 0x11);
  const Bytes full = pattern(chunk_size);

  SECTION("a full last chunk is allowed") {
    Bytes payload = nonce;
    append(payload, seal_chunk(key, nonce, 0, true, full));
    const auto plaintext = decrypt_payload_in_pieces(key, payload, payload.size());
    REQUIRE(plaintext);
    CHECK(*plaintext == full);
  }
  SECTION("an empty last chunk after a full one is refused") {
    Bytes payload = nonce;
    append(payload, seal_chunk(key, nonce, 0, false, full));
    append(payload, seal_chunk(key, nonce, 1, true, {}));
    const auto plaintext = decrypt_payload_in_pieces(key, payload, payload.size());
    REQUIRE_FALSE(plaintext);
    CHECK(plaintext.error().kind == ErrorKind::corrupt);
    CHECK_THAT(plaintext.error().message, Catch::Contains("empty last chunk"));
  }
  SECTION("an empty last chunk is the empty plaintext") {
    Bytes payload = nonce;
    append(payload, seal_chunk(key, nonce, 0, true, {}));
    const auto plaintext = decrypt_payload_in_pieces(key, payload, payload.size());
    REQUIRE(plaintext);
    CHECK(plaintext->empty());
  }
  SECTION("a payload of only the nonce, or less, is truncated") {
    for (const std::size_t size : {std::size_t{0}, std::size_t{5}, nonce_size, nonce_size + tag_size - 1}) {
      Bytes payload = nonce;
      payload.resize(size, 0);
      const auto plaintext = decrypt_payload_in_pieces(key, payload, 1);
      REQUIRE_FALSE(plaintext);
      CHECK(plaintext.error().kind == ErrorKind::corrupt);
    }
  }
  SECTION("a payload cut at a chunk boundary is refused") {
    const auto file = encrypt(one_stanza(), key, pattern(2 * chunk_size + 5));
    REQUIRE(file);
    const auto header = parse_header(*file);
    REQUIRE(header);
    const ByteView payload = ByteView(*file).subspan(header->size);
    for (const std::size_t chunks : {std::size_t{1}, std::size_t{2}}) {
      const auto plaintext =
          decrypt_payload_in_pieces(key, payload.first(nonce_size + chunks * (chunk_size + tag_size)), 4096);
      REQUIRE_FALSE(plaintext);
      CHECK(plaintext.error().kind == ErrorKind::corrupt);
    }
  }
  SECTION("bytes after the last chunk are refused") {
    for (const std::size_t size : {std::size_t{10}, chunk_size}) {
      const auto file = encrypt(one_stanza(), key, pattern(size));
      REQUIRE(file);
      for (const std::size_t extra : {std::size_t{1}, tag_size, chunk_size + tag_size}) {
        Bytes longer = *file;
        longer.resize(longer.size() + extra, 0);
        const auto plaintext = decrypt(longer, key);
        REQUIRE_FALSE(plaintext);
        CHECK(plaintext.error().kind == ErrorKind::corrupt);
      }
    }
    // A full last chunk followed by anything is named for what it is.
    Bytes payload = nonce;
    append(payload, seal_chunk(key, nonce, 0, true, full));
    payload.push_back(0);
    const auto plaintext = decrypt_payload_in_pieces(key, payload, payload.size());
    REQUIRE_FALSE(plaintext);
    CHECK_THAT(plaintext.error().message, Catch::Contains("after the last chunk"));
  }
  SECTION("a decryptor hands on nothing of a chunk that fails") {
    const auto file = encrypt(one_stanza(), key, pattern(2 * chunk_size + 5));
    REQUIRE(file);
    const auto header = parse_header(*file);
    REQUIRE(header);
    Bytes payload(file->begin() + static_cast<std::ptrdiff_t>(header->size), file->end());
    payload[nonce_size + chunk_size + tag_size + 7] ^= 0x01;  // inside the second chunk
    auto decryptor = PayloadDecryptor::begin(key);
    REQUIRE(decryptor);
    Bytes out;
    const auto status = decryptor->update(payload, out);
    REQUIRE_FALSE(status);
    CHECK(status.error().kind == ErrorKind::corrupt);
    CHECK(out == pattern(chunk_size));  // the first chunk verified; the second is not handed on
  }
}

TEST_CASE("a flipped bit anywhere in an age file is refused", "[age]") {
  const auto key = fixed_file_key();
  const auto file = encrypt(one_stanza(), key, pattern(100));
  REQUIRE(file);
  for (std::size_t byte = 0; byte < file->size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes damaged = *file;
      damaged[byte] ^= static_cast<std::uint8_t>(1 << bit);
      const auto plaintext = decrypt(damaged, key);
      INFO("byte " << byte << " bit " << bit);
      REQUIRE_FALSE(plaintext);
      CHECK((plaintext.error().kind == ErrorKind::corrupt || plaintext.error().kind == ErrorKind::invalid_input));
    }
  }
}

TEST_CASE("age headers encode as the spec lays them out and parse back", "[age]") {
  const auto key = fixed_file_key();
  for (const std::size_t body_size : {std::size_t{0}, std::size_t{1}, std::size_t{47}, std::size_t{48},
                                      std::size_t{49}, std::size_t{96}, std::size_t{113}}) {
    INFO("body of " << body_size << " bytes");
    const std::vector<Stanza> stanzas = {Stanza{"X25519", {"abc"}, pattern(body_size)},
                                         Stanza{"mlchain.dev/ecies-secp256k1", {}, pattern(body_size + 3)}};
    const auto encoded = encode_header(stanzas, key);
    REQUIRE(encoded);
    const std::string text = as_text(*encoded);
    CHECK(text.starts_with("age-encryption.org/v1\n-> X25519 abc\n"));
    // Every body line is 64 columns but the last, which is shorter (empty after a full line).
    if (body_size == 48) CHECK(text.find("\n\n-> mlchain.dev/ecies-secp256k1\n") != std::string::npos);
    Bytes with_payload = *encoded;
    with_payload.push_back(0x42);
    const auto header = parse_header(with_payload);
    REQUIRE(header);
    CHECK(header->stanzas == stanzas);
    CHECK(header->size == encoded->size());
    CHECK(as_text(header->mac_input) == text.substr(0, text.rfind("---") + 3));
    CHECK(check_header_mac(*header, key));
    const auto other_key = new_file_key();
    REQUIRE(other_key);
    const auto wrong = check_header_mac(*header, *other_key);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().kind == ErrorKind::corrupt);
  }
}

TEST_CASE("age header encoding refuses what the format cannot carry", "[age]") {
  const auto key = fixed_file_key();
  CHECK(encode_header({}, key).error().kind == ErrorKind::invalid_argument);
  for (const Stanza& bad : {Stanza{"", {}, {}}, Stanza{"has space", {}, {}}, Stanza{"ok", {""}, {}},
                            Stanza{"ok", {"tab\there"}, {}}, Stanza{"ok", {"caf\xc3\xa9"}, {}}}) {
    const std::vector<Stanza> stanzas = {bad};
    CHECK(encode_header(stanzas, key).error().kind == ErrorKind::invalid_argument);
  }
  SecretBytes short_key(15);
  CHECK(encode_header(one_stanza(), short_key).error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("age header parsing is strict", "[age]") {
  const std::string mac = "--- " + std::string(43, 'A') + "\n";
  const auto parses = [&](const std::string& text) { return parse_header(as_byte_vector(text)).ok(); };
  CHECK(parses("age-encryption.org/v1\n-> a\n\n" + mac));
  CHECK(parses("age-encryption.org/v1\n-> a b c\nAQID\n" + mac));

  CHECK_FALSE(parses(""));
  CHECK_FALSE(parses("age-encryption.org/v2\n-> a\n\n" + mac));
  CHECK_FALSE(parses("age-encryption.org/v1\r\n-> a\n\n" + mac));
  CHECK_FALSE(parses("age-encryption.org/v1\n" + mac));                         // no stanza
  CHECK_FALSE(parses("age-encryption.org/v1\n\n-> a\n\n" + mac));               // empty line
  CHECK_FALSE(parses("age-encryption.org/v1\nhello\n-> a\n\n" + mac));          // unknown line
  CHECK_FALSE(parses("age-encryption.org/v1\n->\n\n" + mac));                   // no type
  CHECK_FALSE(parses("age-encryption.org/v1\n->  a\n\n" + mac));                // empty argument
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a \n\n" + mac));                // trailing space
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\nAQI=\n" + mac));             // padding
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\nAQJ\n" + mac));              // non-canonical: low bits set
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\nA\n" + mac));                // impossible length
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\nAQ*D\n" + mac));             // not base64
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\n" + std::string(65, 'A') + "\n\n" + mac));  // too wide
  // A full last line must be followed by an (empty) shorter one: here the MAC line is taken for body.
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\n" + std::string(64, 'A') + "\n" + mac));
  CHECK(parses("age-encryption.org/v1\n-> a\n" + std::string(64, 'A') + "\n\n" + mac));
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\n\n---\n"));                  // no MAC
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\n\n---" + std::string(44, 'A') + "\n"));
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\n\n--- " + std::string(42, 'A') + "\n"));  // short MAC
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\n\n--- " + std::string(43, 'B') + "\n"));  // non-canonical
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\n\n--- " + std::string(43, 'A')));         // no newline
  CHECK_FALSE(parses("age-encryption.org/v1\n-> a\n"));                                      // truncated

  const auto error = parse_header(as_byte_vector("age-encryption.org/v1\nhello\n"));
  REQUIRE_FALSE(error);
  CHECK(error.error().kind == ErrorKind::invalid_input);
  CHECK_THAT(error.error().message, Catch::Contains("line 2"));
}

// Files made by age-encryption 0.3.1 with eciesjs 0.4.18 wrapping the file key (tests/vectors/README.md,
// "age and ECIES"): mlchain finds the stanza, unwraps it with the recipient's key and decrypts.
TEST_CASE("age files made by age-encryption and eciesjs decrypt", "[age][ecies]") {
  const auto identity =
      PrivateKey::from_hex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  REQUIRE(identity);
  const std::pair<std::string, Bytes> cases[] = {
      {"empty", {}},
      {"hello", as_byte_vector("hello age\n")},
      {"pattern-65536", pattern(65536)},
      {"pattern-65541", pattern(65541)},
  };
  for (const auto& [name, plaintext] : cases) {
    INFO(name);
    const Bytes file = read_vector("age-encryption-" + name + ".age");
    const auto header = parse_header(file);
    REQUIRE(header);
    REQUIRE(header->stanzas.size() == 1);
    const auto file_key = unwrap_file_key(*identity, header->stanzas[0]);
    REQUIRE(file_key);
    REQUIRE(file_key->has_value());
    const auto decrypted = decrypt(file, **file_key);
    REQUIRE(decrypted);
    CHECK(*decrypted == plaintext);
    // Our encoder lays the header out byte for byte as age-encryption did.
    const auto reencoded = encode_header(header->stanzas, **file_key);
    REQUIRE(reencoded);
    CHECK(*reencoded == Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(header->size)));
  }
}

// The C2SP age test kit (CCTV, tests/vectors/README.md, "age test kit"): every vector whose outcome does not
// depend on unwrapping an X25519, scrypt or hybrid stanza, decrypted with the file key the vector states.
// "header failure": the header does not parse; "HMAC failure": it parses but its MAC does not match;
// "payload failure": the payload fails, and what was handed on before matches the vector's hash (the
// plaintext of the chunks that verified, as age's reference implementation hands them on);
// "success": it decrypts to exactly that hash.
TEST_CASE("age files of the C2SP test kit", "[age]") {
  std::size_t vectors = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(MLCHAIN_VECTORS_DIR) + "/age/cctv")) {
    const std::string name = entry.path().filename().string();
    INFO(name);
    std::ifstream in(entry.path(), std::ios::binary);
    const Bytes contents{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::string text = as_text(contents);
    const std::size_t blank = text.find("\n\n");
    REQUIRE(blank != std::string::npos);
    std::map<std::string, std::string> fields;
    std::size_t at = 0;
    while (at < blank) {
      const std::size_t end = text.find('\n', at);
      const std::string line = text.substr(at, end - at);
      const std::size_t colon = line.find(": ");
      REQUIRE(colon != std::string::npos);
      fields.emplace(line.substr(0, colon), line.substr(colon + 2));
      at = end + 1;
    }
    const ByteView file = ByteView(contents).subspan(blank + 2);
    const std::string expect = fields.at("expect");
    ++vectors;

    const auto header = parse_header(file);
    std::string outcome = expect;
    if (expect == "header failure") {
      // The test kit counts the payload's nonce as the end of the header; here it begins the payload, so a
      // missing or short nonce is a payload that fails with nothing handed on.
      if (header && file.size() - header->size < nonce_size) {
        outcome = "payload failure";
      } else {
        REQUIRE_FALSE(header);
        CHECK(header.error().kind == ErrorKind::invalid_input);
        continue;
      }
    }
    REQUIRE(header);
    const SecretBytes file_key(codec::from_hex(fields.at("file key")).value());
    const auto mac = check_header_mac(*header, file_key);
    if (outcome == "HMAC failure") {
      REQUIRE_FALSE(mac);
      CHECK(mac.error().kind == ErrorKind::corrupt);
      continue;
    }
    REQUIRE(mac);
    auto decryptor = PayloadDecryptor::begin(file_key);
    REQUIRE(decryptor);
    Bytes released;
    auto status = decryptor->update(file.subspan(header->size), released);
    if (status) status = decryptor->finish(released);
    if (outcome == expect)
      CHECK(codec::to_hex(codec::sha256(released)) == fields.at("payload"));
    else
      CHECK(released.empty());
    if (outcome == "payload failure") {
      REQUIRE_FALSE(status);
      CHECK(status.error().kind == ErrorKind::corrupt);
    } else {
      REQUIRE(outcome == "success");
      CHECK(status);
    }
  }
  CHECK(vectors == 53);
}

// The test kit's 257- and 258-chunk files are 16 MiB: what they check, the chunk counter past one byte, is
// checked here against an independent sealer.
TEST_CASE("the STREAM counter carries past 255 chunks", "[age]") {
  const auto key = fixed_file_key();
  const Bytes nonce(nonce_size, 0x77);
  const Bytes plaintext = pattern(256 * chunk_size + 5);
  auto encryptor = PayloadEncryptor::begin_with_nonce(key, nonce);
  REQUIRE(encryptor);
  Bytes payload;
  REQUIRE(encryptor->update(plaintext, payload));
  REQUIRE(encryptor->finish(payload));
  const std::size_t chunk_255 = nonce_size + 255 * (chunk_size + tag_size);
  CHECK(Bytes(payload.begin() + static_cast<std::ptrdiff_t>(chunk_255), payload.end() - 5 - tag_size) ==
        seal_chunk(key, nonce, 255, false, ByteView(plaintext).subspan(255 * chunk_size, chunk_size)));
  CHECK(Bytes(payload.end() - 5 - tag_size, payload.end()) ==
        seal_chunk(key, nonce, 256, true, ByteView(plaintext).subspan(256 * chunk_size)));
  const auto back = decrypt_payload_in_pieces(key, payload, 1 << 20);
  REQUIRE(back);
  CHECK(*back == plaintext);
}
