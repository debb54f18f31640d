#include "mlchain/codec/abi.hpp"

#include <algorithm>
#include <cctype>

#include "mlchain/codec/hex.hpp"
#include "mlchain/util/text.hpp"

namespace mlchain::codec::abi {
namespace {

constexpr std::size_t word_size = 32;
constexpr Selector error_string_selector{0x08, 0xc3, 0x79, 0xa0};  // Error(string)
constexpr Selector panic_selector{0x4e, 0x48, 0x7b, 0x71};         // Panic(uint256)

std::size_t padded(std::size_t length) { return (length + word_size - 1) / word_size * word_size; }

Error usage(std::string what) { return make_error(ErrorKind::invalid_input, "abi: " + std::move(what)); }
Error malformed(std::string what, std::size_t offset) {
  return usage(std::move(what) + " at byte " + std::to_string(offset));
}

void append_word(Bytes& out, const Word& word) { out.insert(out.end(), word.begin(), word.end()); }
void append_length(Bytes& out, std::size_t length) { append_word(out, U256(std::uint64_t{length}).big_endian()); }

// The bytes a value of `type` takes in the head of its enclosing tuple: an offset word for a dynamic type,
// the whole inline encoding for a static tuple, one word for everything else.
std::size_t head_size(const Type& type) {
  if (type.is_dynamic() || type.kind() != Type::Kind::tuple) return word_size;
  std::size_t size = 0;
  for (const Type& component : type.components()) size += head_size(component);
  return size;
}

std::size_t head_size(std::span<const Type> types) {
  std::size_t size = 0;
  for (const Type& type : types) size += head_size(type);
  return size;
}

// Whether a 32-byte word is a uintN: every byte above the low N bits is zero.
bool fits_unsigned(const Word& word, unsigned bits) {
  return std::all_of(word.begin(), word.end() - bits / 8, [](std::uint8_t b) { return b == 0; });
}

// Whether a 32-byte word is an intN: the bytes above the low N bits repeat its sign bit.
bool fits_signed(const Word& word, unsigned bits) {
  const std::size_t first = word_size - bits / 8;
  const std::uint8_t fill = (word[first] & 0x80) != 0 ? 0xff : 0x00;
  return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(first),
                     [&](std::uint8_t b) { return b == fill; });
}

Word address_word(const Address& address) {
  Word word{};
  std::copy(address.bytes.begin(), address.bytes.end(), word.begin() + 12);
  return word;
}

Result<Bytes> encode_tuple(std::span<const Type> types, std::span<const Value> values);

Result<Bytes> encode_value(const Type& type, const Value& value) {
  Bytes out;
  auto mismatch = [&] { return usage("value does not match its type " + type.name()); };
  switch (type.kind()) {
    case Type::Kind::uint: {
      const auto* number = value.get_if<U256>();
      if (number == nullptr) return mismatch();
      if (!fits_unsigned(number->big_endian(), type.bits())) {
        return usage(number->to_decimal() + " does not fit " + type.name());
      }
      append_word(out, number->big_endian());
      break;
    }
    case Type::Kind::int_: {
      const auto* number = value.get_if<I256>();
      if (number == nullptr) return mismatch();
      if (!fits_signed(number->big_endian(), type.bits())) {
        return usage(number->to_decimal() + " does not fit " + type.name());
      }
      append_word(out, number->big_endian());
      break;
    }
    case Type::Kind::address: {
      const auto* address = value.get_if<Address>();
      if (address == nullptr) return mismatch();
      append_word(out, address_word(*address));
      break;
    }
    case Type::Kind::boolean: {
      const auto* flag = value.get_if<bool>();
      if (flag == nullptr) return mismatch();
      append_word(out, U256(*flag ? 1u : 0u).big_endian());
      break;
    }
    case Type::Kind::bytes32: {
      const auto* word = value.get_if<Word>();
      if (word == nullptr) return mismatch();
      append_word(out, *word);
      break;
    }
    case Type::Kind::bytes:
    case Type::Kind::string: {
      ByteView contents;
      if (type.kind() == Type::Kind::bytes) {
        const auto* bytes = value.get_if<Bytes>();
        if (bytes == nullptr) return mismatch();
        contents = *bytes;
      } else {
        const auto* text = value.get_if<std::string>();
        if (text == nullptr) return mismatch();
        contents = as_bytes(*text);
      }
      append_length(out, contents.size());
      append(out, contents);
      out.resize(out.size() + padded(contents.size()) - contents.size(), 0);
      break;
    }
    case Type::Kind::array: {
      const auto* elements = value.get_if<List>();
      if (elements == nullptr) return mismatch();
      append_length(out, elements->size());
      const std::vector<Type> element_types(elements->size(), *type.element());
      MLCHAIN_TRY(const Bytes body, encode_tuple(element_types, *elements));
      append(out, body);
      break;
    }
    case Type::Kind::tuple: {
      const auto* tuple = value.get_if<Tuple>();
      if (tuple == nullptr) return mismatch();
      MLCHAIN_TRY(out, encode_tuple(type.components(), tuple->fields));
      break;
    }
  }
  return out;
}

Result<Bytes> encode_tuple(std::span<const Type> types, std::span<const Value> values) {
  if (types.size() != values.size()) {
    return usage(std::to_string(values.size()) + " values for " + std::to_string(types.size()) + " types");
  }
  Bytes head;
  Bytes tail;
  const std::size_t heads = head_size(types);
  for (std::size_t i = 0; i < types.size(); ++i) {
    MLCHAIN_TRY(const Bytes encoded, encode_value(types[i], values[i]));
    if (types[i].is_dynamic()) {
      append_length(head, heads + tail.size());
      append(tail, encoded);
    } else {
      append(head, encoded);
    }
  }
  append(head, tail);
  return head;
}

// Reads values laid out canonically in `data`, which starts at byte `origin` of the whole input (for
// messages). Every read is bounds-checked against `data`.
class Decoder {
 public:
  Decoder(ByteView data, std::size_t origin) : data_(data), origin_(origin) {}

