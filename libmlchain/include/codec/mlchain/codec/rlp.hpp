#pragma once
// RLP, Ethereum's recursive length prefix (Yellow Paper, appendix B): the bytes transactions are signed,
// hashed and broadcast as. An item is a byte string or a list of items. encode() writes the one canonical
// form; decode() accepts exactly that form: a single byte below 0x80 is never wrapped, the long forms are
// used only from 56 bytes on, lengths carry no leading zeros, nothing follows the top item, and nesting
// stops at max_depth. So decode followed by encode reproduces the input byte for byte.
//
// Errors are ErrorKind::invalid_input, like the other decoders': malformed bytes are bad input, "rlp: … at byte N".
// A caller that got the bytes from a remote (a JSON-RPC answer) reports its own remote error around it.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/u256.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec::rlp {

class Item;
using List = std::vector<Item>;

class Item {
 public:
  Item() = default;                                                   // the empty byte string
  Item(Bytes bytes) : data_(std::move(bytes)) {}                      // NOLINT: implicit, a byte string is an item
  Item(List items) : data_(std::move(items)) {}                       // NOLINT
  Item(ByteView bytes) : data_(Bytes(bytes.begin(), bytes.end())) {}  // NOLINT

  // Integers as big-endian bytes without leading zeros (zero is the empty string), as Ethereum writes them.
  static Item integer(std::uint64_t value);
  static Item integer(const U256& value);

  bool is_list() const { return data_.index() == 1; }
  // Null when the item is of the other kind.
  const Bytes* bytes() const { return std::get_if<Bytes>(&data_); }
  const List* list() const { return std::get_if<List>(&data_); }

  friend bool operator==(const Item&, const Item&) = default;

 private:
  std::variant<Bytes, List> data_;
};

// Lists nested deeper than this are refused when decoding, so hostile input cannot exhaust the stack.
inline constexpr std::size_t max_depth = 64;

Bytes encode(const Item& item);
// Exactly one canonical item filling all of `bytes`.
Result<Item> decode(ByteView bytes);

// Integer readers for decoded items: a byte string without leading zeros (so zero is the empty string)
// that fits the type. `what` names the field in the invalid_input error ("rlp: nonce: …").
Result<std::uint64_t> to_uint64(const Item& item, std::string_view what);
Result<U256> to_u256(const Item& item, std::string_view what);

}  // namespace mlchain::codec::rlp
