// Reaches the transaction codec and the JSON-RPC client, which no command exposes on their own, for
// tests/interop/eth_transactions.sh and eth_rpc.sh. The key comes from MLCHAIN_PRIVATE_KEY.
//
//   eth_tool sign type=2|0 chain=N nonce=N gas=N [tip=WEI max=WEI | price=WEI] [to=ADDR] [value=WEI] [data=0xHEX]
//       prints the raw signed transaction and its hash: "0xRAW 0xHASH"
//   eth_tool decode 0xRAW             prints the decoded fields and the recovered sender, one "name value" a line
//   eth_tool rpc URL chain-id | block-number | nonce ADDR | fees | receipt 0xHASH
//   eth_tool rpc URL transfer type=2|0 to=ADDR value=WEI
//       builds, signs, sends and awaits one transfer from the key's account; prints "hash block gas_used status"
// Errors: "eth_tool: error: …" on stderr, and the exit code mlchain gives the error's kind.

#include <chrono>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "exit_code.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/transaction.hpp"
#include "mlchain/core/transaction_signing.hpp"
#include "mlchain/eth/rpc_client.hpp"
#include "mlchain/eth/transaction_sender.hpp"
#include "mlchain/keys/signers.hpp"

using namespace mlchain;

namespace {

int fail(const Error& error) {
  std::cerr << "eth_tool: error: " << error.message << "\n";
  return cli::exit_code(error.kind);
}

Error usage(std::string what) { return make_error(ErrorKind::invalid_argument, std::move(what)); }

Result<std::map<std::string, std::string>> settings(const std::vector<std::string>& arguments) {
  std::map<std::string, std::string> values;
  for (const std::string& argument : arguments) {
    const auto equals = argument.find('=');
    if (equals == std::string::npos) return usage("expected name=value, got " + argument);
    values[argument.substr(0, equals)] = argument.substr(equals + 1);
  }
  return values;
}

Result<codec::U256> number(const std::map<std::string, std::string>& values, const std::string& name) {
  const auto found = values.find(name);
  if (found == values.end()) return codec::U256();
  return codec::U256::parse(found->second);
}

Result<std::uint64_t> small_number(const std::map<std::string, std::string>& values, const std::string& name) {
  MLCHAIN_TRY(const codec::U256 value, number(values, name));
  const auto small = value.to_uint64();
  if (!small) return usage(name + " does not fit 64 bits");
  return *small;
}

Result<keys::PrivateKeySigner> environment_signer() {
  MLCHAIN_TRY(auto key, keys::private_key_from_environment());
  if (!key) return usage("set MLCHAIN_PRIVATE_KEY");
  return keys::PrivateKeySigner(std::move(*key));
}

// The transaction the name=value settings describe (nonce, chain and gas as given).
Result<codec::Transaction> transaction_from(const std::map<std::string, std::string>& values) {
  codec::Transaction transaction;
  const auto type = values.count("type") ? values.at("type") : "2";
  if (type != "0" && type != "2") return usage("type must be 0 or 2");
  transaction.type = type == "2" ? codec::TransactionType::eip1559 : codec::TransactionType::legacy;
  MLCHAIN_TRY(transaction.chain_id, small_number(values, "chain"));
  MLCHAIN_TRY(transaction.nonce, small_number(values, "nonce"));
  MLCHAIN_TRY(transaction.gas_limit, small_number(values, "gas"));
  MLCHAIN_TRY(transaction.max_priority_fee_per_gas, number(values, "tip"));
  MLCHAIN_TRY(transaction.max_fee_per_gas, number(values, "max"));
  MLCHAIN_TRY(transaction.gas_price, number(values, "price"));
  MLCHAIN_TRY(transaction.value, number(values, "value"));
  if (values.count("to")) {
    MLCHAIN_TRY(transaction.to, codec::parse_address(values.at("to")));
  }
  if (values.count("data")) {
    MLCHAIN_TRY(transaction.data, codec::from_0x_hex(values.at("data")));
  }
  return transaction;
}

Status sign(const std::vector<std::string>& arguments) {
  MLCHAIN_TRY(const auto values, settings(arguments));
  MLCHAIN_TRY(const codec::Transaction transaction, transaction_from(values));
  MLCHAIN_TRY(auto signer, environment_signer());
  MLCHAIN_TRY(const codec::SignedTransaction signed_transaction, core::sign_transaction(transaction, signer));
  std::cout << codec::to_0x_hex(signed_transaction.raw) << " " << codec::to_0x_hex(signed_transaction.hash) << "\n";
  return {};
}

Status decode(const std::string& raw_hex) {
  MLCHAIN_TRY(const Bytes raw, codec::from_0x_hex(raw_hex));
  MLCHAIN_TRY(const codec::SignedTransaction decoded, codec::decode_transaction(raw));
  MLCHAIN_TRY(const codec::Address sender, eth::recover_sender(decoded));
  const codec::Transaction& t = decoded.transaction;
  std::cout << "type " << static_cast<int>(t.type) << "\nchain " << t.chain_id << "\nnonce " << t.nonce << "\ngas "
            << t.gas_limit << "\nto " << (t.to ? codec::to_checksum_address(*t.to) : "create") << "\nvalue "
            << t.value.to_decimal() << "\ndata " << codec::to_0x_hex(t.data) << "\nsender "
            << codec::to_checksum_address(sender) << "\nhash " << codec::to_0x_hex(decoded.hash) << "\n";
  return {};
}

Status transfer(eth::RpcClient& rpc, const std::vector<std::string>& arguments) {
  MLCHAIN_TRY(const auto values, settings(arguments));
  MLCHAIN_TRY(auto signer, environment_signer());
  MLCHAIN_TRY(codec::Transaction transaction, transaction_from(values));
  MLCHAIN_TRY(transaction.chain_id, rpc.chain_id());
  MLCHAIN_TRY(transaction.nonce, rpc.transaction_count(signer.address()));
  if (transaction.type == codec::TransactionType::eip1559) {
    MLCHAIN_TRY(transaction.max_priority_fee_per_gas, rpc.max_priority_fee_per_gas());
    const std::vector<double> no_percentiles;
    MLCHAIN_TRY(const eth::FeeHistory history, rpc.fee_history(1, eth::BlockTag::latest(), no_percentiles));
    const codec::U256 next_base_fee = history.base_fee_per_gas.back();
    transaction.max_fee_per_gas = *next_base_fee.checked_mul(2)->checked_add(transaction.max_priority_fee_per_gas);
  } else {
    MLCHAIN_TRY(transaction.gas_price, rpc.gas_price());
  }
  const eth::CallRequest estimate{signer.address(), transaction.to, transaction.data, transaction.value, std::nullopt};
  MLCHAIN_TRY(const auto gas, rpc.estimate_gas(estimate));
  if (const auto* refusal = std::get_if<eth::RpcError>(&gas))
    return make_error(ErrorKind::refused, refusal->describe());
  transaction.gas_limit = std::get<std::uint64_t>(gas);

  MLCHAIN_TRY(const codec::SignedTransaction signed_transaction, core::sign_transaction(transaction, signer));
  MLCHAIN_TRY(const auto sent, rpc.send_raw_transaction(signed_transaction.raw));
  if (const auto* refusal = std::get_if<eth::RpcError>(&sent))
    return make_error(ErrorKind::refused, refusal->describe());
  for (int poll = 0; poll < 300; ++poll) {
    MLCHAIN_TRY(const auto receipt, rpc.transaction_receipt(signed_transaction.hash));
    if (receipt) {
      std::cout << codec::to_0x_hex(receipt->transaction_hash) << " " << receipt->block_number << " "
                << receipt->gas_used << " " << (receipt->succeeded ? "success" : "failure") << "\n";
      return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return make_error(ErrorKind::remote_unavailable, "no receipt for " + codec::to_0x_hex(signed_transaction.hash));
}

Status rpc_command(const std::string& url, const std::string& command, const std::vector<std::string>& arguments) {
  eth::RpcOptions options = eth::rpc_options_for(url);
  options.timeout = std::chrono::milliseconds(5'000);
  options.attempts = 2;
  options.first_backoff = std::chrono::milliseconds(100);
  eth::RpcClient rpc(options);
  if (command == "chain-id") {
    MLCHAIN_TRY(const auto id, rpc.chain_id());
    std::cout << id << "\n";
  } else if (command == "block-number") {
    MLCHAIN_TRY(const auto block, rpc.block_number());
    std::cout << block << "\n";
  } else if (command == "nonce" && arguments.size() == 1) {
    MLCHAIN_TRY(const auto account, codec::parse_address(arguments[0]));
    MLCHAIN_TRY(const auto nonce, rpc.transaction_count(account));
    std::cout << nonce << "\n";
  } else if (command == "fees") {
    MLCHAIN_TRY(const auto tip, rpc.max_priority_fee_per_gas());
    const std::vector<double> percentiles{50};
    MLCHAIN_TRY(const auto history, rpc.fee_history(4, eth::BlockTag::latest(), percentiles));
    MLCHAIN_TRY(const auto block, rpc.block_by_number(eth::BlockTag::latest()));
    if (!block) return make_error(ErrorKind::remote_unavailable, "no latest block");
    std::cout << "tip " << tip.to_decimal() << "\nnext_base_fee " << history.base_fee_per_gas.back().to_decimal()
              << "\nlatest_base_fee " << (block->base_fee_per_gas ? block->base_fee_per_gas->to_decimal() : "none")
              << "\nlatest_block " << block->number << "\n";
  } else if (command == "receipt" && arguments.size() == 1) {
    MLCHAIN_TRY(const Bytes hash, codec::from_0x_hex(arguments[0]));
    if (hash.size() != 32) return usage("a transaction hash is 32 bytes");
    eth::Hash transaction{};
    std::copy(hash.begin(), hash.end(), transaction.begin());
    MLCHAIN_TRY(const auto receipt, rpc.transaction_receipt(transaction));
    if (!receipt) {
      std::cout << "pending\n";
    } else {
      std::cout << receipt->block_number << " " << receipt->gas_used << " "
                << (receipt->succeeded ? "success" : "failure") << " " << codec::to_checksum_address(receipt->from)
                << "\n";
    }
  } else if (command == "transfer") {
    return transfer(rpc, arguments);
  } else {
    return usage("unknown rpc command " + command);
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  Status status = usage("usage: eth_tool sign …|decode 0xRAW|rpc URL COMMAND …");
  if (arguments.size() >= 1 && arguments[0] == "sign") {
    status = sign({arguments.begin() + 1, arguments.end()});
  } else if (arguments.size() == 2 && arguments[0] == "decode") {
    status = decode(arguments[1]);
  } else if (arguments.size() >= 3 && arguments[0] == "rpc") {
    status = rpc_command(arguments[1], arguments[2], {arguments.begin() + 3, arguments.end()});
  }
  return status.ok() ? 0 : fail(status.error());
}
