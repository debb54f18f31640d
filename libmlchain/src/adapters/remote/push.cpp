#include "mlchain/remote/push.hpp"

#include <algorithm>
#include <cstring>
#include <set>

#include "file_blocks_car.hpp"
#include "mlchain/codec/car.hpp"
#include "mlchain/remote/history_reach.hpp"

namespace mlchain::remote {
namespace {

// Nodes from before IPIP-499 (js-ipfs, older Kubo) put at most 174 links in a file node whatever
// `max-file-links` asks, so their `add` builds another DAG, and another CID, for a unixfs-v1-2025 file
// of more than 174 chunks. Such files go up as our own blocks in a CAR; every other file through `add`,
// whose answer must then equal our CID.
constexpr std::uint64_t links_every_node_builds = 174;

bool needs_our_blocks(const FileUpload& file) {
  const auto& profile = repo::profile_of_cid(file.root);
  return profile.raw_leaves && profile.max_links_per_node > links_every_node_builds &&
         file.size > links_every_node_builds * profile.chunk_size;
}

Status upload_whole_file(repo::Repository& repository, ipfs::Node& node, const FileUpload& file,
                         const ipfs::ProgressCallback& on_bytes) {
  // Contents stored as blocks go up as those blocks; whole ones (an older repository's) through `add`.
  if (needs_our_blocks(file) || file.path.empty()) {
    MLCHAIN_TRY(const auto car, file_blocks_car(repository, file.root, on_bytes));
    MLCHAIN_TRY_STATUS(node.import_car(car));
    MLCHAIN_TRY(const bool held, node.has_block(file.root));
    if (!held)
      return make_error(ErrorKind::remote_unavailable, node.url() + " took the blocks of " + file.root.to_string() +
                                                           " but does not hold its root " + file.root.to_string());
    return {};
  }
  MLCHAIN_TRY(const auto cid, node.add_file(file.path, repo::profile_of_cid(file.root), on_bytes));
  if (cid != file.root)
    return make_error(ErrorKind::corrupt, node.url() + " computed " + cid.to_string() + " for " + file.path.string() +
                                              ", not " + file.root.to_string() + "; push stopped, nothing recorded");
  return {};
}

// A file that shares blocks with what the node was given goes as a CAR of the others; the node must then
// hold the whole file, or it gets it whole. Returns whether it was sent again whole.
Result<bool> upload_file(repo::Repository& repository, ipfs::Node& node, const FileUpload& file,
                         const std::set<codec::Cid>& given_blocks, const ipfs::ProgressCallback& on_bytes) {
  if (file.bytes_left_out == 0) {
    MLCHAIN_TRY_STATUS(upload_whole_file(repository, node, file, on_bytes));
    return false;
  }
  MLCHAIN_TRY(const auto car, file_blocks_car(repository, file.root, on_bytes, given_blocks));
  MLCHAIN_TRY_STATUS(node.import_car(car));
  MLCHAIN_TRY(const bool whole, node.holds_dag(file.root, file.blocks));
  if (whole) return false;
  MLCHAIN_TRY(const auto again, file_blocks_car(repository, file.root, on_bytes));
  MLCHAIN_TRY_STATUS(node.import_car(again));
  MLCHAIN_TRY(const bool now_whole, node.holds_dag(file.root, file.blocks));
  if (!now_whole)
    return make_error(ErrorKind::remote_unavailable, node.url() + " took every block of " + file.root.to_string() +
                                                         " but does not hold the whole file");
  return true;
}

// The leaves and file nodes of every file in the histories under `heads`; a head this repository cannot
// walk (gone, cut by a shallow clone) adds nothing.
Result<std::set<codec::Cid>> blocks_given_before(repo::Repository& repository, const std::vector<codec::Cid>& heads) {
  std::set<codec::Cid> roots;
  for (const auto& head : heads) {
    auto reach = reach_of_history(repository.objects(), head);
    if (!reach) continue;
    roots.insert(reach->file_roots.begin(), reach->file_roots.end());
  }
  std::vector<codec::Cid> stored;
  for (const auto& root : roots) {
    MLCHAIN_TRY(const bool held, repository.contents().contains(root));
    if (held) stored.push_back(root);
  }
  return blocks_of_files(repository, stored);
}

}  // namespace

Result<PushPlan> plan_push(repo::Repository& repository, ipfs::Node& node, const codec::Cid& head,
                           const std::vector<codec::Cid>& given_before) {
  if (!node.writable())
    return make_error(ErrorKind::unsupported,
                      node.url() + " is a read-only gateway; push needs a Kubo RPC API (--ipfs)");
  MLCHAIN_TRY(const auto reach, reach_of_history(repository.objects(), head));
  PushPlan plan;
  plan.head = head;
  plan.commits = reach.commits.size();
  // A multi-block file's root is a tree block too; add_file uploads it with the file.
  const std::set<codec::Cid> file_roots(reach.file_roots.begin(), reach.file_roots.end());
  std::vector<codec::Cid> blocks;
  for (const auto* list : {&reach.commits, &reach.tree_blocks})
    for (const auto& cid : *list)
      if (!file_roots.contains(cid)) blocks.push_back(cid);
  std::vector<codec::Cid> asked = blocks;
  asked.insert(asked.end(), reach.file_roots.begin(), reach.file_roots.end());
  MLCHAIN_TRY(const auto held, node.has_blocks(asked));
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (held[i])
      ++plan.blocks_present;
    else
      plan.blocks.push_back(blocks[i]);
  }
  for (std::size_t i = 0; i < reach.file_roots.size(); ++i) {
    const auto& root = reach.file_roots[i];
    if (held[blocks.size() + i]) {
      ++plan.files_present;
      continue;
    }
    MLCHAIN_TRY(const auto size, repository.contents().size(root));
    MLCHAIN_TRY(auto whole, repository.contents().whole_file(root));
    plan.files.push_back({.root = root,
                          .path = whole ? std::move(*whole) : std::filesystem::path(),
                          .size = size,
                          .bytes_left_out = 0,
                          .blocks = 0});
  }
  if (!plan.files.empty() && !given_before.empty()) {
    MLCHAIN_TRY(plan.given_blocks, blocks_given_before(repository, given_before));
  }
  for (auto& file : plan.files) {
    // A file of one block has no part to leave out: the node holds it or not, and was asked above.
    if (!plan.given_blocks.empty() && file.root.codec() == codec::multicodec::dag_pb &&
        file.size > repo::profile_of_cid(file.root).chunk_size) {
      MLCHAIN_TRY(const auto count, count_file_blocks(repository, file.root, plan.given_blocks));
      file.bytes_left_out = count.bytes_left;
      file.blocks = count.blocks;
    }
    plan.file_bytes += file.size - file.bytes_left_out;
    plan.file_bytes_left_out += file.bytes_left_out;
  }
  return plan;
}

