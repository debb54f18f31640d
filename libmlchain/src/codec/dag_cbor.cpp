#include "mlchain/codec/dag_cbor.hpp"

#include <bit>
#include <cmath>
#include <limits>

namespace mlchain::codec::dag_cbor {
namespace {

enum Major : std::uint8_t {
  unsigned_integer = 0,
  negative_integer = 1,
  byte_string = 2,
  text_string = 3,
  array = 4,
  map = 5,
  tag = 6,
  simple = 7
};

enum Simple : std::uint8_t { simple_false = 20, simple_true = 21, simple_null = 22, float64 = 27 };

constexpr std::uint64_t cid_tag = 42;
constexpr std::uint8_t identity_multibase_prefix = 0x00;

// Strict UTF-8 (RFC 3629): shortest forms only, no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    std::size_t extra = 0;
    std::uint8_t low = 0x80, high = 0xbf;  // bounds of the first continuation byte
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      extra = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      extra = 2;
      if (lead == 0xe0) low = 0xa0;   // overlong
      if (lead == 0xed) high = 0x9f;  // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      extra = 3;
      if (lead == 0xf0) low = 0x90;   // overlong
      if (lead == 0xf4) high = 0x8f;  // above U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto byte = static_cast<std::uint8_t>(text[i + k]);
      const std::uint8_t lo = k == 1 ? low : 0x80, hi = k == 1 ? high : 0xbf;
      if (byte < lo || byte > hi) return false;
    }
    i += extra + 1;
  }
  return true;
}

void append_head(Bytes& out, Major major, std::uint64_t argument) {
  const auto initial = static_cast<std::uint8_t>(major << 5);
  int length = 0;
  if (argument < 24) {
    out.push_back(static_cast<std::uint8_t>(initial | argument));
    return;
  } else if (argument <= 0xff) {
    out.push_back(initial | 24);
    length = 1;
  } else if (argument <= 0xffff) {
    out.push_back(initial | 25);
    length = 2;
  } else if (argument <= 0xffffffff) {
    out.push_back(initial | 26);
    length = 4;
  } else {
    out.push_back(initial | 27);
    length = 8;
  }
  for (int shift = 8 * (length - 1); shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(argument >> shift));
}

class Encoder {
 public:
  Status write(const Value& value) {
    switch (value.kind()) {
      case Value::Kind::null:
        out_.push_back((simple << 5) | simple_null);
        break;
      case Value::Kind::boolean:
        out_.push_back(static_cast<std::uint8_t>((simple << 5) | (*value.get_if<bool>() ? simple_true : simple_false)));
        break;
      case Value::Kind::integer: {
        const auto& integer = *value.get_if<Integer>();
        append_head(out_, integer.negative ? negative_integer : unsigned_integer, integer.argument);
        break;
      }
      case Value::Kind::float64: {
        const double number = *value.get_if<double>();
        if (!std::isfinite(number)) return make_error(ErrorKind::unsupported, "dag-cbor cannot encode NaN or infinity");
        out_.push_back((simple << 5) | float64);
        const auto bits = std::bit_cast<std::uint64_t>(number);
        for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(bits >> shift));
        break;
      }
      case Value::Kind::bytes:
        write_bytes(*value.get_if<Bytes>());
        break;
      case Value::Kind::text:
        MLCHAIN_TRY_STATUS(write_text(*value.get_if<std::string>()));
        break;
      case Value::Kind::list: {
        const auto& list = *value.get_if<List>();
        append_head(out_, array, list.size());
        for (const auto& item : list) MLCHAIN_TRY_STATUS(write(item));
        break;
      }
      case Value::Kind::map: {
        const auto& entries = *value.get_if<Map>();
        append_head(out_, map, entries.size());
        for (const auto& [key, item] : entries) {
          MLCHAIN_TRY_STATUS(write_text(key));
          MLCHAIN_TRY_STATUS(write(item));
        }
        break;
      }
      case Value::Kind::link: {
        append_head(out_, tag, cid_tag);
        Bytes content{identity_multibase_prefix};
        append(content, value.get_if<Cid>()->to_bytes());
        write_bytes(content);
        break;
      }
    }
    return {};
  }

  Bytes take() { return std::move(out_); }

 private:
  void write_bytes(ByteView bytes) {
    append_head(out_, byte_string, bytes.size());
    append(out_, bytes);
  }

  Status write_text(std::string_view text) {
    if (!is_utf8(text)) return make_error(ErrorKind::invalid_input, "dag-cbor text is not valid UTF-8");
    append_head(out_, text_string, text.size());
    append(out_, as_bytes(text));
    return {};
  }

  Bytes out_;
};

