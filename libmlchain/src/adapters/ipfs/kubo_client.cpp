#include "mlchain/ipfs/kubo_client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "mlchain/codec/car.hpp"
#include "mlchain/fs/file_reader.hpp"
#include "mlchain/unixfs/file_builder.hpp"
#include "multipart.hpp"

namespace mlchain::ipfs {
namespace {

using nlohmann::json;

// The largest block an IPFS node exchanges is 2 MiB (bitswap); a bigger answer to block/get is hostile.
constexpr std::size_t max_block_bytes = 2 * 1024 * 1024 + 1024;
// Answers that are a few lines of JSON.
constexpr std::size_t max_json_answer_bytes = 1024 * 1024;
// refs answers a line of ~80 bytes per block: a file of some 800,000 blocks (800 GiB in 1 MiB chunks).
constexpr std::size_t max_refs_answer_bytes = 64 * 1024 * 1024;

std::string base_of(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  constexpr std::string_view suffix = "/api/v0";
  if (url.ends_with(suffix)) url.resize(url.size() - suffix.size());
  return url + "/api/v0/";
}

std::string codec_name(std::uint64_t codec) {
  switch (codec) {
    case codec::multicodec::raw:
      return "raw";
    case codec::multicodec::dag_pb:
      return "dag-pb";
    case codec::multicodec::dag_cbor:
      return "dag-cbor";
    default:
      return {};
  }
}

// A duration as both Kubo (Go) and js-ipfs (parse-duration) read it.
std::string duration_text(std::chrono::milliseconds duration) {
  return std::to_string(std::max<std::int64_t>(1, duration.count())) + "ms";
}

// A node may print a CID in another base or version (Kubo answers block/put with CIDv1, js-ipfs with
// base58btc): what must agree is the codec and the hash.
bool same_block(const codec::Cid& a, const codec::Cid& b) { return a.codec() == b.codec() && a.hash() == b.hash(); }

// The "Message" of a Kubo error answer, or a short excerpt of the body.
std::string error_text(const net::HttpResponse& response) {
  const auto parsed = json::parse(response.body.begin(), response.body.end(), nullptr, false);
  if (parsed.is_object() && parsed.contains("Message") && parsed["Message"].is_string()) {
    return net::body_excerpt(as_bytes(parsed["Message"].get_ref<const std::string&>()));
  }
  return net::body_excerpt(response.body);
}

// The last JSON object of a newline-separated answer (add and dag/import stream one per line).
Result<json> last_json_line(const Bytes& body, const std::string& what) {
  json last;
  std::size_t start = 0;
  const std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto parsed = json::parse(line, nullptr, false);
    if (!parsed.is_object()) {
      return make_error(ErrorKind::remote_unavailable,
                        what + ": the node's answer is not JSON: " + net::body_excerpt(as_bytes(line)));
    }
    last = std::move(parsed);
  }
  if (last.is_null()) return make_error(ErrorKind::remote_unavailable, what + ": the node answered nothing");
  return last;
}

Result<codec::Cid> cid_field(const json& object, const char* field, const std::string& what) {
  if (!object.contains(field) || !object[field].is_string()) {
    return make_error(ErrorKind::remote_unavailable, what + ": the node's answer has no \"" + field + "\" CID");
  }
  auto cid = codec::Cid::parse(object[field].get_ref<const std::string&>());
  if (!cid)
    return make_error(ErrorKind::remote_unavailable, what + ": the node answered a bad CID: " + cid.error().message);
  return cid;
}

}  // namespace

KuboClient::KuboClient(std::string api_url, KuboOptions options)
    : api_base_(base_of(std::move(api_url))),
      display_url_(net::redact_url(api_base_.substr(0, api_base_.size() - std::string_view("/api/v0/").size()))),
      options_(std::move(options)),
      http_(options_.http) {}

Result<net::HttpResponse> KuboClient::call(net::HttpRequest request, const std::string& what) {
  request.method = "POST";
  MLCHAIN_TRY(auto response, http_.send(request));
  if (!response.success()) {
    return make_error(ErrorKind::remote_unavailable, what + ": IPFS node " + display_url_ + " answered HTTP " +
                                                         std::to_string(response.status) + ": " + error_text(response));
  }
  // Kubo has sent "200 OK" before a streamed command fails; the failure comes as a trailer.
  if (auto stream_error = response.header("X-Stream-Error"); stream_error && !stream_error->empty()) {
    return make_error(ErrorKind::remote_unavailable,
                      what + ": IPFS node " + display_url_ + " failed: " + net::body_excerpt(as_bytes(*stream_error)));
  }
  return response;
}

