#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mlchain/core/ignore_rules.hpp"
#include "mlchain/fs/file_reader.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/unixfs/directory_builder.hpp"
#include "mlchain/unixfs/file_builder.hpp"

namespace mlchain::fs {
namespace {

namespace stdfs = std::filesystem;
using unixfs::ImportedNode;

Error system_error(std::string_view what, const stdfs::path& path, int error) {
  const auto kind = (error == ENOENT || error == ENOTDIR) ? ErrorKind::not_found : ErrorKind::invalid_input;
  return make_error(kind, std::string(what) + " " + path.string() + ": " + std::strerror(error));
}

Error unsupported_type(const stdfs::path& path) {
  return make_error(ErrorKind::invalid_input, path.string() + " is not a regular file, directory or symlink");
}

// A followed symlink: the real path it leads to and what lies there.
struct Followed {
  stdfs::path path;
  struct stat info;
};

Result<Followed> follow_symlink(const stdfs::path& link) {
  char* real = ::realpath(link.c_str(), nullptr);
  if (real == nullptr) {
    const int error = errno;
    if (error == ELOOP) return make_error(ErrorKind::invalid_input, "symlink " + link.string() + " is a symlink loop");
    if (error == ENOENT || error == ENOTDIR)
      return make_error(ErrorKind::invalid_input, "symlink " + link.string() + " points to nothing (dangling)");
    return system_error("cannot follow symlink", link, error);
  }
  Followed followed{real, {}};
  std::free(real);
  if (::stat(followed.path.c_str(), &followed.info) != 0) return system_error("cannot stat", followed.path, errno);
  return followed;
}

// The kernel's files: /proc reports sizes of 0 for files with contents, and /dev/stdin and /dev/fd/N are
// symlinks into /proc that stand for the data itself.
bool is_kernel_path(const stdfs::path& path) {
  std::error_code error;
  const auto absolute = stdfs::absolute(path, error).lexically_normal().native();
  return absolute.starts_with("/dev/") || absolute.starts_with("/proc/");
}

Result<std::string> read_symlink(int directory_fd, const char* name, const stdfs::path& path) {
  std::string target(256, '\0');
  for (;;) {
    const ssize_t length = ::readlinkat(directory_fd, name, target.data(), target.size());
    if (length < 0) return system_error("cannot read symlink", path, errno);
    if (static_cast<std::size_t>(length) < target.size()) {
      target.resize(static_cast<std::size_t>(length));
      return target;
    }
    target.resize(target.size() * 2);
  }
}

// Several threads import files at once; the sink sees one put() at a time.
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

// A directory tree is imported in three passes: walk it (one thread, names sorted once per directory),
// import its regular files (many threads), then build the directories from the deepest up, so every
// block reaches the sink after the blocks it links to.
class TreeImport {
 public:
  TreeImport(const unixfs::Profile& profile, unixfs::BlockSink& sink, const ImportOptions& options)
      : profile_(profile), sink_(sink), serialized_sink_(sink), options_(options) {}

  Result<ImportedNode> run(const stdfs::path& root, const struct stat& info) {
    MLCHAIN_TRY_STATUS(walk(root, info));
    MLCHAIN_TRY_STATUS(import_files());
    return build_directories();
  }

 private:
  enum class Kind : std::uint8_t { file, directory, symlink };
  struct Child {
    std::string name;
    Kind kind;
    std::size_t index;  // into files_, directories_ or symlinks_
  };
  struct Directory {
    stdfs::path path;
    std::vector<Child> children;
  };
  struct File {
    stdfs::path path;
    std::uint64_t size;
    ImportedNode node;
  };

