#include "mlchain/remote/remote_verify.hpp"

#include "history_transfer.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/memory_object_store.hpp"
#include "mlchain/core/tree.hpp"

namespace mlchain::remote {
namespace {

class NodeBlocks final : public BlockSource {
 public:
  explicit NodeBlocks(ipfs::Node& node) : node_(node) {}
  std::string where() const override { return "from " + node_.url(); }
  Result<Bytes> get(const codec::Cid& cid) override { return node_.get_block(cid); }
  Status read_file(const codec::Cid& root, const unixfs::Profile&, const std::function<Status(ByteView)>&) override {
    return make_error(ErrorKind::internal, "verify does not download file " + root.to_string());
  }

 private:
  ipfs::Node& node_;
};

}  // namespace

Result<repo::VerifyReport> verify_remote(ipfs::Node& node, const codec::Cid& commit,
                                         const std::vector<codec::Address>& signers,
                                         const std::filesystem::path& directory) {
  if (commit.codec() != codec::multicodec::dag_cbor)
    return make_error(ErrorKind::invalid_argument,
                      commit.to_string() + " is not a commit (a commit CID is dag-cbor, bafyrei…)");
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error))
    return make_error(ErrorKind::not_found, directory.string() + " is not a directory");
  if (node.writable()) {
    MLCHAIN_TRY(const bool held, node.has_block(commit));
    if (!held) return make_error(ErrorKind::not_found, "commit " + commit.to_string() + " not found on " + node.url());
  }
  core::MemoryObjectStore memory;
  NodeBlocks source(node);
  SourcedObjects objects(memory, source);
  repo::VerifyReport report{.commit = commit, .problems = {}};
  MLCHAIN_TRY(const auto loaded, core::load_commit(objects, commit));
  report.commits = 1;
  MLCHAIN_TRY(report.signer, repo::check_commit_author(loaded, signers, report));
  MLCHAIN_TRY(const auto expected, core::list_files(objects, loaded.tree));
  report.blocks = objects.blocks_received();
  report.block_bytes = objects.bytes_received();
  const auto profile = unixfs::find_profile(loaded.profile);
  if (!profile) {
    report.problems.push_back(
        {repo::ProblemKind::corrupt, std::nullopt, commit.to_string(), "unknown profile " + loaded.profile});
    return report;
  }
  MLCHAIN_TRY_STATUS(repo::compare_directory(expected, directory, *profile, report));
  return report;
}

}  // namespace mlchain::remote
