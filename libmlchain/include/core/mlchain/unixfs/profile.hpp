#pragma once
// The two import profiles of IPIP-499 (docs/format.md). A profile fixes every choice that changes a CID,
// so the same bundle gives the same CID under the same profile, with any implementation, forever.

#include <cstdint>
#include <optional>
#include <string_view>

namespace mlchain::unixfs {

enum class ShardSplitStrategy {
  links_bytes,  // unixfs-v0-2015: sum of link name and CID lengths (go-unixfs's historical estimate)
  block_bytes,  // unixfs-v1-2025: size of the encoded directory block
};

struct Profile {
  std::string_view name;
  std::uint64_t cid_version;
  bool raw_leaves;
  std::size_t chunk_size;
  std::size_t max_links_per_node;
  ShardSplitStrategy shard_split_strategy;
  std::size_t shard_split_threshold_bytes;
  unsigned shard_fanout_bits;
};

inline constexpr Profile unixfs_v1_2025{"unixfs-v1-2025", 1, true, 1024 * 1024, 1024, ShardSplitStrategy::block_bytes,
                                        256 * 1024,       8};
inline constexpr Profile unixfs_v0_2015{"unixfs-v0-2015", 0, false, 256 * 1024, 174, ShardSplitStrategy::links_bytes,
                                        256 * 1024,       8};
inline constexpr const Profile& default_profile = unixfs_v1_2025;

// The profile of that name, or nothing for an unknown name.
std::optional<Profile> find_profile(std::string_view name);

}  // namespace mlchain::unixfs
