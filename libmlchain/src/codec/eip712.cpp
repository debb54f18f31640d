#include "mlchain/codec/eip712.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/i256.hpp"
#include "mlchain/codec/u256.hpp"

namespace mlchain::codec {
inline namespace eip712 {
namespace {

using nlohmann::json;
using Word = std::array<std::uint8_t, 32>;

constexpr std::string_view domain_type = "EIP712Domain";
constexpr std::size_t word_size = 32;

Error invalid(std::string what) { return make_error(ErrorKind::invalid_input, "typed data: " + std::move(what)); }

std::string in_quotes(std::string_view text) {
  constexpr std::size_t shown = 80;
  return "\"" + std::string(text.substr(0, shown)) + (text.size() > shown ? "…\"" : "\"");
}

struct Field {
  std::string name;
  std::string type;
};
using Types = std::map<std::string, std::vector<Field>, std::less<>>;

bool is_identifier(std::string_view text) {
  if (text.empty() || (text[0] >= '0' && text[0] <= '9')) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
  });
}

// N of "uintN", "intN" (8 … 256, step 8) or "bytesN" (1 … 32) after `prefix`, or nothing.
std::optional<unsigned> width_after(std::string_view type, std::string_view prefix, unsigned step, unsigned most) {
  if (!type.starts_with(prefix)) return std::nullopt;
  const std::string_view digits = type.substr(prefix.size());
  if (digits.empty() || digits.size() > 3 || digits[0] == '0' ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const auto width = static_cast<unsigned>(std::stoul(std::string(digits)));
  if (width % step != 0 || width > most) return std::nullopt;
  return width;
}

std::optional<unsigned> uint_bits(std::string_view type) { return width_after(type, "uint", 8, 256); }
std::optional<unsigned> int_bits(std::string_view type) { return width_after(type, "int", 8, 256); }
std::optional<unsigned> bytes_size(std::string_view type) { return width_after(type, "bytes", 1, 32); }

bool is_atomic(std::string_view type) {
  return type == "bool" || type == "address" || type == "string" || type == "bytes" || uint_bits(type) ||
         int_bits(type) || bytes_size(type);
}

// "T[]" or "T[k]": the element type and k (nothing for T[]); nothing when `type` is not an array.
struct ArrayType {
  std::string_view element;
  std::optional<std::size_t> length;
};
Result<std::optional<ArrayType>> array_type(std::string_view type) {
  if (!type.ends_with(']')) return std::optional<ArrayType>();
  const auto open = type.rfind('[');
  if (open == std::string_view::npos || open == 0) return invalid("malformed array type " + in_quotes(type));
  const std::string_view digits = type.substr(open + 1, type.size() - open - 2);
  ArrayType array{type.substr(0, open), std::nullopt};
  if (digits.empty()) return std::optional<ArrayType>(array);
  if (digits.size() > 6 || digits[0] == '0' ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return invalid("malformed array length in " + in_quotes(type));
  }
  array.length = static_cast<std::size_t>(std::stoul(std::string(digits)));
  return std::optional<ArrayType>(array);
}

// The struct or atomic type under all array suffixes: "Person" for "Person[][2]".
Result<std::string_view> base_type(std::string_view type) {
  for (;;) {
    MLCHAIN_TRY(const auto array, array_type(type));
    if (!array) return type;
    type = array->element;
  }
}

class Document {
 public:
  static Result<Document> parse(std::string_view text) {
    Document document;
    document.root_ = json::parse(text, nullptr, false);
    if (document.root_.is_discarded()) return invalid("not a JSON document");
    if (!document.root_.is_object()) return invalid("the document is not a JSON object");
    for (const char* key : {"types", "domain", "message"}) {
      if (!document.root_.contains(key) || !document.root_[key].is_object()) {
        return invalid(std::string("\"") + key + "\" is missing or not an object");
      }
    }
    const auto primary = document.root_.find("primaryType");
    if (primary == document.root_.end() || !primary->is_string()) {
      return invalid("\"primaryType\" is missing or not a string");
    }
    document.primary_ = primary->get<std::string>();
    MLCHAIN_TRY_STATUS(document.read_types());
    if (!document.types_.contains(document.primary_)) {
      return invalid("primaryType " + in_quotes(document.primary_) + " is not one of the document's types");
    }
    if (document.primary_ == domain_type) return invalid("primaryType EIP712Domain is not a message type");
    MLCHAIN_TRY_STATUS(document.check_acyclic());
    return document;
  }

  const json& domain() const { return root_["domain"]; }
  const json& message() const { return root_["message"]; }
  const std::string& primary() const { return primary_; }
  bool has_type(std::string_view name) const { return types_.find(name) != types_.end(); }

  std::string encode_type(std::string_view name) const {
    std::set<std::string, std::less<>> dependencies;
    collect_dependencies(name, dependencies);
    dependencies.erase(std::string(name));
    std::string text = describe(name);
    for (const std::string& dependency : dependencies) text += describe(dependency);
    return text;
  }

  Result<Keccak256Digest> hash_struct(std::string_view name, const json& value, const std::string& path) const {
    if (!value.is_object()) return invalid(path + ": expected an object of type " + std::string(name));
    const auto& fields = types_.find(name)->second;
    for (const auto& item : value.items()) {
      const std::string& key = item.key();
      const bool declared = std::any_of(fields.begin(), fields.end(), [&](const Field& f) { return f.name == key; });
      if (!declared) {
        return invalid(path + ": field " + in_quotes(key) + " is not declared in type " + std::string(name));
      }
    }
    Bytes encoded;
    append(encoded, keccak256(as_bytes(encode_type(name))));
    for (const Field& field : fields) {
      const auto member = value.find(field.name);
      const std::string field_path = path + "." + field.name;
      if (member == value.end()) return invalid(field_path + " is missing (type " + field.type + ")");
      MLCHAIN_TRY(const Word word, encode_value(field.type, *member, field_path));
      append(encoded, word);
    }
    return keccak256(encoded);
  }

 private:
  Status read_types() {
    for (const auto& [name, fields] : root_["types"].items()) {
      if (!is_identifier(name) || is_atomic(name)) {
        return invalid("type name " + in_quotes(name) + " is not a struct name");
      }
      if (!fields.is_array()) return invalid("type " + name + " is not a list of fields");
      std::vector<Field> parsed;
      for (const json& field : fields) {
        const auto field_name = field.is_object() ? field.find("name") : field.end();
        const auto field_type = field.is_object() ? field.find("type") : field.end();
        if (!field.is_object() || field_name == field.end() || field_type == field.end() || !field_name->is_string() ||
            !field_type->is_string() || field.size() != 2) {
          return invalid("type " + name + " has a field that is not {\"name\": …, \"type\": …}");
        }
        Field entry{field_name->get<std::string>(), field_type->get<std::string>()};
        if (!is_identifier(entry.name)) return invalid("type " + name + " has a field named " + in_quotes(entry.name));
        if (std::any_of(parsed.begin(), parsed.end(), [&](const Field& f) { return f.name == entry.name; })) {
          return invalid("type " + name + " declares field " + entry.name + " twice");
        }
        parsed.push_back(std::move(entry));
      }
      types_.emplace(name, std::move(parsed));
    }
    if (!has_type(domain_type)) types_.emplace(std::string(domain_type), inferred_domain_type());
    for (const auto& [name, fields] : types_) {
      for (const Field& field : fields) {
        MLCHAIN_TRY(const std::string_view base, base_type(field.type));
        if (!is_atomic(base) && !has_type(base)) {
          return invalid("type " + name + " field " + field.name + " has unknown type " + in_quotes(field.type));
        }
      }
    }
    return {};
  }

  // The domain type cast and ethers infer when the document names none: the standard fields present.
  std::vector<Field> inferred_domain_type() const {
    static const std::vector<Field> standard{{"name", "string"},
                                             {"version", "string"},
                                             {"chainId", "uint256"},
                                             {"verifyingContract", "address"},
                                             {"salt", "bytes32"}};
    std::vector<Field> present;
    for (const Field& field : standard) {
      if (domain().contains(field.name)) present.push_back(field);
    }
    return present;
  }

  Status check_acyclic() const {
    std::map<std::string, int, std::less<>> state;  // 1 on the current path, 2 done
    std::vector<std::string> path;
    std::optional<Error> cycle;
    const auto visit = [&](const auto& self, const std::string& name) -> void {
      if (cycle) return;
      state[name] = 1;
      path.push_back(name);
      for (const Field& field : types_.find(name)->second) {
        const std::string base(*base_type(field.type));
        if (!has_type(base)) continue;
        if (state[base] == 1) {
          std::string chain;
          for (auto it = std::find(path.begin(), path.end(), base); it != path.end(); ++it) chain += *it + " -> ";
          cycle = invalid("cyclic types: " + chain + base);
          return;
        }
        if (state[base] == 0) self(self, base);
        if (cycle) return;
      }
      path.pop_back();
      state[name] = 2;
    };
    for (const auto& [name, unused] : types_) {
      if (state[name] == 0) visit(visit, name);
      if (cycle) return *cycle;
    }
    return {};
  }

  void collect_dependencies(std::string_view name, std::set<std::string, std::less<>>& found) const {
    if (found.contains(name)) return;
    found.emplace(name);
    for (const Field& field : types_.find(name)->second) {
      const std::string_view base = *base_type(field.type);
      if (has_type(base)) collect_dependencies(base, found);
    }
  }

  std::string describe(std::string_view name) const {
    std::string text = std::string(name) + "(";
    const auto& fields = types_.find(name)->second;
    for (std::size_t i = 0; i < fields.size(); ++i) text += (i > 0 ? "," : "") + fields[i].type + " " + fields[i].name;
    return text + ")";
  }

  Result<Word> encode_value(std::string_view type, const json& value, const std::string& path) const {
    MLCHAIN_TRY(const auto array, array_type(type));
    if (array) {
      if (!value.is_array()) return invalid(path + ": expected an array (" + std::string(type) + ")");
      if (array->length && value.size() != *array->length) {
        return invalid(path + ": " + std::to_string(value.size()) + " elements for " + std::string(type));
      }
      Bytes encoded;
      for (std::size_t i = 0; i < value.size(); ++i) {
        MLCHAIN_TRY(const Word word, encode_value(array->element, value[i], path + "[" + std::to_string(i) + "]"));
        append(encoded, word);
      }
      return keccak256(encoded);
    }
    if (has_type(type)) return hash_struct(type, value, path);
    if (type == "string") {
      if (!value.is_string()) return invalid(path + ": expected a string");
      return keccak256(as_bytes(value.get_ref<const std::string&>()));
    }
    if (type == "bytes") {
      MLCHAIN_TRY(const Bytes bytes, hex_value(value, path));
      return keccak256(bytes);
    }
    if (const auto size = bytes_size(type)) {
      MLCHAIN_TRY(const Bytes bytes, hex_value(value, path));
      if (bytes.size() != *size) {
        return invalid(path + ": " + std::to_string(bytes.size()) + " bytes for " + std::string(type));
      }
      Word word{};
      std::copy(bytes.begin(), bytes.end(), word.begin());
      return word;
    }
    if (type == "bool") {
      if (!value.is_boolean()) return invalid(path + ": expected true or false");
      Word word{};
      word[31] = value.get<bool>() ? 1 : 0;
      return word;
    }
    if (type == "address") {
      if (!value.is_string()) return invalid(path + ": expected an address string");
      const auto address = parse_address(value.get_ref<const std::string&>());
      if (!address) return invalid(path + ": " + address.error().message);
      Word word{};
      std::copy(address->bytes.begin(), address->bytes.end(), word.begin() + 12);
      return word;
    }
    MLCHAIN_TRY(const SignedNumber number, integer_value(value, path));
    if (const auto bits = uint_bits(type)) {
      const Word word = number.magnitude.big_endian();
      if ((number.negative && !number.magnitude.is_zero()) ||
          !std::all_of(word.begin(), word.end() - *bits / 8, [](std::uint8_t b) { return b == 0; })) {
        return invalid(path + ": " + number.text() + " does not fit " + std::string(type));
      }
      return word;
    }
    const unsigned bits = *int_bits(type);  // read_types() let only atomic types through, and only intN is left
    // |value| must stay below 2^(bits-1), or reach it exactly when negative.
    const I256 magnitude = I256::from_big_endian(number.magnitude.big_endian());
    const std::size_t first = word_size - bits / 8;
    const auto word = magnitude.big_endian();
    const bool upper_clear = std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(first),
                                         [](std::uint8_t b) { return b == 0; });
    const bool below_half = upper_clear && (word[first] & 0x80) == 0;
    bool at_half = upper_clear && word[first] == 0x80;
    for (std::size_t i = first + 1; at_half && i < word_size; ++i) at_half = word[i] == 0;
    if (!(below_half || (number.negative && at_half))) {
      return invalid(path + ": " + number.text() + " does not fit " + std::string(type));
    }
    if (!number.negative) return word;
    return I256(0).checked_sub(magnitude).value_or(I256::min()).big_endian();  // only -2^255 has no checked negation
  }

  static Result<Bytes> hex_value(const json& value, const std::string& path) {
    if (!value.is_string()) return invalid(path + ": expected a 0x hex string");
    const auto bytes = from_0x_hex(value.get_ref<const std::string&>());
    if (!bytes) return invalid(path + ": not 0x hex: " + in_quotes(value.get_ref<const std::string&>()));
    return *bytes;
  }

  struct SignedNumber {
    bool negative = false;
    U256 magnitude;
    std::string text() const { return (negative ? "-" : "") + magnitude.to_decimal(); }
  };

  // A JSON integer (64 bits), a decimal string or a "0x" hex string, either optionally after '-'.
  static Result<SignedNumber> integer_value(const json& value, const std::string& path) {
    if (value.is_number_unsigned()) return SignedNumber{false, U256(value.get<std::uint64_t>())};
    if (value.is_number_integer()) {
      const std::int64_t number = value.get<std::int64_t>();
      if (number >= 0) return SignedNumber{false, U256(static_cast<std::uint64_t>(number))};
      // -(number + 1) + 1 is |number| without overflowing at the int64 minimum.
      return SignedNumber{true, U256(static_cast<std::uint64_t>(-(number + 1)) + 1)};
    }
    if (value.is_number()) return invalid(path + ": not an integer (write large numbers as decimal strings)");
    if (!value.is_string()) return invalid(path + ": expected an integer");
    const std::string& text = value.get_ref<const std::string&>();
    const bool negative = text.starts_with('-');
    std::string_view digits = std::string_view(text).substr(negative ? 1 : 0);
    if (!digits.starts_with("0x") && !digits.starts_with("0X") && digits.size() > 1) {
      // "007" is 7, as ethers reads it.
      digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size() - 1));
    }
    const auto magnitude = U256::parse(digits);
    if (!magnitude) return invalid(path + ": not an integer: " + in_quotes(text));
    return SignedNumber{negative, *magnitude};
  }

  json root_;
  std::string primary_;
  Types types_;
};

}  // namespace

