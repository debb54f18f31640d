#include "mlchain/codec/address.hpp"

#include <algorithm>
#include <cctype>

#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/keccak.hpp"

namespace mlchain::codec {

Address address_from_public_key(std::span<const std::uint8_t, 64> public_key) {
  const auto digest = keccak256(public_key);
  Address address;
  std::copy(digest.end() - 20, digest.end(), address.bytes.begin());
  return address;
}

std::string to_checksum_address(const Address& address) {
  std::string digits = to_hex(address.bytes);
  const auto digest = keccak256(as_bytes(digits));
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const unsigned nibble = (i % 2 == 0) ? (digest[i / 2] >> 4) : (digest[i / 2] & 0x0f);
    if (nibble >= 8) digits[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(digits[i])));
  }
  return "0x" + digits;
}

Result<Address> parse_address(std::string_view text) {
  if (text.size() != 42 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
    return make_error(ErrorKind::invalid_input,
                      "address '" + std::string(text) + "' is not 0x followed by 40 hex digits");
  const std::string_view digits = text.substr(2);
  auto decoded = from_hex(digits);
  if (!decoded)
    return make_error(ErrorKind::invalid_input,
                      "address '" + std::string(text) + "' is not 0x followed by 40 hex digits");
  Address address;
  std::copy(decoded->begin(), decoded->end(), address.bytes.begin());

  const auto is_lower = [](char c) { return c >= 'a' && c <= 'f'; };
  const auto is_upper = [](char c) { return c >= 'A' && c <= 'F'; };
  const bool has_lower = std::any_of(digits.begin(), digits.end(), is_lower);
  const bool has_upper = std::any_of(digits.begin(), digits.end(), is_upper);
  if (has_lower && has_upper && to_checksum_address(address).substr(2) != digits)
    return make_error(ErrorKind::invalid_input,
                      "address '" + std::string(text) +
                          "' has an invalid EIP-55 checksum (mistyped? its checksummed form is " +
                          to_checksum_address(address) + ")");
  return address;
}

}  // namespace mlchain::codec