  // Pre-order: a directory's index is below those of everything inside it.
  Status walk(const stdfs::path& path, const struct stat& self) {
    const std::size_t index = directories_.size();
    directories_.push_back({path, {}});
    for (const auto& [device, inode] : ancestors_)
      if (device == self.st_dev && inode == self.st_ino)
        return make_error(ErrorKind::invalid_input, path.string() + " leads back to a directory that contains it (a symlink loop)");
    ancestors_.emplace_back(self.st_dev, self.st_ino);

    DIR* stream = ::opendir(path.c_str());
    if (stream == nullptr) return system_error("cannot read directory", path, errno);
    std::vector<Child> children;
    Status status = read_children(stream, path, children);
    ::closedir(stream);
    MLCHAIN_TRY_STATUS(std::move(status));

    std::sort(children.begin(), children.end(), [](const Child& a, const Child& b) { return a.name < b.name; });
    for (auto& child : children) {
      if (child.kind != Kind::directory) continue;
      const auto found = directory_stats_.find(path / child.name);
      child.index = directories_.size();
      MLCHAIN_TRY_STATUS(walk(path / child.name, found->second));
    }
    ancestors_.pop_back();
    directories_[index].children = std::move(children);
    return {};
  }

  Status read_children(DIR* stream, const stdfs::path& path, std::vector<Child>& children) {
    const int directory_fd = ::dirfd(stream);
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(stream);
      if (entry == nullptr) {
        if (errno != 0) return system_error("cannot read directory", path, errno);
        return {};
      }
      const std::string_view name(entry->d_name);
      if (name == "." || name == "..") continue;
      // Left out as a commit leaves them out (core::is_never_in_bundle).
      if (core::is_never_in_bundle(name)) continue;
      struct stat info {};
      if (::fstatat(directory_fd, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0)
        return system_error("cannot stat", path / name, errno);
      stdfs::path source = path / name;
      if (S_ISLNK(info.st_mode) && options_.dereference_symlinks) {
        MLCHAIN_TRY(auto followed, follow_symlink(source));
        source = std::move(followed.path);
        info = followed.info;
      }
      if (S_ISREG(info.st_mode)) {
        children.push_back({std::string(name), Kind::file, files_.size()});
        files_.push_back({std::move(source), static_cast<std::uint64_t>(info.st_size), {}});
      } else if (S_ISDIR(info.st_mode)) {
        children.push_back({std::string(name), Kind::directory, 0});
        directory_stats_.emplace(path / name, info);
      } else if (S_ISLNK(info.st_mode)) {
        MLCHAIN_TRY(auto target, read_symlink(directory_fd, entry->d_name, path / name));
        children.push_back({std::string(name), Kind::symlink, symlinks_.size()});
        symlinks_.push_back(std::move(target));
      } else {
        return unsupported_type(path / name);
      }
    }
  }

  // A file of one chunk or less is read whole into a per-thread buffer; larger ones go through
  // import_file, which spreads their chunks over every core.
  bool is_small(const File& file) const { return file.size <= profile_.chunk_size; }

  Result<ImportedNode> import_small_file(const File& file, Bytes& buffer) {
    MLCHAIN_TRY(auto reader, FileReader::open(file.path));
    buffer.resize(static_cast<std::size_t>(reader.size()));
    MLCHAIN_TRY(auto filled, reader.read_at(0, buffer));
    if (filled != buffer.size())
      return make_error(ErrorKind::changed_concurrently, file.path.string() + " shrank while it was being read");
    unixfs::FileBuilder builder(profile_, serialized_sink_);
    if (!buffer.empty()) MLCHAIN_TRY_STATUS(builder.add_leaf(unixfs::make_leaf(profile_, buffer)));
    return builder.finish();
  }

  Status import_files() {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned threads = options_.threads == 0 ? cores : options_.threads;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    std::optional<Error> first_error;

    const auto work = [&] {
      Bytes buffer;
      for (;;) {
        const std::size_t index = next.fetch_add(1);
        if (index >= files_.size() || failed.load()) return;
        File& file = files_[index];
        if (!is_small(file)) continue;
        auto node = import_small_file(file, buffer);
        if (!node) {
          std::lock_guard lock(error_mutex);
          if (!first_error) first_error = std::move(node).error();
          failed.store(true);
          return;
        }
        file.node = std::move(node).value();
      }
    };
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < std::min<std::size_t>(threads, files_.size()); ++i) pool.emplace_back(work);
    work();
    for (auto& thread : pool) thread.join();
    if (first_error) return std::move(*first_error);