  // The tuple that starts at `at`; returns its values and sets `size` to the bytes it spans.
  Result<std::vector<Value>> tuple(std::span<const Type> types, std::size_t at, std::size_t& size) {
    const std::size_t heads = head_size(types);
    if (heads > data_.size() - std::min(at, data_.size())) {
      return malformed("data too short for " + std::to_string(types.size()) + " values", origin_ + at);
    }
    std::vector<Value> values;
    values.reserve(types.size());
    std::size_t end = heads;  // where the next dynamic value must start, from `at`
    std::size_t next_head = at;
    for (const Type& type : types) {
      const std::size_t head = next_head;
      next_head += head_size(type);
      if (!type.is_dynamic()) {
        MLCHAIN_TRY(Value value, static_value(type, head));
        values.push_back(std::move(value));
        continue;
      }
      MLCHAIN_TRY(const std::size_t offset, length_at(head, "offset"));
      if (offset != end) {
        return malformed("offset " + std::to_string(offset) + " is not where the standard layout puts the value (" +
                             std::to_string(end) + ")",
                         origin_ + head);
      }
      std::size_t value_size = 0;
      MLCHAIN_TRY(Value value, dynamic_value(type, at + offset, value_size));
      end += value_size;
      values.push_back(std::move(value));
    }
    size = end;
    return values;
  }

