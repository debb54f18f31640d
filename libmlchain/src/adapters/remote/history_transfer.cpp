#include "history_transfer.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"
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

// Leaves stored here: the chunk store keeps every file's leaves as blocks in objects/ (docs/format.md §5),
// so a leaf any stored file shares is there under its CID. An older repository's files, kept whole in
// files/, lend no leaf: a new version of one is received whole, as before.
// A leaf of a file received earlier in the same fetch is still in `batch`, under a temporary name until
// the batch is flushed: asked for it, the batch is flushed then, so the leaf is read from the store.
class LocalLeaves {
 public:
  LocalLeaves(repo::DiskObjectStore& objects, repo::ContentWriter& batch) : objects_(objects), batch_(batch) {}

  Result<bool> contains(const codec::Cid& leaf) {
    if (batch_.is_pending(leaf)) MLCHAIN_TRY_STATUS(batch_.commit());
    return objects_.contains(leaf);
  }

  // The leaf's contents (a raw leaf's block, a unixfs-v0-2015 leaf's Data bytes), or nothing when it is
  // not stored here, is an inner node, or no longer hashes to its CID: the source is asked instead, and
  // the damaged copy is removed so that the one received is stored in its place (a content writer keeps
  // a block that is there already). Only raw leaves get this far damaged: the walk of the fetched tree
  // (core::reach_of_tree) reads every stored dag-pb block of a file and stops at a damaged one.
  Result<std::optional<Bytes>> read(const codec::Cid& leaf) {
    auto block = objects_.get(leaf);  // re-hashed against `leaf`
    if (!block) {
      if (block.error().kind == ErrorKind::corrupt) MLCHAIN_TRY_STATUS(objects_.remove(leaf));
      return std::optional<Bytes>();
    }
    if (leaf.codec() == codec::multicodec::raw) return std::optional<Bytes>(std::move(*block));
    auto node = codec::PbNode::decode(*block);
    if (!node || !node->links.empty() || !node->data) return std::optional<Bytes>();
    auto data = codec::UnixfsData::decode(*node->data);
    if (!data || (data->type != codec::UnixfsType::file && data->type != codec::UnixfsType::raw))
      return std::optional<Bytes>();
    return std::optional<Bytes>(data->data ? std::move(*data->data) : Bytes());
  }

 private:
  repo::DiskObjectStore& objects_;
  repo::ContentWriter& batch_;
};

// A file assembled leaf by leaf: from the leaves stored here, else from the source.
class LeafAssembly {
 public:
  LeafAssembly(core::ObjectStore& objects, BlockSource& source, LocalLeaves& local, const unixfs::Profile& profile,
               std::function<Status(ByteView)> on_bytes)
      : objects_(objects), source_(source), local_(local), profile_(profile), on_bytes_(std::move(on_bytes)) {}

  // How many of the file's leaves are stored here, from its file nodes alone (which are received and kept).
  Result<std::uint64_t> shared_leaves(const codec::Cid& cid, std::uint64_t size, std::size_t depth = 0) {
    // A dag-pb block the size of a chunk is a leaf but in one place (an inner node with a single leaf
    // below), so it is not fetched to be sure: a leaf shared there is only missed by this count.
    if (may_be_leaf(cid, size)) {
      MLCHAIN_TRY(const bool stored, local_.contains(cid));
      return std::uint64_t{stored ? 1u : 0u};
    }
    MLCHAIN_TRY(const auto node, file_node(cid, depth));
    if (!node) return std::uint64_t{0};
    std::uint64_t shared = 0;
    for (std::size_t i = 0; i < node->links.size(); ++i) {
      MLCHAIN_TRY(const auto below, shared_leaves(node->links[i], node->sizes[i], depth + 1));
      shared += below;
    }
    return shared;
  }

  Status assemble(const codec::Cid& cid, std::uint64_t size, std::size_t depth = 0) {
    if (may_be_leaf(cid, size)) {
      MLCHAIN_TRY(auto stored, local_.read(cid));
      if (stored) {
        local_bytes_ += stored->size();
        return on_bytes_(*stored);
      }
    }
    if (cid.codec() == codec::multicodec::raw) {
      MLCHAIN_TRY(const auto block, source_.get(cid));
      if (!cid.matches(block))
        return make_error(ErrorKind::corrupt, "block " + cid.to_string() + " " + source_.where() +
                                                  " does not hash to its CID; nothing stored");
      return on_bytes_(block);
    }
    MLCHAIN_TRY(const auto node, file_node(cid, depth));
    if (!node) return on_bytes_(node_data_);  // a dag-pb leaf
    for (std::size_t i = 0; i < node->links.size(); ++i)
      MLCHAIN_TRY_STATUS(assemble(node->links[i], node->sizes[i], depth + 1));
    return {};
  }

  std::uint64_t local_bytes() const { return local_bytes_; }

 private:
  struct FileNode {
    std::vector<codec::Cid> links;
    std::vector<std::uint64_t> sizes;
  };

  bool may_be_leaf(const codec::Cid& cid, std::uint64_t size) const {
    return cid.codec() == codec::multicodec::raw || size <= profile_.chunk_size;
  }