net::HttpRequest KuboClient::request(const std::string& command, const std::string& query) const {
  net::HttpRequest request;
  request.url = api_base_ + command + (query.empty() ? "" : "?" + query);
  request.max_response_bytes = max_json_answer_bytes;
  return request;
}

Result<bool> KuboClient::has_block(const codec::Cid& cid) {
  const auto what = "block/stat " + cid.to_string();
  // offline=true is Kubo's way to say "only look locally"; js-ipfs ignores it but honours timeout.
  auto req = request("block/stat",
                     "arg=" + cid.to_string() + "&offline=true&timeout=" + duration_text(options_.has_block_timeout));
  req.total_timeout = options_.has_block_timeout + std::chrono::milliseconds(10'000);
  req.method = "POST";
  MLCHAIN_TRY(auto response, http_.send(req));
  if (!response.success()) {
    const auto text = error_text(response);
    for (const std::string_view absent : {"not found", "could not find", "timed out", "timeout", "deadline"}) {
      if (text.find(absent) != std::string::npos) return false;
    }
    return make_error(ErrorKind::remote_unavailable, what + ": IPFS node " + display_url_ + " answered HTTP " +
                                                         std::to_string(response.status) + ": " + text);
  }
  MLCHAIN_TRY(auto answer, last_json_line(response.body, what));
  MLCHAIN_TRY(auto key, cid_field(answer, "Key", what));
  if (key.hash() != cid.hash()) {
    return make_error(ErrorKind::corrupt,
                      what + ": IPFS node " + display_url_ + " answered for another block, " + key.to_string());
  }
  return true;
}

Result<std::vector<bool>> KuboClient::has_blocks(const std::vector<codec::Cid>& cids) {
  const auto workers = std::min<std::size_t>(std::max(1u, options_.has_block_parallelism), cids.size());
  if (workers <= 1) return Node::has_blocks(cids);
  std::vector<char> held(cids.size(), 0);
  std::atomic<std::size_t> next{0};
  std::mutex failure_mutex;
  std::optional<Error> failure;
  auto work = [&] {
    KuboClient client(api_base_, options_);  // a connection of its own: one libcurl handle per thread
    for (std::size_t i = next++; i < cids.size(); i = next++) {
      auto answer = client.has_block(cids[i]);
      if (!answer) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::move(answer).error();
        next = cids.size();
        return;
      }
      held[i] = *answer ? 1 : 0;
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < workers; ++i) threads.emplace_back(work);
  for (auto& thread : threads) thread.join();
  if (failure) return std::move(*failure);
  return std::vector<bool>(held.begin(), held.end());
}

Result<Bytes> KuboClient::get_block(const codec::Cid& cid) {
  auto req = request("block/get", "arg=" + cid.to_string() + "&timeout=" + duration_text(options_.block_timeout));
  req.max_response_bytes = max_block_bytes;
  req.total_timeout = options_.block_timeout + std::chrono::milliseconds(10'000);
  MLCHAIN_TRY(auto response, call(std::move(req), "block/get " + cid.to_string()));
  MLCHAIN_TRY_STATUS(check_block(cid, response.body, "IPFS node " + display_url_));
  return std::move(response.body);
}

Status KuboClient::read_file(const codec::Cid& root, const unixfs::Profile& profile,
                             const std::function<Status(ByteView)>& on_bytes, const ProgressCallback& progress) {
  // One streamed cat, re-imported on the fly under the profile: a single request instead of one per
  // block (2.6 times faster through js-ipfs for 1 GiB), with memory of one chunk. The bytes reach the
  // caller before the root can be compared, as Node::read_file allows.
  const auto what = "cat " + root.to_string();
  unixfs::DiscardingBlockSink discard;
  unixfs::FileBuilder builder(profile, discard);
  unixfs::LeafBuffer leaf(profile);
  std::size_t filled = 0;
  std::uint64_t received = 0;
  auto seal_chunk = [&]() -> Status {
    const auto sealed = leaf.seal(filled);
    filled = 0;
    return builder.add_leaf(sealed);
  };
  auto req = request("cat", "arg=" + root.to_string());
  req.on_body = [&](ByteView bytes) -> Status {
    MLCHAIN_TRY_STATUS(on_bytes(bytes));
    received += bytes.size();
    if (progress) progress(received);
    while (!bytes.empty()) {
      auto space = leaf.chunk_space().subspan(filled);
      const auto n = std::min(space.size(), bytes.size());
      std::copy_n(bytes.begin(), n, space.begin());
      filled += n;
      bytes = bytes.subspan(n);
      if (filled == profile.chunk_size) MLCHAIN_TRY_STATUS(seal_chunk());
    }
    return {};
  };
  MLCHAIN_TRY(auto response, call(std::move(req), what));
  if (filled > 0) MLCHAIN_TRY_STATUS(seal_chunk());
  MLCHAIN_TRY(auto imported, builder.finish());
  if (imported.cid != root) {
    return make_error(ErrorKind::corrupt, "file " + root.to_string() + " from IPFS node " + display_url_ + ": its " +
                                              std::to_string(received) + " bytes are " + imported.cid.to_string() +
                                              " under " + std::string(profile.name));
  }
  return {};
}

Status KuboClient::stream_file(const codec::Cid& root, const unixfs::Profile&,
                               const std::function<Status(ByteView)>& on_bytes, const ProgressCallback& progress) {
  std::uint64_t received = 0;
  auto req = request("cat", "arg=" + root.to_string());
  req.on_body = [&](ByteView bytes) -> Status {
    received += bytes.size();
    if (progress) progress(received);
    return on_bytes(bytes);
  };
  MLCHAIN_TRY(auto response, call(std::move(req), "cat " + root.to_string()));
  return {};
}

Status KuboClient::read_dag(const codec::Cid& root, const BlockCallback& on_block, const ProgressCallback& progress) {
  const auto what = "dag/export " + root.to_string();
  codec::CarReader reader(on_block, root);
  std::uint64_t received = 0;
  auto req = request("dag/export", "arg=" + root.to_string());
  req.on_body = [&](ByteView bytes) -> Status {
    received += bytes.size();
    if (progress) progress(received);
    auto fed = reader.feed(bytes);
    if (!fed.ok() && fed.error().kind == ErrorKind::corrupt) {
      return make_error(ErrorKind::corrupt, what + " from IPFS node " + display_url_ + ": " + fed.error().message);
    }
    return fed;
  };
  MLCHAIN_TRY(auto response, call(std::move(req), what));
  auto finished = reader.finish();
  if (!finished.ok()) {
    return make_error(finished.error().kind,
                      what + " from IPFS node " + display_url_ + ": " + finished.error().message);
  }
  return {};
}

Status KuboClient::put_block(const codec::Cid& cid, ByteView block) {
  const auto what = "block/put " + cid.to_string();
  const auto codec = codec_name(cid.codec());
  if (codec.empty() || cid.hash().code != codec::multihash_code::sha2_256) {
    return make_error(ErrorKind::unsupported, what + ": only sha2-256 raw, dag-pb and dag-cbor blocks are stored");
  }
  if (!cid.matches(block)) {
    return make_error(ErrorKind::internal, what + ": the block to store does not hash to its CID");
  }
  MLCHAIN_TRY(auto upload, MultipartUpload::make());
  // Kubo reads cid-codec; js-ipfs 0.66 reads format and version (and ignores cid-codec).
  auto req = request("block/put", "cid-codec=" + codec + "&format=" + codec +
                                      "&mhtype=sha2-256&version=" + std::to_string(cid.version()) + "&pin=false");
  req.headers.push_back({"Content-Type", upload.content_type()});
  std::size_t sent = 0;
  req.body_reader = upload.body([&sent, block](std::span<std::uint8_t> buffer) -> Result<std::size_t> {
    const auto n = std::min(buffer.size(), block.size() - sent);
    std::copy_n(block.begin() + static_cast<std::ptrdiff_t>(sent), n, buffer.begin());
    sent += n;
    return n;
  });
  req.body_length = upload.body_length(block.size());
  MLCHAIN_TRY(auto response, call(std::move(req), what));
  MLCHAIN_TRY(auto answer, last_json_line(response.body, what));
  MLCHAIN_TRY(auto stored, cid_field(answer, "Key", what));
  if (!same_block(stored, cid)) {
    return make_error(ErrorKind::corrupt, what + ": IPFS node " + display_url_ + " stored it as " + stored.to_string());
  }
  return {};
}

Result<codec::Cid> KuboClient::add_file(const std::filesystem::path& path, const unixfs::Profile& profile,
                                        const ProgressCallback& progress) {
  const auto what = "add " + path.string();
  MLCHAIN_TRY(auto file, fs::FileReader::open(path));
  MLCHAIN_TRY(auto upload, MultipartUpload::make());
  const auto size = file.size();
  auto query = "cid-version=" + std::to_string(profile.cid_version) +
               "&raw-leaves=" + (profile.raw_leaves ? "true" : "false") + "&chunker=size-" +
               std::to_string(profile.chunk_size) + "&max-file-links=" + std::to_string(profile.max_links_per_node) +
               "&hash=sha2-256&trickle=false&inline=false&wrap-with-directory=false&preserve-mode=false"
               "&preserve-mtime=false&pin=false&quieter=true&progress=false";
  // js-ipfs answers in base58btc unless asked; a v0 CID has no base32 form (js-ipfs refuses the request).
  if (profile.cid_version == 1) query += "&cid-base=base32";
  auto req = request("add", query);
  req.headers.push_back({"Content-Type", upload.content_type()});
  std::uint64_t offset = 0;
  req.body_reader = upload.body([&](std::span<std::uint8_t> buffer) -> Result<std::size_t> {
    if (offset == size) return std::size_t{0};
    const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - offset));
    MLCHAIN_TRY(auto n, file.read_at(offset, buffer.first(wanted)));
    if (n == 0) {
      return make_error(ErrorKind::changed_concurrently,
                        path.string() + " shrank while it was uploaded to " + display_url_);
    }
    offset += n;
    return n;
  });
  req.body_length = upload.body_length(size);
  if (progress) {
    req.progress = [&progress, &offset](std::uint64_t, std::uint64_t) { progress(offset); };
  }
  MLCHAIN_TRY(auto response, call(std::move(req), what));
  MLCHAIN_TRY(auto answer, last_json_line(response.body, what));
  return cid_field(answer, "Hash", what);
}

