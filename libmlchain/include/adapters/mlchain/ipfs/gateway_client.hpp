#pragma once
// A read-only Node over an IPFS trustless gateway (https://specs.ipfs.tech/http-gateways/trustless-gateway/):
// GET <gateway>/ipfs/<cid>?format=raw (Accept: application/vnd.ipld.raw) for one block, ?format=car
// (application/vnd.ipld.car) for a whole DAG. A gateway is not trusted: every block is re-hashed against
// its CID, and files are read block by block from the root so that each byte passed on was checked.
// Writes are unsupported errors "… is a read-only gateway".

#include <string>

#include "mlchain/ipfs/node.hpp"
#include "mlchain/net/http.hpp"

namespace mlchain::ipfs {

class GatewayClient final : public Node {
 public:
  // `gateway_url`: the gateway's base, e.g. "https://ipfs.example" or "http://127.0.0.1:8080".
  explicit GatewayClient(std::string gateway_url, net::HttpOptions options = {});

  const std::string& url() const override { return display_url_; }
  bool writable() const override { return false; }

  // A gateway cannot answer "do you hold it" without fetching: unsupported error.
  Result<bool> has_block(const codec::Cid& cid) override;
  Result<Bytes> get_block(const codec::Cid& cid) override;
  Status read_file(const codec::Cid& root, const unixfs::Profile& profile,
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

 private:
  // A 2xx answer of the trustless Content-Type passes; anything else is remote_unavailable.
  Status check_answer(const net::HttpResponse& response, std::string_view expected_type, const std::string& what) const;
  // The same check as the headers arrive (net::HttpRequest::on_headers).
  Status refuse_untrusted_answer(long status, const std::vector<net::HttpHeader>& headers,
                                 std::string_view expected_type, const std::string& what) const;

  std::string base_;  // without a trailing "/"
  std::string display_url_;
  net::HttpClient http_;
};

}  // namespace mlchain::ipfs