  Result<Value> static_value(const Type& type, std::size_t at) {
    if (type.kind() == Type::Kind::tuple) {
      std::size_t size = 0;
      MLCHAIN_TRY(std::vector<Value> fields, tuple(type.components(), at, size));
      return Value(Tuple{std::move(fields)});
    }
    MLCHAIN_TRY(const Word word, word_at(at));
    switch (type.kind()) {
      case Type::Kind::uint:
        if (!fits_unsigned(word, type.bits())) {
          return malformed(type.name() + " with bits above its width", origin_ + at);
        }
        return Value(U256::from_big_endian(std::span<const std::uint8_t, 32>(word)));
      case Type::Kind::int_:
        if (!fits_signed(word, type.bits())) {
          return malformed(type.name() + " that is not the sign extension of its width", origin_ + at);
        }
        return Value(I256::from_big_endian(std::span<const std::uint8_t, 32>(word)));
      case Type::Kind::bytes32:
        return Value(word);
      case Type::Kind::address: {
        if (std::any_of(word.begin(), word.begin() + 12, [](std::uint8_t b) { return b != 0; })) {
          return malformed("address with non-zero upper bytes", origin_ + at);
        }
        Address address;
        std::copy(word.begin() + 12, word.end(), address.bytes.begin());
        return Value(address);
      }
      case Type::Kind::boolean: {
        const U256 number = U256::from_big_endian(std::span<const std::uint8_t, 32>(word));
        if (number > U256(1)) return malformed("bool that is neither 0 nor 1", origin_ + at);
        return Value(number == U256(1));
      }
      default:
        return malformed("dynamic type read as static", origin_ + at);
    }
  }

 private:
  Result<Value> dynamic_value(const Type& type, std::size_t at, std::size_t& size) {
    if (type.kind() == Type::Kind::tuple) {
      MLCHAIN_TRY(std::vector<Value> fields, tuple(type.components(), at, size));
      return Value(Tuple{std::move(fields)});
    }
    MLCHAIN_TRY(const std::size_t length, length_at(at, "length"));
    const std::size_t body = at + word_size;
    if (type.kind() == Type::Kind::array) {
      // Every element takes at least a word (there is no empty tuple), so a length beyond that cannot be honest.
      if (length > (data_.size() - body) / word_size) {
        return malformed("array of " + std::to_string(length) + " elements longer than the data", origin_ + at);
      }
      const std::vector<Type> element_types(length, *type.element());
      std::size_t body_size = 0;
      MLCHAIN_TRY(List elements, tuple(element_types, body, body_size));
      size = word_size + body_size;
      return Value(std::move(elements));
    }
    if (length > data_.size() - body || padded(length) > data_.size() - body) {
      return malformed(std::to_string(length) + " bytes run past the end of the data", origin_ + at);
    }
    const ByteView contents = data_.subspan(body, length);
    const ByteView padding = data_.subspan(body + length, padded(length) - length);
    if (std::any_of(padding.begin(), padding.end(), [](std::uint8_t b) { return b != 0; })) {
      return malformed("non-zero padding", origin_ + body + length);
    }
    size = word_size + padded(length);
    if (type.kind() == Type::Kind::bytes) return Value(Bytes(contents.begin(), contents.end()));
    return Value(std::string(contents.begin(), contents.end()));
  }

  Result<Word> word_at(std::size_t at) const {
    if (at > data_.size() || data_.size() - at < word_size) return malformed("data ends inside a word", origin_ + at);
    Word word{};
    std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(at), word_size, word.begin());
    return word;
  }

  // An offset or length: a uint256 that must lie inside the data.
  Result<std::size_t> length_at(std::size_t at, const char* what) const {
    MLCHAIN_TRY(const Word word, word_at(at));
    const auto value = U256::from_big_endian(std::span<const std::uint8_t, 32>(word)).to_uint64();
    if (!value || *value > data_.size())
      return malformed(std::string(what) + " beyond the end of the data", origin_ + at);
    return static_cast<std::size_t>(*value);
  }

  ByteView data_;
  std::size_t origin_;
};

Result<std::vector<Value>> decode_at(std::span<const Type> types, ByteView data, std::size_t origin) {
  Decoder decoder(data, origin);
  std::size_t size = 0;
  MLCHAIN_TRY(auto values, decoder.tuple(types, 0, size));
  if (size != data.size()) {
    return malformed(std::to_string(data.size() - size) + " bytes after the encoded values", origin + size);
  }
  return values;
}

bool is_identifier(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; });
}

