#pragma once
// DAG-CBOR (codec 0x71), the IPLD data model in canonical CBOR: the bytes commits are hashed and signed
// over. encode() writes the one canonical form (map keys by length then bytewise, shortest integer and
// length headers, floats always 64-bit, links as tag 42); decode() accepts exactly that form and
// rejects everything else, so decode followed by encode reproduces the input byte for byte.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mlchain/codec/cid.hpp"

namespace mlchain::codec::dag_cbor {

// Every CBOR integer, -2^64 .. 2^64-1. `argument` is the value when non-negative, and -1 - value
// when negative, as CBOR's major types 0 and 1 carry it.
struct Integer {
  bool negative = false;
  std::uint64_t argument = 0;

  static Integer of(std::int64_t value);
  static Integer of(std::uint64_t value) { return {false, value}; }
  std::optional<std::int64_t> to_int64() const;
  std::optional<std::uint64_t> to_uint64() const;

  friend bool operator==(const Integer&, const Integer&) = default;
};

// The canonical DAG-CBOR key order: shorter keys first, then bytewise.
struct KeyOrder {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  }
};

class Value;
using List = std::vector<Value>;
using Map = std::map<std::string, Value, KeyOrder>;  // kept in canonical order, so keys are unique

class Value {
 public:
  enum class Kind { null, boolean, integer, float64, bytes, text, list, map, link };

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool value) : data_(value) {}
  template <std::integral T>
  requires(!std::same_as<T, bool>) Value(T value)
      : data_(std::signed_integral<T> ? Integer::of(static_cast<std::int64_t>(value))
                                      : Integer::of(static_cast<std::uint64_t>(value))) {}
  Value(Integer value) : data_(value) {}
  Value(double value) : data_(value) {}
  Value(Bytes value) : data_(std::move(value)) {}
  Value(std::string value) : data_(std::move(value)) {}
  Value(std::string_view value) : data_(std::string(value)) {}
  Value(const char* value) : data_(std::string(value)) {}  // not bool
  Value(List value) : data_(std::move(value)) {}
  Value(Map value) : data_(std::move(value)) {}
  Value(Cid value) : data_(std::move(value)) {}

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::null; }

  // The alternative held, or null: T is one of bool, Integer, double, Bytes, std::string, List, Map, Cid.
  template <class T>
  const T* get_if() const {
    return std::get_if<T>(&data_);
  }
  template <class T>
  T* get_if() {
    return std::get_if<T>(&data_);
  }

  std::optional<std::int64_t> as_int64() const;
  std::optional<std::uint64_t> as_uint64() const;
  // A map's entry by key; null when this is not a map or has no such key.
  const Value* find(std::string_view key) const;

  friend bool operator==(const Value&, const Value&);

 private:
  // Order matches Kind.
  std::variant<std::nullptr_t, bool, Integer, double, Bytes, std::string, List, Map, Cid> data_;
};

// Nesting deeper than this is rejected when decoding, so hostile input cannot exhaust the stack.
inline constexpr std::size_t max_depth = 64;

// Fails only for values DAG-CBOR cannot represent: NaN and infinite floats, text that is not UTF-8.
Result<Bytes> encode(const Value& value);
Result<Value> decode(ByteView bytes);

}  // namespace mlchain::codec::dag_cbor
