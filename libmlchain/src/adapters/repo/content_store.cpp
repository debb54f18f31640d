#include "mlchain/repo/content_store.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "disk.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/repo/object_store.hpp"

namespace mlchain::repo {
namespace {

constexpr std::size_t copy_piece = std::size_t{64} << 20;

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

// Reflink when the file system shares extents (btrfs, XFS, bcachefs), else copy_file_range (which the
// kernel may still turn into a server-side or extent copy), else plain reads and writes in large pieces.
Status copy_contents(int from, int to, const std::filesystem::path& source, const std::filesystem::path& target) {
  if (::ioctl(to, FICLONE, from) == 0) return {};
  struct stat info {};
  if (::fstat(from, &info) != 0) return disk::system_error(errno, "stat", source);
  auto remaining = static_cast<std::uint64_t>(info.st_size);
  bool kernel_copy = true;
  Bytes buffer;
  while (remaining > 0) {
    const std::size_t piece = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, copy_piece));
    if (kernel_copy) {
      const ssize_t n = ::copy_file_range(from, nullptr, to, nullptr, piece, 0);
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
    const ssize_t n = ::read(from, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return disk::system_error(errno, "read", source);
    }
    if (n == 0)
      return make_error(ErrorKind::changed_concurrently, source.string() + " shrank while it was being copied");
    MLCHAIN_TRY_STATUS(write_all(to, ByteView(buffer).first(static_cast<std::size_t>(n)), target));
    remaining -= static_cast<std::uint64_t>(n);
  }
  return {};
}

Result<codec::Cid> cid_of_file(const std::filesystem::path& path, const unixfs::Profile& profile) {
  unixfs::DiscardingBlockSink sink;
  MLCHAIN_TRY(auto node, fs::import_file(path, profile, sink));
  return node.cid;
}

bool same_contents_key(const codec::Cid& a, const codec::Cid& b) {
  return a.codec() == b.codec() && a.hash() == b.hash();
}

// Copies `source` into a new file at `target` (which must not exist), flushed and with `mode`. A source
// that is not a regular file is `refusal` (a symlink is not followed, a FIFO not waited on).
Status copy_to_new_file(const std::filesystem::path& source, const std::filesystem::path& target, unsigned mode,
                        ErrorKind refusal) {
  const int from = ::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (from < 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) return disk::system_error(error, "read", source);
    return make_error(refusal,
                      "cannot read " + source.string() + ": " +
                          (error == ELOOP ? std::string("it is a symlink") : std::string(std::strerror(error))));
  }
  struct stat source_info {};
  if (::fstat(from, &source_info) != 0 || !S_ISREG(source_info.st_mode)) {
    ::close(from);
    return make_error(refusal, source.string() + " is not a regular file");
  }
  const int to = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (to < 0) {
    const int error = errno;
    ::close(from);
    return disk::system_error(error, "create", target);
  }
  Status status = copy_contents(from, to, source, target);
  if (status.ok() && ::fchmod(to, static_cast<mode_t>(mode)) != 0)
    status = disk::system_error(errno, "set the mode of", target);
  if (status.ok() && ::fsync(to) != 0) status = disk::system_error(errno, "flush", target);
  ::close(from);
  if (::close(to) != 0 && status.ok()) status = disk::system_error(errno, "close", target);
  if (!status.ok()) ::unlink(target.c_str());
  return status;
}

}  // namespace

const unixfs::Profile& profile_of_cid(const codec::Cid& cid) {
  return cid.version() == 0 ? unixfs::unixfs_v0_2015 : unixfs::unixfs_v1_2025;
}

