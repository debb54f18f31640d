#pragma once
// The UnixFS `Data` message carried in a dag-pb node's Data field (UnixFS spec, unixfs.proto).
// Encoding writes fields in field-number order, as go-unixfs and js ipfs-unixfs do; decoding is strict.

#include <optional>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/result.hpp"

namespace mlchain::codec {

enum class UnixfsType : std::uint8_t { raw = 0, directory = 1, file = 2, metadata = 3, symlink = 4, hamt_shard = 5 };

struct UnixfsTime {
  std::int64_t seconds = 0;
  std::optional<std::uint32_t> nanos;
  friend bool operator==(const UnixfsTime&, const UnixfsTime&) = default;
};

struct UnixfsData {
  UnixfsType type = UnixfsType::file;
  std::optional<Bytes> data;
  std::optional<std::uint64_t> filesize;
  std::vector<std::uint64_t> blocksizes;
  std::optional<std::uint64_t> hash_type;
  std::optional<std::uint64_t> fanout;
  std::optional<std::uint32_t> mode;
  std::optional<UnixfsTime> mtime;

  Bytes encode() const;
  static Result<UnixfsData> decode(ByteView bytes);

  friend bool operator==(const UnixfsData&, const UnixfsData&) = default;
};

// The HAMT hash function UnixFS directories use: murmur3-x64-64 (multicodec 0x22).
inline constexpr std::uint64_t hamt_hash_murmur3_x64_64 = 0x22;

}  // namespace mlchain::codec
