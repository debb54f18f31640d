#include "mlchain/fs/tree_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "mlchain/core/ignore_rules.hpp"
#include "mlchain/fs/file_reader.hpp"
#include "mlchain/fs/file_stat.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/unixfs/directory_builder.hpp"
#include "mlchain/unixfs/file_builder.hpp"

namespace mlchain::fs {

namespace stdfs = std::filesystem;
using unixfs::ImportedNode;

Error input_path_error(int error, std::string_view what, const stdfs::path& path) {
  const auto kind = (error == ENOENT || error == ENOTDIR) ? ErrorKind::not_found : ErrorKind::invalid_input;
  return make_error(kind, "cannot " + std::string(what) + " " + path.string() + ": " + std::strerror(error));
}

Result<std::string> symlink_target(const stdfs::path& path) {
  std::string target(256, '\0');
  for (;;) {
    const ssize_t length = ::readlink(path.c_str(), target.data(), target.size());
    if (length < 0) return input_path_error(errno, "read symlink", path);
    if (static_cast<std::size_t>(length) < target.size()) {
      target.resize(static_cast<std::size_t>(length));
      return target;
    }
    target.resize(target.size() * 2);
  }
}

namespace {

bool is_within(const stdfs::path& path, const stdfs::path& directory) {
  const auto& text = path.native();
  const auto& base = directory.native();
  return text.starts_with(base) && (text.size() == base.size() || text[base.size()] == '/');
}

std::string join(std::string_view directory, std::string_view name) {
  if (directory.empty()) return std::string(name);
  return std::string(directory) + "/" + std::string(name);
}

Result<std::vector<WalkListing>> read_directory(const stdfs::path& path) {
  DIR* stream = ::opendir(path.c_str());
  if (stream == nullptr) return input_path_error(errno, "read directory", path);
  const int fd = ::dirfd(stream);
  std::vector<WalkListing> listing;
  std::optional<Error> failure;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(stream);
    if (entry == nullptr) {
      if (errno != 0) failure = input_path_error(errno, "read directory", path);
      break;
    }
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    struct stat info {};
    if (::fstatat(fd, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
      failure = input_path_error(errno, "stat", path / name);
      break;
    }
    listing.push_back({std::string(name), info.st_mode, file_stat_of(info)});
  }
  ::closedir(stream);
  if (failure) return std::move(*failure);
  std::sort(listing.begin(), listing.end(), [](const WalkListing& a, const WalkListing& b) { return a.name < b.name; });
  return listing;
}

class TreeWalk {
 public:
  TreeWalk(const unixfs::Profile& profile, unixfs::BlockSink& file_sink, unixfs::BlockSink& tree_sink,
           TreeWalkHooks& hooks, const WalkOptions& options)
      : profile_(profile), file_sink_(file_sink), tree_sink_(tree_sink), hooks_(hooks), options_(options) {}

  Result<WalkedTree> run(const stdfs::path& root, const struct stat& root_info) {
    MLCHAIN_TRY_STATUS(walk("", root, root, file_stat_of(root_info), 0));
    MLCHAIN_TRY_STATUS(hooks_.walked(tree_));
    MLCHAIN_TRY_STATUS(hash_files());
    MLCHAIN_TRY_STATUS(build_directories());
    tree_.bytes_read = bytes_read_;
    return std::move(tree_);
  }

 private:
  enum class Kind : std::uint8_t { file, directory, symlink };
  struct Child {
    std::string name;
    Kind kind;
    std::size_t index;  // into tree_.files, tree_.directories or tree_.symlinks
  };
  // A directory found in the one being walked, until it is walked in turn.
  struct Subdirectory {
    stdfs::path source;   // where it is read from
    core::FileStat stat;  // its identity, to tell a loop
  };