// The comma-separated parameters of a list "T1 a,(T2,T3) b", split at the commas outside parentheses and
// trimmed; an empty (or all-blank) list has none.
Result<std::vector<std::string_view>> split_parameters(std::string_view list) {
  std::vector<std::string_view> pieces;
  if (util::trim(list, " ").empty()) return pieces;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size() && list[i] == '(') ++depth;
    if (i < list.size() && list[i] == ')' && --depth < 0) break;
    if (i == list.size() || (list[i] == ',' && depth == 0)) {
      const auto piece = util::trim(list.substr(start, i - start), " ");
      if (piece.empty()) return usage("an empty parameter in \"" + std::string(list.substr(0, 200)) + "\"");
      pieces.push_back(piece);
      start = i + 1;
    }
  }
  if (depth != 0) return usage("unbalanced parentheses in \"" + std::string(list.substr(0, 200)) + "\"");
  return pieces;
}

// One parameter "TYPE[ WORD…]": the type (a tuple type with what follows its closing parenthesis up to the
// next blank, "(T1,T2)[]"), then the blank-separated words after it.
Result<std::vector<std::string_view>> parameter_words(std::string_view piece) {
  std::size_t type_end = 0;
  if (piece.starts_with('(')) {
    int depth = 0;
    for (; type_end < piece.size(); ++type_end) {
      if (piece[type_end] == '(') ++depth;
      if (piece[type_end] == ')' && --depth == 0) break;
    }
    if (type_end == piece.size()) {
      return usage("unbalanced parentheses in \"" + std::string(piece.substr(0, 200)) + "\"");
    }
  }
  type_end = std::min(piece.find(' ', type_end), piece.size());
  std::vector<std::string_view> words{piece.substr(0, type_end)};
  for (std::size_t at = type_end; at < piece.size();) {
    const auto space = std::min(piece.find(' ', at), piece.size());
    if (space > at) words.push_back(piece.substr(at, space - at));
    at = space + 1;
  }
  return words;
}

std::string describe_value(const Value& value) {
  if (const auto* number = value.get_if<U256>()) return number->to_decimal();
  if (const auto* number = value.get_if<I256>()) return number->to_decimal();
  if (const auto* address = value.get_if<Address>()) return to_checksum_address(*address);
  if (const auto* flag = value.get_if<bool>()) return *flag ? "true" : "false";
  if (const auto* word = value.get_if<Word>()) return to_0x_hex(*word);
  if (const auto* bytes = value.get_if<Bytes>()) return to_0x_hex(*bytes);
  if (const auto* text = value.get_if<std::string>()) {
    std::string quoted = "\"";
    for (const char c : *text) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        quoted += '\\';
        quoted += c;
      } else if (byte < 0x20 || byte >= 0x7f) {
        static constexpr char digits[] = "0123456789abcdef";
        quoted += "\\x";
        quoted += digits[byte >> 4];
        quoted += digits[byte & 0x0f];
      } else {
        quoted += c;
      }
    }
    return quoted + "\"";
  }
  if (const auto* tuple = value.get_if<Tuple>()) {
    std::string text = "(";
    for (const Value& field : tuple->fields) text += (text.size() > 1 ? ", " : "") + describe_value(field);
    return text + ")";
  }
  std::string list = "[";
  for (const Value& element : *value.get_if<List>()) list += (list.size() > 1 ? ", " : "") + describe_value(element);
  return list + "]";
}

}  // namespace

Type Type::uint(unsigned bits) { return Type(Kind::uint, bits >= 8 && bits <= 256 && bits % 8 == 0 ? bits : 256); }

Type Type::int_(unsigned bits) { return Type(Kind::int_, bits >= 8 && bits <= 256 && bits % 8 == 0 ? bits : 256); }

Type Type::array_of(Type element) {
  Type type(Kind::array);
  type.element_ = std::make_shared<const Type>(std::move(element));
  return type;
}

Type Type::tuple(std::vector<Type> components) {
  Type type(Kind::tuple);
  type.components_ = std::make_shared<const std::vector<Type>>(std::move(components));
  return type;
}

