#include "history_transfer.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "mlchain/codec/address.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/remote/verified_content.hpp"
#include "mlchain/repo/commit_signature.hpp"

namespace mlchain::remote {

Result<Bytes> SourcedObjects::get(const codec::Cid& cid) {
  MLCHAIN_TRY(const bool stored, local_.contains(cid));
  if (stored) return local_.get(cid);
  MLCHAIN_TRY(auto block, source_.get(cid));
  if (!cid.matches(block))
    return make_error(ErrorKind::corrupt,
                      "block " + cid.to_string() + " " + source_.where() + " does not hash to its CID; nothing stored");
  if (keep_) MLCHAIN_TRY_STATUS(local_.put(cid, block));
  ++blocks_;
  bytes_ += block.size();
  return block;
}

namespace {

Status check_signature(const codec::Cid& cid, const core::Commit& commit, const std::string& where) {
  MLCHAIN_TRY(const auto signature, repo::check_commit_signature(commit));
  if (signature.good) return {};
  return make_error(ErrorKind::bad_signature,
                    "commit " + cid.to_string() + " " + where + " has a bad signature: it claims author " +
                        codec::to_checksum_address(commit.author) + " but recovers to " +
                        (signature.signer ? codec::to_checksum_address(*signature.signer) : std::string("no key")) +
                        "; nothing fetched was made reachable");
}

// A content already stored here was verified when it was stored: its owner, who pushed it, and a reader who
// fetched it before need no key to hold it again.
Result<bool> opens_every_file(repo::Repository& repository, const std::vector<core::TreeEntry>& files,
                              const TransferOptions& options) {
  for (const auto& entry : files) {
    if (entry.kind != unixfs::NodeKind::file || options.opens(entry.cid)) continue;
    MLCHAIN_TRY(const bool stored, repository.contents().contains(entry.cid));
    if (!stored) return false;
  }
  return true;
}

// Whether this reader opens the head, decided before anything is stored: a reader refused a version keeps
// no block of it.
Status check_head_opens(repo::Repository& repository, BlockSource& source, const codec::Cid& head,
                        const TransferOptions& options) {
  SourcedObjects look(repository.objects(), source, /*keep=*/false);
  MLCHAIN_TRY(const auto commit, core::load_commit(look, head));
  MLCHAIN_TRY(const auto files, core::list_files(look, commit.tree));
  MLCHAIN_TRY(const bool opened, opens_every_file(repository, files, options));
  if (!opened) return options.denied(head);
  return {};
}

}  // namespace

Result<HistoryTransfer> complete_history(repo::Repository& repository, BlockSource& source, const codec::Cid& head,
                                         const TransferOptions& options) {
  if (head.codec() != codec::multicodec::dag_cbor)
    return make_error(ErrorKind::invalid_argument,
                      head.to_string() + " is not a commit (a commit CID is dag-cbor, bafyrei…)");
  if (options.opens) MLCHAIN_TRY_STATUS(check_head_opens(repository, source, head, options));
  SourcedObjects objects(repository.objects(), source);
  HistoryTransfer transfer;
  std::map<codec::Cid, std::uint64_t> file_sizes;  // every file root of the history, with its size
  std::set<codec::Cid> seen{head};
  std::deque<std::pair<codec::Cid, std::uint64_t>> queue{{head, 1}};
  while (!queue.empty()) {
    const auto [cid, generation] = queue.front();
    queue.pop_front();
    auto commit = core::load_commit(objects, cid);
    if (!commit) {
      if (commit.error().kind == ErrorKind::not_found && options.missing_parents_are_cut && cid != head) {
        transfer.cut_parents.push_back(cid);
        continue;
      }
      return std::move(commit).error();
    }
    MLCHAIN_TRY_STATUS(check_signature(cid, *commit, source.where()));
    MLCHAIN_TRY(const auto files, core::list_files(objects, commit->tree));
    MLCHAIN_TRY_STATUS(core::reach_of_tree(objects, commit->tree));
    bool opened = true;
    if (options.opens) {
      MLCHAIN_TRY(opened, opens_every_file(repository, files, options));
    }
    if (!opened) {
      if (cid == head) return options.denied(cid);
      transfer.cut_parents.push_back(cid);
      continue;
    }
    for (const auto& entry : files)
      if (entry.kind == unixfs::NodeKind::file) file_sizes.emplace(entry.cid, entry.size);
    transfer.commits.push_back(cid);
    for (const auto& parent : commit->parents) {
      if (!seen.insert(parent).second) continue;
      if (options.depth && generation >= *options.depth)
        transfer.cut_parents.push_back(parent);
      else
        queue.emplace_back(parent, generation + 1);
    }
  }
  transfer.blocks = objects.blocks_received();
  transfer.block_bytes = objects.bytes_received();

  std::vector<std::pair<codec::Cid, std::uint64_t>> wanted;
  std::uint64_t total = 0;
  for (const auto& [root, size] : file_sizes) {
    MLCHAIN_TRY(const bool stored, repository.contents().contains(root));
    if (stored) continue;
    wanted.emplace_back(root, size);
    total += size;
  }
  std::uint64_t done = 0;
  for (const auto& [root, size] : wanted) {
    const auto& profile = repo::profile_of_cid(root);
    MLCHAIN_TRY(auto writer, VerifiedContentWriter::begin(repository.contents(), root, profile));
    const auto on_bytes = [&](ByteView bytes) -> Status {
      MLCHAIN_TRY_STATUS(writer.append(bytes));
      done += bytes.size();
      if (options.progress) options.progress(done, total);
      return {};
    };
    MLCHAIN_TRY_STATUS(source.read_file(root, profile, on_bytes));
    MLCHAIN_TRY_STATUS(writer.finish(source.where()));
    ++transfer.files;
    transfer.file_bytes += writer.size();
  }
  return transfer;
}

}  // namespace mlchain::remote
