#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <string>

#include "mlchain/fs/importer.hpp"
#include "mlchain/fs/tree_walk.hpp"
#include "mlchain/unixfs/directory_builder.hpp"
#include "mlchain/unixfs/file_builder.hpp"

namespace mlchain::fs {
namespace {

namespace stdfs = std::filesystem;
using unixfs::ImportedNode;

Error unsupported_type(const stdfs::path& path) {
  return make_error(ErrorKind::invalid_input, path.string() + " is not a regular file, directory or symlink");
}

// The kernel's files: /proc reports sizes of 0 for files with contents, and /dev/stdin and /dev/fd/N are
// symlinks into /proc that stand for the data itself.
bool is_kernel_path(const stdfs::path& path) {
  std::error_code error;
  const auto absolute = stdfs::absolute(path, error).lexically_normal().native();
  return absolute.starts_with("/dev/") || absolute.starts_with("/proc/");
}

// Several threads hash files at once; the sink sees one put() at a time.
class SerializedSink final : public unixfs::BlockSink {
 public:
  explicit SerializedSink(unixfs::BlockSink& inner) : inner_(inner) {}
  Status put(const codec::Cid& cid, ByteView block) override {
    std::lock_guard lock(mutex_);
    return inner_.put(cid, block);
  }

 private:
  unixfs::BlockSink& inner_;
  std::mutex mutex_;
};

Result<ImportedNode> import_tree(const stdfs::path& root, const struct stat& info, const unixfs::Profile& profile,
                                 unixfs::BlockSink& sink, const ImportOptions& options) {
  SerializedSink file_sink(sink);
  TreeWalkHooks take_everything;
  const WalkOptions walk{.dereference = options.dereference_symlinks,
                         .refuse_links_into = {},
                         .small_file_threads = options.threads,
                         .large_file_threads = options.threads};
  MLCHAIN_TRY(auto tree, walk_tree(root, info, profile, file_sink, sink, take_everything, walk));
  return std::move(tree.root);
}

Result<ImportedNode> import_stream_of(int fd, const stdfs::path& name, const unixfs::Profile& profile,
                                      unixfs::BlockSink& sink) {
  unixfs::FileBuilder builder(profile, sink);
  Bytes chunk(profile.chunk_size);
  for (;;) {
    std::size_t filled = 0;
    while (filled < chunk.size()) {
      const ssize_t got = ::read(fd, chunk.data() + filled, chunk.size() - filled);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return input_path_error(errno, "read", name);
      if (got == 0) break;
      filled += static_cast<std::size_t>(got);
    }
    if (filled > 0) MLCHAIN_TRY_STATUS(builder.add_leaf(unixfs::make_leaf(profile, ByteView(chunk.data(), filled))));
    if (filled < chunk.size()) return builder.finish();
  }
}

// Opened with symlinks followed, whatever the path is: a pipe, a device, or a kernel file read to its end.
Result<ImportedNode> import_kernel_path(const stdfs::path& path, const unixfs::Profile& profile,
                                        unixfs::BlockSink& sink, const ImportOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return input_path_error(errno, "import", path);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return input_path_error(error, "stat", path);
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd);
    return import_tree(path, info, profile, sink, options);
  }
  if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode) && !S_ISCHR(info.st_mode)) {
    ::close(fd);
    return unsupported_type(path);
  }
  auto node = import_stream_of(fd, path, profile, sink);
  ::close(fd);
  return node;
}

}  // namespace

Result<ImportedNode> import_path(const stdfs::path& path, const unixfs::Profile& profile, unixfs::BlockSink& sink,
                                 const ImportOptions& options) {
  if (is_kernel_path(path)) return import_kernel_path(path, profile, sink, options);
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return input_path_error(errno, "import", path);
  stdfs::path source = path;
  if (S_ISLNK(info.st_mode) && (options.dereference_symlinks || options.follow_argument_symlink)) {
    TreeWalkHooks default_wording;
    MLCHAIN_TRY(auto followed, follow_symlink({"", path, path, {}}, default_wording));
    source = std::move(followed.real_path);
    info = followed.info;
  }
  if (S_ISREG(info.st_mode)) return import_file(source, profile, sink, options);
  if (S_ISLNK(info.st_mode)) {
    MLCHAIN_TRY(auto target, symlink_target(path));
    return unixfs::build_symlink(profile, target, sink);
  }
  if (S_ISDIR(info.st_mode)) return import_tree(source, info, profile, sink, options);
  if (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode)) return import_kernel_path(path, profile, sink, options);
  return unsupported_type(path);
}

Result<ImportedNode> import_stream(int fd, std::string_view name, const unixfs::Profile& profile,
                                   unixfs::BlockSink& sink) {
  return import_stream_of(fd, stdfs::path(name), profile, sink);
}

}  // namespace mlchain::fs
