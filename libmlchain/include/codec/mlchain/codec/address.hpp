#pragma once
// Ethereum addresses: the last 20 bytes of keccak-256 of the uncompressed public key (x ‖ y), printed with
// the EIP-55 mixed-case checksum.

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "mlchain/result.hpp"

namespace mlchain::codec {

struct Address {
  std::array<std::uint8_t, 20> bytes{};
  auto operator<=>(const Address&) const = default;
};

// `public_key` is the 64-byte x ‖ y of an uncompressed point, without the 0x04 prefix.
Address address_from_public_key(std::span<const std::uint8_t, 64> public_key);

// "0x" and 40 hex digits in EIP-55 mixed case.
std::string to_checksum_address(const Address& address);

// "0x" and 40 hex digits. All-lowercase or all-uppercase digits are accepted as they are; mixed case must
// be the EIP-55 checksum, since a mistyped address would otherwise pass silently.
Result<Address> parse_address(std::string_view text);

}  // namespace mlchain::codec
