#include "mlchain/repo/prestaged_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "disk.hpp"
#include "uncached_write.hpp"

namespace mlchain::repo {

Result<PrestagedFile> PrestagedFile::create(const Repository& repository, const codec::Cid& contents) {
  auto path = repository.work_tree() / disk::work_tree_temporary_name(contents.to_string());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return disk::system_error(errno, "create", path);
  return PrestagedFile(std::move(path), fd);
}

PrestagedFile::PrestagedFile(PrestagedFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), kept_(std::exchange(other.kept_, true)) {}

PrestagedFile::~PrestagedFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!kept_) ::unlink(path_.c_str());
}

Status PrestagedFile::append(ByteView bytes) {
  if (fd_ < 0) return make_error(ErrorKind::internal, "append to " + path_.string() + " after it was kept");
  return disk::append_uncached(fd_, bytes, path_);
}

Result<std::filesystem::path> PrestagedFile::keep() {
  if (fd_ < 0) return make_error(ErrorKind::internal, path_.string() + " was kept already");
  Status status;
  if (::fchmod(fd_, 0644) != 0) status = disk::system_error(errno, "set the mode of", path_);
  if (::close(std::exchange(fd_, -1)) != 0 && status.ok()) status = disk::system_error(errno, "close", path_);
  if (!status.ok()) return std::move(status).error();
  kept_ = true;
  return path_;
}

}  // namespace mlchain::repo
