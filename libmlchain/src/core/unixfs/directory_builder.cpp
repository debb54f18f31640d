#include "mlchain/unixfs/directory_builder.hpp"

#include <algorithm>

#include "hamt.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"
#include "mlchain/codec/varint.hpp"

namespace mlchain::unixfs {
namespace {

std::size_t encoded_size(const codec::Cid& cid) {
  const auto& hash = cid.hash();
  const std::size_t multihash =
      codec::varint_size(hash.code) + codec::varint_size(hash.digest.size()) + hash.digest.size();
  if (cid.version() == 0) return multihash;
  return codec::varint_size(cid.version()) + codec::varint_size(cid.codec()) + multihash;
}

// Bytes one link adds to an encoded dag-pb node: the Links field around Hash, Name and Tsize.
std::size_t encoded_link_size(std::size_t name_size, std::size_t cid_size, std::uint64_t tsize) {
  const std::size_t link = 1 + codec::varint_size(cid_size) + cid_size + 1 + codec::varint_size(name_size) + name_size +
                           1 + codec::varint_size(tsize);
  return 1 + codec::varint_size(link) + link;
}

Bytes directory_data() {
  codec::UnixfsData data;
  data.type = codec::UnixfsType::directory;
  return data.encode();
}

// An empty directory's link, which is what a parent briefly holds for a subdirectory before the
// subdirectory's first entry arrives (the reference imports parents before children).
struct EmptyDirectory {
  std::size_t cid_size;
  std::uint64_t tsize;
};

EmptyDirectory empty_directory(const Profile& profile) {
  codec::PbNode node;
  node.data = directory_data();
  const Bytes block = node.encode();
  return {encoded_size(codec::Cid::of_block(profile.cid_version, codec::multicodec::dag_pb, block)), block.size()};
}

// ipfs-unixfs-importer's DirFlat estimate, replayed in import order (bytewise by name): links-bytes
// sums name and CID lengths, block-bytes the exact encoded size of the flat node. Entries count as they
// are added, a non-empty subdirectory only for the moment it is an empty one, and the directory is
// sharded as soon as the estimate is strictly above the threshold.
bool needs_sharding(const Profile& profile, const std::vector<DirectoryEntry>& sorted_entries) {
  const bool block_bytes = profile.shard_split_strategy == ShardSplitStrategy::block_bytes;
  const auto link_estimate = [&](std::size_t name_size, std::size_t cid_size, std::uint64_t tsize) -> std::uint64_t {
    return block_bytes ? encoded_link_size(name_size, cid_size, tsize) : name_size + cid_size;
  };
  const EmptyDirectory empty = empty_directory(profile);
  const std::uint64_t threshold = profile.shard_split_threshold_bytes;

  std::uint64_t estimate = 0;
  if (block_bytes) {
    const Bytes data = directory_data();
    estimate = 1 + codec::varint_size(data.size()) + data.size();
  }
  for (const auto& entry : sorted_entries) {
    const std::size_t name_size = entry.name.size();
    if (entry.node.kind == NodeKind::directory && entry.node.entry_count > 0) {
      if (estimate + link_estimate(name_size, empty.cid_size, empty.tsize) > threshold) return true;
      continue;
    }
    estimate += link_estimate(name_size, encoded_size(entry.node.cid), entry.node.tsize);
    if (estimate > threshold) return true;
  }
  return false;
}

Result<ImportedNode> build_flat_directory(const Profile& profile, std::vector<DirectoryEntry> entries,
                                          BlockSink& sink) {
  codec::PbNode node;
  node.links.reserve(entries.size());
  std::uint64_t children_tsize = 0;
  for (auto& entry : entries) {
    children_tsize += entry.node.tsize;
    node.links.push_back({entry.node.cid, std::move(entry.name), entry.node.tsize});
  }
  node.data = directory_data();
  const Bytes block = node.encode();
  const auto cid = codec::Cid::of_block(profile.cid_version, codec::multicodec::dag_pb, block);
  MLCHAIN_TRY_STATUS(sink.put(cid, block));
  return ImportedNode{cid, block.size() + children_tsize, 0, NodeKind::directory, entries.size()};
}

}  // namespace

Result<ImportedNode> build_directory(const Profile& profile, std::vector<DirectoryEntry> entries, BlockSink& sink) {
  std::sort(entries.begin(), entries.end(),
            [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.name < b.name; });
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string& name = entries[i].name;
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
      return make_error(ErrorKind::invalid_input, "invalid directory entry name '" + name + "'");
    if (i > 0 && entries[i - 1].name == name)
      return make_error(ErrorKind::invalid_input, "directory entry '" + name + "' appears twice");
  }
  std::uint64_t content_size = 0;
  for (const auto& entry : entries) content_size += entry.node.content_size;
  auto built = needs_sharding(profile, entries) ? build_hamt_directory(profile, std::move(entries), sink)
                                                : build_flat_directory(profile, std::move(entries), sink);
  if (built) built->content_size = content_size;
  return built;
}

Result<ImportedNode> build_symlink(const Profile& profile, std::string_view target, BlockSink& sink) {
  codec::UnixfsData data;
  data.type = codec::UnixfsType::symlink;
  if (!target.empty()) data.data = Bytes(target.begin(), target.end());
  codec::PbNode node;
  node.data = data.encode();
  const Bytes block = node.encode();
  const auto cid = codec::Cid::of_block(profile.cid_version, codec::multicodec::dag_pb, block);
  MLCHAIN_TRY_STATUS(sink.put(cid, block));
  return ImportedNode{cid, block.size(), 0, NodeKind::symlink, 0};
}

}  // namespace mlchain::unixfs
