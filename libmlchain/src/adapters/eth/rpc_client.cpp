#include "mlchain/eth/rpc_client.hpp"

#include <algorithm>
#include <cstdlib>

#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/net/http.hpp"
#include "rpc_answers.hpp"

namespace mlchain::eth {
namespace {

using nlohmann::json;

constexpr std::chrono::milliseconds max_backoff{8'000};

// Answers worth trying again: the node or a proxy in front of it is overloaded or restarting.
bool transient_status(long status) { return status == 408 || status == 429 || (status >= 500 && status <= 599); }

std::string hex_of(ByteView bytes) { return codec::to_0x_hex(bytes); }
std::string hex_of(const codec::Address& address) { return codec::to_0x_hex(address.bytes); }

json call_object(const CallRequest& request) {
  json object = json::object();
  if (request.from) object["from"] = hex_of(*request.from);
  if (request.to) object["to"] = hex_of(*request.to);
  object["data"] = hex_of(request.data);
  if (request.value) object["value"] = request.value->to_quantity();
  if (request.gas) object["gas"] = codec::U256(*request.gas).to_quantity();
  return object;
}

json filter_object(const LogFilter& filter) {
  json object = json::object();
  if (!filter.addresses.empty()) {
    json addresses = json::array();
    for (const codec::Address& address : filter.addresses) addresses.push_back(hex_of(address));
    object["address"] = std::move(addresses);
  }
  json topics = json::array();
  for (const std::vector<Hash>& position : filter.topics) {
    if (position.empty()) {
      topics.push_back(nullptr);
      continue;
    }
    json any_of = json::array();
    for (const Hash& topic : position) any_of.push_back(hex_of(topic));
    topics.push_back(std::move(any_of));
  }
  object["topics"] = std::move(topics);
  object["fromBlock"] = filter.from_block.text();
  object["toBlock"] = filter.to_block.text();
  return object;
}

// A parser for results that may be null (a pending receipt, an unknown transaction or block).
template <class Parse>
auto nullable(Parse parse) {
  return [parse](const json& value) -> Result<std::optional<std::decay_t<decltype(parse(value).value())>>> {
    using T = std::decay_t<decltype(parse(value).value())>;
    if (value.is_null()) return std::optional<T>();
    MLCHAIN_TRY(T parsed, parse(value));
    return std::optional<T>(std::move(parsed));
  };
}

}  // namespace

RpcOptions rpc_options_for(std::string url) {
  RpcOptions options;
  options.url = std::move(url);
  if (const char* token = std::getenv(rpc_token_variable); token != nullptr && *token != '\0') {
    options.bearer_token = token;
  }
  return options;
}

struct RpcClient::State {
  RpcOptions options;
  std::unique_ptr<RpcTransport> transport;
  core::Clock* clock = nullptr;
  std::string display_url;
  std::uint64_t next_id = 1;

  Error failure(std::string_view method, const std::string& what) const {
    return make_error(ErrorKind::remote_unavailable, std::string(method) + " to " + display_url + ": " + what);
  }

