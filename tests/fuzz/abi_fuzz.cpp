// Solidity ABI: whatever the strict decoder accepts under a type list re-encodes to the same bytes; revert
// data never crashes the decoder.

#include <vector>

#include "mlchain/codec/abi.hpp"
#include "round_trip.hpp"

using namespace mlchain;
using codec::abi::Type;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);
  static const std::vector<std::vector<Type>> type_lists{
      {Type::string()},
      {Type::uint256(), Type::address(), Type::boolean(), Type::bytes32()},
      {Type::string(), Type::string(), Type::bytes32(), Type::bytes32()},
      {Type::array_of(Type::string()), Type::bytes()},
      {Type::array_of(Type::array_of(Type::uint256())), Type::array_of(Type::string())},
      {Type::uint(8), Type::int_(8), Type::uint(64), Type::int_(16), Type::int256()},
      {*Type::parse("(bytes32,uint8)"), *Type::parse("(address,(uint8,bytes32)[])[]")},
      // EAS's multiAttestByDelegation argument and getAttestation's answer.
      {*Type::parse(
          "(bytes32,(address,uint64,bool,bytes32,bytes,uint256)[],(uint8,bytes32,bytes32)[],address,uint64)[]")},
      {*Type::parse("(bytes32,bytes32,uint64,uint64,uint64,bytes32,address,address,bool,bytes)")},
  };
  for (const auto& types : type_lists) {
    const auto decoded = codec::abi::decode(types, in);
    if (!decoded) continue;
    const auto encoded = codec::abi::encode(types, *decoded);
    fuzz::require(encoded.ok(), "decoded values encode");
    fuzz::require_same(in, *encoded, "abi");
  }
  static const std::vector<codec::abi::Signature> errors{*codec::abi::parse_signature("StaleHead(bytes32,bytes32)"),
                                                         *codec::abi::parse_signature("NotWriter(address)")};
  if (const auto revert = codec::abi::decode_revert(in, errors)) {
    fuzz::require(!revert->describe().empty(), "a revert describes itself");
  }
  return 0;
}