const std::vector<Type>& Type::components() const {
  static const std::vector<Type> none;
  return components_ ? *components_ : none;
}

Result<Type> Type::parse(std::string_view text) {
  auto unsupported = [&](std::string why) {
    return usage("unsupported type \"" + std::string(text.substr(0, 200)) + "\" (" + std::move(why) + ")");
  };
  if (text.ends_with("[]")) {
    MLCHAIN_TRY(Type element, parse(text.substr(0, text.size() - 2)));
    return array_of(std::move(element));
  }
  if (text.starts_with('(')) {
    if (!text.ends_with(')')) return unsupported("a tuple ends with ')'");
    MLCHAIN_TRY(const auto pieces, split_parameters(text.substr(1, text.size() - 2)));
    if (pieces.empty()) return unsupported("a tuple has at least one component");
    std::vector<Type> components;
    for (const std::string_view piece : pieces) {
      MLCHAIN_TRY(const auto words, parameter_words(piece));
      if (words.size() > 2 || (words.size() == 2 && !is_identifier(words[1]))) {
        return unsupported("a tuple component is a type and an optional name");
      }
      MLCHAIN_TRY(Type component, parse(words[0]));
      components.push_back(std::move(component));
    }
    return tuple(std::move(components));
  }
  if (text == "uint" || text == "int") return text == "uint" ? uint256() : int256();
  for (const bool is_signed : {false, true}) {
    const std::string_view prefix = is_signed ? "int" : "uint";
    if (!text.starts_with(prefix)) continue;
    const std::string_view digits = text.substr(prefix.size());
    unsigned bits = 0;
    const bool numeric = !digits.empty() && digits.size() <= 3 && digits[0] != '0' &&
                         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) bits = static_cast<unsigned>(std::stoul(std::string(digits)));
    if (!numeric || bits > 256 || bits % 8 != 0) return unsupported("widths are 8, 16, … 256");
    return is_signed ? int_(bits) : uint(bits);
  }
  if (text == "address") return address();
  if (text == "bool") return boolean();
  if (text == "bytes32") return bytes32();
  if (text == "bytes") return bytes();
  if (text == "string") return string();
  return unsupported("uintN, intN, address, bool, bytes32, bytes, string, T[], (T1,T2,…)");
}

bool Type::is_dynamic() const {
  switch (kind_) {
    case Kind::bytes:
    case Kind::string:
    case Kind::array:
      return true;
    case Kind::tuple:
      return std::any_of(components().begin(), components().end(), [](const Type& c) { return c.is_dynamic(); });
    default:
      return false;
  }
}

std::string Type::name() const {
  switch (kind_) {
    case Kind::uint:
      return "uint" + std::to_string(bits_);
    case Kind::int_:
      return "int" + std::to_string(bits_);
    case Kind::address:
      return "address";
    case Kind::boolean:
      return "bool";
    case Kind::bytes32:
      return "bytes32";
    case Kind::bytes:
      return "bytes";
    case Kind::string:
      return "string";
    case Kind::array:
      return element_->name() + "[]";
    case Kind::tuple: {
      std::string text = "(";
      for (const Type& component : components()) text += (text.size() > 1 ? "," : "") + component.name();
      return text + ")";
    }
  }
  return {};
}

bool operator==(const Type& a, const Type& b) {
  if (a.kind_ != b.kind_ || a.bits_ != b.bits_) return false;
  if (a.kind_ == Type::Kind::array) return *a.element_ == *b.element_;
  return a.kind_ != Type::Kind::tuple || a.components() == b.components();
}

Keccak256Digest signature_hash(std::string_view signature) { return keccak256(as_bytes(signature)); }

Selector selector(std::string_view signature) {
  const auto hash = signature_hash(signature);
  return {hash[0], hash[1], hash[2], hash[3]};
}

std::string Signature::canonical() const {
  std::string text = name + "(";
  for (std::size_t i = 0; i < parameters.size(); ++i) text += (i > 0 ? "," : "") + parameters[i].type.name();
  return text + ")";
}

