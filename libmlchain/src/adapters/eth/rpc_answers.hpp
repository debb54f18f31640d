#pragma once
// Reading JSON-RPC answers strictly: the envelope (version, id, exactly one of result and error) and the
// typed results. Every failure is ErrorKind::remote_unavailable with a short reason ("blockNumber: quantity
// with a leading zero …"): a malformed answer is the remote's fault. The client adds the method and URL.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/codec/u256.hpp"
#include "mlchain/eth/rpc_types.hpp"
#include "mlchain/result.hpp"

namespace mlchain::eth::answers {

// The "result" member (any JSON, null included) or the error object. `body` must be one JSON object
// nested at most max_depth levels deep, answering request `expected_id`.
inline constexpr std::size_t max_depth = 16;
Result<Reply<nlohmann::json>> envelope(std::string_view body, std::uint64_t expected_id);

Result<std::uint64_t> uint64_quantity(const nlohmann::json& value);
Result<codec::U256> u256_quantity(const nlohmann::json& value);
Result<Bytes> data(const nlohmann::json& value);
Result<Hash> hash(const nlohmann::json& value);
Result<codec::Address> address(const nlohmann::json& value);

Result<Block> block(const nlohmann::json& value);
Result<Log> log(const nlohmann::json& value);
Result<std::vector<Log>> logs(const nlohmann::json& value);
Result<Receipt> receipt(const nlohmann::json& value);
Result<FeeHistory> fee_history(const nlohmann::json& value);
Result<TransactionInfo> transaction(const nlohmann::json& value);

}  // namespace mlchain::eth::answers
