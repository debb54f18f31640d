#include "mlchain/ipfs/gateway_client.hpp"

#include "mlchain/codec/car.hpp"
#include "mlchain/ipfs/file_walk.hpp"

namespace mlchain::ipfs {
namespace {

constexpr std::size_t max_block_bytes = 2 * 1024 * 1024 + 1024;
constexpr std::string_view raw_type = "application/vnd.ipld.raw";
constexpr std::string_view car_type = "application/vnd.ipld.car";

std::string trimmed(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

GatewayClient::GatewayClient(std::string gateway_url, net::HttpOptions options)
    : base_(trimmed(std::move(gateway_url))), display_url_(net::redact_url(base_)), http_(std::move(options)) {}

Status GatewayClient::check_answer(const net::HttpResponse& response, std::string_view expected_type,
                                   const std::string& what) const {
  if (!response.success()) {
    return make_error(ErrorKind::remote_unavailable, what + ": gateway " + display_url_ + " answered HTTP " +
                                                         std::to_string(response.status) + ": " +
                                                         net::body_excerpt(response.body));
  }
  const auto type = response.header("Content-Type").value_or("");
  if (!type.starts_with(expected_type)) {
    // A gateway that answers with the file's contents instead is not wrong, but its answer cannot be
    // checked block by block: refuse it rather than trust it.
    return make_error(ErrorKind::remote_unavailable, what + ": " + display_url_ +
                                                         " is not a trustless gateway (asked for " +
                                                         std::string(expected_type) + ", got " +
                                                         (type.empty() ? std::string("no Content-Type") : type) + ")");
  }
  return {};
}

Status GatewayClient::refuse_untrusted_answer(long status, const std::vector<net::HttpHeader>& headers,
                                              std::string_view expected_type, const std::string& what) const {
  // Error answers are collected and reported by check_answer; only a 2xx body of the wrong type is cut
  // short here, before it is read (a file's contents can be large).
  if (status < 200 || status >= 300) return {};
  net::HttpResponse head;
  head.status = status;
  head.headers = headers;
  return check_answer(head, expected_type, what);
}

Result<bool> GatewayClient::has_block(const codec::Cid& cid) {
  return make_error(ErrorKind::unsupported, "gateway " + display_url_ + " cannot say whether it holds " +
                                                cid.to_string() + " without fetching it");
}

Result<Bytes> GatewayClient::get_block(const codec::Cid& cid) {
  const auto what = "block " + cid.to_string();
  net::HttpRequest request;
  request.url = base_ + "/ipfs/" + cid.to_string() + "?format=raw";
  request.headers.push_back({"Accept", std::string(raw_type)});
  request.max_response_bytes = max_block_bytes;
  request.on_headers = [&](long status, const std::vector<net::HttpHeader>& headers) -> Status {
    return refuse_untrusted_answer(status, headers, raw_type, what);
  };
  MLCHAIN_TRY(auto response, http_.send(request));
  MLCHAIN_TRY_STATUS(check_answer(response, raw_type, what));
  MLCHAIN_TRY_STATUS(check_block(cid, response.body, "gateway " + display_url_));
  return std::move(response.body);
}

Status GatewayClient::read_file(const codec::Cid& root, const unixfs::Profile&,
                                const std::function<Status(ByteView)>& on_bytes, const ProgressCallback& progress) {
  return walk_file(
      root, [this](const codec::Cid& cid) { return get_block(cid); }, on_bytes, progress, display_url_);
}

Status GatewayClient::read_dag(const codec::Cid& root, const BlockCallback& on_block,
                               const ProgressCallback& progress) {
  const auto what = "DAG " + root.to_string();
  codec::CarReader reader(on_block, root);
  std::uint64_t received = 0;

  net::HttpRequest request;
  request.url = base_ + "/ipfs/" + root.to_string() + "?format=car";
  request.headers.push_back({"Accept", std::string(car_type)});
  // A gateway that ignores format=car sends the file's contents: refuse it before reading it as a CAR.
  request.on_headers = [&](long status, const std::vector<net::HttpHeader>& headers) -> Status {
    return refuse_untrusted_answer(status, headers, car_type, what);
  };
  request.on_body = [&](ByteView bytes) -> Status {
    received += bytes.size();
    if (progress) progress(received);
    auto fed = reader.feed(bytes);
    if (!fed.ok()) {
      return make_error(fed.error().kind, what + " from gateway " + display_url_ + ": " + fed.error().message);
    }
    return fed;
  };
  MLCHAIN_TRY(auto sent, http_.send(request));
  MLCHAIN_TRY_STATUS(check_answer(sent, car_type, what));
  auto finished = reader.finish();
  if (!finished.ok()) {
    return make_error(finished.error().kind, what + " from gateway " + display_url_ + ": " + finished.error().message);
  }
  return {};
}

Status GatewayClient::put_block(const codec::Cid& cid, ByteView) {
  return make_error(ErrorKind::unsupported,
                    "cannot store block " + cid.to_string() + ": " + display_url_ + " is a read-only gateway");
}

Result<codec::Cid> GatewayClient::add_file(const std::filesystem::path& path, const unixfs::Profile&,
                                           const ProgressCallback&) {
  return make_error(ErrorKind::unsupported,
                    "cannot upload " + path.string() + ": " + display_url_ + " is a read-only gateway");
}

Status GatewayClient::import_car(const ByteSource&, const ProgressCallback&) {
  return make_error(ErrorKind::unsupported, "cannot import a CAR: " + display_url_ + " is a read-only gateway");
}

Status GatewayClient::pin(const codec::Cid& root) {
  return make_error(ErrorKind::unsupported,
                    "cannot pin " + root.to_string() + ": " + display_url_ + " is a read-only gateway");
}

Status GatewayClient::pin_blocks(const std::vector<codec::Cid>& blocks) {
  return make_error(ErrorKind::unsupported, "cannot pin " + std::to_string(blocks.size()) + " blocks: " + display_url_ +
                                                " is a read-only gateway");
}

Status GatewayClient::unpin(const codec::Cid& root) {
  return make_error(ErrorKind::unsupported,
                    "cannot unpin " + root.to_string() + ": " + display_url_ + " is a read-only gateway");
}

}  // namespace mlchain::ipfs