  // Pre-order: a directory's index is below those of everything inside it. `path` is the root joined with
  // `relative`, `source` where the directory is read from, `depth` the components of `relative`.
  Status walk(const std::string& relative, const stdfs::path& path, const stdfs::path& source,
              const core::FileStat& self, std::size_t depth) {
    const std::size_t index = tree_.directories.size();
    tree_.directories.push_back({relative, 0, {}});
    children_.emplace_back();
    for (const auto& [device, inode] : ancestors_)
      if (device == self.dev && inode == self.inode)
        return hooks_.refuse(WalkRefusal::directory_loop, {relative, path, source, {}});
    ancestors_.emplace_back(self.dev, self.inode);

    std::vector<Child> children;
    std::vector<Subdirectory> subdirectories;
    MLCHAIN_TRY_STATUS(read_children(relative, path, source, depth, children, subdirectories));
    for (auto& child : children) {
      if (child.kind != Kind::directory) continue;
      const Subdirectory& subdirectory = subdirectories[child.index];
      child.index = tree_.directories.size();
      MLCHAIN_TRY_STATUS(
          walk(join(relative, child.name), path / child.name, subdirectory.source, subdirectory.stat, depth + 1));
    }
    ancestors_.pop_back();
    tree_.directories[index].entries = children.size();
    children_[index] = std::move(children);
    return {};
  }

  // The entries of one directory that belong to the tree, by name; a subdirectory's index is into
  // `subdirectories` until it is walked. The listing is let go before any subdirectory is read.
  Status read_children(const std::string& relative, const stdfs::path& path, const stdfs::path& source,
                       std::size_t depth, std::vector<Child>& children, std::vector<Subdirectory>& subdirectories) {
    MLCHAIN_TRY(auto listing, read_directory(source));
    MLCHAIN_TRY_STATUS(hooks_.enter_directory(relative, source, listing));
    for (auto& entry : listing) {
      // Nested repositories and version-control metadata are never part of a bundle, wherever they sit.
      if (core::is_never_in_bundle(entry.name)) continue;
      const std::string child = join(relative, entry.name);
      MLCHAIN_TRY(const bool included, hooks_.include(child, S_ISDIR(entry.mode), depth + 1, false));
      if (!included) continue;
      stdfs::path child_source = source / entry.name;
      if (S_ISLNK(entry.mode)) {
        MLCHAIN_TRY(auto target, symlink_target(child_source));
        if (!options_.dereference) {
          children.push_back({std::move(entry.name), Kind::symlink, tree_.symlinks.size()});
          tree_.symlinks.push_back({child, std::move(target), {}});
          continue;
        }
        MLCHAIN_TRY(auto followed, follow_symlink({child, path / entry.name, child_source, target}, hooks_,
                                                  options_.refuse_links_into));
        child_source = std::move(followed.real_path);
        entry.mode = followed.info.st_mode;
        entry.stat = file_stat_of(followed.info);
        MLCHAIN_TRY(const bool still_included, hooks_.include(child, S_ISDIR(entry.mode), depth + 1, true));
        if (!still_included) continue;
      }
      if (S_ISREG(entry.mode)) {
        children.push_back({std::move(entry.name), Kind::file, tree_.files.size()});
        tree_.files.push_back({child, std::move(child_source), entry.stat, {}, false, false});
      } else if (S_ISDIR(entry.mode)) {
        children.push_back({std::move(entry.name), Kind::directory, subdirectories.size()});
        subdirectories.push_back({std::move(child_source), entry.stat});
      } else {
        MLCHAIN_TRY_STATUS(hooks_.unsupported({child, path / entry.name, child_source, {}}));
      }
    }
    return {};
  }

  bool is_small(const WalkedFile& file) const { return file.stat.size <= profile_.chunk_size; }