    for (auto& file : files_) {
      if (is_small(file)) continue;
      MLCHAIN_TRY(auto node, import_file(file.path, profile_, sink_, options_));
      file.node = std::move(node);
    }
    return {};
  }

  Result<ImportedNode> build_directories() {
    std::vector<ImportedNode> built(directories_.size());
    for (std::size_t index = directories_.size(); index-- > 0;) {
      Directory& directory = directories_[index];
      std::vector<unixfs::DirectoryEntry> entries;
      entries.reserve(directory.children.size());
      for (auto& child : directory.children) {
        switch (child.kind) {
          case Kind::file:
            entries.push_back({std::move(child.name), files_[child.index].node});
            break;
          case Kind::directory:
            entries.push_back({std::move(child.name), std::move(built[child.index])});
            break;
          case Kind::symlink: {
            MLCHAIN_TRY(auto node, unixfs::build_symlink(profile_, symlinks_[child.index], sink_));
            entries.push_back({std::move(child.name), std::move(node)});
            break;
          }
        }
      }
      directory.children = {};
      MLCHAIN_TRY(auto node, unixfs::build_directory(profile_, std::move(entries), sink_));
      built[index] = std::move(node);
    }
    return std::move(built[0]);
  }

  const unixfs::Profile& profile_;
  unixfs::BlockSink& sink_;
  SerializedSink serialized_sink_;
  const ImportOptions& options_;
  std::vector<Directory> directories_;
  std::vector<File> files_;
  std::vector<std::string> symlinks_;
  std::map<stdfs::path, struct stat> directory_stats_;  // found below the root, for telling loops
  std::vector<std::pair<dev_t, ino_t>> ancestors_;      // the directories being walked, root first
};

Result<ImportedNode> import_stream_of(int fd, const stdfs::path& name, const unixfs::Profile& profile,
                                      unixfs::BlockSink& sink) {
  unixfs::FileBuilder builder(profile, sink);
  Bytes chunk(profile.chunk_size);
  for (;;) {
    std::size_t filled = 0;
    while (filled < chunk.size()) {
      const ssize_t got = ::read(fd, chunk.data() + filled, chunk.size() - filled);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return system_error("cannot read", name, errno);
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
  if (fd < 0) return system_error("cannot import", path, errno);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return system_error("cannot stat", path, error);
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd);
    return TreeImport(profile, sink, options).run(path, info);
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
  if (::lstat(path.c_str(), &info) != 0) return system_error("cannot import", path, errno);
  stdfs::path source = path;
  if (S_ISLNK(info.st_mode) && (options.dereference_symlinks || options.follow_argument_symlink)) {
    MLCHAIN_TRY(auto followed, follow_symlink(path));
    source = std::move(followed.path);
    info = followed.info;
  }
  if (S_ISREG(info.st_mode)) return import_file(source, profile, sink, options);
  if (S_ISLNK(info.st_mode)) {
    MLCHAIN_TRY(auto target, read_symlink(AT_FDCWD, path.c_str(), path));
    return unixfs::build_symlink(profile, target, sink);
  }
  if (S_ISDIR(info.st_mode)) return TreeImport(profile, sink, options).run(source, info);
  if (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode)) return import_kernel_path(path, profile, sink, options);
  return unsupported_type(path);
}

Result<ImportedNode> import_stream(int fd, std::string_view name, const unixfs::Profile& profile,
                                   unixfs::BlockSink& sink) {
  return import_stream_of(fd, stdfs::path(name), profile, sink);
}

}  // namespace mlchain::fs
