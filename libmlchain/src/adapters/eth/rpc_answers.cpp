#include "rpc_answers.hpp"

#include <algorithm>

#include "mlchain/codec/hex.hpp"

namespace mlchain::eth::answers {
namespace {

using nlohmann::json;

Error malformed(std::string what) { return make_error(ErrorKind::remote_unavailable, std::move(what)); }

// Deeper nesting than any answer needs is refused before parsing, so neither the parser nor the
// destructor of the parsed tree can be driven into deep recursion.
bool nesting_within(std::string_view body, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

// The member `name` of `object` read by `read`; a missing member is malformed.
template <class Read>
auto required(const json& object, const char* name, Read read) -> decltype(read(object)) {
  const auto found = object.find(name);
  if (found == object.end()) return malformed(std::string("missing \"") + name + "\"");
  auto value = read(*found);
  if (!value) return malformed(std::string(name) + ": " + value.error().message);
  return value;
}

// The member `name` read by `read`, or nothing when it is absent or null.
template <class Read>
auto optional(const json& object, const char* name, Read read)
    -> Result<std::optional<std::decay_t<decltype(read(object).value())>>> {
  using T = std::decay_t<decltype(read(object).value())>;
  const auto found = object.find(name);
  if (found == object.end() || found->is_null()) return std::optional<T>();
  auto value = read(*found);
  if (!value) return malformed(std::string(name) + ": " + value.error().message);
  return std::optional<T>(std::move(value).value());
}

Result<bool> boolean(const json& value) {
  if (!value.is_boolean()) return malformed("not true or false");
  return value.get<bool>();
}

Status require_object(const json& value, const char* what) {
  if (!value.is_object()) return malformed(std::string(what) + " is not a JSON object");
  return {};
}

std::string excerpt(std::string_view text) {
  constexpr std::size_t shown = 80;
  std::string out;
  for (const char c : text.substr(0, shown)) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte >= 0x20 && byte < 0x7f ? c : '?';
  }
  if (text.size() > shown) out += "…";
  return out;
}

Result<RpcError> error_object(const json& value) {
  MLCHAIN_TRY_STATUS(require_object(value, "error"));
  RpcError error;
  const auto code = value.find("code");
  if (code == value.end() || !code->is_number_integer()) return malformed("error without an integer \"code\"");
  error.code = code->get<std::int64_t>();
  const auto message = value.find("message");
  if (message == value.end() || !message->is_string()) return malformed("error without a string \"message\"");
  error.message = message->get<std::string>();
  // Revert data is "data": "0x…"; other nodes put objects or prose there, which mean nothing to act on.
  const auto details = value.find("data");
  if (details != value.end() && details->is_string() && details->get_ref<const std::string&>().starts_with("0x")) {
    auto bytes = codec::from_0x_hex(details->get<std::string>());
    if (!bytes) return malformed("error data: " + bytes.error().message);
    error.revert_data = std::move(bytes).value();
  }
  return error;
}

}  // namespace

Result<Reply<json>> envelope(std::string_view body, std::uint64_t expected_id) {
  if (!nesting_within(body, max_depth)) {
    return malformed("answer nested deeper than " + std::to_string(max_depth) + " levels");
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return malformed("answer is not JSON: \"" + excerpt(body) + "\"");
  if (!parsed.is_object()) return malformed("answer is not a JSON-RPC response object: \"" + excerpt(body) + "\"");
  const auto version = parsed.find("jsonrpc");
  if (version == parsed.end() || *version != "2.0")
    return malformed("answer is not JSON-RPC 2.0 (\"jsonrpc\" is not \"2.0\")");
  const auto id = parsed.find("id");
  if (id == parsed.end() || !id->is_number_unsigned() || id->get<std::uint64_t>() != expected_id) {
    return malformed("answer is for another request (id " +
                     (id == parsed.end() ? std::string("missing") : excerpt(id->dump())) + ", expected " +
                     std::to_string(expected_id) + ")");
  }
  const auto result = parsed.find("result");
  const auto error = parsed.find("error");
  if ((result == parsed.end()) == (error == parsed.end())) {
    return malformed("answer must carry exactly one of \"result\" and \"error\"");
  }
  if (error != parsed.end()) {
    MLCHAIN_TRY(RpcError refusal, error_object(*error));
    return Reply<json>(std::in_place_index<1>, std::move(refusal));
  }
  return Reply<json>(std::in_place_index<0>, std::move(*result));
}

Result<codec::U256> u256_quantity(const json& value) {
  if (!value.is_string()) return malformed("quantity is not a string");
  auto number = codec::U256::parse_quantity(value.get_ref<const std::string&>());
  if (!number) return malformed(number.error().message);
  return number;
}

Result<std::uint64_t> uint64_quantity(const json& value) {
  MLCHAIN_TRY(const codec::U256 number, u256_quantity(value));
  const auto small = number.to_uint64();
  if (!small) return malformed("quantity " + number.to_quantity() + " does not fit 64 bits");
  return *small;
}

Result<Bytes> data(const json& value) {
  if (!value.is_string()) return malformed("data is not a string");
  auto bytes = codec::from_0x_hex(value.get_ref<const std::string&>());
  if (!bytes) return malformed(bytes.error().message);
  return bytes;
}

Result<Hash> hash(const json& value) {
  MLCHAIN_TRY(const Bytes bytes, data(value));
  if (bytes.size() != 32) return malformed("hash of " + std::to_string(bytes.size()) + " bytes, not 32");
  Hash digest{};
  std::copy(bytes.begin(), bytes.end(), digest.begin());
  return digest;
}

Result<codec::Address> address(const json& value) {
  if (!value.is_string()) return malformed("address is not a string");
  auto parsed = codec::parse_address(value.get_ref<const std::string&>());
  if (!parsed) return malformed(parsed.error().message);
  return parsed;
}

Result<Block> block(const json& value) {
  MLCHAIN_TRY_STATUS(require_object(value, "block"));
  Block result;
  MLCHAIN_TRY(result.number, required(value, "number", uint64_quantity));
  MLCHAIN_TRY(result.hash, required(value, "hash", hash));
  MLCHAIN_TRY(result.parent_hash, required(value, "parentHash", hash));
  MLCHAIN_TRY(result.timestamp, required(value, "timestamp", uint64_quantity));
  MLCHAIN_TRY(result.base_fee_per_gas, optional(value, "baseFeePerGas", u256_quantity));
  return result;
}

Result<Log> log(const json& value) {
  MLCHAIN_TRY_STATUS(require_object(value, "log"));
  Log result;
  MLCHAIN_TRY(result.address, required(value, "address", address));
  const auto topics = value.find("topics");
  if (topics == value.end() || !topics->is_array() || topics->size() > 4) {
    return malformed("log \"topics\" is not an array of at most 4 hashes");
  }
  for (const json& topic : *topics) {
    MLCHAIN_TRY(Hash parsed, hash(topic));
    result.topics.push_back(parsed);
  }
  MLCHAIN_TRY(result.data, required(value, "data", data));
  MLCHAIN_TRY(result.block_number, required(value, "blockNumber", uint64_quantity));
  MLCHAIN_TRY(result.block_hash, required(value, "blockHash", hash));
  MLCHAIN_TRY(result.transaction_hash, required(value, "transactionHash", hash));
  MLCHAIN_TRY(result.transaction_index, required(value, "transactionIndex", uint64_quantity));
  MLCHAIN_TRY(result.log_index, required(value, "logIndex", uint64_quantity));
  MLCHAIN_TRY(const auto removed, optional(value, "removed", boolean));
  result.removed = removed.value_or(false);
  return result;
}

Result<std::vector<Log>> logs(const json& value) {
  if (!value.is_array()) return malformed("logs are not an array");
  std::vector<Log> result;
  result.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto parsed = log(value[i]);
    if (!parsed) return malformed("log " + std::to_string(i) + ": " + parsed.error().message);
    result.push_back(std::move(parsed).value());
  }
  return result;
}

Result<Receipt> receipt(const json& value) {
  MLCHAIN_TRY_STATUS(require_object(value, "receipt"));
  Receipt result;
  MLCHAIN_TRY(result.transaction_hash, required(value, "transactionHash", hash));
  MLCHAIN_TRY(result.transaction_index, required(value, "transactionIndex", uint64_quantity));
  MLCHAIN_TRY(result.block_hash, required(value, "blockHash", hash));
  MLCHAIN_TRY(result.block_number, required(value, "blockNumber", uint64_quantity));
  MLCHAIN_TRY(result.from, required(value, "from", address));
  MLCHAIN_TRY(result.to, optional(value, "to", address));
  MLCHAIN_TRY(result.contract_address, optional(value, "contractAddress", address));
  MLCHAIN_TRY(const std::uint64_t status, required(value, "status", uint64_quantity));
  if (status > 1) return malformed("status " + std::to_string(status) + " is neither 0x0 nor 0x1");
  result.succeeded = status == 1;
  MLCHAIN_TRY(result.gas_used, required(value, "gasUsed", uint64_quantity));
  MLCHAIN_TRY(result.cumulative_gas_used, required(value, "cumulativeGasUsed", uint64_quantity));
  MLCHAIN_TRY(result.effective_gas_price, required(value, "effectiveGasPrice", u256_quantity));
  MLCHAIN_TRY(result.logs, required(value, "logs", logs));
  return result;
}

Result<FeeHistory> fee_history(const json& value) {
  MLCHAIN_TRY_STATUS(require_object(value, "fee history"));
  FeeHistory result;
  MLCHAIN_TRY(result.oldest_block, required(value, "oldestBlock", uint64_quantity));
  const auto base_fees = value.find("baseFeePerGas");
  if (base_fees == value.end() || !base_fees->is_array()) return malformed("\"baseFeePerGas\" is not an array");
  for (const json& fee : *base_fees) {
    MLCHAIN_TRY(codec::U256 parsed, u256_quantity(fee));
    result.base_fee_per_gas.push_back(parsed);
  }
  const auto ratios = value.find("gasUsedRatio");
  if (ratios == value.end() || !ratios->is_array()) return malformed("\"gasUsedRatio\" is not an array");
  for (const json& ratio : *ratios) {
    if (!ratio.is_number() || ratio.get<double>() < 0 || ratio.get<double>() > 1) {
      return malformed("\"gasUsedRatio\" holds something other than a number in [0, 1]");
    }
    result.gas_used_ratio.push_back(ratio.get<double>());
  }
  if (result.base_fee_per_gas.size() != result.gas_used_ratio.size() + 1) {
    return malformed("\"baseFeePerGas\" must have one entry more than \"gasUsedRatio\"");
  }
  const auto rewards = value.find("reward");
  if (rewards != value.end() && !rewards->is_null()) {
    // Nodes answer [] when no percentiles were asked for.
    if (!rewards->is_array() || (!rewards->empty() && rewards->size() != result.gas_used_ratio.size())) {
      return malformed("\"reward\" is not an array with one entry per block");
    }
    for (const json& block_rewards : *rewards) {
      if (!block_rewards.is_array()) return malformed("\"reward\" entry is not an array");
      std::vector<codec::U256> parsed;
      for (const json& reward : block_rewards) {
        MLCHAIN_TRY(codec::U256 fee, u256_quantity(reward));
        parsed.push_back(fee);
      }
      result.reward.push_back(std::move(parsed));
    }
  }
  return result;
}

Result<TransactionInfo> transaction(const json& value) {
  MLCHAIN_TRY_STATUS(require_object(value, "transaction"));
  TransactionInfo result;
  MLCHAIN_TRY(result.hash, required(value, "hash", hash));
  MLCHAIN_TRY(const auto type, optional(value, "type", uint64_quantity));
  if (type.value_or(0) > 0xff) return malformed("type " + std::to_string(*type) + " is not a transaction type");
  result.type = static_cast<std::uint8_t>(type.value_or(0));
  MLCHAIN_TRY(result.from, required(value, "from", address));
  MLCHAIN_TRY(result.to, optional(value, "to", address));
  MLCHAIN_TRY(result.nonce, required(value, "nonce", uint64_quantity));
  MLCHAIN_TRY(result.gas, required(value, "gas", uint64_quantity));
  MLCHAIN_TRY(result.value, required(value, "value", u256_quantity));
  MLCHAIN_TRY(result.input, required(value, "input", data));
  MLCHAIN_TRY(result.gas_price, optional(value, "gasPrice", u256_quantity));
  MLCHAIN_TRY(result.max_fee_per_gas, optional(value, "maxFeePerGas", u256_quantity));
  MLCHAIN_TRY(result.max_priority_fee_per_gas, optional(value, "maxPriorityFeePerGas", u256_quantity));
  MLCHAIN_TRY(result.block_number, optional(value, "blockNumber", uint64_quantity));
  MLCHAIN_TRY(result.block_hash, optional(value, "blockHash", hash));
  if (result.block_number.has_value() != result.block_hash.has_value()) {
    return malformed("\"blockNumber\" and \"blockHash\" must both be set or both be null");
  }
  return result;
}

}  // namespace mlchain::eth::answers
