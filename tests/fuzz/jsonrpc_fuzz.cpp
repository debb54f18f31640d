// JSON-RPC answers: any bytes a node (or a hostile proxy) sends are either read or refused as a remote
// failure (exit 4), for every typed call; never a crash, never another error class.

#include <memory>
#include <string>
#include <vector>

#include "mlchain/eth/rpc_client.hpp"
#include "round_trip.hpp"

using namespace mlchain;

namespace {

// Answers every request with the fuzz input, with HTTP 200.
class FuzzTransport final : public eth::RpcTransport {
 public:
  explicit FuzzTransport(std::string body) : body_(std::move(body)) {}
  Result<Answer> post(std::string_view) override { return Answer{200, body_}; }

 private:
  std::string body_;
};

// A fresh client per call, so every request has id 1 and the input can answer it.
eth::RpcClient client_for(const std::string& body) {
  eth::RpcOptions options;
  options.url = "http://fuzz.invalid";
  return eth::RpcClient(options, std::make_unique<FuzzTransport>(body));
}

template <class T>
void require_ok_or_remote(const Result<T>& result) {
  fuzz::require(result.ok() || result.error().kind == ErrorKind::remote_unavailable,
                "a malformed answer is a remote failure");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const codec::Address account;
  const eth::Hash hash{};
  const std::vector<double> percentiles{50};
  require_ok_or_remote(client_for(body).chain_id());
  require_ok_or_remote(client_for(body).code(account));
  require_ok_or_remote(client_for(body).balance(account));
  require_ok_or_remote(client_for(body).fee_history(4, eth::BlockTag::latest(), percentiles));
  require_ok_or_remote(client_for(body).estimate_gas(eth::CallRequest{}));
  require_ok_or_remote(client_for(body).call(eth::CallRequest{}));
  require_ok_or_remote(client_for(body).send_raw_transaction(Bytes{0x02, 0xc0}));
  require_ok_or_remote(client_for(body).transaction_receipt(hash));
  require_ok_or_remote(client_for(body).transaction_by_hash(hash));
  require_ok_or_remote(client_for(body).block_by_number(eth::BlockTag::latest()));
  require_ok_or_remote(client_for(body).logs(eth::LogFilter{}));
  return 0;
}