Result<Keccak256Digest> typed_data_digest(std::string_view json) {
  MLCHAIN_TRY(const Document document, Document::parse(json));
  MLCHAIN_TRY(const Keccak256Digest domain, document.hash_struct(domain_type, document.domain(), "domain"));
  MLCHAIN_TRY(const Keccak256Digest message, document.hash_struct(document.primary(), document.message(), "message"));
  Bytes prefixed{0x19, 0x01};
  append(prefixed, domain);
  append(prefixed, message);
  return keccak256(prefixed);
}

Result<Keccak256Digest> domain_separator(std::string_view json) {
  MLCHAIN_TRY(const Document document, Document::parse(json));
  return document.hash_struct(domain_type, document.domain(), "domain");
}

Result<Keccak256Digest> struct_hash(std::string_view json, std::string_view type_name) {
  MLCHAIN_TRY(const Document document, Document::parse(json));
  if (!document.has_type(type_name)) return invalid("no type " + in_quotes(type_name) + " in the document");
  if (type_name == domain_type) return document.hash_struct(type_name, document.domain(), "domain");
  return document.hash_struct(type_name, document.message(), "message");
}

Result<std::string> encode_type(std::string_view json, std::string_view type_name) {
  MLCHAIN_TRY(const Document document, Document::parse(json));
  if (!document.has_type(type_name)) return invalid("no type " + in_quotes(type_name) + " in the document");
  return document.encode_type(type_name);
}

}  // namespace eip712
}  // namespace mlchain::codec
