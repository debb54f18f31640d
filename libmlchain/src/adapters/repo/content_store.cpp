#include "mlchain/repo/content_store.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "disk.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"
#include "mlchain/codec/varint.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/repo/object_store.hpp"
#include "mlchain/unixfs/block_sink.hpp"
#include "mlchain/unixfs/file_builder.hpp"
#include "uncached_write.hpp"

namespace mlchain::repo {
namespace {

constexpr std::size_t copy_piece = std::size_t{64} << 20;
// No block of ours is larger (the IPFS bitswap limit, as in object_store.cpp).
constexpr std::uint64_t max_block_bytes = 2 * 1024 * 1024;
// A file's DAG is never deeper than this (a balanced tree of 1 GiB is two levels deep).
constexpr std::size_t max_file_depth = 32;

Status write_all(int fd, ByteView bytes, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return disk::system_error(errno, "write", path);
    }
    written += static_cast<std::size_t>(n);
  }
  return {};
}

// `length` bytes of `from` at `offset` to the current end of `to`: copy_file_range (which the kernel may
// turn into a server-side or extent copy), else plain reads and writes in large pieces.
Status copy_range(int from, std::uint64_t offset, std::uint64_t length, int to, const std::filesystem::path& source,
                  const std::filesystem::path& target) {
  auto in = static_cast<off_t>(offset);
  std::uint64_t remaining = length;
  bool kernel_copy = true;
  Bytes buffer;
  while (remaining > 0) {
    const std::size_t piece = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, copy_piece));
    if (kernel_copy) {
      const ssize_t n = ::copy_file_range(from, &in, to, nullptr, piece, 0);
      if (n > 0) {
        remaining -= static_cast<std::uint64_t>(n);
        continue;
      }
      if (n == 0)
        return make_error(ErrorKind::changed_concurrently, source.string() + " shrank while it was being copied");
      if (errno == EINTR) continue;
      if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
        return disk::system_error(errno, "copy into", target);
      kernel_copy = false;
    }
    buffer.resize(std::min<std::size_t>(piece, std::size_t{1} << 20));
    const ssize_t n = ::pread(from, buffer.data(), buffer.size(), in);
    if (n < 0) {
      if (errno == EINTR) continue;
      return disk::system_error(errno, "read", source);
    }
    if (n == 0)
      return make_error(ErrorKind::changed_concurrently, source.string() + " shrank while it was being copied");
    MLCHAIN_TRY_STATUS(write_all(to, ByteView(buffer).first(static_cast<std::size_t>(n)), target));
    in += n;
    remaining -= static_cast<std::uint64_t>(n);
  }
  return {};
}

// Reflink when the file system shares extents (btrfs, XFS, bcachefs), else a copy of the whole file.
Status copy_contents(int from, int to, const std::filesystem::path& source, const std::filesystem::path& target) {
  if (::ioctl(to, FICLONE, from) == 0) return {};
  struct stat info {};
  if (::fstat(from, &info) != 0) return disk::system_error(errno, "stat", source);
  return copy_range(from, 0, static_cast<std::uint64_t>(info.st_size), to, source, target);
}

Result<codec::Cid> cid_of_file(const std::filesystem::path& path, const unixfs::Profile& profile) {
  unixfs::DiscardingBlockSink sink;
  MLCHAIN_TRY(auto node, fs::import_file(path, profile, sink));
  return node.cid;
}

bool same_contents_key(const codec::Cid& a, const codec::Cid& b) {
  return a.codec() == b.codec() && a.hash() == b.hash();
}

// A stored file of `.mlchain/`, opened as docs/format.md §5 "Reads" says: never through a symlink, never
// waiting on a FIFO, a regular file or corruption naming it; not_found when absent.
Result<int> open_stored(const std::filesystem::path& path, struct stat& info) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ELOOP) return make_error(ErrorKind::corrupt, path.string() + " is a symlink, not a regular file");
    return disk::stored_file_error(errno, "open", path);
  }
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return make_error(ErrorKind::corrupt, path.string() + " is not a regular file");
  }
  return fd;
}

