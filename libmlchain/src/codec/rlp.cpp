#include "mlchain/codec/rlp.hpp"

#include <string>

namespace mlchain::codec::rlp {
namespace {

constexpr std::uint8_t short_string = 0x80;  // + length 0..55
constexpr std::uint8_t long_string = 0xb7;   // + number of length bytes 1..8
constexpr std::uint8_t short_list = 0xc0;    // + length 0..55
constexpr std::uint8_t long_list = 0xf7;     // + number of length bytes 1..8
constexpr std::size_t long_form_threshold = 56;

void append_length(Bytes& out, std::uint8_t short_base, std::uint8_t long_base, std::size_t length) {
  if (length < long_form_threshold) {
    out.push_back(static_cast<std::uint8_t>(short_base + length));
    return;
  }
  std::uint8_t length_bytes = 0;
  for (std::size_t rest = length; rest != 0; rest >>= 8) ++length_bytes;
  out.push_back(static_cast<std::uint8_t>(long_base + length_bytes));
  for (int shift = 8 * (length_bytes - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(length >> shift));
  }
}

void append_item(Bytes& out, const Item& item) {
  if (const auto* bytes = item.bytes()) {
    if (bytes->size() == 1 && (*bytes)[0] < short_string) {
      out.push_back((*bytes)[0]);
    } else {
      append_length(out, short_string, long_string, bytes->size());
      append(out, *bytes);
    }
    return;
  }
  Bytes payload;
  for (const Item& element : *item.list()) append_item(payload, element);
  append_length(out, short_list, long_list, payload.size());
  append(out, payload);
}

// Reads items from `input`; an item must end by `limit`, the end of the list that holds it.
class Decoder {
 public:
  explicit Decoder(ByteView input) : input_(input) {}

  Result<Item> item(std::size_t depth, std::size_t limit) {
    if (pos_ >= limit) return fail_at(pos_, "input ends where an item should start");
    const std::size_t start = pos_;
    const std::uint8_t prefix = input_[pos_++];
    if (prefix < short_string) return Item(Bytes{prefix});
    const bool is_list = prefix >= short_list;
    MLCHAIN_TRY(const std::size_t length, payload_length(prefix, is_list ? short_list : short_string,
                                                         is_list ? long_list : long_string, start, limit));
    if (length > limit - pos_) {
      return fail_at(start, "item of " + std::to_string(length) + " bytes runs past the end of its input");
    }
    const std::size_t end = pos_ + length;
    if (!is_list) {
      const ByteView payload = input_.subspan(pos_, length);
      if (length == 1 && payload[0] < short_string) {
        return fail_at(start, "single byte below 0x80 wrapped in a string header");
      }
      pos_ = end;
      return Item(payload);
    }
    if (depth >= max_depth) return fail_at(start, "lists nested deeper than " + std::to_string(max_depth));
    List elements;
    while (pos_ < end) {
      MLCHAIN_TRY(Item element, item(depth + 1, end));
      elements.push_back(std::move(element));
    }
    return Item(std::move(elements));
  }

  std::size_t position() const { return pos_; }

 private:
  Result<std::size_t> payload_length(std::uint8_t prefix, std::uint8_t short_base, std::uint8_t long_base,
                                     std::size_t start, std::size_t limit) {
    if (prefix <= long_base) return std::size_t{static_cast<std::size_t>(prefix - short_base)};
    const std::size_t length_bytes = prefix - long_base;
    if (length_bytes > limit - pos_) return fail_at(start, "length runs past the end of its input");
    if (input_[pos_] == 0) return fail_at(start, "length with a leading zero byte");
    if (length_bytes > sizeof(std::size_t)) return fail_at(start, "length does not fit in memory");
    std::size_t length = 0;
    for (std::size_t i = 0; i < length_bytes; ++i) length = length << 8 | input_[pos_++];
    if (length < long_form_threshold) return fail_at(start, "long form used for a length below 56");
    return length;
  }

  static Error fail_at(std::size_t offset, std::string what) {
    return make_error(ErrorKind::invalid_input, "rlp: " + what + " at byte " + std::to_string(offset));
  }

  ByteView input_;
  std::size_t pos_ = 0;
};

}  // namespace

Item Item::integer(std::uint64_t value) { return Item(U256(value).minimal_big_endian()); }
Item Item::integer(const U256& value) { return Item(value.minimal_big_endian()); }

Bytes encode(const Item& item) {
  Bytes out;
  append_item(out, item);
  return out;
}

Result<Item> decode(ByteView bytes) {
  Decoder decoder(bytes);
  MLCHAIN_TRY(Item item, decoder.item(0, bytes.size()));
  if (decoder.position() != bytes.size()) {
    return make_error(ErrorKind::invalid_input, "rlp: " + std::to_string(bytes.size() - decoder.position()) +
                                                    " bytes left over after the item at byte " +
                                                    std::to_string(decoder.position()));
  }
  return item;
}

Result<std::uint64_t> to_uint64(const Item& item, std::string_view what) {
  MLCHAIN_TRY(const U256 value, to_u256(item, what));
  const auto small = value.to_uint64();
  if (!small) return make_error(ErrorKind::invalid_input, "rlp: " + std::string(what) + " does not fit 64 bits");
  return *small;
}

Result<U256> to_u256(const Item& item, std::string_view what) {
  const Bytes* bytes = item.bytes();
  if (bytes == nullptr)
    return make_error(ErrorKind::invalid_input, "rlp: " + std::string(what) + " is a list, not an integer");
  if (!bytes->empty() && (*bytes)[0] == 0) {
    return make_error(ErrorKind::invalid_input, "rlp: " + std::string(what) + " has a leading zero byte");
  }
  if (bytes->size() > 32)
    return make_error(ErrorKind::invalid_input, "rlp: " + std::string(what) + " does not fit 256 bits");
  return U256::from_big_endian(*bytes);
}

}  // namespace mlchain::codec::rlp