  Status hash_files() {
    std::vector<std::size_t> small;
    std::vector<std::size_t> large;
    std::uint64_t bytes_to_read = 0;
    for (std::size_t i = 0; i < tree_.files.size(); ++i) {
      WalkedFile& file = tree_.files[i];
      MLCHAIN_TRY(const bool reused, hooks_.reuse(file));
      if (reused) continue;
      file.read = true;
      ++tree_.files_read;
      bytes_to_read += file.stat.size;
      (is_small(file) ? small : large).push_back(i);
    }
    hooks_.start_reading(tree_.files_read, bytes_to_read);
    MLCHAIN_TRY_STATUS(hash_small_files(small));
    for (const auto i : large) MLCHAIN_TRY_STATUS(hash_large_file(tree_.files[i]));
    return {};
  }

  // Read whole into a per-thread buffer.
  Status hash_small_file(WalkedFile& file, Bytes& buffer) {
    MLCHAIN_TRY(auto reader, FileReader::open(file.source));
    buffer.resize(static_cast<std::size_t>(reader.size()));
    MLCHAIN_TRY(auto filled, reader.read_at(0, buffer));
    if (filled != buffer.size())
      return make_error(ErrorKind::changed_concurrently, reader.path().string() + " shrank while it was being read");
    if (reader.size() != file.stat.size) file.changed_while_read = true;
    unixfs::FileBuilder builder(profile_, file_sink_);
    if (!buffer.empty()) MLCHAIN_TRY_STATUS(builder.add_leaf(unixfs::make_leaf(profile_, buffer)));
    MLCHAIN_TRY(file.node, builder.finish());
    bytes_read_ += buffer.size();
    return hooks_.small_file_read(file, buffer);
  }