Result<std::size_t> read_at_most(int fd, std::uint64_t offset, std::span<std::uint8_t> buffer,
                                 const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < buffer.size()) {
    const ssize_t n = ::pread(fd, buffer.data() + done, buffer.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return disk::stored_file_error(errno, "read", path);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

Error damaged(const codec::Cid& root, const codec::Cid& block, const std::filesystem::path& path,
              const std::string& why) {
  return make_error(ErrorKind::corrupt, "the stored contents of " + root.to_string() + " are corrupt: block " +
                                            block.to_string() + " (" + path.string() + ") " + why);
}

// A leaf's whole block, read into `block` unchecked: corrupt naming it when it is larger than any block or
// shrinks while it is read.
Status read_leaf_block(const codec::Cid& root, const codec::Cid& leaf, const std::filesystem::path& path,
                       Bytes& block) {
  struct stat info {};
  MLCHAIN_TRY(const int fd, open_stored(path, info));
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (size > max_block_bytes) {
    ::close(fd);
    return damaged(root, leaf, path, "is larger than any block");
  }
  block.resize(static_cast<std::size_t>(size));
  auto read = read_at_most(fd, 0, block, path);
  ::close(fd);
  if (!read) return std::move(read).error();
  if (*read != block.size()) return damaged(root, leaf, path, "does not hash to its CID");
  return {};
}

// The same, re-hashed: corrupt naming it when it is no block of that CID.
Status read_checked_leaf(const codec::Cid& root, const codec::Cid& leaf, const std::filesystem::path& path,
                         Bytes& block) {
  MLCHAIN_TRY_STATUS(read_leaf_block(root, leaf, path, block));
  if (!leaf.matches(block)) return damaged(root, leaf, path, "does not hash to its CID");
  return {};
}

// Where a unixfs-v0-2015 leaf's bytes sit in its block: a dag-pb node without links is its Data field
// alone (0x0a, length), which holds a UnixFS message of Type File or Raw (0x08, type) and then, unless
// the leaf is empty, the bytes (0x12, length, bytes).
struct LeafPayload {
  std::uint64_t offset;
  std::uint64_t size;
};
std::optional<LeafPayload> payload_of_leaf(ByteView head, std::uint64_t block_size) {
  if (head.empty() || head[0] != 0x0a) return std::nullopt;
  std::size_t at = 1;
  auto data_length = codec::read_varint(head.subspan(at));
  if (!data_length) return std::nullopt;
  at += data_length->length;
  if (at + data_length->value != block_size) return std::nullopt;
  if (at + 2 > head.size() || head[at] != 0x08) return std::nullopt;
  const auto type = head[at + 1];
  if (type != static_cast<std::uint8_t>(codec::UnixfsType::file) &&
      type != static_cast<std::uint8_t>(codec::UnixfsType::raw))
    return std::nullopt;
  at += 2;
  if (at >= head.size() || head[at] != 0x12) return LeafPayload{at, 0};
  ++at;
  auto payload_length = codec::read_varint(head.subspan(at));
  if (!payload_length) return std::nullopt;
  at += payload_length->length;
  if (at + payload_length->value > block_size) return std::nullopt;
  return LeafPayload{at, payload_length->value};
}

Status copy_whole_file(const std::filesystem::path& source, int to, const std::filesystem::path& destination) {
  struct stat info {};
  MLCHAIN_TRY(const int from, open_stored(source, info));
  Status status = copy_contents(from, to, source, destination);
  ::close(from);
  return status;
}

}  // namespace

const unixfs::Profile& profile_of_cid(const codec::Cid& cid) {
  return cid.version() == 0 ? unixfs::unixfs_v0_2015 : unixfs::unixfs_v1_2025;
}

// ---- ContentWriter

struct ContentWriter::State {
  explicit State(std::filesystem::path root) : objects(std::move(root)) {}
  ~State() { discard(); }

  void discard() {
    for (const auto& [temporary, target] : pending) ::unlink(temporary.c_str());
    pending.clear();
    pending_keys.clear();
  }

  std::filesystem::path objects;
  std::mutex mutex;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> pending;  // (temporary, final name)
  std::set<std::string> pending_keys;
  std::set<std::filesystem::path> directories;  // fan-out directories known to exist
  std::uint64_t written = 0;
};

ContentWriter::ContentWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
ContentWriter::ContentWriter(ContentWriter&& other) noexcept = default;
ContentWriter::~ContentWriter() = default;

Status ContentWriter::put(const codec::Cid& cid, ByteView block) {
  if (!state_) return make_error(ErrorKind::internal, "content writer used after it was moved");
  auto key = storage_key(cid);
  const auto target = fanned_out_path(state_->objects, cid);
  std::lock_guard lock(state_->mutex);
  if (state_->pending_keys.contains(key)) return {};
  // A block stored already is not written again; anything else under its name (a lost write's short
  // file, a symlink, a FIFO) is replaced by the rename in commit(), so a commit repairs what it stores.
  struct stat info {};
  if (::lstat(target.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
      static_cast<std::uint64_t>(info.st_size) == block.size())
    return {};
  const auto directory = target.parent_path();
  if (!state_->directories.contains(directory)) {
    MLCHAIN_TRY_STATUS(disk::make_directories_unflushed(directory));  // commit() flushes the file system
    state_->directories.insert(directory);
  }
  auto temporary = directory / disk::temporary_name(key);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
  if (fd < 0) return disk::system_error(errno, "create", temporary);
  // Written back at once, so the disk works while the importer hashes the next chunks and commit()'s flush
  // finds little left to do.
  Status status = disk::append_uncached(fd, block, temporary);
  if (::close(fd) != 0 && status.ok()) status = disk::system_error(errno, "close", temporary);
  if (!status.ok()) {
    ::unlink(temporary.c_str());
    return status;
  }
  state_->pending.push_back({std::move(temporary), target});
  state_->pending_keys.insert(std::move(key));
  state_->written += block.size();
  return {};
}

std::uint64_t ContentWriter::bytes_written() const { return state_ ? state_->written : 0; }

Status ContentWriter::commit() {
  if (!state_) return make_error(ErrorKind::internal, "content writer used after it was moved");
  std::lock_guard lock(state_->mutex);
  if (state_->pending.empty()) return {};
  const int fd = ::open(state_->objects.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return disk::system_error(errno, "open", state_->objects);
  // One flush of the file system for all the blocks, not one per block: the blocks' data and inodes
  // first, then, once renamed, their names.
  auto flush = [&]() -> Status {
    if (::syncfs(fd) != 0) return disk::system_error(errno, "flush", state_->objects);
    return {};
  };
  Status status = flush();
  std::size_t renamed = 0;
  for (; status.ok() && renamed < state_->pending.size(); ++renamed) {
    const auto& [temporary, target] = state_->pending[renamed];
    if (::rename(temporary.c_str(), target.c_str()) != 0) status = disk::system_error(errno, "store", target);
  }
  if (status.ok()) status = flush();
  ::close(fd);
  if (!status.ok()) {
    for (std::size_t i = renamed; i < state_->pending.size(); ++i) ::unlink(state_->pending[i].first.c_str());
  }
  state_->pending.clear();
  state_->pending_keys.clear();
  return status;
}

bool ContentWriter::is_pending(const codec::Cid& cid) const {
  if (!state_) return false;
  std::lock_guard lock(state_->mutex);
  return state_->pending_keys.contains(storage_key(cid));
}

Status ContentWriter::absorb(ContentWriter&& other) {
  if (!state_ || !other.state_) return make_error(ErrorKind::internal, "content writer used after it was moved");
  if (state_->objects != other.state_->objects)
    return make_error(ErrorKind::internal, "content writers of two stores cannot be merged");
  std::scoped_lock lock(state_->mutex, other.state_->mutex);
  for (auto& item : other.state_->pending) {
    auto key = item.second.filename().string();
    if (!state_->pending_keys.insert(key).second) {
      ::unlink(item.first.c_str());  // the same block, pending here already
      continue;
    }
    state_->pending.push_back(std::move(item));
  }
  state_->directories.merge(other.state_->directories);
  state_->written += other.state_->written;
  other.state_->pending.clear();
  other.state_->pending_keys.clear();
  return {};
}

void ContentWriter::abort() {
  if (!state_) return;
  std::lock_guard lock(state_->mutex);
  state_->discard();
}

// ---- ContentReader

ContentReader::ContentReader(std::filesystem::path describe_as, std::vector<Piece> pieces)
    : describe_as_(std::move(describe_as)), pieces_(std::move(pieces)) {
  starts_.reserve(pieces_.size());
  for (const auto& piece : pieces_) {
    starts_.push_back(size_);
    size_ += piece.size;
  }
}

Result<std::size_t> ContentReader::read_at(std::uint64_t offset, std::span<std::uint8_t> buffer) const {
  std::size_t done = 0;
  auto index = static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin());
  if (index > 0) --index;
  while (done < buffer.size() && offset + done < size_ && index < pieces_.size()) {
    const auto& piece = pieces_[index];
    const std::uint64_t within = offset + done - starts_[index];
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size - within, buffer.size() - done));
    struct stat info {};
    MLCHAIN_TRY(const int fd, open_stored(piece.path, info));
    auto read = read_at_most(fd, piece.offset_in_file + within, buffer.subspan(done, take), piece.path);
    ::close(fd);
    if (!read) return std::move(read).error();
    if (*read != take)
      return make_error(ErrorKind::corrupt, piece.path.string() + " is shorter than the contents it stores");
    done += take;
    ++index;
  }
  return done;
}

