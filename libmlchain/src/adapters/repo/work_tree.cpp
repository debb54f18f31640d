#include "mlchain/repo/work_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "disk.hpp"
#include "mlchain/core/checkout_safety.hpp"
#include "mlchain/core/ignore_rules.hpp"
#include "mlchain/fs/file_reader.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/repo/config.hpp"
#include "mlchain/unixfs/directory_builder.hpp"
#include "mlchain/unixfs/file_builder.hpp"

namespace mlchain::repo {
namespace {

namespace stdfs = std::filesystem;
using unixfs::ImportedNode;

std::string join(std::string_view directory, std::string_view name) {
  if (directory.empty()) return std::string(name);
  return std::string(directory) + "/" + std::string(name);
}

core::FileStat stat_of(const struct stat& info) {
  return {static_cast<std::uint64_t>(info.st_size),
          static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
          static_cast<std::int64_t>(info.st_ctim.tv_sec) * 1'000'000'000 + info.st_ctim.tv_nsec,
          static_cast<std::uint64_t>(info.st_ino), static_cast<std::uint64_t>(info.st_dev)};
}

Error cannot(std::string_view what, const stdfs::path& path, int error) {
  const auto kind = (error == ENOENT || error == ENOTDIR) ? ErrorKind::not_found : ErrorKind::invalid_input;
  return make_error(kind, "cannot " + std::string(what) + " " + path.string() + ": " + std::strerror(error));
}

bool is_within(const stdfs::path& path, const stdfs::path& directory) {
  const auto& text = path.native();
  const auto& base = directory.native();
  return text.starts_with(base) && (text.size() == base.size() || text[base.size()] == '/');
}

// Blocks go to the object store one put() at a time. Raw leaves are skipped here, before the store would
// re-hash them only to find that the content store holds them: files/ has every file's whole contents.
class StoringSink final : public unixfs::BlockSink {
 public:
  explicit StoringSink(DiskObjectStore& objects) : objects_(objects) {}
  Status put(const codec::Cid& cid, ByteView block) override {
    if (cid.codec() == codec::multicodec::raw) return {};
    std::lock_guard lock(mutex_);
    return objects_.put(cid, block);
  }

 private:
  DiskObjectStore& objects_;
  std::mutex mutex_;
};

// The blocks of directories and symlinks, held until the caller knows whether it commits.
class CollectingSink final : public unixfs::BlockSink {
 public:
  explicit CollectingSink(std::vector<TreeBlock>& blocks) : blocks_(blocks) {}
  Status put(const codec::Cid& cid, ByteView block) override {
    blocks_.push_back({cid, Bytes(block.begin(), block.end())});
    return {};
  }

 private:
  std::vector<TreeBlock>& blocks_;
};

class Snapshotter {
 public:
  Snapshotter(Repository& repository, const unixfs::Profile& profile, const LoadedIndex& index,
              const SnapshotOptions& options)
      : repository_(repository),
        profile_(profile),
        index_(index),
        mode_(options.mode),
        options_(options),
        storing_sink_(repository.objects()) {}

  Result<WorkTreeSnapshot> run() {
    const auto root = repository_.work_tree();
    struct stat info {};
    if (::stat(root.c_str(), &info) != 0) return cannot("stat", root, errno);
    if (options_.dereference) {
      // Followed links are compared by their real paths.
      if (char* real = ::realpath((root / repository_directory_name).c_str(), nullptr)) {
        repository_real_path_ = real;
        std::free(real);
      }
    }
    MLCHAIN_TRY_STATUS(walk("", root, info, 0));
    if (mode_ == SnapshotMode::store) MLCHAIN_TRY_STATUS(refuse_what_checkout_refuses());
    MLCHAIN_TRY_STATUS(hash_files());
    return build();
  }

 private:
  enum class Kind : std::uint8_t { file, directory, symlink };
  struct Child {
    std::string name;
    Kind kind;
    std::size_t index;  // into files_, directories_ or symlinks_
    stdfs::path source;  // directories: where they are read from
    struct stat info;    // directories: their identity, to tell a symlink loop
  };
  struct Directory {
    std::string relative;
    std::vector<Child> children;
  };
  struct File {
    std::string relative;
    stdfs::path source;  // where it is read from: below the work tree, or where a followed symlink leads
    core::FileStat stat;
    ImportedNode node;
    bool cacheable = true;  // false when the file changed while it was read
  };
  struct Symlink {
    std::string relative;
    std::string target;
  };

