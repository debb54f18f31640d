#include "disk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "mlchain/fs/file_reader.hpp"

namespace mlchain::repo::disk {

Error system_error(int error, std::string_view what, const std::filesystem::path& path) {
  ErrorKind kind = ErrorKind::internal;
  if (error == ENOENT || error == ENOTDIR) kind = ErrorKind::not_found;
  if (error == EEXIST) kind = ErrorKind::exists;
  return make_error(kind, "cannot " + std::string(what) + " " + path.string() + ": " + std::strerror(error));
}

Error stored_file_error(int error, std::string_view what, const std::filesystem::path& path) {
  if (error == ENOENT || error == ENOTDIR || error == ENOMEM || error == EMFILE || error == ENFILE)
    return system_error(error, what, path);
  return make_error(ErrorKind::corrupt,
                    "cannot " + std::string(what) + " " + path.string() + ": " + std::strerror(error));
}

Result<Bytes> read_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return system_error(errno, "read", path);
  Bytes contents;
  struct stat info {};
  if (::fstat(fd, &info) == 0 && info.st_size > 0) contents.reserve(static_cast<std::size_t>(info.st_size));
  std::uint8_t buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return system_error(error, "read", path);
    }
    if (n == 0) break;
    contents.insert(contents.end(), buffer, buffer + n);
  }
  ::close(fd);
  return contents;
}

Result<Bytes> read_stored_file(const std::filesystem::path& path, std::uint64_t max_bytes) {
  return fs::read_whole_file(path, max_bytes, ErrorKind::corrupt);
}

namespace {

Status make_directories(const std::filesystem::path& path, bool flush) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return {};
    // Only the repository's own layout is made here: something else in its place is a damaged store.
    return make_error(ErrorKind::corrupt, path.string() + " exists and is not a directory");
  }
  if (path.has_parent_path() && path.parent_path() != path)
    MLCHAIN_TRY_STATUS(make_directories(path.parent_path(), flush));
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return system_error(errno, "create directory", path);
  if (!flush) return {};
  return sync_directory(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

}  // namespace

Status make_directories(const std::filesystem::path& path) { return make_directories(path, true); }

Status make_directories_unflushed(const std::filesystem::path& path) { return make_directories(path, false); }

std::string temporary_name(std::string_view stem) {
  static std::atomic<unsigned long> counter{0};
  return "." + std::string(stem) + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
}

std::string work_tree_temporary_name(std::string_view file_name) {
  return temporary_name(std::string(file_name) + ".mlchain");
}

bool is_work_tree_temporary(std::string_view file_name) {
  constexpr std::string_view marker = ".mlchain.tmp-";
  const auto at = file_name.rfind(marker);
  if (file_name.empty() || file_name.front() != '.' || at == std::string_view::npos || at == 0) return false;
  const auto numbers = file_name.substr(at + marker.size());
  const auto dash = numbers.find('-');
  auto digits = [](std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return dash != std::string_view::npos && digits(numbers.substr(0, dash)) && digits(numbers.substr(dash + 1));
}

namespace {

// The names in `directory` with whether each is a directory itself (lstat: a symlink to one is not).
// `directory` itself is not followed either when it is a symlink.
Result<std::vector<std::pair<std::string, bool>>> list_directory(const std::filesystem::path& directory) {
  std::vector<std::pair<std::string, bool>> entries;
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR* stream = fd < 0 ? nullptr : ::fdopendir(fd);
  if (stream == nullptr) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    if (error == ENOENT) return make_error(ErrorKind::not_found, directory.string() + " does not exist");
    return make_error(ErrorKind::corrupt, "cannot list " + directory.string() + ": " + std::strerror(error));
  }
  errno = 0;
  while (const dirent* item = ::readdir(stream)) {
    const std::string name = item->d_name;
    if (name == "." || name == "..") continue;
    struct stat info {};
    const bool directory_entry =
        ::fstatat(::dirfd(stream), item->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(info.st_mode);
    entries.emplace_back(name, directory_entry);
    errno = 0;
  }
  const int error = errno;
  ::closedir(stream);
  if (error != 0)
    return make_error(ErrorKind::corrupt, "cannot list " + directory.string() + ": " + std::strerror(error));
  return entries;
}

}  // namespace

Status for_each_stored_file(const std::filesystem::path& root,
                            const std::function<Status(const std::filesystem::path&, const std::string&)>& visit) {
  auto top = list_directory(root);
  if (!top) return top.error().kind == ErrorKind::not_found ? Status{} : Status{std::move(top).error()};
  for (const auto& [name, is_directory] : *top) {
    const auto path = root / name;
    if (!is_directory) {
      MLCHAIN_TRY_STATUS(visit(path, name));
      continue;
    }
    MLCHAIN_TRY(const auto inner, list_directory(path));
    for (const auto& entry : inner) MLCHAIN_TRY_STATUS(visit(path / entry.first, entry.first));
  }
  return {};
}

}  // namespace mlchain::repo::disk
