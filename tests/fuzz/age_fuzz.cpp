// age files: the header parser and the payload decryptor must refuse or accept without crashing, whatever
// the bytes. A header the strict parser accepts is the one the encoder writes (up to its MAC, which needs
// the file key); a payload that decrypts under the fixed file key is the one the encryptor writes with
// its nonce. Refusals are invalid_input (header) or corrupt (MAC, payload), never anything else. The
// input is also fed to the decryptor in two pieces split where its first byte says, so the chunk
// buffering is exercised at every boundary.

#include "mlchain/crypto/age.hpp"
#include "round_trip.hpp"

using namespace mlchain;
using namespace mlchain::crypto;

namespace {

// The seeds in corpus/age/ were encrypted under this key: 16 bytes a0 a1 … af.
const SecretBytes& fixed_file_key() {
  static const SecretBytes key = [] {
    SecretBytes bytes(age::file_key_size);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes.data()[i] = static_cast<std::uint8_t>(0xa0 + i);
    return bytes;
  }();
  return key;
}

Result<Bytes> decrypt_payload(ByteView payload, std::size_t split) {
  MLCHAIN_TRY(age::PayloadDecryptor decryptor, age::PayloadDecryptor::begin(fixed_file_key()));
  Bytes out;
  split = std::min(split, payload.size());
  MLCHAIN_TRY_STATUS(decryptor.update(payload.first(split), out));
  MLCHAIN_TRY_STATUS(decryptor.update(payload.subspan(split), out));
  MLCHAIN_TRY_STATUS(decryptor.finish(out));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView bytes = fuzz::input(data, size);
  const auto header = age::parse_header(bytes);
  if (!header) {
    fuzz::require(header.error().kind == ErrorKind::invalid_input, "header refusal has the wrong kind");
    return 0;
  }
  const auto encoded = age::encode_header(header->stanzas, fixed_file_key());
  fuzz::require(encoded.ok(), "a parsed header does not encode");
  fuzz::require_same(header->mac_input, ByteView(*encoded).first(std::min(encoded->size(), header->mac_input.size())),
                     "header -> stanzas -> header, up to the MAC");
  const auto mac = age::check_header_mac(*header, fixed_file_key());
  fuzz::require(mac.ok() || mac.error().kind == ErrorKind::corrupt, "MAC refusal has the wrong kind");

  const ByteView payload = bytes.subspan(header->size);
  const std::size_t split = payload.empty() ? 0 : payload[0] * 257u % (payload.size() + 1);
  const auto plaintext = decrypt_payload(payload, split);
  if (!plaintext) {
    fuzz::require(plaintext.error().kind == ErrorKind::corrupt, "payload refusal has the wrong kind");
    return 0;
  }
  auto encryptor = age::PayloadEncryptor::begin_with_nonce(fixed_file_key(), payload.first(age::nonce_size));
  fuzz::require(encryptor.ok(), "no encryptor for a nonce that decrypted");
  Bytes reencrypted;
  fuzz::require(encryptor->update(*plaintext, reencrypted).ok() && encryptor->finish(reencrypted).ok(),
                "the plaintext does not encrypt");
  fuzz::require_same(payload, reencrypted, "payload -> plaintext -> payload");
  return 0;
}
