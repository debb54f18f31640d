#include "mlchain/eth/rpc_types.hpp"

#include <algorithm>
#include <cctype>

#include "mlchain/codec/u256.hpp"

namespace mlchain::eth {
namespace {

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

std::string BlockTag::text() const {
  if (const auto* name = std::get_if<const char*>(&value_)) return *name;
  return codec::U256(std::get<std::uint64_t>(value_)).to_quantity();
}

RpcError::Kind RpcError::kind() const {
  // Wordings seen from geth, anvil/reth, erigon, nethermind, besu and hosted providers.
  const std::string text = lowercase(message);
  if (contains(text, "already known") || contains(text, "already imported") || contains(text, "known transaction") ||
      contains(text, "already in mempool") || contains(text, "alreadyknown")) {
    return Kind::already_known;
  }
  if (contains(text, "nonce too low") || contains(text, "nonce is too low") || contains(text, "oldnonce")) {
    return Kind::nonce_too_low;
  }
  if (contains(text, "replacement transaction underpriced") || contains(text, "replacement underpriced") ||
      contains(text, "replacementnotallowed") || contains(text, "could not replace existing tx")) {
    return Kind::replacement_underpriced;
  }
  if (contains(text, "insufficient funds")) return Kind::insufficient_funds;
  if (code == 3 || contains(text, "reverted")) return Kind::execution_reverted;
  return Kind::other;
}

std::string RpcError::describe() const {
  constexpr std::size_t max_message = 300;
  std::string shown;
  for (const char c : message) {
    if (shown.size() >= max_message) {
      shown += "…";
      break;
    }
    const auto byte = static_cast<unsigned char>(c);
    shown += byte >= 0x20 && byte < 0x7f ? c : '?';
  }
  return "JSON-RPC error " + std::to_string(code) + ": " + shown;
}

}  // namespace mlchain::eth
