#pragma once
// Ethereum transactions as mlchain sends them: EIP-1559 (type 2) and legacy with EIP-155 replay protection
// (type 0, v = chain_id·2 + 35 + y_parity).
//
//   type 2, signed:    0x02 ‖ rlp([chain_id, nonce, max_priority_fee_per_gas, max_fee_per_gas, gas_limit,
//                                  to, value, data, access_list, y_parity, r, s])
//   type 2, signing:   keccak256(0x02 ‖ rlp([chain_id, nonce, …, access_list]))
//   legacy, signed:    rlp([nonce, gas_price, gas_limit, to, value, data, v, r, s])
//   legacy, signing:   keccak256(rlp([nonce, gas_price, gas_limit, to, value, data, chain_id, 0, 0]))
//   hash:              keccak256(signed bytes), what eth_sendRawTransaction returns
//
// `to` is the empty string for a contract creation; integers are minimal big-endian (RLP). Decoding is
// strict (canonical RLP, no leading zeros, low s, known type, nothing left over) and gives back the fields
// the signer meant, so `decode_transaction(raw)` re-encodes to `raw`. Errors are ErrorKind::invalid_input.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/codec/signature.hpp"
#include "mlchain/codec/u256.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

enum class TransactionType : std::uint8_t { legacy = 0, eip1559 = 2 };

using StorageKey = std::array<std::uint8_t, 32>;

struct AccessListEntry {
  Address address;
  std::vector<StorageKey> storage_keys;
  friend bool operator==(const AccessListEntry&, const AccessListEntry&) = default;
};

struct Transaction {
  TransactionType type = TransactionType::eip1559;
  std::uint64_t chain_id = 1;
  std::uint64_t nonce = 0;
  U256 max_priority_fee_per_gas;  // type 2 only
  U256 max_fee_per_gas;           // type 2 only
  U256 gas_price;                 // legacy only
  std::uint64_t gas_limit = 0;
  std::optional<Address> to;  // nothing: contract creation, `data` is the init code
  U256 value;
  Bytes data;
  std::vector<AccessListEntry> access_list;  // type 2 only

  friend bool operator==(const Transaction&, const Transaction&) = default;
};

struct SignedTransaction {
  Transaction transaction;
  std::uint8_t y_parity = 0;  // 0 or 1
  std::array<std::uint8_t, 32> r{};
  std::array<std::uint8_t, 32> s{};
  Bytes raw;               // what eth_sendRawTransaction takes
  Keccak256Digest hash{};  // keccak256(raw)

  // r ‖ s ‖ (27 + y_parity), as crypto::recover_address takes it.
  RecoverableSignature signature() const;
};

// The bytes the signer signs the keccak-256 of (see the table above). Usage error when the transaction
// cannot be encoded: legacy with fields of type 2 set or the reverse, or legacy without a chain id.
Result<Bytes> signing_payload(const Transaction& transaction);
Result<Keccak256Digest> signing_hash(const Transaction& transaction);

// The signed transaction from a signature over signing_hash(transaction) (v ∈ {27, 28}, low s).
Result<SignedTransaction> attach_signature(const Transaction& transaction, const RecoverableSignature& signature);

// Raw signed bytes of type 2 or legacy EIP-155 back into their fields; anything else is an invalid_input error
// naming what is wrong ("transaction: …"). The sender is not checked here: crypto::recover_address of
// signing_hash(result.transaction) and result.signature() names it (eth/transaction_sender.hpp).
Result<SignedTransaction> decode_transaction(ByteView raw);

}  // namespace mlchain::codec
