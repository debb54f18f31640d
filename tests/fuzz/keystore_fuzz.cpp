// Keystore JSON: the parser must refuse or accept without crashing, whatever the bytes; what it accepts
// serializes to a keystore that parses back to the same serialization. Decryption is left out: its cost
// is the KDF's, which the parser has already bounded.

#include <string>
#include <string_view>

#include "mlchain/keys/keystore.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto keystore = keys::parse_keystore(text);
  if (!keystore) {
    fuzz::require(keystore.error().kind == ErrorKind::corrupt, "keystore refusal has the wrong kind");
    return 0;
  }
  const std::string serialized = keys::serialize_keystore(*keystore);
  const auto reparsed = keys::parse_keystore(serialized);
  fuzz::require(reparsed.ok(), "a serialized keystore does not parse");
  fuzz::require(keys::serialize_keystore(*reparsed) == serialized, "keystore -> JSON -> keystore -> JSON");
  return 0;
}
