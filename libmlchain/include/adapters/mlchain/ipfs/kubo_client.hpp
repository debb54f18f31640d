#pragma once
// A Node over the Kubo RPC API (https://docs.ipfs.tech/reference/kubo/rpc/): every call a POST to
// <api>/api/v0/<command>. Works with Kubo, js-ipfs's HTTP API (the test peer) and the services that
// proxy it (IPFS Cluster, pinning providers' RPC, with a bearer token).
//
// Reads: block/get re-hashed against the CID; a file is one streamed cat whose bytes are re-imported on
// the fly under the profile (memory: one chunk) and the root compared at the end, so a file whose DAG
// was not built under that profile is reported as not matching; dag/export goes through CarReader.
// has_block asks block/stat with offline=true and a short timeout, so a missing block never starts a
// network search.
// Writes: add streams multipart/form-data from the file with every import choice of the profile spelled
// out (cid-version, raw-leaves, chunker, and Kubo's max-file-links; no inlining, mode or mtime), block/put
// names the codec, dag/import streams a CAR. js-ipfs 0.66.1 ignores max-file-links and always builds
// 174-link file nodes: under unixfs-v1-2025 its add CID differs from ours for files over 174 chunks,
// and such a file reaches that node only as blocks (import_car, put_block).

#include <chrono>
#include <string>

#include "mlchain/ipfs/node.hpp"
#include "mlchain/net/http.hpp"

namespace mlchain::ipfs {

struct KuboOptions {
  net::HttpOptions http;
  // has_block's limit: a node that has not found a block locally by then is taken not to hold it
  // (Kubo answers at once with offline=true; js-ipfs ignores that and searches until this timeout).
  // Too short only costs a needless upload, never a missing block.
  std::chrono::milliseconds has_block_timeout{500};
  unsigned has_block_parallelism = 16;
  // block/get's limit (the node may fetch the block from the network first).
  std::chrono::milliseconds block_timeout{60'000};
  // pin/add's limit: it answers only when it has walked the whole DAG.
  std::chrono::milliseconds pin_timeout{3'600'000};
  // holds_dag's limit, base plus per block of the DAG: js-ipfs answers "missing" only when it runs out, so
  // too short costs a needless upload of the whole file, never a missing block.
  std::chrono::milliseconds holds_dag_timeout{5'000};
  std::chrono::milliseconds holds_dag_timeout_per_block{20};
};

class KuboClient final : public Node {
 public:
  // `api_url`: the API's base, e.g. "http://127.0.0.1:5001" (a trailing "/" or "/api/v0" is accepted).
  explicit KuboClient(std::string api_url, KuboOptions options = {});

  const std::string& url() const override { return display_url_; }
  bool writable() const override { return true; }

  Result<bool> has_block(const codec::Cid& cid) override;
  // Up to `has_block_parallelism` requests at once, each on its own connection.
  Result<std::vector<bool>> has_blocks(const std::vector<codec::Cid>& cids) override;
  Result<Bytes> get_block(const codec::Cid& cid) override;
  Status read_file(const codec::Cid& root, const unixfs::Profile& profile,
                   const std::function<Status(ByteView)>& on_bytes, const ProgressCallback& progress = {}) override;
  // One cat, unchecked (see Node::stream_file).
  Status stream_file(const codec::Cid& root, const unixfs::Profile& profile,
                     const std::function<Status(ByteView)>& on_bytes, const ProgressCallback& progress = {}) override;
  Status read_dag(const codec::Cid& root, const BlockCallback& on_block,
                  const ProgressCallback& progress = {}) override;

  Status put_block(const codec::Cid& cid, ByteView block) override;
  Result<codec::Cid> add_file(const std::filesystem::path& path, const unixfs::Profile& profile,
                              const ProgressCallback& progress = {}) override;
  Status import_car(const ByteSource& car, const ProgressCallback& progress = {}) override;
  Status pin(const codec::Cid& root) override;
  Status pin_blocks(const std::vector<codec::Cid>& blocks) override;
  Status unpin(const codec::Cid& root) override;
  // refs recursive with offline=true and a timeout (KuboOptions::holds_dag_timeout).
  Result<bool> holds_dag(const codec::Cid& root, std::uint64_t blocks) override;

 private:
  net::HttpRequest request(const std::string& command, const std::string& query) const;
  // POSTs; a non-2xx status or a stream error trailer is remote_unavailable naming `what` and the node.
  Result<net::HttpResponse> call(net::HttpRequest request, const std::string& what);

  std::string api_base_;     // ".../api/v0/"
  std::string display_url_;  // redacted
  KuboOptions options_;
  net::HttpClient http_;
};

}  // namespace mlchain::ipfs
