#include "mlchain/core/stat_index.hpp"

#include <algorithm>

#include "mlchain/codec/sha256.hpp"

namespace mlchain::core {
namespace {

constexpr std::string_view magic = "MLCI";

void put_uint(Bytes& out, std::uint64_t value, unsigned bytes) {
  for (unsigned i = bytes; i-- > 0;) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

Error damaged(const std::string& what) { return make_error(ErrorKind::corrupt, "the index is damaged: " + what); }

class Reader {
 public:
  explicit Reader(ByteView bytes) : bytes_(bytes) {}

  Result<std::uint64_t> uint(unsigned bytes) {
    if (remaining() < bytes) return damaged("it ends early");
    std::uint64_t value = 0;
    for (unsigned i = 0; i < bytes; ++i) value = (value << 8) | bytes_[offset_++];
    return value;
  }
  Result<ByteView> take(std::size_t length) {
    if (remaining() < length) return damaged("it ends early");
    const auto view = bytes_.subspan(offset_, length);
    offset_ += length;
    return view;
  }
  std::size_t remaining() const { return bytes_.size() - offset_; }

 private:
  ByteView bytes_;
  std::size_t offset_ = 0;
};

}  // namespace

Result<Bytes> encode_stat_index(const std::vector<StatEntry>& entries) {
  Bytes out(magic.begin(), magic.end());
  put_uint(out, stat_index_version, 4);
  put_uint(out, entries.size(), 4);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& entry = entries[i];
    if (i > 0 && !(entries[i - 1].path < entry.path))
      return make_error(ErrorKind::internal, "index entries out of order at " + entry.path);
    put_uint(out, entry.path.size(), 4);
    append(out, as_bytes(entry.path));
    put_uint(out, entry.stat.size, 8);
    put_uint(out, static_cast<std::uint64_t>(entry.stat.mtime_ns), 8);
    put_uint(out, static_cast<std::uint64_t>(entry.stat.ctime_ns), 8);
    put_uint(out, entry.stat.inode, 8);
    put_uint(out, entry.stat.dev, 8);
    put_uint(out, entry.tsize, 8);
    const Bytes cid = entry.cid.to_bytes();
    put_uint(out, cid.size(), 2);
    append(out, cid);
  }
  const auto digest = codec::sha256(out);
  append(out, digest);
  return out;
}

Result<std::vector<StatEntry>> decode_stat_index(ByteView bytes) {
  constexpr std::size_t header = 12;
  constexpr std::size_t checksum = 32;
  if (bytes.size() < header + checksum) return damaged("it is too short");
  const auto body = bytes.first(bytes.size() - checksum);
  const auto digest = codec::sha256(body);
  if (!std::equal(digest.begin(), digest.end(), bytes.begin() + static_cast<std::ptrdiff_t>(body.size())))
    return damaged("its checksum does not match");

  Reader reader(body);
  MLCHAIN_TRY(auto head, reader.take(magic.size()));
  if (!std::equal(head.begin(), head.end(), magic.begin())) return damaged("it does not start with MLCI");
  MLCHAIN_TRY(const auto version, reader.uint(4));
  if (version != stat_index_version) return damaged("version " + std::to_string(version) + " is not 1");
  MLCHAIN_TRY(const auto count, reader.uint(4));

  std::vector<StatEntry> entries;
  entries.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(count, reader.remaining() / 54)));
  for (std::uint64_t i = 0; i < count; ++i) {
    StatEntry entry;
    MLCHAIN_TRY(const auto path_length, reader.uint(4));
    MLCHAIN_TRY(auto path, reader.take(static_cast<std::size_t>(path_length)));
    entry.path.assign(path.begin(), path.end());
    if (entry.path.empty()) return damaged("an entry has an empty path");
    if (!entries.empty() && !(entries.back().path < entry.path))
      return damaged("entries are out of order at " + entry.path);
    MLCHAIN_TRY(entry.stat.size, reader.uint(8));
    MLCHAIN_TRY(const auto mtime, reader.uint(8));
    MLCHAIN_TRY(const auto ctime, reader.uint(8));
    entry.stat.mtime_ns = static_cast<std::int64_t>(mtime);
    entry.stat.ctime_ns = static_cast<std::int64_t>(ctime);
    MLCHAIN_TRY(entry.stat.inode, reader.uint(8));
    MLCHAIN_TRY(entry.stat.dev, reader.uint(8));
    MLCHAIN_TRY(entry.tsize, reader.uint(8));
    MLCHAIN_TRY(const auto cid_length, reader.uint(2));
    MLCHAIN_TRY(auto cid_bytes, reader.take(static_cast<std::size_t>(cid_length)));
    auto cid = codec::Cid::from_bytes(cid_bytes);
    if (!cid) return damaged("the CID of " + entry.path + " is malformed");
    entry.cid = std::move(cid).value();
    entries.push_back(std::move(entry));
  }
  if (reader.remaining() != 0) return damaged("bytes follow the last entry");
  return entries;
}

}  // namespace mlchain::core