struct Head {
  Major major;
  std::uint8_t info;       // the low five bits of the initial byte
  std::uint64_t argument;  // for major type 7, the raw bits that follow (float64's payload)
};

class Decoder {
 public:
  explicit Decoder(ByteView input) : input_(input) {}

  Result<Value> read_document() {
    MLCHAIN_TRY(auto value, read_value(0));
    if (pos_ != input_.size()) return fail("trailing bytes after the value");
    return value;
  }

 private:
  Error fail(const std::string& what) const {
    return make_error(ErrorKind::invalid_input, "dag-cbor: " + what + " at byte " + std::to_string(pos_));
  }

  std::size_t remaining() const { return input_.size() - pos_; }

  Result<std::uint64_t> read_big_endian(std::size_t length) {
    if (remaining() < length) return fail("truncated input");
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < length; ++i) value = (value << 8) | input_[pos_ + i];
    pos_ += length;
    return value;
  }

  Result<Head> read_head() {
    if (remaining() == 0) return fail("truncated input");
    const std::uint8_t initial = input_[pos_++];
    const auto major = static_cast<Major>(initial >> 5);
    const auto info = static_cast<std::uint8_t>(initial & 0x1f);
    if (info < 24) return Head{major, info, info};
    if (info == 31) return fail("indefinite length or break");
    if (info > 27) return fail("reserved additional information " + std::to_string(info));
    const std::size_t length = std::size_t{1} << (info - 24);
    MLCHAIN_TRY(auto argument, read_big_endian(length));
    // The shortest head is the canonical one; floats are exempt, their width is their type.
    const std::uint64_t smallest = length == 1 ? 24 : std::uint64_t{1} << (8 * length / 2);
    if (major != simple && argument < smallest) return fail("non-minimal integer or length");
    return Head{major, info, argument};
  }

  Result<ByteView> read_payload(std::uint64_t length) {
    if (length > remaining()) return fail("length " + std::to_string(length) + " exceeds the input");
    const auto payload = input_.subspan(pos_, static_cast<std::size_t>(length));
    pos_ += payload.size();
    return payload;
  }

  Result<std::string> read_text(std::uint64_t length) {
    const std::size_t start = pos_;
    MLCHAIN_TRY(auto payload, read_payload(length));
    std::string text(payload.begin(), payload.end());
    if (!is_utf8(text)) {
      pos_ = start;
      return fail("text is not valid UTF-8");
    }
    return text;
  }

  Result<Value> read_value(std::size_t depth) {
    if (depth > max_depth) return fail("nesting deeper than " + std::to_string(max_depth));
    const std::size_t start = pos_;
    MLCHAIN_TRY(auto head, read_head());
    switch (head.major) {
      case unsigned_integer:
        return Value(Integer{false, head.argument});
      case negative_integer:
        return Value(Integer{true, head.argument});
      case byte_string: {
        MLCHAIN_TRY(auto payload, read_payload(head.argument));
        return Value(Bytes(payload.begin(), payload.end()));
      }
      case text_string: {
        MLCHAIN_TRY(auto text, read_text(head.argument));
        return Value(std::move(text));
      }
      case array: {
        // Each item takes at least one byte: a count beyond that is a lie, refused before any work.
        if (head.argument > remaining()) return fail("array count exceeds the input");
        List list;
        for (std::uint64_t i = 0; i < head.argument; ++i) {
          MLCHAIN_TRY(auto item, read_value(depth + 1));
          list.push_back(std::move(item));
        }
        return Value(std::move(list));
      }
      case map:
        return read_map(head.argument, depth);
      case tag: {
        if (head.argument != cid_tag) {
          pos_ = start;
          return fail("tag " + std::to_string(head.argument) + " (only tag 42, a link, is allowed)");
        }
        return read_link();
      }
      default:
        return read_simple(head, start);  // major type 7, the last of the eight
    }
  }

  Result<Value> read_map(std::uint64_t count, std::size_t depth) {
    if (count > remaining() / 2) return fail("map count exceeds the input");
    Map entries;
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::size_t key_start = pos_;
      MLCHAIN_TRY(auto head, read_head());
      if (head.major != text_string) {
        pos_ = key_start;
        return fail("map key is not a text string");
      }
      MLCHAIN_TRY(auto key, read_text(head.argument));
      if (!entries.empty() && !KeyOrder{}(entries.rbegin()->first, key)) {
        pos_ = key_start;
        return fail("map key '" + key + "' is duplicate or out of canonical order");
      }
      MLCHAIN_TRY(auto item, read_value(depth + 1));
      entries.emplace_hint(entries.end(), std::move(key), std::move(item));
    }
    return Value(std::move(entries));
  }

  Result<Value> read_link() {
    const std::size_t start = pos_;
    MLCHAIN_TRY(auto head, read_head());
    if (head.major != byte_string) {
      pos_ = start;
      return fail("tag 42 does not wrap a byte string");
    }
    MLCHAIN_TRY(auto content, read_payload(head.argument));
    if (content.empty() || content[0] != identity_multibase_prefix) {
      pos_ = start;
      return fail("link bytes do not start with the 0x00 multibase prefix");
    }
    auto cid = Cid::from_bytes(content.subspan(1));
    if (!cid) {
      pos_ = start;
      return fail("link is not a CID: " + cid.error().message);
    }
    return Value(std::move(cid).value());
  }

  Result<Value> read_simple(const Head& head, std::size_t start) {
    switch (head.info) {
      case simple_false:
        return Value(false);
      case simple_true:
        return Value(true);
      case simple_null:
        return Value(nullptr);
      case float64: {
        const auto number = std::bit_cast<double>(head.argument);
        if (!std::isfinite(number)) {
          pos_ = start;
          return fail("NaN or infinity");
        }
        return Value(number);
      }
      default:
        break;
    }
    pos_ = start;
    if (head.info == 25 || head.info == 26) return fail("16- or 32-bit float (floats are always 64-bit)");
    if (head.info == 23) return fail("undefined");
    return fail("simple value " + std::to_string(head.argument));
  }

  ByteView input_;
  std::size_t pos_ = 0;
};

}  // namespace

