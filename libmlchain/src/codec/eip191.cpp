#include "mlchain/codec/eip191.hpp"

#include <string>

#include "mlchain/codec/hex.hpp"

namespace mlchain::codec {

Keccak256Digest personal_message_digest(ByteView message) {
  Keccak256 hasher;
  hasher.update(
      as_bytes("\x19"
               "Ethereum Signed Message:\n"));
  hasher.update(as_bytes(std::to_string(message.size())));
  hasher.update(message);
  return hasher.finish();
}

Result<Bytes> message_from_argument(std::string_view argument) {
  if (argument.starts_with("0x")) {
    auto bytes = from_hex(argument.substr(2));
    if (!bytes)
      return make_error(ErrorKind::invalid_input, "message starts with 0x but is not hex: " + bytes.error().message);
    return bytes;
  }
  const auto text = as_bytes(argument);
  return Bytes(text.begin(), text.end());
}

}  // namespace mlchain::codec
