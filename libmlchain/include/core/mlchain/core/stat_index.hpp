#pragma once
// The stat cache (`.mlchain/index`, docs/format.md): for each regular file of the work tree, the stat fields
// it had when it was last hashed and the file CID it hashed to. A file whose fields are all unchanged is
// not read again. Only a cache: a damaged index is rebuilt, never trusted over the objects.
//
// Bytes (all integers big-endian):
//   "MLCI"  u32 version (1)  u32 entry count
//   per entry, sorted bytewise by path, paths unique:
//     u32 path length, path bytes ('/'-separated, relative)
//     u64 size, i64 mtime_ns, i64 ctime_ns, u64 inode, u64 dev   (the file's stat when it was hashed)
//     u64 tsize (bytes of every block of the file's DAG: what a directory's link to it records)
//     u16 CID length, CID bytes (binary CID: the file's root)
//   32 bytes: sha2-256 of everything before it

#include <cstdint>
#include <string>
#include <vector>

#include "mlchain/codec/cid.hpp"

namespace mlchain::core {

struct FileStat {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::uint64_t inode = 0;
  std::uint64_t dev = 0;
  friend bool operator==(const FileStat&, const FileStat&) = default;
};

struct StatEntry {
  std::string path;
  FileStat stat;
  codec::Cid cid;
  std::uint64_t tsize = 0;
  friend bool operator==(const StatEntry&, const StatEntry&) = default;
};

inline constexpr std::uint32_t stat_index_version = 1;

// Entries must be sorted by path and unique (an internal error otherwise).
Result<Bytes> encode_stat_index(const std::vector<StatEntry>& entries);

// Strict: magic, version, count, order, lengths and the checksum are all checked; corrupt
// saying what is wrong otherwise.
Result<std::vector<StatEntry>> decode_stat_index(ByteView bytes);

// The racy-clean rule (git's "racy git"): a file modified within the timestamp granularity after the
// index was written has the mtime it recorded, so an entry whose mtime is not older than the index's own
// write time cannot vouch for the file and is hashed again.
inline bool can_vouch(const StatEntry& entry, const FileStat& now, std::int64_t index_written_ns) {
  return entry.stat == now && entry.stat.mtime_ns < index_written_ns;
}

}  // namespace mlchain::core