Integer Integer::of(std::int64_t value) {
  if (value >= 0) return {false, static_cast<std::uint64_t>(value)};
  return {true, static_cast<std::uint64_t>(-(value + 1))};
}

std::optional<std::int64_t> Integer::to_int64() const {
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (argument > max) return std::nullopt;
  const auto magnitude = static_cast<std::int64_t>(argument);
  return negative ? -magnitude - 1 : magnitude;
}

std::optional<std::uint64_t> Integer::to_uint64() const {
  if (negative) return std::nullopt;
  return argument;
}

std::optional<std::int64_t> Value::as_int64() const {
  const auto* integer = get_if<Integer>();
  return integer ? integer->to_int64() : std::nullopt;
}

std::optional<std::uint64_t> Value::as_uint64() const {
  const auto* integer = get_if<Integer>();
  return integer ? integer->to_uint64() : std::nullopt;
}

const Value* Value::find(std::string_view key) const {
  const auto* entries = get_if<Map>();
  if (!entries) return nullptr;
  const auto it = entries->find(key);
  return it == entries->end() ? nullptr : &it->second;
}

bool operator==(const Value& a, const Value& b) { return a.data_ == b.data_; }

Result<Bytes> encode(const Value& value) {
  Encoder encoder;
  MLCHAIN_TRY_STATUS(encoder.write(value));
  return encoder.take();
}

Result<Value> decode(ByteView bytes) { return Decoder(bytes).read_document(); }

}  // namespace mlchain::codec::dag_cbor
