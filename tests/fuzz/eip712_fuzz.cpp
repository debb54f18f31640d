// EIP-712 typed data: any input is either refused or hashed, never a crash; a document that has a digest
// has a domain separator and a hash of its message under its primaryType, and the digest is made of them.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "mlchain/codec/eip712.hpp"
#include "mlchain/codec/keccak.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view document(reinterpret_cast<const char*>(data), size);
  const auto digest = codec::typed_data_digest(document);
  const auto domain = codec::domain_separator(document);
  if (!digest) return 0;
  fuzz::require(domain.ok(), "a document with a digest has a domain separator");
  // The digest was accepted, so the document is a JSON object with a string primaryType.
  const auto primary = nlohmann::json::parse(document, nullptr, false)["primaryType"].get<std::string>();
  const auto message = codec::struct_hash(document, primary);
  fuzz::require(message.ok(), "a document with a digest has a message hash");
  fuzz::require(codec::encode_type(document, primary).ok(), "the primary type has an encoding");
  Bytes prefixed{0x19, 0x01};
  append(prefixed, *domain);
  append(prefixed, *message);
  const auto expected = codec::keccak256(prefixed);
  fuzz::require_same(expected, *digest, "digest = keccak256(0x1901 ‖ domain separator ‖ message hash)");
  return 0;
}
