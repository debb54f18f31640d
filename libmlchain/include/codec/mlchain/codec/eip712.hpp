#pragma once
// EIP-712 typed structured data (eips.ethereum.org/EIPS/eip-712), as eth_signTypedData_v4, ethers and
// `cast wallet sign --data` read a document {types, primaryType, domain, message}: the digest a wallet
// signs, keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message)).
//
// Struct fields are bool, address, uintN, intN (N = 8 … 256), bytesN (N = 1 … 32), bytes, string, another
// struct of the document, and arrays of any of them, T[] or T[k] (v4: an array hashes the concatenation
// of its elements' encodings). Numbers may be JSON integers up to 64 bits, decimal strings or "0x" hex
// strings; bytes and bytesN are "0x" hex (bytesN exactly N bytes); bool is true or false. The domain's type
// is the document's "EIP712Domain" when it has one, else the fields of the domain that are present, in the
// order name, version, chainId, verifyingContract, salt (as cast and ethers infer it).
//
// Every malformed document is an invalid_input error naming what is wrong: text that is not JSON, an
// unknown or cyclic type, a field the type lacks or does not declare, a value of the wrong kind or out of
// range for its type.

#include <string>
#include <string_view>

#include "mlchain/codec/keccak.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {
// Inline, so callers may name these codec::typed_data_digest or codec::eip712::typed_data_digest.
inline namespace eip712 {

// What a wallet signs for the document: keccak256(0x19 0x01 ‖ domain_separator ‖ hashStruct(message)).
Result<Keccak256Digest> typed_data_digest(std::string_view json);

// hashStruct(EIP712Domain, domain).
Result<Keccak256Digest> domain_separator(std::string_view json);

// hashStruct(type_name, value) where the value is the document's domain for "EIP712Domain" and its message
// for any other type of the document.
Result<Keccak256Digest> struct_hash(std::string_view json, std::string_view type_name);

// encodeType(type_name): "Mail(Person from,Person to,string contents)Person(string name,address wallet)".
Result<std::string> encode_type(std::string_view json, std::string_view type_name);

}  // namespace eip712
}  // namespace mlchain::codec