  // The node's links, or nothing for a dag-pb leaf (its bytes then in node_data_). Through `objects`, so
  // every node is re-hashed and inner nodes are kept.
  Result<std::optional<FileNode>> file_node(const codec::Cid& cid, std::size_t depth) {
    if (depth > 32 || cid.codec() != codec::multicodec::dag_pb)
      return make_error(ErrorKind::corrupt,
                        "file node " + cid.to_string() + " " + source_.where() + " is not a UnixFS file node");
    MLCHAIN_TRY(const auto block, objects_.get(cid));
    MLCHAIN_TRY(auto node, codec::PbNode::decode(block));
    if (!node.data)
      return make_error(ErrorKind::corrupt,
                        "file node " + cid.to_string() + " " + source_.where() + " has no UnixFS data");
    MLCHAIN_TRY(const auto data, codec::UnixfsData::decode(*node.data));
    if (data.type != codec::UnixfsType::file && data.type != codec::UnixfsType::raw)
      return make_error(ErrorKind::corrupt, "node " + cid.to_string() + " " + source_.where() + " is not a file");
    if (node.links.empty()) {
      node_data_.clear();
      if (data.data) node_data_.assign(data.data->begin(), data.data->end());
      return std::optional<FileNode>();
    }
    if (data.blocksizes.size() != node.links.size() || (data.data && !data.data->empty()))
      return make_error(ErrorKind::corrupt,
                        "file node " + cid.to_string() + " " + source_.where() + " is not a node of leaves");
    FileNode file;
    for (auto& link : node.links) file.links.push_back(std::move(link.hash));
    file.sizes = data.blocksizes;
    return std::optional<FileNode>(std::move(file));
  }

  core::ObjectStore& objects_;
  BlockSource& source_;
  LocalLeaves& local_;
  const unixfs::Profile& profile_;
  std::function<Status(ByteView)> on_bytes_;
  Bytes node_data_;
  std::uint64_t local_bytes_ = 0;
};

// The wanted files, each verified and handed to `batch`.
Status receive_files(repo::Repository& repository, BlockSource& source, SourcedObjects& objects, LocalLeaves& local,
                     repo::ContentWriter& batch, const std::vector<std::pair<codec::Cid, std::uint64_t>>& wanted,
                     const std::set<codec::Cid>& head_files, std::uint64_t total, const TransferOptions& options,
                     HistoryTransfer& transfer) {
  std::uint64_t done = 0;
  for (const auto& [root, size] : wanted) {
    const auto& profile = repo::profile_of_cid(root);
    std::optional<repo::PrestagedFile> copy;
    if (head_files.contains(root)) {
      MLCHAIN_TRY(auto created, repo::PrestagedFile::create(repository, root));
      copy.emplace(std::move(created));
    }
    MLCHAIN_TRY(auto writer, VerifiedContentWriter::begin(repository.contents(), root, profile, std::move(copy)));
    const auto on_bytes = [&](ByteView bytes) -> Status {
      MLCHAIN_TRY_STATUS(writer.append(bytes));
      done += bytes.size();
      if (options.progress) options.progress(done, total);
      return {};
    };
    bool assembled = false;
    if (source.blocks_are_contents() && root.codec() == codec::multicodec::dag_pb && size > profile.chunk_size) {
      LeafAssembly assembly(objects, source, local, profile, on_bytes);
      MLCHAIN_TRY(const auto shared, assembly.shared_leaves(root, size));
      if (shared > 0) {
        MLCHAIN_TRY_STATUS(assembly.assemble(root, size));
        transfer.file_bytes_local += assembly.local_bytes();
        assembled = true;
      }
    }
    if (!assembled) MLCHAIN_TRY_STATUS(source.read_file(root, profile, on_bytes));
    MLCHAIN_TRY(const auto copied, writer.finish(source.where(), batch));
    if (copied) transfer.prestaged.emplace(root, *copied);
    ++transfer.files;
    transfer.file_bytes += writer.size();
  }
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
  std::set<codec::Cid> head_files;  // to prestage
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
    for (const auto& entry : files) {
      if (entry.kind != unixfs::NodeKind::file) continue;
      file_sizes.emplace(entry.cid, entry.size);
      if (cid == head && options.prestage_head_files && entry.size >= repo::profile_of_cid(entry.cid).chunk_size)
        head_files.insert(entry.cid);
    }
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
  // Every file's blocks are flushed together at the end (or when a later file needs an earlier one's
  // leaves, LocalLeaves), not once per file: the disk writes while the next files arrive. Files verified
  // before a failure are kept all the same.
  MLCHAIN_TRY(auto batch, repository.contents().begin_write());
  LocalLeaves local(repository.objects(), batch);
  auto received =
      receive_files(repository, source, objects, local, batch, wanted, head_files, total, options, transfer);
  auto flushed = batch.commit();
  if (!received.ok()) return std::move(received).error();
  if (!flushed.ok()) return std::move(flushed).error();
  return transfer;
}

}  // namespace mlchain::remote