Status KuboClient::import_car(const ByteSource& car, const ProgressCallback& progress) {
  const std::string what = "dag/import";
  MLCHAIN_TRY(auto upload, MultipartUpload::make());
  auto req = request("dag/import", "pin-roots=false&allow-big-block=false");
  req.headers.push_back({"Content-Type", upload.content_type()});
  std::uint64_t sent = 0;
  req.body_reader = upload.body([&](std::span<std::uint8_t> buffer) -> Result<std::size_t> {
    MLCHAIN_TRY(auto n, car(buffer));
    sent += n;
    return n;
  });
  if (progress) {
    req.progress = [&progress, &sent](std::uint64_t, std::uint64_t) { progress(sent); };
  }
  MLCHAIN_TRY(auto response, call(std::move(req), what));
  return {};
}

Status KuboClient::pin(const codec::Cid& root) {
  const auto what = "pin/add " + root.to_string();
  auto req = request("pin/add", "arg=" + root.to_string() + "&recursive=true&progress=false");
  // Pinning a large DAG walks every block and says nothing until it is done.
  req.total_timeout = options_.pin_timeout;
  req.idle_timeout = std::chrono::seconds(0);
  MLCHAIN_TRY(auto response, call(std::move(req), what));
  MLCHAIN_TRY(auto answer, last_json_line(response.body, what));
  if (!answer.contains("Pins") || !answer["Pins"].is_array()) {
    return make_error(ErrorKind::remote_unavailable, what + ": the node's answer has no \"Pins\"");
  }
  for (const auto& pinned : answer["Pins"]) {
    if (!pinned.is_string()) continue;
    auto cid = codec::Cid::parse(pinned.get_ref<const std::string&>());
    if (cid && same_block(*cid, root)) return {};
  }
  return make_error(ErrorKind::remote_unavailable, what + ": IPFS node " + display_url_ + " did not pin it");
}

