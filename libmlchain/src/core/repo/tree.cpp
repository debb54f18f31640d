#include "mlchain/core/tree.hpp"

#include <algorithm>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"

namespace mlchain::core {
namespace {

using codec::Cid;
using codec::UnixfsType;
using unixfs::NodeKind;

struct Node {
  codec::PbNode pb;
  codec::UnixfsData data;
};

Error malformed(const Cid& cid, std::string_view why) {
  return make_error(ErrorKind::corrupt, "tree node " + cid.to_string() + " " + std::string(why));
}

Result<Node> load_node(ObjectStore& objects, const Cid& cid) {
  MLCHAIN_TRY(auto block, objects.get(cid));
  auto pb = codec::PbNode::decode(block);
  if (!pb) return malformed(cid, "is not valid dag-pb: " + pb.error().message);
  if (!pb->data) return malformed(cid, "has no UnixFS data");
  auto data = codec::UnixfsData::decode(*pb->data);
  if (!data) return malformed(cid, "has invalid UnixFS data: " + data.error().message);
  return Node{std::move(pb).value(), std::move(data).value()};
}

Status check_name(const Cid& directory, std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos)
    return malformed(directory, "holds an entry named '" + std::string(name) + "', which cannot be a path component");
  return {};
}

std::string join(std::string_view prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : std::string(prefix) + "/" + std::string(name);
}

// Digits of the hex index that starts each link name in a HAMT shard of this fanout (2 for 256).
Result<std::size_t> hamt_prefix_length(const Cid& cid, const codec::UnixfsData& data) {
  if (!data.fanout || *data.fanout < 2 || *data.fanout > 1024 || (*data.fanout & (*data.fanout - 1)) != 0)
    return malformed(cid, "is a HAMT shard without a valid fanout");
  std::size_t digits = 0;
  for (std::uint64_t rest = *data.fanout - 1; rest != 0; rest >>= 4) ++digits;
  return digits;
}

// Calls `on_entry(name, link)` for every entry of a directory, flat or sharded, descending into sub-shards,
// each of which goes to `on_shard(cid)` first.
template <class OnEntry, class OnShard>
Status for_each_entry(ObjectStore& objects, const Cid& cid, const Node& node, std::size_t depth, OnEntry&& on_entry,
                      OnShard&& on_shard) {
  if (depth > max_tree_depth) return malformed(cid, "lies deeper than " + std::to_string(max_tree_depth) + " levels");
  if (node.data.type == UnixfsType::directory) {
    for (const auto& link : node.pb.links) {
      if (!link.name) return malformed(cid, "has a directory entry without a name");
      MLCHAIN_TRY_STATUS(check_name(cid, *link.name));
      MLCHAIN_TRY_STATUS(on_entry(*link.name, link));
    }
    return {};
  }
  MLCHAIN_TRY(const std::size_t prefix, hamt_prefix_length(cid, node.data));
  for (const auto& link : node.pb.links) {
    if (!link.name || link.name->size() < prefix) return malformed(cid, "has a HAMT link without its index");
    if (link.name->size() == prefix) {
      MLCHAIN_TRY(auto shard, load_node(objects, link.hash));
      if (shard.data.type != UnixfsType::hamt_shard)
        return malformed(link.hash, "is linked as a HAMT shard but is not one");
      on_shard(link.hash);
      MLCHAIN_TRY_STATUS(for_each_entry(objects, link.hash, shard, depth + 1, on_entry, on_shard));
      continue;
    }
    const std::string name = link.name->substr(prefix);
    MLCHAIN_TRY_STATUS(check_name(cid, name));
    MLCHAIN_TRY_STATUS(on_entry(name, link));
  }
  return {};
}

bool is_directory(const Node& node) {
  return node.data.type == UnixfsType::directory || node.data.type == UnixfsType::hamt_shard;
}

class Lister {
 public:
  explicit Lister(ObjectStore& objects) : objects_(objects) {}