std::vector<Type> Signature::types() const {
  std::vector<Type> types;
  for (const Parameter& parameter : parameters) types.push_back(parameter.type);
  return types;
}

Selector Signature::selector() const { return abi::selector(canonical()); }
Word Signature::topic() const { return signature_hash(canonical()); }

Result<Signature> parse_signature(std::string_view text) {
  const auto open = text.find('(');
  auto bad = [&](const std::string& why) {
    return usage("not a signature (" + why + "): \"" + std::string(text.substr(0, 200)) + "\"");
  };
  if (open == std::string_view::npos || !text.ends_with(")")) return bad("expected name(types)");
  Signature signature;
  signature.name = std::string(util::trim(text.substr(0, open), " "));
  if (!is_identifier(signature.name)) return bad("the name is not an identifier");
  MLCHAIN_TRY(const auto pieces, split_parameters(text.substr(open + 1, text.size() - open - 2)));
  for (const std::string_view piece : pieces) {
    MLCHAIN_TRY(const auto words, parameter_words(piece));
    MLCHAIN_TRY(Type type, Type::parse(words[0]));
    Parameter parameter{std::move(type), false};
    std::size_t next = 1;
    if (next < words.size() && words[next] == "indexed") {
      parameter.indexed = true;
      ++next;
    }
    if (next < words.size() && is_identifier(words[next])) ++next;  // a parameter name, which the ABI ignores
    if (next != words.size()) return bad("unexpected \"" + std::string(words[next]) + "\"");
    signature.parameters.push_back(std::move(parameter));
  }
  return signature;
}

Result<Bytes> encode(std::span<const Type> types, std::span<const Value> values) { return encode_tuple(types, values); }

Result<std::vector<Value>> decode(std::span<const Type> types, ByteView data) { return decode_at(types, data, 0); }

Result<Bytes> encode_call(const Signature& function, std::span<const Value> arguments) {
  const Selector id = function.selector();
  Bytes calldata(id.begin(), id.end());
  MLCHAIN_TRY(const Bytes encoded, encode_tuple(function.types(), arguments));
  append(calldata, encoded);
  return calldata;
}

Result<std::vector<Value>> decode_call(const Signature& function, ByteView calldata) {
  const Selector id = function.selector();
  if (calldata.size() < id.size() || !std::equal(id.begin(), id.end(), calldata.begin())) {
    return usage("calldata does not start with the selector of " + function.canonical());
  }
  return decode_at(function.types(), calldata.subspan(id.size()), id.size());
}

Result<std::vector<Value>> decode_log(const Signature& event, std::span<const Word> topics, ByteView data) {
  const auto indexed = static_cast<std::size_t>(
      std::count_if(event.parameters.begin(), event.parameters.end(), [](const Parameter& p) { return p.indexed; }));
  if (topics.empty() || topics[0] != event.topic()) return usage("log is not a " + event.canonical() + " event");
  if (topics.size() != indexed + 1) {
    return usage(event.name + " log has " + std::to_string(topics.size()) + " topics, expected " +
                 std::to_string(indexed + 1));
  }
  std::vector<Type> data_types;
  for (const Parameter& parameter : event.parameters) {
    if (!parameter.indexed) data_types.push_back(parameter.type);
  }
  MLCHAIN_TRY(std::vector<Value> data_values, decode(data_types, data));
  std::vector<Value> values;
  std::size_t next_topic = 1;
  std::size_t next_data = 0;
  for (const Parameter& parameter : event.parameters) {
    if (!parameter.indexed) {
      values.push_back(std::move(data_values[next_data++]));
      continue;
    }
    const Word& topic = topics[next_topic++];
    if (parameter.type.is_dynamic() || parameter.type.kind() == Type::Kind::tuple) {
      values.emplace_back(topic);
      continue;
    }
    Decoder decoder(topic, 0);
    auto value = decoder.static_value(parameter.type, 0);
    if (!value) return usage(event.name + " topic " + std::to_string(next_topic - 1) + ": " + value.error().message);
    values.push_back(std::move(value).value());
  }
  return values;
}