  Status hash_small_files(const std::vector<std::size_t>& indices) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned threads = options_.small_file_threads == 0 ? cores : options_.small_file_threads;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::optional<Error> first_error;
    const auto work = [&] {
      Bytes buffer;
      for (;;) {
        const std::size_t position = next.fetch_add(1);
        if (position >= indices.size() || failed.load()) return;
        auto status = hash_small_file(tree_.files[indices[position]], buffer);
        if (!status) {
          std::lock_guard lock(mutex);
          if (!first_error) first_error = std::move(status).error();
          failed.store(true);
          return;
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < std::min<std::size_t>(threads, indices.size()); ++i) pool.emplace_back(work);
    work();
    for (auto& thread : pool) thread.join();
    if (first_error) return std::move(*first_error);
    return {};
  }

  Status hash_large_file(WalkedFile& file) {
    MLCHAIN_TRY_STATUS(hooks_.large_file_begin(file));
    ImportOptions options;
    options.threads = options_.large_file_threads;
    options.on_chunk = [this, &file](ByteView chunk) { return hooks_.large_file_chunk(file, chunk); };
    MLCHAIN_TRY(file.node, import_file(file.source, profile_, file_sink_, options));
    if (file.node.content_size != file.stat.size) file.changed_while_read = true;
    bytes_read_ += file.node.content_size;
    return hooks_.large_file_end(file);
  }

  Status build_directories() {
    for (std::size_t index = tree_.directories.size(); index-- > 0;) {
      std::vector<Child> children = std::move(children_[index]);
      std::vector<unixfs::DirectoryEntry> entries;
      entries.reserve(children.size());
      for (auto& child : children) {
        switch (child.kind) {
          case Kind::file:
            entries.push_back({std::move(child.name), tree_.files[child.index].node});
            break;
          case Kind::directory:
            entries.push_back({std::move(child.name), tree_.directories[child.index].node});
            break;
          case Kind::symlink: {
            WalkedSymlink& link = tree_.symlinks[child.index];
            MLCHAIN_TRY(link.node, unixfs::build_symlink(profile_, link.target, tree_sink_));
            entries.push_back({std::move(child.name), link.node});
            break;
          }
        }
      }
      MLCHAIN_TRY(tree_.directories[index].node, unixfs::build_directory(profile_, std::move(entries), tree_sink_));
    }
    tree_.root = tree_.directories.front().node;
    return {};
  }

  const unixfs::Profile& profile_;
  unixfs::BlockSink& file_sink_;
  unixfs::BlockSink& tree_sink_;
  TreeWalkHooks& hooks_;
  const WalkOptions& options_;
  WalkedTree tree_;
  std::vector<std::vector<Child>> children_;  // by directory index
  std::vector<std::pair<std::uint64_t, std::uint64_t>>
      ancestors_;  // (device, inode) of the directories being walked, root first
  std::atomic<std::uint64_t> bytes_read_{0};
};

}  // namespace

Status TreeWalkHooks::enter_directory(std::string_view, const stdfs::path&, std::span<const WalkListing>) { return {}; }
Result<bool> TreeWalkHooks::include(std::string_view, bool, std::size_t, bool) { return true; }

Error TreeWalkHooks::refuse(WalkRefusal why, const WalkSite& site) {
  const std::string path = site.path.string();
  switch (why) {
    case WalkRefusal::symlink_loop:
      return make_error(ErrorKind::invalid_input, "symlink " + path + " is a symlink loop");
    case WalkRefusal::dangling_symlink:
      return make_error(ErrorKind::invalid_input, "symlink " + path + " points to nothing (dangling)");
    case WalkRefusal::directory_loop:
      return make_error(ErrorKind::invalid_input,
                        path + " leads back to a directory that contains it (a symlink loop)");
    case WalkRefusal::link_into_forbidden:
      return make_error(ErrorKind::invalid_input, "symlink " + path + " points into " + site.source.string());
    case WalkRefusal::unsupported_type:
      return make_error(ErrorKind::invalid_input, path + " is not a regular file, directory or symlink");
  }
  return make_error(ErrorKind::internal, "unknown refusal for " + path);
}

Status TreeWalkHooks::unsupported(const WalkSite& site) { return refuse(WalkRefusal::unsupported_type, site); }
Status TreeWalkHooks::walked(const WalkedTree&) { return {}; }
Result<bool> TreeWalkHooks::reuse(WalkedFile&) { return false; }
void TreeWalkHooks::start_reading(std::uint64_t, std::uint64_t) {}
Status TreeWalkHooks::small_file_read(WalkedFile&, ByteView) { return {}; }
Status TreeWalkHooks::large_file_begin(WalkedFile&) { return {}; }
Status TreeWalkHooks::large_file_chunk(WalkedFile&, ByteView) { return {}; }
Status TreeWalkHooks::large_file_end(WalkedFile&) { return {}; }

Result<FollowedSymlink> follow_symlink(const WalkSite& link, TreeWalkHooks& hooks,
                                       const stdfs::path& refuse_links_into) {
  char* real = ::realpath(link.source.c_str(), nullptr);
  if (real == nullptr) {
    const int error = errno;
    if (error == ELOOP) return hooks.refuse(WalkRefusal::symlink_loop, link);
    if (error == ENOENT || error == ENOTDIR) return hooks.refuse(WalkRefusal::dangling_symlink, link);
    return input_path_error(error, "follow symlink", link.source);
  }
  FollowedSymlink followed{real, {}};
  std::free(real);
  if (!refuse_links_into.empty() && is_within(followed.real_path, refuse_links_into))
    return hooks.refuse(WalkRefusal::link_into_forbidden, link);
  if (::stat(followed.real_path.c_str(), &followed.info) != 0)
    return input_path_error(errno, "stat", followed.real_path);
  return followed;
}

Result<WalkedTree> walk_tree(const stdfs::path& root, const struct stat& root_info, const unixfs::Profile& profile,
                             unixfs::BlockSink& file_sink, unixfs::BlockSink& tree_sink, TreeWalkHooks& hooks,
                             const WalkOptions& options) {
  return TreeWalk(profile, file_sink, tree_sink, hooks, options).run(root, root_info);
}

}  // namespace mlchain::fs
