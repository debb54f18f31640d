#pragma once
// An Ethereum JSON-RPC 2.0 client (execution-apis) over HTTP(S), for any node: anvil, geth, an L2,
// a hosted provider.
//
// Errors (exit codes, docs/architecture.md):
// - the node cannot be reached, times out, answers an HTTP error, or answers something that is not a
//   well-formed JSON-RPC response to this request (wrong id, wrong shape, a quantity with leading zeros,
//   a hash of the wrong length…): ErrorKind::remote_unavailable naming the URL (credentials redacted) and
//   the method. A hostile answer is never a success and never a crash.
// - the node answers with a JSON-RPC error object: for the calls whose refusal the caller acts on
//   (send_raw_transaction, call, estimate_gas) it is returned as a Reply's RpcError; for the others it is
//   ErrorKind::remote_unavailable naming the method and the error.
//
// Retries: a transport failure (no connection, HTTP 408, 429 or 5xx) is retried with exponential
// backoff (not a request that ran out its whole timeout: the node hangs, and would again), for every call
// except send_raw_transaction, which is sent once unless the caller asks (Retry::transport_failures): its
// effect is not idempotent-looking to every node, and the caller journals and reconciles. An RPC error
// answer is never retried.
//
// Authentication: `RpcOptions::bearer_token` is sent as "Authorization: Bearer <token>";
// rpc_options_for() takes it from the environment variable MLCHAIN_RPC_TOKEN. A token may also sit in the
// URL (https://host/v3/<key>): messages show URLs redacted (net::redact_url).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/u256.hpp"
#include "mlchain/core/clock.hpp"
#include "mlchain/eth/rpc_types.hpp"
#include "mlchain/result.hpp"

namespace mlchain::eth {

struct RpcOptions {
  std::string url;
  std::string bearer_token;                      // empty: no Authorization header
  std::chrono::milliseconds timeout{30'000};     // per HTTP request, connection included
  unsigned attempts = 4;                         // tries per call when the transport fails
  std::chrono::milliseconds first_backoff{250};  // doubled after each failed try
  // Set: asked during each request and before each retry; true gives up the call (remote_unavailable).
  std::function<bool()> cancelled;
};

// Options for `url`, with the bearer token from MLCHAIN_RPC_TOKEN when that is set and not empty.
RpcOptions rpc_options_for(std::string url);

// The environment variable that holds a bearer token for the RPC endpoint.
inline constexpr const char* rpc_token_variable = "MLCHAIN_RPC_TOKEN";

// One HTTP POST of a JSON body, and the answer. The HTTP client stands behind it in production; tests and
// the fuzz target put canned or hostile answers behind it.
class RpcTransport {
 public:
  struct Answer {
    long status = 0;
    std::string body;
  };
  virtual ~RpcTransport() = default;
  // remote_unavailable when no answer arrived (connection refused, timeout, body too large).
  virtual Result<Answer> post(std::string_view json_body) = 0;
};

// The libcurl transport (net::HttpClient) for options.url, with its timeout and bearer token.
std::unique_ptr<RpcTransport> make_http_transport(const RpcOptions& options);

enum class Retry { never, transport_failures };

class RpcClient {
 public:
  // Talks to options.url over HTTP(S).
  explicit RpcClient(RpcOptions options);
  // Talks through `transport`; options.url is used in messages only. `clock` times the retry backoff.
  RpcClient(RpcOptions options, std::unique_ptr<RpcTransport> transport, core::Clock& clock = core::real_clock());
  ~RpcClient();
  RpcClient(RpcClient&&) noexcept;
  RpcClient& operator=(RpcClient&&) noexcept;

  // The URL as messages show it (credentials redacted).
  const std::string& display_url() const { return display_url_; }

  Result<std::uint64_t> chain_id();
  Result<std::uint64_t> block_number();
  Result<std::uint64_t> transaction_count(const codec::Address& account, const BlockTag& block = BlockTag::pending());
  Result<codec::U256> balance(const codec::Address& account, const BlockTag& block = BlockTag::latest());
  // The deployed code at `account` (empty: no contract there).
  Result<Bytes> code(const codec::Address& account, const BlockTag& block = BlockTag::latest());

  Result<codec::U256> gas_price();
  Result<codec::U256> max_priority_fee_per_gas();
  // `block_count` blocks ending at `newest`, with priority fees at `reward_percentiles` (ascending, 0–100).
  Result<FeeHistory> fee_history(std::uint64_t block_count, const BlockTag& newest,
                                 std::span<const double> reward_percentiles);

  Result<Reply<std::uint64_t>> estimate_gas(const CallRequest& request);
  Result<Reply<Bytes>> call(const CallRequest& request, const BlockTag& block = BlockTag::latest());
  // The hash the node returns must be keccak256(raw), or the answer is remote_unavailable.
  Result<Reply<Hash>> send_raw_transaction(ByteView raw, Retry retry = Retry::never);

  // Nothing while the transaction is pending or unknown.
  Result<std::optional<Receipt>> transaction_receipt(const Hash& transaction);
  Result<std::optional<TransactionInfo>> transaction_by_hash(const Hash& transaction);
  // Nothing when the node has no such block (yet).
  Result<std::optional<Block>> block_by_number(const BlockTag& block);
  Result<std::vector<Log>> logs(const LogFilter& filter);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::string display_url_;
};

}  // namespace mlchain::eth
