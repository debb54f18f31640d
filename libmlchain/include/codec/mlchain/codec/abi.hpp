#pragma once
// The Solidity contract ABI (docs.soliditylang.org, "Contract ABI Specification") for the types the
// registry, EAS and the governance contract use: uintN and intN (N = 8 … 256), address, bool, bytes32, bytes,
// string, dynamic arrays T[] and tuples (T1,T2,…) of any of them. Function calls (selector ‖ arguments),
// return data, event logs (topics and data) and revert data (Error(string), Panic(uint256), custom errors
// by selector).
//
// encode() writes the standard (canonical) layout. decode() is strict: every offset and length lies inside
// the data, offsets point where the standard layout puts them, padding bytes are zero, a bool is 0 or 1,
// an address's upper 12 bytes are zero, a uintN word has no bit above its N, an intN word is the sign
// extension of its N bits, and nothing follows the encoded values. So an accepted input
// re-encodes to itself. Strings are not checked for UTF-8: Solidity does not enforce it, and one odd name
// in an event must not make a whole history unreadable; callers that print them escape what they print. Errors are
// ErrorKind::invalid_input, "abi: … at byte N"; a caller that got the bytes from a remote reports its own remote error
// around them.

#include <array>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/i256.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/codec/u256.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec::abi {

using Selector = std::array<std::uint8_t, 4>;
using Word = std::array<std::uint8_t, 32>;  // bytes32, and a topic

class Type {
 public:
  enum class Kind { uint, int_, address, boolean, bytes32, bytes, string, array, tuple };

  static Type uint256() { return Type(Kind::uint, 256); }
  static Type int256() { return Type(Kind::int_, 256); }
  // bits: 8, 16, … 256; anything else is a programming error and yields uint256 / int256.
  static Type uint(unsigned bits);
  static Type int_(unsigned bits);
  static Type address() { return Type(Kind::address); }
  static Type boolean() { return Type(Kind::boolean); }
  static Type bytes32() { return Type(Kind::bytes32); }
  static Type bytes() { return Type(Kind::bytes); }
  static Type string() { return Type(Kind::string); }
  static Type array_of(Type element);
  static Type tuple(std::vector<Type> components);
  // "uint256", "uint8", "int256", "address", "bool", "bytes32", "bytes", "string", "T[]", "(T1,T2)" ("uint"
  // and "int" mean the 256-bit ones). A tuple component may carry a name, which is ignored, as in the
  // signatures Solidity prints: "(address recipient,uint64 expirationTime)". The empty tuple "()" is
  // refused (Solidity has no empty struct). Anything else is an invalid_input error naming the text.
  static Result<Type> parse(std::string_view text);

  Kind kind() const { return kind_; }
  // The width of a uint or int; 0 for the other kinds.
  unsigned bits() const { return bits_; }
  // The element type of an array; null for the other kinds.
  const Type* element() const { return element_.get(); }
  // The component types of a tuple; empty for the other kinds.
  const std::vector<Type>& components() const;
  // Whether values live in the tail (bytes, string, arrays, tuples with a dynamic component), so the head
  // holds an offset.
  bool is_dynamic() const;
  // The canonical name used in signatures: "uint256", "string[]", "(address,(uint8,bytes32)[])".
  std::string name() const;

  friend bool operator==(const Type& a, const Type& b);

 private:
  explicit Type(Kind kind, unsigned bits = 0) : kind_(kind), bits_(bits) {}
  Kind kind_;
  unsigned bits_;
  std::shared_ptr<const Type> element_;
  std::shared_ptr<const std::vector<Type>> components_;
};

class Value;
using List = std::vector<Value>;
// The value of a tuple type: one field per component, in order.
struct Tuple {
  std::vector<Value> fields;
  friend bool operator==(const Tuple&, const Tuple&) = default;
};

