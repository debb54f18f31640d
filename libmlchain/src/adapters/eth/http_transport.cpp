#include <algorithm>

#include "mlchain/eth/rpc_client.hpp"
#include "mlchain/net/http.hpp"

namespace mlchain::eth {
namespace {

// eth_getLogs over a long history is the largest answer; more than this is not an honest node.
constexpr std::size_t max_answer_bytes = 64 * 1024 * 1024;
constexpr std::chrono::milliseconds max_connect_timeout{10'000};

class HttpTransport final : public RpcTransport {
 public:
  explicit HttpTransport(const RpcOptions& options)
      : url_(options.url), client_(http_options(options)), timeout_(options.timeout), cancelled_(options.cancelled) {}

  Result<Answer> post(std::string_view json_body) override {
    net::HttpRequest request;
    request.method = "POST";
    request.url = url_;
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    request.body.assign(json_body.begin(), json_body.end());
    request.max_response_bytes = max_answer_bytes;
    request.total_timeout = timeout_;
    request.cancelled = cancelled_;
    MLCHAIN_TRY(net::HttpResponse response, client_.send(request));
    return Answer{response.status, std::string(response.body.begin(), response.body.end())};
  }

 private:
  static net::HttpOptions http_options(const RpcOptions& options) {
    net::HttpOptions http;
    http.connect_timeout = std::min(options.timeout, max_connect_timeout);
    http.total_timeout = options.timeout;
    http.bearer_token = options.bearer_token;
    return http;
  }

  std::string url_;
  net::HttpClient client_;
  std::chrono::milliseconds timeout_;
  std::function<bool()> cancelled_;
};

}  // namespace

std::unique_ptr<RpcTransport> make_http_transport(const RpcOptions& options) {
  return std::make_unique<HttpTransport>(options);
}

}  // namespace mlchain::eth