Status KuboClient::pin_blocks(const std::vector<codec::Cid>& blocks) {
  // A few hundred arguments per request keep each URL well under what servers accept.
  constexpr std::size_t per_request = 200;
  for (std::size_t first = 0; first < blocks.size(); first += per_request) {
    const std::size_t end = std::min(blocks.size(), first + per_request);
    std::string query;
    for (std::size_t i = first; i < end; ++i) query += "arg=" + blocks[i].to_string() + "&";
    const auto what =
        "pin/add (direct) of " + std::to_string(end - first) + " blocks from " + blocks[first].to_string();
    auto req = request("pin/add", query + "recursive=false&progress=false");
    MLCHAIN_TRY(auto response, call(std::move(req), what));
    MLCHAIN_TRY(auto answer, last_json_line(response.body, what));
    if (!answer.contains("Pins") || !answer["Pins"].is_array() || answer["Pins"].size() != end - first)
      return make_error(ErrorKind::remote_unavailable, what + ": IPFS node " + display_url_ + " did not pin them all");
  }
  return {};
}

Result<bool> KuboClient::holds_dag(const codec::Cid& root, std::uint64_t blocks) {
  const auto what = "refs " + root.to_string();
  const auto limit = options_.holds_dag_timeout + options_.holds_dag_timeout_per_block * blocks;
  // A missing block ends the walk: Kubo (offline) at once, js-ipfs when `timeout` runs out; both then
  // answer a line whose "Err" says so, or an HTTP error.
  auto req = request(
      "refs", "arg=" + root.to_string() + "&recursive=true&unique=true&offline=true&timeout=" + duration_text(limit));
  req.total_timeout = limit + std::chrono::milliseconds(10'000);
  req.idle_timeout = std::chrono::seconds(0);
  req.max_response_bytes = max_refs_answer_bytes;
  req.method = "POST";
  MLCHAIN_TRY(auto response, http_.send(req));
  const auto missing = [](std::string_view text) {
    for (const std::string_view absent :
         {"not found", "could not find", "timed out", "timeout", "deadline", "aborted"}) {
      if (text.find(absent) != std::string::npos) return true;
    }
    return false;
  };
  if (!response.success()) {
    const auto text = error_text(response);
    if (missing(text)) return false;
    return make_error(ErrorKind::remote_unavailable, what + ": IPFS node " + display_url_ + " answered HTTP " +
                                                         std::to_string(response.status) + ": " + text);
  }
  if (auto stream_error = response.header("X-Stream-Error"); stream_error && !stream_error->empty()) return false;
  const std::string_view text(reinterpret_cast<const char*>(response.body.data()), response.body.size());
  std::set<std::string> listed;  // the root's descendants the walk reached
  for (std::size_t start = 0; start < text.size();) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const auto parsed = json::parse(line, nullptr, false);
    if (!parsed.is_object())
      return make_error(ErrorKind::remote_unavailable,
                        what + ": the node's answer is not JSON: " + net::body_excerpt(as_bytes(line)));
    if (parsed.contains("Err") && parsed["Err"].is_string() && !parsed["Err"].get_ref<const std::string&>().empty())
      return false;
    if (parsed.contains("Ref") && parsed["Ref"].is_string()) listed.insert(parsed["Ref"].get<std::string>());
  }
  // The root is not listed, only what is under it; a node that answers fewer has not shown it holds them.
  return listed.size() + 1 >= blocks;
}

Status KuboClient::unpin(const codec::Cid& root) {
  const auto what = "pin/rm " + root.to_string();
  auto req = request("pin/rm", "arg=" + root.to_string() + "&recursive=true");
  auto response = call(std::move(req), what);
  if (!response) {
    // Kubo and js-ipfs refuse a CID that holds no pin of its own with "not pinned"; a direct pin needs
    // recursive=false.
    if (response.error().message.find("not pinned") == std::string::npos) return std::move(response).error();
    auto direct = call(request("pin/rm", "arg=" + root.to_string() + "&recursive=false"), what);
    if (!direct && direct.error().message.find("not pinned") == std::string::npos) return std::move(direct).error();
  }
  return {};
}

}  // namespace mlchain::ipfs
