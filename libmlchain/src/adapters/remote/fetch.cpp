#include "mlchain/remote/fetch.hpp"

#include "history_transfer.hpp"
#include "mlchain/ipfs/gateway_client.hpp"
#include "mlchain/ipfs/kubo_client.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/checkout.hpp"

namespace mlchain::remote {
namespace {

namespace stdfs = std::filesystem;

class NodeSource final : public BlockSource {
 public:
  explicit NodeSource(ipfs::Node& node) : node_(node) {}
  std::string where() const override { return "from " + node_.url(); }
  Result<Bytes> get(const codec::Cid& cid) override { return node_.get_block(cid); }
  Status read_file(const codec::Cid& root, const unixfs::Profile& profile,
                   const std::function<Status(ByteView)>& on_bytes) override {
    return node_.stream_file(root, profile, on_bytes);  // complete_history re-imports every byte
  }

 private:
  ipfs::Node& node_;
};

// A private model's node: blocks as they are, file contents opened through the reader's grants.
class SealedSource final : public BlockSource {
 public:
  SealedSource(ipfs::Node& node, SealedContents& sealed) : node_(node), sealed_(sealed) {}
  std::string where() const override { return "from " + node_.url(); }
  Result<Bytes> get(const codec::Cid& cid) override { return node_.get_block(cid); }
  Status read_file(const codec::Cid& root, const unixfs::Profile&,
                   const std::function<Status(ByteView)>& on_bytes) override {
    return sealed_.read_file(node_, root, on_bytes);
  }
  bool blocks_are_contents() const override { return false; }

 private:
  ipfs::Node& node_;
  SealedContents& sealed_;
};

// Undoes what clone made unless it got to the end: the directory it created, or everything in the empty
// directory it was given.
class CloneTarget {
 public:
  CloneTarget(stdfs::path path, bool existed) : path_(std::move(path)), existed_(existed) {}
  CloneTarget(const CloneTarget&) = delete;
  CloneTarget& operator=(const CloneTarget&) = delete;
  ~CloneTarget() {
    if (kept_) return;
    std::error_code ignored;
    if (!existed_) {
      stdfs::remove_all(path_, ignored);
      return;
    }
    for (stdfs::directory_iterator entry(path_, ignored), end; !ignored && entry != end; entry.increment(ignored))
      stdfs::remove_all(entry->path(), ignored);
  }
  void keep() { kept_ = true; }

