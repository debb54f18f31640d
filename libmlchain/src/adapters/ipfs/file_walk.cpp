#include "mlchain/ipfs/file_walk.hpp"

#include <vector>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"

namespace mlchain::ipfs {
namespace {

struct Level {
  std::vector<codec::Cid> links;
  std::vector<std::uint64_t> expected_sizes;  // content bytes under each link, as the parent claims
  std::size_t next = 0;
};

Error malformed(const codec::Cid& cid, const std::string& url, const std::string& what) {
  return make_error(ErrorKind::corrupt,
                    "file block " + cid.to_string() + " from " + url + " is not a valid UnixFS file node: " + what);
}

}  // namespace

Status walk_file(const codec::Cid& root, const std::function<Result<Bytes>(const codec::Cid&)>& get_block,
                 const std::function<Status(ByteView)>& on_bytes, const ProgressCallback& progress,
                 const std::string& node_url) {
  std::vector<Level> stack;
  std::uint64_t delivered = 0;

  // Emits the content of one block and, for an inner node, pushes its links; returns its content size.
  auto visit = [&](const codec::Cid& cid, std::optional<std::uint64_t> expected_size) -> Status {
    MLCHAIN_TRY(auto block, get_block(cid));
    std::uint64_t own = 0;
    std::uint64_t total = 0;
    if (cid.codec() == codec::multicodec::raw) {
      MLCHAIN_TRY_STATUS(on_bytes(block));
      own = total = block.size();
    } else if (cid.codec() == codec::multicodec::dag_pb) {
      auto node = codec::PbNode::decode(block);
      if (!node) return malformed(cid, node_url, node.error().message);
      if (!node->data) return malformed(cid, node_url, "no UnixFS data");
      auto data = codec::UnixfsData::decode(*node->data);
      if (!data) return malformed(cid, node_url, data.error().message);
      if (data->type != codec::UnixfsType::file && data->type != codec::UnixfsType::raw) {
        return make_error(ErrorKind::invalid_input, cid.to_string() + " is not a file (UnixFS type " +
                                                        std::to_string(static_cast<int>(data->type)) + ")");
      }
      if (data->blocksizes.size() != node->links.size()) {
        return malformed(cid, node_url, "its blocksizes do not match its links");
      }
      if (data->data) {
        MLCHAIN_TRY_STATUS(on_bytes(*data->data));
        own = data->data->size();
      }
      total = own;
      for (const auto size : data->blocksizes) total += size;
      if (data->filesize && *data->filesize != total) {
        return malformed(cid, node_url, "its filesize is not the sum of its parts");
      }
      if (!node->links.empty()) {
        if (stack.size() >= max_file_dag_depth) return malformed(cid, node_url, "the DAG is too deep");
        Level level;
        for (auto& link : node->links) level.links.push_back(link.hash);
        level.expected_sizes = data->blocksizes;
        stack.push_back(std::move(level));
      }
    } else {
      return make_error(ErrorKind::invalid_input,
                        cid.to_string() + " is not a UnixFS file (multicodec " + std::to_string(cid.codec()) + ")");
    }
    if (expected_size && total != *expected_size) {
      return malformed(cid, node_url, "its size differs from what its parent says");
    }
    delivered += own;
    if (progress) progress(delivered);
    return {};
  };

  MLCHAIN_TRY_STATUS(visit(root, std::nullopt));
  while (!stack.empty()) {
    auto& level = stack.back();
    if (level.next == level.links.size()) {
      stack.pop_back();
      continue;
    }
    const auto index = level.next++;
    const auto child = level.links[index];
    const auto expected = level.expected_sizes[index];
    MLCHAIN_TRY_STATUS(visit(child, expected));
  }
  return {};
}

}  // namespace mlchain::ipfs