  unixfs::BlockSink& sink() { return mode_ == SnapshotMode::store ? static_cast<unixfs::BlockSink&>(storing_sink_) : discarding_sink_; }
  unixfs::BlockSink& tree_sink(WorkTreeSnapshot& snapshot) {
    if (mode_ != SnapshotMode::store) return discarding_sink_;
    collecting_sink_.emplace(snapshot.tree_blocks);
    return *collecting_sink_;
  }

  struct Found {
    std::string name;
    struct stat info;
  };

  // Where a symlink leads when it is dereferenced: its real path and what lies there.
  struct Followed {
    stdfs::path path;
    struct stat info;
  };
  Result<Followed> follow(const std::string& relative, const stdfs::path& link, const std::string& target) const {
    const std::string named = "symlink '" + relative + "' -> '" + target + "'";
    char* real = ::realpath(link.c_str(), nullptr);
    if (real == nullptr) {
      const int error = errno;
      if (error == ELOOP)
        return make_error(ErrorKind::invalid_input, named + " is a symlink loop; remove it or leave it out with a .mlchainignore pattern");
      if (error == ENOENT || error == ENOTDIR)
        return make_error(ErrorKind::invalid_input, named + " points to nothing (dangling); remove it or leave it out with a "
                                                    ".mlchainignore pattern");
      return cannot("follow symlink", link, error);
    }
    Followed followed{real, {}};
    std::free(real);
    if (!repository_real_path_.empty() && is_within(followed.path, repository_real_path_))
      return make_error(ErrorKind::invalid_input, named + " points into the repository's own " +
                                              std::string(repository_directory_name) + "; remove it");
    if (::stat(followed.path.c_str(), &followed.info) != 0) return cannot("stat", followed.path, errno);
    return followed;
  }

  // Pre-order: a directory's index is below those of everything inside it. `path` is where the directory
  // is read from, `self` its stat, `depth` its number of path components.
  Status walk(const std::string& relative, const stdfs::path& path, const struct stat& self, std::size_t depth) {
    const std::size_t index = directories_.size();
    directories_.push_back({relative, {}});
    for (const auto& [device, inode] : ancestors_)
      if (device == self.st_dev && inode == self.st_ino)
        return make_error(ErrorKind::invalid_input, "symlink '" + relative + "' leads back to a directory that contains it (a loop); "
                                            "remove it or leave it out with a .mlchainignore pattern");
    ancestors_.emplace_back(self.st_dev, self.st_ino);

    std::vector<Found> found;
    MLCHAIN_TRY_STATUS(read_directory(path, found));
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.name < b.name; });
    for (const auto& entry : found) {
      if (entry.name == core::ignore_file_name && S_ISREG(entry.info.st_mode)) {
        MLCHAIN_TRY(auto contents, disk::read_file(path / entry.name));
        rules_.add(relative, std::string_view(reinterpret_cast<const char*>(contents.data()), contents.size()));
      }
    }

    std::vector<Child> children;
    for (auto& entry : found) {
      // Nested repositories and version-control metadata are never part of a bundle, wherever they sit.
      if (core::is_never_in_bundle(entry.name)) continue;
      if (!S_ISDIR(entry.info.st_mode) && disk::is_work_tree_temporary(entry.name)) {
        temporaries_.push_back(join(relative, entry.name));
        continue;
      }
      const std::string child = join(relative, entry.name);
      if (mode_ == SnapshotMode::store && depth + 1 > core::max_tree_depth)
        return make_error(ErrorKind::invalid_input, "'" + child + "' lies deeper than " + std::to_string(core::max_tree_depth) +
                                                " directories, which checkout refuses; move it up or leave it out with "
                                                "a .mlchainignore pattern");
      stdfs::path source = path / entry.name;
      if (S_ISLNK(entry.info.st_mode)) {
        if (!rules_.empty() && rules_.ignored(child, false)) continue;
        MLCHAIN_TRY(auto target, read_symlink(source));
        if (!options_.dereference) {
          children.push_back({entry.name, Kind::symlink, symlinks_.size(), {}, {}});
          symlinks_.push_back({child, std::move(target)});
          continue;
        }
        MLCHAIN_TRY(auto followed, follow(child, source, target));
        source = std::move(followed.path);
        entry.info = followed.info;
      }
      const bool is_directory = S_ISDIR(entry.info.st_mode);
      if (!rules_.empty() && rules_.ignored(child, is_directory)) continue;
      if (S_ISREG(entry.info.st_mode)) {
        children.push_back({entry.name, Kind::file, files_.size(), {}, {}});
        files_.push_back({child, std::move(source), stat_of(entry.info), {}, true});
      } else if (is_directory) {
        children.push_back({entry.name, Kind::directory, 0, std::move(source), entry.info});
      } else if (options_.list_unsupported) {
        unsupported_.push_back(child);
      } else {
        return make_error(ErrorKind::invalid_input, source.string() +
                                                " is not a regular file, directory or symlink; leave it out with a "
                                                ".mlchainignore pattern");
      }
    }
    for (auto& child : children) {
      if (child.kind != Kind::directory) continue;
      child.index = directories_.size();
      MLCHAIN_TRY_STATUS(walk(join(relative, child.name), child.source, child.info, depth + 1));
    }
    ancestors_.pop_back();
    directories_[index].children = std::move(children);
    return {};
  }