 private:
  stdfs::path path_;
  bool existed_;
  bool kept_ = false;
};

// Whether the directory a clone makes exists already (it may, when empty).
Result<bool> check_clone_directory(const stdfs::path& directory) {
  std::error_code error;
  const bool existed = stdfs::exists(directory, error);
  if (existed && !(stdfs::is_directory(directory, error) && stdfs::is_empty(directory, error)))
    return make_error(ErrorKind::exists, directory.string() + " already exists and is not an empty directory");
  return existed;
}

}  // namespace

Result<std::unique_ptr<ipfs::Node>> open_node(const NodeAddress& address) {
  if (address.ipfs) {
    MLCHAIN_TRY_STATUS(check_remote_url("--ipfs", *address.ipfs));
    return std::unique_ptr<ipfs::Node>(std::make_unique<ipfs::KuboClient>(*address.ipfs));
  }
  if (address.gateway) {
    MLCHAIN_TRY_STATUS(check_remote_url("--gateway", *address.gateway));
    return std::unique_ptr<ipfs::Node>(std::make_unique<ipfs::GatewayClient>(*address.gateway));
  }
  return make_error(ErrorKind::invalid_argument, "name an IPFS node with --ipfs URL (Kubo RPC API) or --gateway URL");
}

namespace {

struct Fetched {
  FetchOutcome outcome;
  repo::PrestagedFiles prestaged;
};

Result<Fetched> fetch_into(repo::Repository& repository, ipfs::Node& node, const codec::Cid& head,
                           std::optional<std::uint64_t> depth, const FetchProgress& progress, SealedContents* sealed,
                           bool prestage_head_files) {
  if (head.codec() != codec::multicodec::dag_cbor)
    return make_error(ErrorKind::invalid_argument,
                      head.to_string() + " is not a commit (a commit CID is dag-cbor, bafyrei…)");
  if (node.writable()) {
    MLCHAIN_TRY(const bool held, node.has_block(head));
    if (!held) return make_error(ErrorKind::not_found, "commit " + head.to_string() + " not found on " + node.url());
  }
  MLCHAIN_TRY(const auto lock, repo::lock_for_writing(repository));
  NodeSource plain_source(node);
  std::optional<SealedSource> sealed_source;
  if (sealed) sealed_source.emplace(node, *sealed);
  BlockSource& source = sealed_source ? static_cast<BlockSource&>(*sealed_source) : plain_source;
  TransferOptions options;
  options.depth = depth;
  options.progress = progress;
  options.prestage_head_files = prestage_head_files;
  if (sealed) {
    options.opens = [sealed](const codec::Cid& file) { return sealed->opens(file); };
    options.denied = [sealed](const codec::Cid& commit) { return sealed->denied(commit); };
  }
  MLCHAIN_TRY(auto transfer, complete_history(repository, source, head, options));
  return Fetched{.outcome = FetchOutcome{.head = head,
                                         .commits = transfer.commits,
                                         .cut_parents = transfer.cut_parents,
                                         .blocks = transfer.blocks,
                                         .files = transfer.files,
                                         .file_bytes = transfer.file_bytes,
                                         .file_bytes_local = transfer.file_bytes_local},
                 .prestaged = std::move(transfer.prestaged)};
}

}  // namespace

Result<FetchOutcome> fetch_history(repo::Repository& repository, ipfs::Node& node, const codec::Cid& head,
                                   std::optional<std::uint64_t> depth, const FetchProgress& progress,
                                   SealedContents* sealed) {
  MLCHAIN_TRY(auto fetched, fetch_into(repository, node, head, depth, progress, sealed, false));
  return std::move(fetched.outcome);
}

Result<CloneOutcome> clone(const CloneRequest& request, const FetchProgress& progress) {
  MLCHAIN_TRY_STATUS(check_clone_directory(stdfs::absolute(request.directory)));
  MLCHAIN_TRY(auto node, open_node(request.address));
  return clone(request, *node, progress);
}

Result<CloneOutcome> clone(const CloneRequest& request, ipfs::Node& node, const FetchProgress& progress) {
  const auto directory = stdfs::absolute(request.directory);
  MLCHAIN_TRY(const bool existed, check_clone_directory(directory));
  CloneTarget created(directory, existed);
  MLCHAIN_TRY(auto repository, repo::init_repository(directory));
  // The head's large files go into the work tree as they arrive, so checkout only renames them.
  MLCHAIN_TRY(auto fetched, fetch_into(repository, node, request.head, request.depth, progress, request.sealed, true));
  const std::string branch = std::string(repo::heads_prefix) + repo::initial_branch;
  MLCHAIN_TRY_STATUS(repository.refs().compare_and_swap(branch, std::nullopt, request.head, "clone"));
  MLCHAIN_TRY(const auto checked_out, repo::checkout(repository, repo::initial_branch, false, {}, fetched.prestaged));
  Remote origin;
  origin.name = default_remote;
  origin.ipfs = request.address.ipfs;
  if (!request.address.ipfs) origin.gateway = request.address.gateway;
  MLCHAIN_TRY_STATUS(add_remote(repository, origin));
  MLCHAIN_TRY_STATUS(repository.refs().compare_and_swap(
      std::string(repo::remotes_prefix) + default_remote + "/" + request.head.to_string(), std::nullopt, request.head,
      "clone"));
  created.keep();
  return CloneOutcome{
      .fetched = std::move(fetched.outcome), .work_tree = directory, .files_written = checked_out.files_written};
}

}  // namespace mlchain::remote