Result<std::vector<std::optional<Word>>> event_topics(const Signature& event,
                                                      std::span<const std::optional<Value>> indexed_values) {
  std::vector<const Parameter*> indexed;
  for (const Parameter& parameter : event.parameters) {
    if (parameter.indexed) indexed.push_back(&parameter);
  }
  if (indexed_values.size() > indexed.size()) {
    return usage(std::to_string(indexed_values.size()) + " values for the " + std::to_string(indexed.size()) +
                 " indexed parameters of " + event.canonical());
  }
  std::vector<std::optional<Word>> topics{event.topic()};
  for (std::size_t i = 0; i < indexed_values.size(); ++i) {
    const auto& value = indexed_values[i];
    if (!value) {
      topics.emplace_back();
      continue;
    }
    const Type& type = indexed[i]->type;
    if (type.kind() == Type::Kind::array || type.kind() == Type::Kind::tuple) {
      return usage("indexed array and tuple parameters are not supported");
    }
    if (type.is_dynamic()) {
      // The EVM hashes an indexed string or bytes value's contents, unpadded.
      const auto* text = value->get_if<std::string>();
      const auto* bytes = value->get_if<Bytes>();
      if ((type.kind() == Type::Kind::string) != (text != nullptr) || (text == nullptr && bytes == nullptr)) {
        return usage("value does not match its type " + type.name());
      }
      topics.emplace_back(keccak256(text != nullptr ? as_bytes(*text) : ByteView(*bytes)));
      continue;
    }
    MLCHAIN_TRY(const Bytes word, encode_value(type, *value));
    Word topic{};
    std::copy(word.begin(), word.end(), topic.begin());
    topics.emplace_back(topic);
  }
  return topics;
}

std::string Revert::describe() const {
  switch (kind) {
    case Kind::empty:
      return "no revert data";
    case Kind::error_string:
      return "Error(" + describe_value(Value(message)) + ")";
    case Kind::panic:
      return "Panic(" + panic_code.to_quantity() + ")";
    case Kind::custom: {
      std::string text = error_name + "(";
      for (std::size_t i = 0; i < arguments.size(); ++i) text += (i > 0 ? ", " : "") + describe_value(arguments[i]);
      return text + ")";
    }
    case Kind::unknown: {
      const std::size_t shown = std::min<std::size_t>(data.size(), 4);
      return "unknown error " + to_0x_hex(ByteView(data).first(shown)) + " (" + std::to_string(data.size()) + " bytes)";
    }
  }
  return {};
}

Result<Revert> decode_revert(ByteView data, std::span<const Signature> custom_errors) {
  Revert revert;
  revert.data.assign(data.begin(), data.end());
  if (data.empty()) return revert;
  if (data.size() < 4) {
    revert.kind = Revert::Kind::unknown;
    return revert;
  }
  const auto matches = [&](const Selector& id) { return std::equal(id.begin(), id.end(), data.begin()); };
  const ByteView arguments = data.subspan(4);
  if (matches(error_string_selector)) {
    const Type string_type = Type::string();
    MLCHAIN_TRY(auto values, decode_at({&string_type, 1}, arguments, 4));
    revert.kind = Revert::Kind::error_string;
    revert.message = *values[0].get_if<std::string>();
    return revert;
  }
  if (matches(panic_selector)) {
    const Type code_type = Type::uint256();
    MLCHAIN_TRY(auto values, decode_at({&code_type, 1}, arguments, 4));
    revert.kind = Revert::Kind::panic;
    revert.panic_code = *values[0].get_if<U256>();
    return revert;
  }
  for (const Signature& error : custom_errors) {
    if (!matches(error.selector())) continue;
    MLCHAIN_TRY(revert.arguments, decode_at(error.types(), arguments, 4));
    revert.kind = Revert::Kind::custom;
    revert.error_name = error.name;
    return revert;
  }
  revert.kind = Revert::Kind::unknown;
  return revert;
}

}  // namespace mlchain::codec::abi