  // A commit that checkout would refuse forever is not made: it is refused while nothing is stored yet.
  Status refuse_what_checkout_refuses() const {
    // Every path, not only symlinks: a name such as `.GIT` is an ordinary directory here but version-control
    // metadata on a case-insensitive file system, which checkout refuses.
    std::vector<core::TreeEntry> entries;
    entries.reserve(files_.size() + symlinks_.size());
    for (const auto& file : files_) entries.push_back({file.relative, codec::Cid(), 0, unixfs::NodeKind::file, {}});
    for (const auto& directory : directories_)
      if (directory.children.empty() && !directory.relative.empty())
        entries.push_back({directory.relative, codec::Cid(), 0, unixfs::NodeKind::directory, {}});
    for (const auto& link : symlinks_)
      entries.push_back({link.relative, codec::Cid(), 0, unixfs::NodeKind::symlink, link.target});
    const auto unsafe = core::find_unsafe_entry(entries);
    if (!unsafe) return {};
    if (!unsafe->symlink_target)
      return make_error(ErrorKind::invalid_input, "'" + unsafe->path + "' cannot be checked out: " + unsafe->why +
                                              "; rename it or leave it out with a .mlchainignore pattern");
    return make_error(ErrorKind::invalid_input, "symlink '" + unsafe->path + "' cannot be checked out: " + unsafe->why +
                                            "; commit with --dereference (or set core.dereference = true) to store what it points to, or remove it");
  }