// ---- ContentStore

struct ContentStore::Layout {
  struct Leaf {
    codec::Cid cid;
    std::filesystem::path path;
    std::uint64_t payload_offset;
    std::uint64_t payload_size;
  };
  struct Inner {
    codec::Cid cid;
    Bytes block;
  };
  std::vector<Leaf> leaves;         // in file order
  std::vector<Inner> inners;        // children before parents
  std::vector<codec::Cid> missing;  // blocks of the DAG objects/ lacks, in walk order
};

namespace {

// Walks a file's DAG in objects/: inner nodes are read whole and re-hashed, leaves only looked at (their
// size against what their file node says, a dag-pb leaf's first bytes); missing blocks are listed, not fatal.
class LayoutWalk {
 public:
  LayoutWalk(const std::filesystem::path& objects, const codec::Cid& root) : objects_(objects), root_(root) {}

  template <typename Layout>
  Status visit(const codec::Cid& cid, std::size_t depth, Layout& layout) {
    if (depth > max_file_depth)
      return make_error(ErrorKind::corrupt, "the DAG of " + root_.to_string() + " is deeper than any file's");
    const auto path = fanned_out_path(objects_, cid);
    struct stat info {};
    auto opened = open_stored(path, info);
    if (!opened) {
      if (opened.error().kind != ErrorKind::not_found) return std::move(opened).error();
      layout.missing.push_back(cid);
      return {};
    }
    const int fd = *opened;
    const auto size = static_cast<std::uint64_t>(info.st_size);
    if (size > max_block_bytes) {
      ::close(fd);
      return damaged(root_, cid, path, "is larger than any block");
    }
    if (cid.codec() == codec::multicodec::raw) {
      ::close(fd);
      layout.leaves.push_back({cid, path, 0, size});
      return {};
    }
    if (cid.codec() != codec::multicodec::dag_pb) {
      ::close(fd);
      return make_error(ErrorKind::corrupt, "the DAG of " + root_.to_string() + " links " + cid.to_string() +
                                                ", which is not a file's block");
    }
    std::uint8_t first[32];
    auto head_read = read_at_most(fd, 0, first, path);
    if (!head_read) {
      ::close(fd);
      return std::move(head_read).error();
    }
    const ByteView head(first, *head_read);
    if (!head.empty() && head[0] == 0x0a) {  // no links: a leaf (docs/format.md §5)
      ::close(fd);
      const auto payload = payload_of_leaf(head, size);
      if (!payload) return damaged(root_, cid, path, "is not a UnixFS file leaf");
      layout.leaves.push_back({cid, path, payload->offset, payload->size});
      return {};
    }
    Bytes block(static_cast<std::size_t>(size));
    auto read = read_at_most(fd, 0, block, path);
    ::close(fd);
    if (!read) return std::move(read).error();
    if (*read != block.size() || !cid.matches(block)) return damaged(root_, cid, path, "does not hash to its CID");
    auto node = codec::PbNode::decode(block);
    if (!node || !node->data) return damaged(root_, cid, path, "is not a UnixFS file node");
    auto data = codec::UnixfsData::decode(*node->data);
    if (!data || (data->type != codec::UnixfsType::file && data->type != codec::UnixfsType::raw))
      return damaged(root_, cid, path, "is not a UnixFS file node");
    if (data->blocksizes.size() != node->links.size()) return damaged(root_, cid, path, "is not a UnixFS file node");
    // Bytes of its own before its children's are valid UnixFS, but no importer of ours writes them, and the
    // contents are read from the leaves alone.
    if (data->data && !data->data->empty())
      return damaged(root_, cid, path, "is a file node with bytes of its own, which mlchain never writes");
    for (std::size_t i = 0; i < node->links.size(); ++i) {
      const auto leaves_before = layout.leaves.size();
      MLCHAIN_TRY_STATUS(visit(node->links[i].hash, depth + 1, layout));
      // A leaf holds what its file node says: a truncated or grown one is named here, not found short later.
      if (layout.leaves.size() == leaves_before + 1 && layout.leaves.back().payload_size != data->blocksizes[i]) {
        const auto& leaf = layout.leaves.back();
        return damaged(root_, leaf.cid, leaf.path,
                       "holds " + std::to_string(leaf.payload_size) + " bytes where its file node says " +
                           std::to_string(data->blocksizes[i]));
      }
    }
    layout.inners.push_back({cid, std::move(block)});
    return {};
  }