  Status visit(const Cid& cid, std::optional<std::uint64_t> raw_size, const std::string& path, std::size_t depth) {
    if (depth > max_tree_depth) return malformed(cid, "lies deeper than " + std::to_string(max_tree_depth) + " levels");
    if (cid.codec() == codec::multicodec::raw) {
      std::uint64_t size = 0;
      if (raw_size) {
        size = *raw_size;
      } else {
        MLCHAIN_TRY(auto block, objects_.get(cid));
        size = block.size();
      }
      entries_.push_back({path, cid, size, NodeKind::file, std::nullopt});
      return {};
    }
    if (cid.codec() != codec::multicodec::dag_pb)
      return malformed(cid, "has codec 0x" + std::to_string(cid.codec()) + ", neither dag-pb nor raw");
    MLCHAIN_TRY(auto node, load_node(objects_, cid));
    switch (node.data.type) {
      case UnixfsType::file:
      case UnixfsType::raw: {
        const std::uint64_t size =
            node.data.filesize ? *node.data.filesize : (node.data.data ? node.data.data->size() : 0);
        entries_.push_back({path, cid, size, NodeKind::file, std::nullopt});
        return {};
      }
      case UnixfsType::symlink: {
        const Bytes target = node.data.data.value_or(Bytes{});
        entries_.push_back({path, cid, 0, NodeKind::symlink, std::string(target.begin(), target.end())});
        return {};
      }
      case UnixfsType::directory:
      case UnixfsType::hamt_shard: {
        bool empty = true;
        MLCHAIN_TRY_STATUS(for_each_entry(
            objects_, cid, node, depth,
            [&](const std::string& name, const codec::PbLink& link) {
              empty = false;
              const bool raw = link.hash.codec() == codec::multicodec::raw;
              return visit(link.hash, raw ? link.tsize : std::nullopt, join(path, name), depth + 1);
            },
            [](const Cid&) {}));
        // The tree itself, empty, is the empty bundle: nothing to list, no directory named "".
        if (empty && !path.empty()) entries_.push_back({path, cid, 0, NodeKind::directory, std::nullopt});
        return {};
      }
      case UnixfsType::metadata:
        break;
    }
    return malformed(cid, "is a UnixFS node of a type a bundle cannot hold");
  }

  std::vector<TreeEntry> take() {
    std::sort(entries_.begin(), entries_.end(), [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
    return std::move(entries_);
  }

 private:
  ObjectStore& objects_;
  std::vector<TreeEntry> entries_;
};

class Reacher {
 public:
  explicit Reacher(ObjectStore& objects) : objects_(objects) {}

  Status visit(const Cid& cid, std::size_t depth) {
    if (depth > max_tree_depth) return malformed(cid, "lies deeper than " + std::to_string(max_tree_depth) + " levels");
    if (cid.codec() == codec::multicodec::raw) {
      reach_.file_roots.push_back(cid);
      return {};
    }
    MLCHAIN_TRY(auto node, load_node(objects_, cid));
    if (is_directory(node)) {
      reach_.blocks.push_back(cid);
      return for_each_entry(
          objects_, cid, node, depth,
          [&](const std::string&, const codec::PbLink& link) { return visit(link.hash, depth + 1); },
          [&](const Cid& shard) { reach_.blocks.push_back(shard); });
    }
    if (node.data.type == UnixfsType::symlink) {
      reach_.blocks.push_back(cid);
      return {};
    }
    reach_.file_roots.push_back(cid);
    return inner_file_nodes(cid, node, depth);
  }

  TreeReach take() { return std::move(reach_); }

 private:
  // The dag-pb nodes inside a file's DAG that the object store keeps: those with links. Leaves (raw, or
  // dag-pb without links under unixfs-v0-2015, one-chunk files included) live only inside the file's
  // whole contents, so a dag-pb child the store does not hold is taken for a leaf.
  Status inner_file_nodes(const Cid& cid, const Node& node, std::size_t depth) {
    if (depth > max_tree_depth) return malformed(cid, "lies deeper than " + std::to_string(max_tree_depth) + " levels");
    if (node.pb.links.empty()) return {};
    reach_.blocks.push_back(cid);
    for (const auto& link : node.pb.links) {
      if (link.hash.codec() != codec::multicodec::dag_pb) continue;
      MLCHAIN_TRY(const bool stored, objects_.contains(link.hash));
      if (!stored) continue;
      MLCHAIN_TRY(auto child, load_node(objects_, link.hash));
      MLCHAIN_TRY_STATUS(inner_file_nodes(link.hash, child, depth + 1));
    }
    return {};
  }

  ObjectStore& objects_;
  TreeReach reach_;
};

}  // namespace

Result<std::vector<TreeEntry>> list_files(ObjectStore& objects, const Cid& tree) {
  Lister lister(objects);
  MLCHAIN_TRY_STATUS(lister.visit(tree, std::nullopt, "", 0));
  return lister.take();
}

Result<TreeReach> reach_of_tree(ObjectStore& objects, const Cid& tree) {
  Reacher reacher(objects);
  MLCHAIN_TRY_STATUS(reacher.visit(tree, 0));
  return reacher.take();
}

}  // namespace mlchain::core
