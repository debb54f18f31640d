#include "mlchain/workflow/proof.hpp"

#include <algorithm>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/registry_abi.hpp"
#include "mlchain/eth/rpc_client.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/fs/file_reader.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/repo/commit_signature.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"

namespace mlchain::workflow {
namespace {

std::filesystem::path start_of(const std::filesystem::path& start) {
  return start.empty() ? std::filesystem::current_path() : start;
}

std::string hash_text(const std::array<std::uint8_t, 32>& hash) { return codec::to_0x_hex(hash); }

// The earliest head update of the remote's repository to exactly `commit` whose transaction is still in
// the block its log names.
Result<std::optional<core::AnchorFacts>> find_anchor(const chain::ChainRemote& remote, const codec::Cid& commit,
                                                     std::string& why_not) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  MLCHAIN_TRY(const std::uint64_t chain_id, rpc.chain_id());
  if (remote.chain_id && *remote.chain_id != chain_id)
    return make_error(ErrorKind::invalid_input,
                      "the node at " + rpc.display_url() + " serves chain " + std::to_string(chain_id) +
                          ", not chain " + std::to_string(*remote.chain_id) + " as remote '" + remote.name + "' says");
  chain::RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  MLCHAIN_TRY(const auto updates, registry.head_updates(remote.repo));
  why_not = "no push to repository " + remote.repo + " on registry " + codec::to_checksum_address(remote.registry) +
            " (chain " + std::to_string(chain_id) + ") set a branch to " + commit.to_string();
  for (const auto& update : updates) {
    if (update.new_head != commit) continue;
    MLCHAIN_TRY(const auto receipt, rpc.transaction_receipt(update.transaction_hash));
    if (!receipt || !receipt->succeeded || receipt->block_hash != update.block_hash) {
      why_not = "the push that set " + update.branch + " to " + commit.to_string() + " is no longer in block " +
                std::to_string(update.block_number) + " (a reorganisation dropped it)";
      continue;
    }
    return std::optional<core::AnchorFacts>(core::AnchorFacts{.chain_id = chain_id,
                                                              .registry = remote.registry,
                                                              .repo = remote.repo,
                                                              .branch = update.branch,
                                                              .transaction = update.transaction_hash,
                                                              .block = update.block_number,
                                                              .block_hash = update.block_hash,
                                                              .log_index = update.log_index});
  }
  return std::optional<core::AnchorFacts>();
}

// A proof is a path's few blocks: tens of KiB (bench/README.md). A file far larger is no proof, and is
// refused before it is read into memory.
constexpr std::uintmax_t max_proof_bytes = 16 * 1024 * 1024;

// The proof file a symlink names is read; what is not a regular file is refused before anything is read.
Result<Bytes> read_proof_file(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status))
    return make_error(ErrorKind::not_found, "proof " + path.string() + " does not exist");
  if (!std::filesystem::is_regular_file(status))
    return make_error(ErrorKind::invalid_argument, "proof " + path.string() + " is not a file");
  if (const auto size = std::filesystem::file_size(path, error); !error && size > max_proof_bytes)
    return make_error(ErrorKind::corrupt, "proof " + path.string() + " holds " + std::to_string(size) +
                                              " bytes, more than any proof (" + std::to_string(max_proof_bytes) + ")");
  // fs::read_whole_file keeps the cap even if the file grows while it is read.
  return fs::read_whole_file(std::filesystem::canonical(path, error), max_proof_bytes, ErrorKind::corrupt);
}

void add(ProofReport& report, std::string kind, std::string detail) {
  report.problems.push_back(ProofProblem{std::move(kind), std::move(detail)});
}

struct ChainEndpoint {
  std::string rpc;
  std::optional<chain::ChainRemote> remote;  // set when the repository's remote named the endpoint
};

Result<ChainEndpoint> endpoint_of(const ProofVerifyRequest& request) {
  if (request.chain->rpc) return ChainEndpoint{*request.chain->rpc, std::nullopt};
  auto repository = repo::discover_repository(start_of(request.start));
  if (!repository) {
    if (repository.error().kind == ErrorKind::not_found)
      return make_error(ErrorKind::invalid_argument,
                        "verify --proof --chain outside a repository needs --rpc URL: there is no remote to ask");
    return repository.error();
  }
  MLCHAIN_TRY(auto remote, chain::find_chain_remote(*repository, request.chain->remote));
  std::string rpc = remote.rpc;
  return ChainEndpoint{std::move(rpc), std::move(remote)};
}