 private:
  const std::filesystem::path& objects_;
  const codec::Cid& root_;
};

}  // namespace

std::filesystem::path ContentStore::path_of(const codec::Cid& cid) const { return fanned_out_path(root_, cid); }

Result<std::optional<std::filesystem::path>> ContentStore::whole_file(const codec::Cid& cid) const {
  auto path = path_of(cid);
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) return std::optional<std::filesystem::path>(std::move(path));
  const int error = errno;
  if (error == ENOENT || error == ENOTDIR) return std::optional<std::filesystem::path>();
  return disk::stored_file_error(error, "stat", path);
}

Result<std::optional<ContentStore::Layout>> ContentStore::chunked_layout(const codec::Cid& cid) const {
  Layout layout;
  MLCHAIN_TRY_STATUS(LayoutWalk(objects_, cid).visit(cid, 0, layout));
  if (!layout.missing.empty()) return std::optional<Layout>();
  return std::optional<Layout>(std::move(layout));
}

Error ContentStore::not_stored(const codec::Cid& cid) const {
  Layout layout;
  auto walked = LayoutWalk(objects_, cid).visit(cid, 0, layout);
  if (!walked.ok()) return std::move(walked).error();  // a damaged block, named
  if (!layout.missing.empty() && layout.missing.front() != cid)
    return make_error(ErrorKind::not_found,
                      "the contents of " + cid.to_string() + " are not all in the repository: block " +
                          layout.missing.front().to_string() + " (" +
                          fanned_out_path(objects_, layout.missing.front()).string() + ") is missing");
  return make_error(ErrorKind::not_found, "the contents of " + cid.to_string() + " are not in the repository");
}

