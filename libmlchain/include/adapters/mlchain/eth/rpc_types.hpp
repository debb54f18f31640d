#pragma once
// What the Ethereum JSON-RPC API answers (execution-apis), as typed values: blocks, receipts, logs, fee
// history, transactions, and the error objects a node returns instead of a result.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/u256.hpp"

namespace mlchain::eth {

using Hash = std::array<std::uint8_t, 32>;  // block and transaction hashes, log topics

// A block parameter: a number or one of the named tags.
class BlockTag {
 public:
  static BlockTag latest() { return BlockTag("latest"); }
  static BlockTag pending() { return BlockTag("pending"); }
  static BlockTag safe() { return BlockTag("safe"); }
  static BlockTag finalized() { return BlockTag("finalized"); }
  static BlockTag earliest() { return BlockTag("earliest"); }
  static BlockTag number(std::uint64_t block) { return BlockTag(block); }

  // The JSON-RPC form: "latest" or a quantity "0x1b4".
  std::string text() const;

 private:
  explicit BlockTag(const char* name) : value_(name) {}
  explicit BlockTag(std::uint64_t block) : value_(block) {}
  std::variant<const char*, std::uint64_t> value_;
};

// A JSON-RPC error object ({"code", "message", "data"}): the node understood the request and refused it.
struct RpcError {
  // What mlchain acts on; nodes word these differently (geth, anvil, erigon, hosted providers), so the
  // message is matched loosely.
  enum class Kind {
    already_known,            // the same transaction is in the pool: it is in flight
    nonce_too_low,            // a transaction with this nonce was mined (perhaps ours)
    replacement_underpriced,  // a replacement must raise both fees enough
    execution_reverted,       // eth_call / eth_estimateGas / a send that reverts; revert_data says why
    insufficient_funds,       // the sender cannot pay gas × max fee + value
    other,
  };

  std::int64_t code = 0;
  std::string message;
  // "data" when it is 0x-hex: the revert data of execution_reverted. Empty otherwise.
  Bytes revert_data;

  Kind kind() const;
  // "JSON-RPC error -32000: nonce too low", printable ASCII, one line, shortened when long.
  std::string describe() const;
};

// The answer of a call whose refusal the caller acts on (send, call, estimate): the result or the error.
template <class T>
using Reply = std::variant<T, RpcError>;

struct Block {
  std::uint64_t number = 0;
  Hash hash{};
  Hash parent_hash{};
  std::uint64_t timestamp = 0;                  // seconds since the epoch: the chain's time of the block
  std::optional<codec::U256> base_fee_per_gas;  // absent before London and on chains without EIP-1559
};

struct Log {
  codec::Address address;
  std::vector<Hash> topics;
  Bytes data;
  std::uint64_t block_number = 0;
  Hash block_hash{};
  Hash transaction_hash{};
  std::uint64_t transaction_index = 0;
  std::uint64_t log_index = 0;
  bool removed = false;  // true when a reorg dropped the block that held it
};

struct Receipt {
  Hash transaction_hash{};
  std::uint64_t transaction_index = 0;
  Hash block_hash{};
  std::uint64_t block_number = 0;
  codec::Address from;
  std::optional<codec::Address> to;                // nothing for a contract creation
  std::optional<codec::Address> contract_address;  // set for a contract creation
  bool succeeded = false;                          // status 0x1
  std::uint64_t gas_used = 0;
  std::uint64_t cumulative_gas_used = 0;
  codec::U256 effective_gas_price;
  std::vector<Log> logs;
};

struct FeeHistory {
  std::uint64_t oldest_block = 0;
  // One more entry than blocks asked for: the last is the next block's base fee.
  std::vector<codec::U256> base_fee_per_gas;
  std::vector<double> gas_used_ratio;
  // Per block, the priority fee at each requested percentile (empty when none were asked).
  std::vector<std::vector<codec::U256>> reward;
};

// eth_getTransactionByHash: a transaction the node knows, mined or still in its pool.
struct TransactionInfo {
  Hash hash{};
  std::uint8_t type = 0;
  codec::Address from;
  std::optional<codec::Address> to;
  std::uint64_t nonce = 0;
  std::uint64_t gas = 0;
  codec::U256 value;
  Bytes input;
  std::optional<codec::U256> gas_price;                 // legacy, and the effective price of mined type 2
  std::optional<codec::U256> max_fee_per_gas;           // type 2
  std::optional<codec::U256> max_priority_fee_per_gas;  // type 2
  std::optional<std::uint64_t> block_number;            // nothing while pending
  std::optional<Hash> block_hash;
};

// eth_call and eth_estimateGas arguments.
struct CallRequest {
  std::optional<codec::Address> from;
  std::optional<codec::Address> to;  // nothing: estimate a contract creation
  Bytes data;
  std::optional<codec::U256> value;
  std::optional<std::uint64_t> gas;
};

// eth_getLogs filter.
struct LogFilter {
  std::vector<codec::Address> addresses;  // empty: any
  // Per topic position: any of these hashes; an empty position matches anything.
  std::vector<std::vector<Hash>> topics;
  BlockTag from_block = BlockTag::earliest();
  BlockTag to_block = BlockTag::latest();
};

}  // namespace mlchain::eth