  // One request, tried again after transport failures when `retry` allows; the result or the node's error.
  Result<Reply<json>> exchange(std::string_view method, json params, Retry retry) {
    const unsigned attempts = retry == Retry::never ? 1 : std::max(1u, options.attempts);
    std::chrono::milliseconds backoff = options.first_backoff;
    std::string last_failure;
    unsigned tries = 0;
    for (unsigned attempt = 1; attempt <= attempts; ++attempt) {
      if (attempt > 1) {
        if (options.cancelled && options.cancelled()) break;
        clock->sleep_for(backoff);
        backoff = std::min(backoff * 2, max_backoff);
      }
      const std::uint64_t id = next_id++;
      const json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
      auto answer = transport->post(request.dump());
      tries = attempt;
      if (!answer) {
        const ErrorKind kind = answer.error().kind;
        if (kind != ErrorKind::remote_unavailable && kind != ErrorKind::timeout) return std::move(answer).error();
        last_failure = answer.error().message;
        // A node that let a request run out its whole timeout hangs: each retry would wait as long again
        // (four tries of 30 s per call, many calls per command), so a timeout ends the call at once.
        if (kind == ErrorKind::timeout) break;
        continue;
      }
      if (answer->status < 200 || answer->status > 299) {
        // Some providers send their JSON-RPC refusals with an HTTP error status.
        auto refusal = answers::envelope(answer->body, id);
        if (refusal && std::holds_alternative<RpcError>(*refusal)) return std::move(refusal).value();
        last_failure = "HTTP " + std::to_string(answer->status) + ": " + net::body_excerpt(as_bytes(answer->body));
        if (transient_status(answer->status)) continue;
        return failure(method, last_failure);
      }
      auto parsed = answers::envelope(answer->body, id);
      if (!parsed) return failure(method, "malformed answer: " + parsed.error().message);
      return std::move(parsed).value();
    }
    const std::string tried = tries > 1 ? " (" + std::to_string(tries) + " tries)" : "";
    // A transport message names the URL already.
    if (last_failure.find(display_url) != std::string::npos) {
      return make_error(ErrorKind::remote_unavailable, std::string(method) + ": " + last_failure + tried);
    }
    return failure(method, last_failure + tried);
  }

  // A call whose error answer is a failure: the typed result.
  template <class Parse>
  auto typed(std::string_view method, json params, Parse parse) -> decltype(parse(json())) {
    MLCHAIN_TRY(Reply<json> reply, exchange(method, std::move(params), Retry::transport_failures));
    if (const auto* refusal = std::get_if<RpcError>(&reply)) return failure(method, refusal->describe());
    auto parsed = parse(std::get<json>(reply));
    if (!parsed) return failure(method, "malformed answer: " + parsed.error().message);
    return parsed;
  }