Result<bool> ContentStore::contains(const codec::Cid& cid) const {
  MLCHAIN_TRY(const auto whole, whole_file(cid));
  if (whole) return true;
  // A file with a damaged block (of the wrong size or type) is not soundly stored: whoever stores it again
  // (commit, fetch, import) replaces that block.
  auto layout = chunked_layout(cid);
  if (!layout) {
    if (layout.error().kind == ErrorKind::corrupt) return false;
    return std::move(layout).error();
  }
  return layout->has_value();
}

Result<ContentReader> ContentStore::open(const codec::Cid& cid) const {
  MLCHAIN_TRY(auto whole, whole_file(cid));
  if (whole) {
    struct stat info {};
    MLCHAIN_TRY(const int fd, open_stored(*whole, info));
    ::close(fd);
    auto path = *whole;
    return ContentReader(std::move(path), {{std::move(*whole), 0, static_cast<std::uint64_t>(info.st_size)}});
  }
  MLCHAIN_TRY(auto layout, chunked_layout(cid));
  if (!layout) return not_stored(cid);
  std::vector<ContentReader::Piece> pieces;
  pieces.reserve(layout->leaves.size());
  for (auto& leaf : layout->leaves) pieces.push_back({std::move(leaf.path), leaf.payload_offset, leaf.payload_size});
  return ContentReader(fanned_out_path(objects_, cid), std::move(pieces));
}