// Each anchor fact against the chain: the transaction's receipt in the canonical block of that number and
// hash, its log at that index emitted by that registry (the mlchain registry's code), setting that
// repository's branch to the proof's commit, with enough confirmations. A fact that does not hold is a
// problem; a node that cannot be asked is an error.
Status check_anchor(const core::OpenedProof& opened, const ChainEndpoint& endpoint, std::uint64_t min_confirmations,
                    ProofReport& report) {
  const auto& anchor = *opened.proof.anchor;
  const std::string claim = "block " + std::to_string(anchor.block) + " of chain " + std::to_string(anchor.chain_id);
  if (endpoint.remote) {
    if (endpoint.remote->registry != anchor.registry || endpoint.remote->repo != anchor.repo)
      add(report, "chain",
          "the proof names repository " + anchor.repo + " on registry " + codec::to_checksum_address(anchor.registry) +
              ", remote '" + endpoint.remote->name + "' names " + endpoint.remote->repo + " on " +
              codec::to_checksum_address(endpoint.remote->registry));
    if (endpoint.remote->chain_id && *endpoint.remote->chain_id != anchor.chain_id)
      add(report, "chain",
          "the proof names chain " + std::to_string(anchor.chain_id) + ", remote '" + endpoint.remote->name +
              "' chain " + std::to_string(*endpoint.remote->chain_id));
  }
  eth::RpcClient rpc(eth::rpc_options_for(endpoint.rpc));
  MLCHAIN_TRY(const std::uint64_t chain_id, rpc.chain_id());
  if (chain_id != anchor.chain_id) {
    add(report, "chain",
        "the node at " + rpc.display_url() + " serves chain " + std::to_string(chain_id) + ", the proof names chain " +
            std::to_string(anchor.chain_id));
    return {};
  }
  chain::RegistryClient registry(rpc, anchor.registry);
  if (auto deployed = registry.check_deployed(); !deployed) {
    if (deployed.error().kind == ErrorKind::remote_unavailable) return deployed.error();
    add(report, "chain", deployed.error().message);
    return {};
  }
  MLCHAIN_TRY(const auto receipt, rpc.transaction_receipt(anchor.transaction));
  if (!receipt) {
    add(report, "chain", "the chain has no transaction " + hash_text(anchor.transaction));
    return {};
  }
  if (!receipt->succeeded) add(report, "chain", "transaction " + hash_text(anchor.transaction) + " reverted");
  if (receipt->block_number != anchor.block || receipt->block_hash != anchor.block_hash) {
    add(report, "chain",
        "transaction " + hash_text(anchor.transaction) + " is in block " + std::to_string(receipt->block_number) + " " +
            hash_text(receipt->block_hash) + ", the proof says " + std::to_string(anchor.block) + " " +
            hash_text(anchor.block_hash));
    return {};
  }
  MLCHAIN_TRY(const auto block, rpc.block_by_number(eth::BlockTag::number(anchor.block)));
  if (!block || block->hash != anchor.block_hash) {
    add(report, "chain", claim + " is not " + hash_text(anchor.block_hash) + " on the canonical chain");
    return {};
  }
  const auto log = std::find_if(receipt->logs.begin(), receipt->logs.end(),
                                [&](const eth::Log& candidate) { return candidate.log_index == anchor.log_index; });
  if (log == receipt->logs.end() || log->address != anchor.registry) {
    add(report, "chain",
        "transaction " + hash_text(anchor.transaction) + " emitted no log " + std::to_string(anchor.log_index) +
            " from registry " + codec::to_checksum_address(anchor.registry));
    return {};
  }
  auto event = eth::registry::decode_event(log->topics, log->data);
  const auto* update = event ? std::get_if<eth::registry::HeadUpdated>(&*event) : nullptr;
  if (update == nullptr) {
    add(report, "chain",
        "log " + std::to_string(anchor.log_index) + " of transaction " + hash_text(anchor.transaction) +
            " is not a head update");
    return {};
  }
  const auto head = eth::registry::commit_of(update->new_head);
  if (update->repo != anchor.repo || update->branch != anchor.branch || !head || *head != opened.proof.commit) {
    add(report, "chain",
        "log " + std::to_string(anchor.log_index) + " of transaction " + hash_text(anchor.transaction) + " set " +
            update->repo + "/" + update->branch + " to " + (head ? head->to_string() : std::string("a non-commit")) +
            ", not " + anchor.repo + "/" + anchor.branch + " to " + opened.proof.commit.to_string());
    return {};
  }
  MLCHAIN_TRY(const std::uint64_t latest, rpc.block_number());
  const std::uint64_t confirmations = latest >= anchor.block ? latest - anchor.block + 1 : 0;
  if (confirmations < min_confirmations) {
    add(report, "chain",
        claim + " has " + std::to_string(confirmations) + " confirmation(s), fewer than the " +
            std::to_string(min_confirmations) + " asked for");
    return {};
  }
  if (report.ok()) report.anchor = ConfirmedAnchor{update->pusher, block->timestamp, confirmations};
  return {};
}

}  // namespace

