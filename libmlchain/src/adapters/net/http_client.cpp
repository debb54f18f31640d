#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <new>

#include "mlchain/codec/cid.hpp"
#include "mlchain/core/url_credentials.hpp"
#include "mlchain/net/http.hpp"
#include "mlchain/util/text.hpp"

namespace mlchain::net {

namespace {

// curl_global_init is not thread-safe and must run once before any handle exists.
CURLcode global_init_once() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  return code;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// What one transfer shares with the libcurl callbacks.
struct Transfer {
  CURL* handle = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  std::string display_url;
  std::uint64_t body_offset = 0;  // of the in-memory request body
  std::optional<Error> callback_error;
  bool streaming_decided = false;
  bool streaming = false;

  void fail(Error error) {
    if (!callback_error) callback_error = std::move(error);
  }
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t length = size * count;
  try {
    const std::string_view line(data, length);
    if (line.starts_with("HTTP/")) {
      // A new response starts (after a 100 Continue or a redirect): forget the previous one's headers.
      transfer.response->headers.clear();
      return length;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return length;
    transfer.response->headers.push_back(
        HttpHeader{lower(util::trim(line.substr(0, colon))), std::string(util::trim(line.substr(colon + 1)))});
    return length;
  } catch (const std::bad_alloc&) {
    transfer.fail(make_error(ErrorKind::internal, "out of memory reading the headers of " + transfer.display_url));
    return 0;
  }
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t length = size * count;
  const auto& request = *transfer.request;
  try {
    if (!transfer.streaming_decided) {
      long status = 0;
      curl_easy_getinfo(transfer.handle, CURLINFO_RESPONSE_CODE, &status);
      transfer.streaming = request.on_body && (!request.stream_only_success || (status >= 200 && status < 300));
      transfer.streaming_decided = true;
      if (request.on_headers) {
        auto accepted = request.on_headers(status, transfer.response->headers);
        if (!accepted.ok()) {
          transfer.fail(std::move(accepted).error());
          return 0;
        }
      }
    }
    const ByteView bytes(reinterpret_cast<const std::uint8_t*>(data), length);
    if (transfer.streaming) {
      auto status = request.on_body(bytes);
      if (!status.ok()) {
        transfer.fail(std::move(status).error());
        return 0;
      }
      return length;
    }
    auto& body = transfer.response->body;
    if (body.size() + length > request.max_response_bytes) {
      transfer.fail(make_error(ErrorKind::remote_unavailable, "the answer of " + transfer.display_url + " exceeds " +
                                                                  std::to_string(request.max_response_bytes) +
                                                                  " bytes"));
      return 0;
    }
    append(body, bytes);
    return length;
  } catch (const std::bad_alloc&) {
    transfer.fail(make_error(ErrorKind::internal, "out of memory reading the answer of " + transfer.display_url));
    return 0;
  } catch (const std::exception& error) {
    transfer.fail(
        make_error(ErrorKind::internal, "reading the answer of " + transfer.display_url + ": " + error.what()));
    return 0;
  }
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const auto& request = *transfer.request;
  const std::size_t capacity = size * count;
  try {
    if (request.body_reader) {
      auto read = request.body_reader(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(buffer), capacity));
      if (!read.ok()) {
        transfer.fail(std::move(read).error());
        return CURL_READFUNC_ABORT;
      }
      return std::min(*read, capacity);
    }
    const auto remaining = request.body.size() - static_cast<std::size_t>(transfer.body_offset);
    const auto n = std::min(remaining, capacity);
    std::memcpy(buffer, request.body.data() + transfer.body_offset, n);
    transfer.body_offset += n;
    return n;
  } catch (const std::exception& error) {
    transfer.fail(make_error(ErrorKind::internal, "sending the body to " + transfer.display_url + ": " + error.what()));
    return CURL_READFUNC_ABORT;
  }
}

int on_progress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t sent) {
  auto& transfer = *static_cast<Transfer*>(user);
  if (transfer.request->cancelled && transfer.request->cancelled()) {
    transfer.fail(make_error(ErrorKind::remote_unavailable, "stopped waiting for " + transfer.display_url));
    return 1;
  }
  if (!transfer.request->progress) return 0;
  try {
    transfer.request->progress(static_cast<std::uint64_t>(sent), static_cast<std::uint64_t>(received));
  } catch (...) {
    // Progress is a courtesy: a failing progress bar must not fail the transfer.
  }
  return 0;
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  bool add(const std::string& line) {
    auto* grown = curl_slist_append(list, line.c_str());
    if (grown == nullptr) return false;
    list = grown;
    return true;
  }
};

bool is_secret_parameter(std::string_view name) {
  const auto key = lower(name);
  for (const std::string_view marker :
       {"token", "key", "secret", "password", "passwd", "auth", "signature", "sig", "credential", "session"}) {
    if (key.find(marker) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  const auto wanted = lower(name);
  std::optional<std::string> found;
  for (const auto& header : headers) {
    if (header.name == wanted) found = header.value;
  }
  return found;
}

struct HttpClient::State {
  HttpOptions options;
  CURL* handle = nullptr;
  ~State() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

HttpClient::HttpClient(HttpOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Result<HttpResponse> HttpClient::send(const HttpRequest& request) {
  const auto display_url = redact_url(request.url);
  if (global_init_once() != CURLE_OK) {
    return make_error(ErrorKind::internal, "libcurl could not be initialised to reach " + display_url);
  }
  if (state_->handle == nullptr) {
    state_->handle = curl_easy_init();
    if (state_->handle == nullptr) {
      return make_error(ErrorKind::internal, "libcurl could not make a handle to reach " + display_url);
    }
  } else {
    // Keeps the open connection, forgets the previous request's options.
    curl_easy_reset(state_->handle);
  }
  CURL* handle = state_->handle;
  const auto& options = state_->options;

  HttpResponse response;
  Transfer transfer;
  transfer.handle = handle;
  transfer.request = &request;
  transfer.response = &response;
  transfer.display_url = display_url;

  HeaderList headers;
  bool headers_ok = headers.add("Expect:");  // no 100-continue round trip before each upload
  for (const auto& header : request.headers) headers_ok = headers_ok && headers.add(header.name + ": " + header.value);
  if (!options.bearer_token.empty())
    headers_ok = headers_ok && headers.add("Authorization: Bearer " + options.bearer_token);
  const bool has_body = request.body_reader || !request.body.empty();
  if (request.body_reader && !request.body_length) headers_ok = headers_ok && headers.add("Transfer-Encoding: chunked");
  if (!headers_ok) return make_error(ErrorKind::internal, "out of memory building a request to " + display_url);

  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  // A large file arrives in 512 KiB reads rather than 16 KiB ones: a thirty-second of the system calls.
  curl_easy_setopt(handle, CURLOPT_BUFFERSIZE, 512L * 1024);
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  const auto total = request.total_timeout.value_or(options.total_timeout);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
  const auto idle = request.idle_timeout.value_or(options.low_speed_time);
  if (idle.count() > 0) {
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options.low_speed_bytes));
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, static_cast<long>(idle.count()));
  }
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  if (request.progress || request.cancelled) {
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
  }

  if (request.method == "GET" && !has_body) {
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    // Gateways redirect (path to subdomain form); credentials are not sent to another host.
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  } else if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(handle, CURLOPT_READDATA, &transfer);
    if (request.body_reader) {
      if (request.body_length) {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(*request.body_length));
      }
    } else {
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    if (request.method != "POST") curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  const CURLcode code = curl_easy_perform(handle);
  // The options point at this frame's objects: drop them before returning.
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);

  if (transfer.callback_error) return std::move(*transfer.callback_error);
  if (code != CURLE_OK) {
    const std::string reason = error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(code);
    const bool timed_out = code == CURLE_OPERATION_TIMEDOUT;
    return make_error(timed_out ? ErrorKind::timeout : ErrorKind::remote_unavailable,
                      std::string(timed_out ? "timed out reaching " : "cannot reach ") + display_url + ": " +
                          std::string(util::trim(reason)));
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

namespace {

// Hosted RPC providers put the API key in the path (https://host/v3/<key>, /v2/<key>): a long run of
// letters, digits, '-' and '_' is taken for one, unless it is a CID (gateway paths, /ipfs/<cid>).
bool looks_like_path_key(std::string_view segment) {
  constexpr std::size_t shortest_key = 20;
  if (segment.size() < shortest_key) return false;
  for (const char c : segment)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return !codec::Cid::parse(segment).ok();
}

std::string redact_path_keys(std::string_view url) {
  const auto scheme_end = url.find("://");
  const auto path_start = url.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  if (path_start == std::string_view::npos) return std::string(url);
  const auto path_end = std::min(url.find('?', path_start), url.find('#', path_start));
  std::string out(url.substr(0, path_start));
  std::string_view path = url.substr(path_start, path_end == std::string_view::npos ? url.npos : path_end - path_start);
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/'
    const auto next = path.find('/');
    const auto segment = path.substr(0, next);
    out += '/';
    out += looks_like_path_key(segment) ? std::string_view("***") : segment;
    path.remove_prefix(next == std::string_view::npos ? path.size() : next);
  }
  if (path_end != std::string_view::npos) out += url.substr(path_end);
  return out;
}

}  // namespace

std::string redact_url(std::string_view url) {
  auto stripped = redact_path_keys(core::strip_url_credentials(url));
  const auto query_start = stripped.find('?');
  if (query_start == std::string::npos) return stripped;
  const auto fragment_start = stripped.find('#', query_start);
  const auto query_end = fragment_start == std::string::npos ? stripped.size() : fragment_start;
  std::string out = stripped.substr(0, query_start + 1);
  std::string_view query(stripped.data() + query_start + 1, query_end - query_start - 1);
  bool first = true;
  while (true) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && is_secret_parameter(pair.substr(0, equals))) {
      out += std::string(pair.substr(0, equals)) + "=***";
    } else {
      out += pair;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  out += stripped.substr(query_end);
  return out;
}

std::string body_excerpt(ByteView body, std::size_t max_chars) {
  std::string out;
  bool last_was_space = true;
  for (const auto byte : body) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    const bool printable = byte >= 0x20 && byte < 0x7f;
    if (!printable || byte == ' ') {
      if (!last_was_space) out += ' ';
      last_was_space = true;
      continue;
    }
    out += static_cast<char>(byte);
    last_was_space = false;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Status expect_success(const HttpResponse& response, std::string_view url, std::string_view what) {
  if (response.success()) return {};
  auto message = std::string(what) + ": " + redact_url(url) + " answered HTTP " + std::to_string(response.status);
  const auto excerpt = body_excerpt(response.body);
  if (!excerpt.empty()) message += ": " + excerpt;
  return make_error(ErrorKind::remote_unavailable, std::move(message));
}

std::string url_encode(std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0x0f];
    }
  }
  return out;
}

}  // namespace mlchain::net
