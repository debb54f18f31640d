#pragma once
// EIP-191 version 0x45 ("personal_sign"): what wallets, `cast wallet sign` and ecrecover-based contracts
// agree a signed message means.

#include <string_view>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

// keccak256("\x19Ethereum Signed Message:\n" ‖ decimal length ‖ message).
Keccak256Digest personal_message_digest(ByteView message);

// The bytes a message given on the command line stands for, as `cast wallet sign/verify` reads it: text
// starting with "0x" is hex (so a 32-byte digest is signed as 32 raw bytes), anything else is its UTF-8.
Result<Bytes> message_from_argument(std::string_view argument);

}  // namespace mlchain::codec