Result<ProveResult> prove(const ProveRequest& request) {
  MLCHAIN_TRY_STATUS(core::check_proof_path(request.path));
  MLCHAIN_TRY(auto repository, repo::discover_repository(start_of(request.start)));
  MLCHAIN_TRY(const codec::Cid commit, repo::resolve_revision(repository, request.revision));
  // The path first: a proof of nothing is refused before the chain is asked.
  MLCHAIN_TRY(const Bytes commit_block, repository.objects().get(commit));
  MLCHAIN_TRY(const core::Commit decoded, core::decode_commit(commit_block));
  // verify --proof would refuse it: a proof of a commit whose signature fails proves nothing.
  MLCHAIN_TRY(const auto signature, repo::check_commit_signature(decoded));
  if (!signature.good)
    return make_error(ErrorKind::bad_signature, "commit " + commit.to_string() + " claims author " +
                                                    codec::to_checksum_address(decoded.author) +
                                                    " but its signature does not recover to that address");
  MLCHAIN_TRY_STATUS(core::walk_to_file(repository.objects(), decoded.tree, request.path));

  ProveResult result;
  result.commit = commit;
  std::optional<chain::ChainRemote> remote;
  if (request.remote) {
    MLCHAIN_TRY(remote, chain::find_chain_remote(repository, *request.remote));
  } else if (auto origin = chain::find_chain_remote(repository, remote::default_remote)) {
    remote = std::move(origin).value();
  } else if (origin.error().kind == ErrorKind::not_found || origin.error().kind == ErrorKind::invalid_argument) {
    result.not_anchored = "no chain remote to find the anchoring on: " + origin.error().message;
  } else {
    return origin.error();
  }
  if (remote) {
    MLCHAIN_TRY(result.anchor, find_anchor(*remote, commit, result.not_anchored));
    if (result.anchor) result.not_anchored.clear();
  }
  MLCHAIN_TRY(auto car, core::build_proof_car(repository.objects(), commit, request.path, result.anchor));
  MLCHAIN_TRY_STATUS(fs::write_file_atomically(request.out, car.bytes));
  result.root = car.root;
  result.file = std::move(car.file);
  result.blocks = car.blocks;
  result.bytes = car.bytes.size();
  return result;
}

ProofReport check_proof(ByteView car, const std::vector<codec::Address>& signers) {
  ProofReport report;
  auto opened = core::open_proof_car(car);
  if (!opened) {
    add(report, "proof", opened.error().message);
    return report;
  }
  report.opened = std::move(opened).value();
  auto signature = repo::check_commit_signature(report.opened->commit);
  if (!signature || !signature->signer) {
    add(report, "signature",
        "the signature of commit " + report.opened->proof.commit.to_string() + " recovers to no address");
    return report;
  }
  report.signer = signature->signer;
  if (!signature->good)
    add(report, "signature",
        "commit " + report.opened->proof.commit.to_string() + " claims author " +
            codec::to_checksum_address(report.opened->commit.author) + " but was signed by " +
            codec::to_checksum_address(*signature->signer));
  if (!signers.empty() && std::find(signers.begin(), signers.end(), *signature->signer) == signers.end())
    add(report, "signer",
        "commit " + report.opened->proof.commit.to_string() + " was signed by " +
            codec::to_checksum_address(*signature->signer) + ", not by a --signer given");
  return report;
}

Result<ProofReport> verify_proof(const ProofVerifyRequest& request) {
  MLCHAIN_TRY(const Bytes car, read_proof_file(request.proof));
  if (request.file) {
    // The file a symlink names is the one checked (a Hugging Face cache links its weights); anything but a
    // regular file in the end is refused before it is read: a FIFO or a device could block or never end.
    std::error_code error;
    const auto status = std::filesystem::status(*request.file, error);
    if (!std::filesystem::exists(status))
      return make_error(ErrorKind::not_found, "--file " + request.file->string() + " does not exist");
    if (!std::filesystem::is_regular_file(status))
      return make_error(ErrorKind::invalid_argument,
                        "--file " + request.file->string() + " is not a regular file: a proof is of one file");
  }
  ProofReport report = check_proof(car, request.signers);
  if (!report.opened) return report;
  const auto& opened = *report.opened;

  if (request.file) {
    const auto profile = unixfs::find_profile(opened.commit.profile);
    if (!profile) {
      add(report, "file",
          "commit " + opened.proof.commit.to_string() + " names profile '" + opened.commit.profile +
              "', which this mlchain does not know: --file cannot be imported as it was");
    } else {
      MLCHAIN_TRY(const auto imported, fs::cid_of_path(*request.file, *profile,
                                                       fs::ImportOptions{.threads = 0,
                                                                         .on_chunk = {},
                                                                         .dereference_symlinks = false,
                                                                         .follow_argument_symlink = true}));
      report.local_file = imported.cid;
      if (imported.cid != opened.file.cid)
        add(report, "file",
            request.file->string() + " imports to " + imported.cid.to_string() + " (" +
                std::to_string(imported.content_size) + " bytes) under " + std::string(profile->name) + ", not " +
                opened.file.cid.to_string() + " as '" + opened.proof.path + "' in the proof");
    }
  }

  if (request.chain) {
    if (!opened.proof.anchor) {
      add(report, "not-anchored",
          "the proof carries no anchor: commit " + opened.proof.commit.to_string() +
              " was not anchored when it was made");
      return report;
    }
    MLCHAIN_TRY(const auto endpoint, endpoint_of(request));
    MLCHAIN_TRY_STATUS(check_anchor(opened, endpoint, request.chain->min_confirmations, report));
  }
  return report;
}

}  // namespace mlchain::workflow