Status upload(repo::Repository& repository, ipfs::Node& node, PushPlan& plan, const UploadProgress& progress) {
  std::uint64_t done = 0;
  for (const auto& file : plan.files) {
    const auto on_bytes = [&](std::uint64_t bytes) {
      if (progress) progress(std::min(done + bytes, plan.file_bytes), plan.file_bytes);
    };
    MLCHAIN_TRY(const bool sent_again, upload_file(repository, node, file, plan.given_blocks, on_bytes));
    if (sent_again) {
      ++plan.files_sent_again;
      plan.file_bytes_sent_again += file.size;
    }
    done += file.size - file.bytes_left_out;
    if (progress) progress(done, plan.file_bytes);
  }
  return upload_blocks(repository, node, plan.head, plan.blocks);
}

Status upload_blocks(repo::Repository& repository, ipfs::Node& node, const codec::Cid& head,
                     const std::vector<codec::Cid>& blocks) {
  if (blocks.empty()) return {};
  Bytes car = codec::encode_car_header({head});
  for (const auto& cid : blocks) {
    MLCHAIN_TRY(const auto block, repository.objects().get(cid));
    append(car, codec::encode_car_section(cid, block));
  }
  std::size_t offset = 0;
  const ipfs::ByteSource source = [&](std::span<std::uint8_t> buffer) -> Result<std::size_t> {
    const std::size_t take = std::min(buffer.size(), car.size() - offset);
    std::memcpy(buffer.data(), car.data() + offset, take);
    offset += take;
    return take;
  };
  return node.import_car(source);
}

Status pin_head(ipfs::Node& node, const codec::Cid& head) { return node.pin(head); }

std::string remote_ref_name(std::string_view remote, std::string_view branch) {
  return std::string(repo::remotes_prefix) + std::string(remote) + "/" + std::string(branch);
}

Status record_remote_ref(repo::Repository& repository, std::string_view remote, std::string_view branch,
                         const std::optional<codec::Cid>& expected, const codec::Cid& head) {
  const auto name = remote_ref_name(remote, branch);
  MLCHAIN_TRY(const auto current, repository.refs().read(name));
  if (current == head) return {};
  return repository.refs().compare_and_swap(name, expected, head, "push");
}

}  // namespace mlchain::remote