Result<std::uint64_t> ContentStore::size(const codec::Cid& cid) const {
  MLCHAIN_TRY(const auto reader, open(cid));
  return reader.size();
}

Result<ContentWriter> ContentStore::begin_write() const {
  MLCHAIN_TRY_STATUS(disk::make_directories(objects_));
  return ContentWriter(std::make_unique<ContentWriter::State>(objects_));
}

Status ContentStore::store_copy(const std::filesystem::path& source, const codec::Cid& cid,
                                const unixfs::Profile& profile) const {
  MLCHAIN_TRY(const bool stored, contains(cid));
  if (stored) return {};
  MLCHAIN_TRY(auto writer, begin_write());
  MLCHAIN_TRY(const auto imported, fs::import_file(source, profile, writer));
  if (!same_contents_key(imported.cid, cid))
    return make_error(ErrorKind::corrupt, source.string() + " no longer hashes to " + cid.to_string() +
                                              " (it changed while it was stored)");
  return writer.commit();
}

Status ContentStore::check_blocks(const codec::Cid& cid, const Layout& layout, unixfs::BlockSink* sink) const {
  // Leaves are re-hashed on every core when nothing needs them in order; inner nodes were re-hashed when
  // the layout was read.
  const auto check_leaf = [&](const Layout::Leaf& leaf, Bytes& block) {
    return read_checked_leaf(cid, leaf.cid, leaf.path, block);
  };
  if (sink != nullptr) {
    Bytes block;
    for (const auto& leaf : layout.leaves) {
      MLCHAIN_TRY_STATUS(check_leaf(leaf, block));
      MLCHAIN_TRY_STATUS(sink->put(leaf.cid, block));
    }
    for (const auto& inner : layout.inners) MLCHAIN_TRY_STATUS(sink->put(inner.cid, inner.block));
    return {};
  }
  const unsigned threads = static_cast<unsigned>(std::min<std::size_t>(
      std::max(1u, std::thread::hardware_concurrency()), std::max<std::size_t>(1, layout.leaves.size())));
  std::atomic<std::size_t> next{0};
  std::vector<Status> results(threads);
  std::vector<std::size_t> failed_at(threads, layout.leaves.size());
  auto work = [&](unsigned worker) {
    Bytes block;
    for (std::size_t i = next++; i < layout.leaves.size(); i = next++) {
      auto status = check_leaf(layout.leaves[i], block);
      if (!status.ok()) {
        results[worker] = std::move(status);
        failed_at[worker] = i;
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work, i);
  work(0);
  for (auto& thread : pool) thread.join();
  // The first damaged leaf in file order, whichever thread found it.
  const auto first = std::min_element(failed_at.begin(), failed_at.end()) - failed_at.begin();
  return results[static_cast<std::size_t>(first)];
}

Status ContentStore::materialize(const codec::Cid& cid, const unixfs::Profile& profile,
                                 const std::filesystem::path& destination, unsigned mode) const {
  MLCHAIN_TRY(const auto whole, whole_file(cid));
  std::optional<Layout> layout;
  if (!whole) {
    MLCHAIN_TRY(layout, chunked_layout(cid));
    if (!layout) return not_stored(cid);
  }
  const int to = ::open(destination.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (to < 0) return disk::system_error(errno, "create", destination);
  Status status =
      whole ? copy_whole_file(*whole, to, destination) : write_leaves(cid, profile, *layout, to, destination);
  if (status.ok() && ::fchmod(to, static_cast<mode_t>(mode)) != 0)
    status = disk::system_error(errno, "set the mode of", destination);
  if (status.ok() && ::fsync(to) != 0) status = disk::system_error(errno, "flush", destination);
  if (::close(to) != 0 && status.ok()) status = disk::system_error(errno, "close", destination);
  // A whole file is copied, perhaps as shared extents, so the copy is what gets hashed; leaves were checked
  // as they were written.
  if (status.ok() && whole) {
    auto written = cid_of_file(destination, profile);
    if (!written) {
      status = std::move(written).error();
    } else if (!same_contents_key(*written, cid)) {
      status = make_error(ErrorKind::corrupt, "the stored contents of " + cid.to_string() +
                                                  " are corrupt: " + whole->string() + " does not hash to it");
    }
  }
  if (!status.ok()) ::unlink(destination.c_str());
  return status;
}

// Each leaf is read whole and its bytes are cut and framed again as `profile` would, and the DAG built
// over them must be `cid`: the bytes hashed are the bytes written (each appended once its leaf is
// checked), and a stored DAG that is not what the profile makes of those bytes (other chunk sizes,
// another leaf format, a file node whose sizes lie) is refused, as a re-import of the written file would
// refuse it, without reading the file back.
Status ContentStore::write_leaves(const codec::Cid& cid, const unixfs::Profile& profile, const Layout& layout, int to,
                                  const std::filesystem::path& destination) const {
  unixfs::DiscardingBlockSink discard;
  unixfs::FileBuilder builder(profile, discard);
  unixfs::LeafBuffer chunk(profile);
  Bytes block;
  for (std::size_t i = 0; i < layout.leaves.size(); ++i) {
    const auto& leaf = layout.leaves[i];
    MLCHAIN_TRY_STATUS(read_leaf_block(cid, leaf.cid, leaf.path, block));
    // Framing the bytes again hashes them once; only a leaf that fails is hashed as it is stored, to tell
    // damage from a leaf the profile would not make.
    const auto refuse = [&](const std::string& why) {
      return damaged(cid, leaf.cid, leaf.path, leaf.cid.matches(block) ? why : "does not hash to its CID");
    };
    // Where the bytes sit is taken again from the block just read, not from the walk's earlier look.
    LeafPayload payload{0, block.size()};
    if (leaf.cid.codec() != codec::multicodec::raw) {
      const auto found = payload_of_leaf(block, block.size());
      if (!found) return refuse("is not a UnixFS file leaf");
      payload = *found;
    }
    if (payload.size != leaf.payload_size)
      return refuse("holds " + std::to_string(payload.size) + " bytes where its file node says " +
                    std::to_string(leaf.payload_size));
    const bool last = i + 1 == layout.leaves.size();
    if (payload.size > profile.chunk_size || (!last && payload.size != profile.chunk_size))
      return refuse("is a chunk of " + std::to_string(payload.size) + " bytes where " + std::string(profile.name) +
                    " cuts " + std::to_string(profile.chunk_size));
    const auto bytes =
        ByteView(block).subspan(static_cast<std::size_t>(payload.offset), static_cast<std::size_t>(payload.size));
    std::copy(bytes.begin(), bytes.end(), chunk.chunk_space().begin());
    const auto framed = chunk.seal(bytes.size());
    if (framed.cid != leaf.cid)
      return refuse("is not the leaf " + std::string(profile.name) + " makes of its bytes (" + framed.cid.to_string() +
                    ")");
    MLCHAIN_TRY_STATUS(builder.add_leaf(framed));
    MLCHAIN_TRY_STATUS(disk::append_uncached(to, bytes, destination));
  }
  MLCHAIN_TRY(const auto built, builder.finish());
  if (built.cid != cid)
    return make_error(ErrorKind::corrupt, "the stored contents of " + cid.to_string() + " are corrupt: their blocks " +
                                              "are not the DAG " + std::string(profile.name) +
                                              " makes of their bytes (" + built.cid.to_string() + ")");
  return {};
}

Status ContentStore::check(const codec::Cid& cid, const unixfs::Profile& profile) const {
  MLCHAIN_TRY(const auto whole, whole_file(cid));
  if (!whole) {
    MLCHAIN_TRY(const auto layout, chunked_layout(cid));
    if (!layout) return not_stored(cid);
    return check_blocks(cid, *layout, nullptr);
  }
  const auto& path = *whole;
  auto actual = cid_of_file(path, profile);
  if (!actual) {
    if (actual.error().kind == ErrorKind::not_found)
      return make_error(ErrorKind::not_found, "the contents of " + cid.to_string() + " are not in the repository");
    // Whatever keeps the stored contents from being read whole (not a regular file, unreadable, an I/O
    // error, shrinking meanwhile) is damage to the store.
    return make_error(ErrorKind::corrupt,
                      "the stored contents of " + cid.to_string() + " cannot be checked: " + actual.error().message);
  }
  if (!same_contents_key(*actual, cid))
    return make_error(ErrorKind::corrupt, "the stored contents of " + cid.to_string() +
                                              " are corrupt: " + path.string() + " does not hash to it");
  return {};
}

Status ContentStore::export_blocks(const codec::Cid& cid, unixfs::BlockSink& sink) const {
  MLCHAIN_TRY(const auto whole, whole_file(cid));
  if (whole) {
    MLCHAIN_TRY(const auto imported, fs::import_file(*whole, profile_of_cid(cid), sink));
    if (imported.cid != cid)
      return make_error(ErrorKind::corrupt, "stored contents " + whole->string() + " no longer hash to " +
                                                cid.to_string() + "; run 'mlchain fsck'");
    return {};
  }
  MLCHAIN_TRY(const auto layout, chunked_layout(cid));
  if (!layout) return not_stored(cid);
  return check_blocks(cid, *layout, &sink);
}

Result<std::vector<codec::Cid>> ContentStore::stored_blocks(const codec::Cid& cid,
                                                            std::vector<codec::Cid>* missing) const {
  Layout layout;
  MLCHAIN_TRY_STATUS(LayoutWalk(objects_, cid).visit(cid, 0, layout));
  if (missing) *missing = std::move(layout.missing);
  std::vector<codec::Cid> blocks;
  blocks.reserve(layout.leaves.size() + layout.inners.size());
  for (const auto& leaf : layout.leaves) blocks.push_back(leaf.cid);
  for (const auto& inner : layout.inners) blocks.push_back(inner.cid);
  return blocks;
}

Status ContentStore::for_each(const std::function<Status(const codec::Cid&)>& on_file,
                              const std::function<void(const std::filesystem::path&)>& on_other) const {
  return for_each_stored_cid(root_, on_file, on_other);
}

Status ContentStore::remove(const codec::Cid& cid) const { return remove_stored(root_, cid); }

}  // namespace mlchain::repo
