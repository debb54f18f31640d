#pragma once
// A small HTTP/1.1 client for the remotes mlchain talks to (Kubo RPC, trustless gateways, Ethereum
// JSON-RPC). One HttpClient keeps its connection open between requests (keep-alive), so a push of a
// thousand blocks opens one TCP connection, not a thousand. Use one client per thread.
//
// Bodies can be streamed both ways, so a 10 GB upload or download never sits in memory: a request body
// comes from a read callback, a response body goes to a sink callback. A response collected in memory has
// a size cap, so a hostile server cannot make us allocate without bound.
//
// Errors: a transport failure is ErrorKind::remote_unavailable (a timeout ErrorKind::timeout) "… <URL>: <reason>". An
// HTTP status is not an error here: it is returned, and the caller decides (expect_success() makes a non-2xx status an
// error). An error returned by a body callback stops the transfer and is returned as it is. No message ever carries a
// credential: URLs are shown through redact_url().

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
#include "mlchain/result.hpp"

namespace mlchain::net {

struct HttpHeader {
  std::string name;
  std::string value;
};

// Fills `buffer` with the next bytes of a request body; 0 means the body has ended.
using BodyReader = std::function<Result<std::size_t>(std::span<std::uint8_t> buffer)>;
// Receives the next bytes of a response body, in order.
using BodySink = std::function<Status(ByteView bytes)>;

inline constexpr std::size_t default_max_response_bytes = 16 * 1024 * 1024;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<HttpHeader> headers;

  // The request body: `body`, or, when `body_reader` is set, what it reads — sent with that length when
  // `body_length` is given, else chunked.
  Bytes body;
  BodyReader body_reader;
  std::optional<std::uint64_t> body_length;

  // The response body: streamed to `on_body` when set, else collected into HttpResponse::body up to
  // `max_response_bytes` (more is remote_unavailable naming the URL and the cap).
  BodySink on_body;
  // Called once the status and headers are known, before the first body byte; an error it returns
  // stops the transfer (e.g. a Content-Type that is not what the caller can check).
  std::function<Status(long status, const std::vector<HttpHeader>& headers)> on_headers;
  std::size_t max_response_bytes = default_max_response_bytes;
  // Only the bodies of 2xx responses go to `on_body`; an error answer is collected (capped) instead,
  // so the caller can show it.
  bool stream_only_success = true;

  // Override HttpOptions::total_timeout and low_speed_time for this request (zero: no limit).
  std::optional<std::chrono::milliseconds> total_timeout;
  std::optional<std::chrono::seconds> idle_timeout;
  // Bytes of request and response body moved so far, for progress bars; called often, keep it cheap.
  std::function<void(std::uint64_t sent, std::uint64_t received)> progress;
  // Asked at least once a second while the transfer runs; true abandons it (remote_unavailable, naming the
  // URL), so that a process asked to stop does not wait out a node that never answers.
  std::function<bool()> cancelled;
};

struct HttpResponse {
  long status = 0;
  // Response headers and trailers (a chunked body's trailing headers, where Kubo reports errors that
  // happened after the status was sent), names in lower case.
  std::vector<HttpHeader> headers;
  Bytes body;  // empty when the body was streamed

  // The last value of a header or trailer (name in any case), or nothing.
  std::optional<std::string> header(std::string_view name) const;
  bool success() const { return status >= 200 && status < 300; }
};

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{0};  // zero: no limit (large transfers); low-speed abort instead
  // A transfer slower than `low_speed_bytes` per second for `low_speed_time` is aborted as a timeout.
  std::uint32_t low_speed_bytes = 1;
  std::chrono::seconds low_speed_time{60};
  // Sent as "Authorization: Bearer <token>" (hosted RPC and pinning providers); never shown.
  std::string bearer_token;
  std::string user_agent = "mlchain";
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> send(const HttpRequest& request);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// `url` without credentials, fit for messages: no userinfo ("user:secret@"); path segments that look like
// an API key (20 or more letters, digits, '-', '_', and not a CID: https://host/v3/<key>) and the values
// of query parameters whose names suggest a secret (token, key, apikey, secret, password, auth,
// signature…) replaced by "***".
std::string redact_url(std::string_view url);

// A 2xx response passes; anything else is remote_unavailable "<what>: <redacted URL> answered HTTP
// <status>: <excerpt>", the excerpt a short, single-line, printable-ASCII piece of the body.
Status expect_success(const HttpResponse& response, std::string_view url, std::string_view what);

// A short, single-line, printable-ASCII excerpt of a body, for messages.
std::string body_excerpt(ByteView body, std::size_t max_chars = 200);

// Percent-encodes a URL query parameter value (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view value);

}  // namespace mlchain::net