// One value of one of the types above: a U256 (uintN), I256 (intN), Address (address), bool, Word (bytes32),
// Bytes (bytes), std::string (string), List (T[]) or Tuple ((T1,T2,…)). encode() checks that each value matches
// its type and that a number fits its width.
class Value {
 public:
  Value(U256 value) : data_(value) {}  // NOLINT: implicit by design
  template <std::unsigned_integral T>
  requires(!std::same_as<T, bool>) Value(T value) : data_(U256(std::uint64_t{value})) {}  // NOLINT
  Value(I256 value) : data_(value) {}                                                     // NOLINT
  Value(Address value) : data_(value) {}                                                  // NOLINT
  Value(bool value) : data_(value) {}                                                     // NOLINT
  Value(Word value) : data_(value) {}                                                     // NOLINT
  Value(Bytes value) : data_(std::move(value)) {}                                         // NOLINT
  Value(std::string value) : data_(std::move(value)) {}                                   // NOLINT
  Value(std::string_view value) : data_(std::string(value)) {}                            // NOLINT
  Value(const char* value) : data_(std::string(value)) {}                                 // NOLINT: not bool
  Value(List value) : data_(std::move(value)) {}                                          // NOLINT
  Value(Tuple value) : data_(std::move(value)) {}                                         // NOLINT

  // The alternative held, or null: T is one of U256, I256, Address, bool, Word, Bytes, std::string, List, Tuple.
  template <class T>
  const T* get_if() const {
    return std::get_if<T>(&data_);
  }

  friend bool operator==(const Value&, const Value&) = default;

 private:
  std::variant<U256, I256, Address, bool, Word, Bytes, std::string, List, Tuple> data_;
};

// keccak256 of the text, as it is (no normalisation).
Keccak256Digest signature_hash(std::string_view signature);
// The first 4 bytes of signature_hash: "transfer(address,uint256)" → a9059cbb.
Selector selector(std::string_view signature);

// A function, error or event declaration: "push(string,string,bytes32,bytes32)", types without names.
// Event parameters may carry " indexed": "HeadUpdated(bytes32 indexed,bytes32 indexed,address indexed,
// string,string,bytes32,bytes32)".
struct Parameter {
  Type type;
  bool indexed = false;
};
struct Signature {
  std::string name;
  std::vector<Parameter> parameters;

  // "name(type,type)" without " indexed": what is hashed for selectors and topics.
  std::string canonical() const;
  std::vector<Type> types() const;
  Selector selector() const;
  // Topic 0 of a non-anonymous event.
  Word topic() const;
};
// Usage error naming the text when it is not of the form above (an identifier, then parenthesised types).
Result<Signature> parse_signature(std::string_view text);

// The standard encoding of `values` as the tuple `types` (as function arguments and return data are).
Result<Bytes> encode(std::span<const Type> types, std::span<const Value> values);
Result<std::vector<Value>> decode(std::span<const Type> types, ByteView data);

// selector ‖ encode(arguments).
Result<Bytes> encode_call(const Signature& function, std::span<const Value> arguments);
// The arguments of calldata that must start with `function`'s selector.
Result<std::vector<Value>> decode_call(const Signature& function, ByteView calldata);

// One log of `event` (topics[0] must be its topic): the values of all parameters in declaration order.
// An indexed parameter of a dynamic type (string, bytes, array) or a tuple is only its keccak-256 in the
// topics, so its value is that Word.
Result<std::vector<Value>> decode_log(const Signature& event, std::span<const Word> topics, ByteView data);
// The topics a log of `event` carries when its indexed parameters have these values (nothing means any):
// topic 0, then one per indexed parameter, for an eth_getLogs filter. A dynamic value is hashed as the
// EVM does for indexed strings and bytes.
Result<std::vector<std::optional<Word>>> event_topics(const Signature& event,
                                                      std::span<const std::optional<Value>> indexed_values);

// What a reverted call or transaction says.
struct Revert {
  enum class Kind {
    empty,         // no data: require(false) without a message, or out of gas
    error_string,  // Error(string): require(…, "message") and revert("message")
    panic,         // Panic(uint256): assert, overflow, division by zero …
    custom,        // one of the custom errors the caller knows
    unknown,       // a selector the caller does not know, or data too short for one
  };
  Kind kind = Kind::empty;
  std::string message;           // error_string: the message
  U256 panic_code;               // panic: 0x01 assert, 0x11 overflow, 0x12 division by zero …
  std::string error_name;        // custom: the error's name
  std::vector<Value> arguments;  // custom: its arguments
  Bytes data;                    // always: the revert data as received

  // One line for messages: "StaleHead(0x…, 0x…)", "Error(\"not a writer\")", "Panic(0x11)", "no data".
  std::string describe() const;
};
// Decodes revert data against the standard Error and Panic and the caller's custom errors. Data that starts
// with a known selector but does not decode under it is an invalid_input error; an unknown selector is Kind::unknown.
Result<Revert> decode_revert(ByteView data, std::span<const Signature> custom_errors);

}  // namespace mlchain::codec::abi