ContentWriter::ContentWriter(ContentWriter&& other) noexcept
    : store_(other.store_),
      temporary_(std::move(other.temporary_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(other.size_),
      writeback_started_(other.writeback_started_) {}

ContentWriter::~ContentWriter() { abort(); }

Status ContentWriter::append(ByteView chunk) {
  if (fd_ < 0) return make_error(ErrorKind::internal, "content writer used after it finished");
  MLCHAIN_TRY_STATUS(write_all(fd_, chunk, temporary_));
  size_ += chunk.size();
  // Start writing back what is written so far now, so the disk works while the importer hashes the
  // next chunks and commit()'s fsync finds little left to do; without it, the kernel starts only once
  // gigabytes are dirty and each file's fsync stalls the import. A hint: failure costs nothing.
  constexpr std::uint64_t writeback_step = 16 * 1024 * 1024;
  if (size_ - writeback_started_ >= writeback_step) {
    (void)::sync_file_range(fd_, static_cast<off_t>(writeback_started_), static_cast<off_t>(size_ - writeback_started_),
                            SYNC_FILE_RANGE_WRITE);
    writeback_started_ = size_;
  }
  return {};
}

Status ContentWriter::commit(const codec::Cid& cid) {
  if (fd_ < 0) return make_error(ErrorKind::internal, "content writer used after it finished");
  Status status;
  if (::fchmod(fd_, 0444) != 0) status = disk::system_error(errno, "set the mode of", temporary_);
  if (status.ok() && ::fsync(fd_) != 0) status = disk::system_error(errno, "flush", temporary_);
  if (::close(std::exchange(fd_, -1)) != 0 && status.ok()) status = disk::system_error(errno, "close", temporary_);
  const auto target = store_->path_of(cid);
  if (status.ok()) status = disk::make_directories(target.parent_path());
  if (status.ok()) {
    struct stat info {};
    if (::stat(target.c_str(), &info) == 0) {
      ::unlink(temporary_.c_str());
      temporary_.clear();
      return {};
    }
    if (::rename(temporary_.c_str(), target.c_str()) != 0) status = disk::system_error(errno, "store", target);
  }
  if (!status.ok()) {
    ::unlink(temporary_.c_str());
    temporary_.clear();
    return status;
  }
  temporary_.clear();
  // The fan-out directory's own entry in files/ was flushed by make_directories when it was created.
  return disk::sync_directory(target.parent_path());
}

void ContentWriter::abort() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
  temporary_.clear();
}

std::filesystem::path ContentStore::path_of(const codec::Cid& cid) const { return fanned_out_path(root_, cid); }

Result<bool> ContentStore::contains(const codec::Cid& cid) const {
  const auto path = path_of(cid);
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) return true;
  const int error = errno;
  if (error == ENOENT || error == ENOTDIR) return false;
  return disk::stored_file_error(error, "stat", path);
}

Result<std::uint64_t> ContentStore::size(const codec::Cid& cid) const {
  const auto path = path_of(cid);
  struct stat info {};
  // lstat: the size of what is stored here, whatever it is; reading it refuses what is not a regular file.
  if (::lstat(path.c_str(), &info) == 0) return static_cast<std::uint64_t>(info.st_size);
  const int error = errno;
  if (error == ENOENT || error == ENOTDIR)
    return make_error(ErrorKind::not_found, "the contents of " + cid.to_string() + " are not in the repository");
  return disk::stored_file_error(error, "stat", path);
}

Result<ContentWriter> ContentStore::begin_write() const {
  MLCHAIN_TRY_STATUS(disk::make_directories(root_));
  auto temporary = root_ / disk::temporary_name("incoming");
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return disk::system_error(errno, "create a file in", root_);
  return ContentWriter(*this, std::move(temporary), fd);
}

Status ContentStore::store_copy(const std::filesystem::path& source, const codec::Cid& cid,
                                const unixfs::Profile& profile) const {
  MLCHAIN_TRY(const bool stored, contains(cid));
  if (stored) return {};
  MLCHAIN_TRY_STATUS(disk::make_directories(root_));
  const auto temporary = root_ / disk::temporary_name("incoming");
  MLCHAIN_TRY_STATUS(copy_to_new_file(source, temporary, 0444, ErrorKind::invalid_input));
  auto copied = cid_of_file(temporary, profile);
  if (!copied || !same_contents_key(*copied, cid)) {
    ::unlink(temporary.c_str());
    if (!copied) return std::move(copied).error();
    return make_error(ErrorKind::corrupt, source.string() + " no longer hashes to " + cid.to_string() +
                                              " (it changed while it was stored)");
  }
  const auto target = path_of(cid);
  Status status = disk::make_directories(target.parent_path());
  if (status.ok() && ::rename(temporary.c_str(), target.c_str()) != 0)
    status = disk::system_error(errno, "store", target);
  if (!status.ok()) {
    ::unlink(temporary.c_str());
    return status;
  }
  MLCHAIN_TRY_STATUS(disk::sync_directory(target.parent_path()));
  return disk::sync_directory(root_);
}

Status ContentStore::materialize(const codec::Cid& cid, const unixfs::Profile& profile,
                                 const std::filesystem::path& destination, unsigned mode) const {
  const auto source = path_of(cid);
  MLCHAIN_TRY(const bool stored, contains(cid));
  if (!stored)
    return make_error(ErrorKind::not_found, "the contents of " + cid.to_string() + " are not in the repository");
  MLCHAIN_TRY_STATUS(copy_to_new_file(source, destination, mode, ErrorKind::corrupt));
  auto written = cid_of_file(destination, profile);
  if (!written || !same_contents_key(*written, cid)) {
    ::unlink(destination.c_str());
    if (!written) return std::move(written).error();
    return make_error(ErrorKind::corrupt, "the stored contents of " + cid.to_string() +
                                              " are corrupt: " + source.string() + " does not hash to it");
  }
  return {};
}

Status ContentStore::check(const codec::Cid& cid, const unixfs::Profile& profile) const {
  const auto path = path_of(cid);
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

Status ContentStore::for_each(const std::function<Status(const codec::Cid&)>& on_file,
                              const std::function<void(const std::filesystem::path&)>& on_other) const {
  return for_each_stored_cid(root_, on_file, on_other);
}

Status ContentStore::remove(const codec::Cid& cid) const { return remove_stored(root_, cid); }

}  // namespace mlchain::repo