  // A call whose error answer the caller acts on: the typed result or the node's error.
  template <class Parse>
  auto replied(std::string_view method, json params, Parse parse, Retry retry)
      -> Result<Reply<std::decay_t<decltype(parse(json()).value())>>> {
    using T = std::decay_t<decltype(parse(json()).value())>;
    MLCHAIN_TRY(Reply<json> reply, exchange(method, std::move(params), retry));
    if (auto* refusal = std::get_if<RpcError>(&reply)) return Reply<T>(std::in_place_index<1>, std::move(*refusal));
    auto parsed = parse(std::get<json>(reply));
    if (!parsed) return failure(method, "malformed answer: " + parsed.error().message);
    return Reply<T>(std::in_place_index<0>, std::move(parsed).value());
  }
};

RpcClient::RpcClient(RpcOptions options) : RpcClient(options, make_http_transport(options)) {}

RpcClient::RpcClient(RpcOptions options, std::unique_ptr<RpcTransport> transport, core::Clock& clock)
    : state_(std::make_unique<State>()), display_url_(net::redact_url(options.url)) {
  state_->options = std::move(options);
  state_->transport = std::move(transport);
  state_->clock = &clock;
  state_->display_url = display_url_;
}

RpcClient::~RpcClient() = default;
RpcClient::RpcClient(RpcClient&&) noexcept = default;
RpcClient& RpcClient::operator=(RpcClient&&) noexcept = default;

Result<std::uint64_t> RpcClient::chain_id() {
  return state_->typed("eth_chainId", json::array(), answers::uint64_quantity);
}

Result<std::uint64_t> RpcClient::block_number() {
  return state_->typed("eth_blockNumber", json::array(), answers::uint64_quantity);
}

Result<std::uint64_t> RpcClient::transaction_count(const codec::Address& account, const BlockTag& block) {
  return state_->typed("eth_getTransactionCount", json::array({hex_of(account), block.text()}),
                       answers::uint64_quantity);
}

Result<codec::U256> RpcClient::balance(const codec::Address& account, const BlockTag& block) {
  return state_->typed("eth_getBalance", json::array({hex_of(account), block.text()}), answers::u256_quantity);
}

Result<Bytes> RpcClient::code(const codec::Address& account, const BlockTag& block) {
  return state_->typed("eth_getCode", json::array({hex_of(account), block.text()}), answers::data);
}

Result<codec::U256> RpcClient::gas_price() {
  return state_->typed("eth_gasPrice", json::array(), answers::u256_quantity);
}

Result<codec::U256> RpcClient::max_priority_fee_per_gas() {
  return state_->typed("eth_maxPriorityFeePerGas", json::array(), answers::u256_quantity);
}

Result<FeeHistory> RpcClient::fee_history(std::uint64_t block_count, const BlockTag& newest,
                                          std::span<const double> reward_percentiles) {
  json percentiles = json::array();
  for (const double percentile : reward_percentiles) percentiles.push_back(percentile);
  auto history =
      state_->typed("eth_feeHistory", json::array({codec::U256(block_count).to_quantity(), newest.text(), percentiles}),
                    answers::fee_history);
  if (history && history->reward.size() != (reward_percentiles.empty() ? 0 : history->gas_used_ratio.size())) {
    return state_->failure("eth_feeHistory", "malformed answer: \"reward\" does not match the percentiles asked for");
  }
  if (history) {
    for (const auto& rewards : history->reward) {
      if (rewards.size() != reward_percentiles.size()) {
        return state_->failure("eth_feeHistory", "malformed answer: a block's rewards do not match the percentiles");
      }
    }
  }
  return history;
}

Result<Reply<std::uint64_t>> RpcClient::estimate_gas(const CallRequest& request) {
  return state_->replied("eth_estimateGas", json::array({call_object(request)}), answers::uint64_quantity,
                         Retry::transport_failures);
}

Result<Reply<Bytes>> RpcClient::call(const CallRequest& request, const BlockTag& block) {
  return state_->replied("eth_call", json::array({call_object(request), block.text()}), answers::data,
                         Retry::transport_failures);
}

Result<Reply<Hash>> RpcClient::send_raw_transaction(ByteView raw, Retry retry) {
  const Hash expected = codec::keccak256(raw);
  const auto hash_of_raw = [&expected](const json& value) -> Result<Hash> {
    MLCHAIN_TRY(const Hash answered, answers::hash(value));
    if (answered != expected) {
      return make_error(ErrorKind::remote_unavailable,
                        "the node answered hash " + hex_of(answered) + ", not the transaction's " + hex_of(expected));
    }
    return answered;
  };
  return state_->replied("eth_sendRawTransaction", json::array({hex_of(raw)}), hash_of_raw, retry);
}

Result<std::optional<Receipt>> RpcClient::transaction_receipt(const Hash& transaction) {
  auto receipt =
      state_->typed("eth_getTransactionReceipt", json::array({hex_of(transaction)}), nullable(answers::receipt));
  if (receipt && receipt->has_value() && (*receipt)->transaction_hash != transaction) {
    return state_->failure("eth_getTransactionReceipt",
                           "the receipt is for another transaction " + hex_of((*receipt)->transaction_hash));
  }
  return receipt;
}

Result<std::optional<TransactionInfo>> RpcClient::transaction_by_hash(const Hash& transaction) {
  auto info =
      state_->typed("eth_getTransactionByHash", json::array({hex_of(transaction)}), nullable(answers::transaction));
  if (info && info->has_value() && (*info)->hash != transaction) {
    return state_->failure("eth_getTransactionByHash", "the answer is another transaction " + hex_of((*info)->hash));
  }
  return info;
}

Result<std::optional<Block>> RpcClient::block_by_number(const BlockTag& block) {
  auto found = state_->typed("eth_getBlockByNumber", json::array({block.text(), false}), nullable(answers::block));
  const std::string asked = block.text();
  if (found && found->has_value() && asked.starts_with("0x") && codec::U256((*found)->number).to_quantity() != asked) {
    return state_->failure("eth_getBlockByNumber",
                           "asked for block " + asked + ", the answer is block " + std::to_string((*found)->number));
  }
  return found;
}

Result<std::vector<Log>> RpcClient::logs(const LogFilter& filter) {
  return state_->typed("eth_getLogs", json::array({filter_object(filter)}), answers::logs);
}

}  // namespace mlchain::eth