  static Status read_directory(const stdfs::path& path, std::vector<Found>& found) {
    DIR* stream = ::opendir(path.c_str());
    if (stream == nullptr) return cannot("read directory", path, errno);
    const int fd = ::dirfd(stream);
    Status status;
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(stream);
      if (entry == nullptr) {
        if (errno != 0) status = cannot("read directory", path, errno);
        break;
      }
      const std::string_view name(entry->d_name);
      if (name == "." || name == "..") continue;
      Found item{std::string(name), {}};
      if (::fstatat(fd, entry->d_name, &item.info, AT_SYMLINK_NOFOLLOW) != 0) {
        status = cannot("stat", path / name, errno);
        break;
      }
      found.push_back(std::move(item));
    }
    ::closedir(stream);
    return status;
  }

  static Result<std::string> read_symlink(const stdfs::path& path) {
    std::string target(256, '\0');
    for (;;) {
      const ssize_t length = ::readlink(path.c_str(), target.data(), target.size());
      if (length < 0) return cannot("read symlink", path, errno);
      if (static_cast<std::size_t>(length) < target.size()) {
        target.resize(static_cast<std::size_t>(length));
        return target;
      }
      target.resize(target.size() * 2);
    }
  }

  // The CID the stat cache gives for `file`, if it may be trusted: same stat, not racily clean, made
  // under this profile and, when storing, with its blocks and contents in the repository.
  Result<bool> reuse_cached(File& file) {
    const core::StatEntry* entry = index_.find(file.relative);
    if (entry == nullptr || !core::can_vouch(*entry, file.stat, index_.written_ns)) return false;
    if (profile_of_cid(entry->cid).name != profile_.name) return false;
    if (mode_ == SnapshotMode::store) {
      MLCHAIN_TRY(const bool has_root, repository_.objects().contains(entry->cid));
      if (!has_root) return false;
      MLCHAIN_TRY(const bool has_contents, repository_.contents().contains(entry->cid));
      if (!has_contents) MLCHAIN_TRY_STATUS(repository_.contents().store_copy(file.source, entry->cid, profile_));
    }
    file.node = ImportedNode{entry->cid, entry->tsize, entry->stat.size, unixfs::NodeKind::file, 0};
    return true;
  }

  bool is_small(const File& file) const { return file.stat.size <= profile_.chunk_size; }

  // Read whole into a per-thread buffer, hashed, and written to files/ only if those contents are new.
  Status import_small(File& file, Bytes& buffer) {
    MLCHAIN_TRY(auto reader, fs::FileReader::open(file.source));
    buffer.resize(static_cast<std::size_t>(reader.size()));
    MLCHAIN_TRY(auto filled, reader.read_at(0, buffer));
    if (filled != buffer.size())
      return make_error(ErrorKind::changed_concurrently, reader.path().string() + " shrank while it was being read");
    if (reader.size() != file.stat.size) file.cacheable = false;
    unixfs::FileBuilder builder(profile_, sink());
    if (!buffer.empty()) MLCHAIN_TRY_STATUS(builder.add_leaf(unixfs::make_leaf(profile_, buffer)));
    MLCHAIN_TRY(file.node, builder.finish());
    bytes_read_ += buffer.size();
    advance(buffer.size());
    if (mode_ != SnapshotMode::store) return {};
    MLCHAIN_TRY(const bool stored, repository_.contents().contains(file.node.cid));
    if (stored) return {};
    MLCHAIN_TRY(auto writer, repository_.contents().begin_write());
    MLCHAIN_TRY_STATUS(writer.append(buffer));
    return writer.commit(file.node.cid);
  }

  // import_file spreads the chunks over every core; in store mode each chunk also goes to files/ as it
  // passes, in file order.
  Status import_large(File& file) {
    fs::ImportOptions options;
    std::optional<ContentWriter> writer;
    if (mode_ == SnapshotMode::store) {
      MLCHAIN_TRY(auto begun, repository_.contents().begin_write());
      writer.emplace(std::move(begun));
    }
    if (writer || options_.on_progress) {
      options.on_chunk = [this, &writer](ByteView chunk) -> Status {
        if (writer) MLCHAIN_TRY_STATUS(writer->append(chunk));
        advance(chunk.size());
        return {};
      };
    }
    MLCHAIN_TRY(file.node, fs::import_file(file.source, profile_, sink(), options));
    if (file.node.content_size != file.stat.size) file.cacheable = false;
    bytes_read_ += file.node.content_size;
    if (writer) MLCHAIN_TRY_STATUS(writer->commit(file.node.cid));
    return {};
  }

  Status hash_files() {
    std::vector<std::size_t> small;
    std::vector<std::size_t> large;
    for (std::size_t i = 0; i < files_.size(); ++i) {
      MLCHAIN_TRY(const bool cached, reuse_cached(files_[i]));
      if (cached) continue;
      ++files_read_;
      bytes_to_read_ += files_[i].stat.size;
      (is_small(files_[i]) ? small : large).push_back(i);
    }
    advance(0);
    MLCHAIN_TRY_STATUS(import_small_files(small));
    for (const auto i : large) MLCHAIN_TRY_STATUS(import_large(files_[i]));
    return {};
  }

  Status import_small_files(const std::vector<std::size_t>& indices) {
    // Storing a small file costs its flushes to disk more than its hashing: more writers than cores keep
    // the disk's queue full while each waits for its own flush.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned threads = mode_ == SnapshotMode::store ? std::max(32u, cores) : cores;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::optional<Error> first_error;
    const auto work = [&] {
      Bytes buffer;
      for (;;) {
        const std::size_t position = next.fetch_add(1);
        if (position >= indices.size() || failed.load()) return;
        auto status = import_small(files_[indices[position]], buffer);
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

  void advance(std::uint64_t bytes) {
    if (!options_.on_progress || bytes_to_read_ == 0) return;
    std::lock_guard lock(progress_mutex_);
    bytes_hashed_ += bytes;
    options_.on_progress(bytes_hashed_, std::max(bytes_hashed_, bytes_to_read_));
  }

  Result<WorkTreeSnapshot> build() {
    WorkTreeSnapshot snapshot;
    unixfs::BlockSink& tree_blocks = tree_sink(snapshot);
    std::vector<ImportedNode> built(directories_.size());
    for (std::size_t index = directories_.size(); index-- > 0;) {
      Directory& directory = directories_[index];
      std::vector<unixfs::DirectoryEntry> entries;
      entries.reserve(directory.children.size());
      for (auto& child : directory.children) {
        switch (child.kind) {
          case Kind::file: {
            const File& file = files_[child.index];
            entries.push_back({child.name, file.node});
            snapshot.entries.push_back({file.relative, file.node.cid, file.node.content_size, unixfs::NodeKind::file, std::nullopt});
            if (file.cacheable) snapshot.index.push_back({file.relative, file.stat, file.node.cid, file.node.tsize});
            break;
          }
          case Kind::directory:
            entries.push_back({child.name, built[child.index]});
            break;
          case Kind::symlink: {
            const Symlink& link = symlinks_[child.index];
            MLCHAIN_TRY(auto node, unixfs::build_symlink(profile_, link.target, tree_blocks));
            snapshot.entries.push_back({link.relative, node.cid, 0, unixfs::NodeKind::symlink, link.target});
            entries.push_back({child.name, std::move(node)});
            break;
          }
        }
      }
      const bool empty = entries.empty();
      MLCHAIN_TRY(auto node, unixfs::build_directory(profile_, std::move(entries), tree_blocks));
      if (empty && index != 0)
        snapshot.entries.push_back({directory.relative, node.cid, 0, unixfs::NodeKind::directory, std::nullopt});
      built[index] = std::move(node);
    }
    const auto by_path = [](const auto& a, const auto& b) { return a.path < b.path; };
    std::sort(snapshot.entries.begin(), snapshot.entries.end(), by_path);
    std::sort(snapshot.index.begin(), snapshot.index.end(), by_path);
    snapshot.root = std::move(built[0]);
    snapshot.files_read = files_read_;
    snapshot.checkout_temporaries = std::move(temporaries_);
    snapshot.unsupported = std::move(unsupported_);
    snapshot.bytes_read = bytes_read_;
    return snapshot;
  }

  Repository& repository_;
  const unixfs::Profile& profile_;
  const LoadedIndex& index_;
  SnapshotMode mode_;
  const SnapshotOptions& options_;
  StoringSink storing_sink_;
  unixfs::DiscardingBlockSink discarding_sink_;
  std::optional<CollectingSink> collecting_sink_;
  core::IgnoreRules rules_;
  std::vector<Directory> directories_;
  std::vector<File> files_;
  std::vector<Symlink> symlinks_;
  std::vector<std::string> temporaries_;
  std::vector<std::string> unsupported_;
  std::vector<std::pair<dev_t, ino_t>> ancestors_;  // the directories being walked, root first
  stdfs::path repository_real_path_;                // set when symlinks are followed
  std::uint64_t files_read_ = 0;
  std::atomic<std::uint64_t> bytes_read_{0};
  std::mutex progress_mutex_;
  std::uint64_t bytes_to_read_ = 0;
  std::uint64_t bytes_hashed_ = 0;
};

}  // namespace

Result<WorkTreeSnapshot> snapshot_work_tree(Repository& repository, const unixfs::Profile& profile,
                                            const LoadedIndex& index, const SnapshotOptions& options) {
  return Snapshotter(repository, profile, index, options).run();
}

Result<WorkTreeSnapshot> snapshot_work_tree(Repository& repository, const unixfs::Profile& profile,
                                            const LoadedIndex& index, SnapshotMode mode) {
  MLCHAIN_TRY(const bool dereference, repository_dereferences(repository));
  return snapshot_work_tree(repository, profile, index,
                            SnapshotOptions{.mode = mode, .dereference = dereference, .on_progress = {}});
}

Result<bool> repository_dereferences(const Repository& repository) {
  MLCHAIN_TRY(auto config, Config::load(repository.paths().config()));
  const auto value = config.get("core.dereference");
  if (!value || *value == "false") return false;
  if (*value == "true") return true;
  return make_error(ErrorKind::invalid_input, "core.dereference '" + *value + "' in " + repository.paths().config().string() +
                                          " is neither true nor false");
}

}  // namespace mlchain::repo
