#pragma once
// Reads a UnixFS file from an untrusted node block by block: the root first, then each link in order,
// depth first. Every block is fetched through `get_block`, which has re-hashed it against its CID, and
// every CID comes from a block already checked, so each byte handed on is authenticated by the root —
// whatever the layout (balanced, trickle, any chunker). Memory: one block, plus the links of one node per
// level of the DAG.

#include <functional>

#include "mlchain/ipfs/node.hpp"

namespace mlchain::ipfs {

// Deeper file DAGs are refused: a balanced tree of 1024-link nodes reaches 2^80 bytes by depth 8.
inline constexpr std::size_t max_file_dag_depth = 32;

Status walk_file(const codec::Cid& root, const std::function<Result<Bytes>(const codec::Cid&)>& get_block,
                 const std::function<Status(ByteView)>& on_bytes, const ProgressCallback& progress,
                 const std::string& node_url);

}  // namespace mlchain::ipfs
