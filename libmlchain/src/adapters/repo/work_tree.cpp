#include "mlchain/repo/work_tree.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

#include "disk.hpp"
#include "mlchain/core/checkout_safety.hpp"
#include "mlchain/core/ignore_rules.hpp"
#include "mlchain/fs/tree_walk.hpp"
#include "mlchain/repo/config.hpp"

namespace mlchain::repo {
namespace {

namespace stdfs = std::filesystem;
using unixfs::ImportedNode;

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

// The work tree's part of the walk: .mlchainignore files, checkout's temporaries, the stat cache, and in
// SnapshotMode::store every file's blocks (leaves and inner nodes) into the content store as it is read.
class Snapshotter final : public fs::TreeWalkHooks {
 public:
  Snapshotter(Repository& repository, const unixfs::Profile& profile, const LoadedIndex& index,
              const SnapshotOptions& options)
      : repository_(repository), profile_(profile), index_(index), mode_(options.mode), options_(options) {}

  Result<WorkTreeSnapshot> run() {
    const auto root = repository_.work_tree();
    struct stat info {};
    if (::stat(root.c_str(), &info) != 0) return fs::input_path_error(errno, "stat", root);
    fs::WalkOptions walk;
    walk.dereference = options_.dereference;
    if (options_.dereference) {
      // Followed links are compared by their real paths.
      if (char* real = ::realpath((root / repository_directory_name).c_str(), nullptr)) {
        walk.refuse_links_into = real;
        std::free(real);
      }
    }
    // Small files are hashed on every core; storing them waits for no flush (the content writer flushes
    // once at the end).
    walk.small_file_threads = std::max(1u, std::thread::hardware_concurrency());
    WorkTreeSnapshot snapshot;
    std::optional<CollectingSink> collecting;
    std::optional<ContentWriter> writer;
    if (mode_ == SnapshotMode::store) {
      collecting.emplace(snapshot.tree_blocks);
      MLCHAIN_TRY(auto begun, repository_.contents().begin_write());
      writer.emplace(std::move(begun));
    }
    unixfs::BlockSink& file_sink = writer ? static_cast<unixfs::BlockSink&>(*writer) : discarding_sink_;
    unixfs::BlockSink& tree_sink = collecting ? static_cast<unixfs::BlockSink&>(*collecting) : discarding_sink_;
    MLCHAIN_TRY(auto tree, fs::walk_tree(root, info, profile_, file_sink, tree_sink, *this, walk));
    // Every file's blocks are flushed together, once, before the caller records anything that names them.
    if (writer) MLCHAIN_TRY_STATUS(writer->commit());
    describe(tree, snapshot);
    return snapshot;
  }

  Status enter_directory(std::string_view relative, const stdfs::path& path,
                         std::span<const fs::WalkListing> listing) override {
    for (const auto& entry : listing) {
      if (entry.name == core::ignore_file_name && S_ISREG(entry.mode)) {
        MLCHAIN_TRY(auto contents, disk::read_file(path / entry.name));
        rules_.add(relative, std::string_view(reinterpret_cast<const char*>(contents.data()), contents.size()));
      }
    }
    return {};
  }

  Result<bool> include(std::string_view relative, bool is_directory, std::size_t depth, bool followed) override {
    if (!followed) {
      if (!is_directory && disk::is_work_tree_temporary(base_name(relative))) {
        temporaries_.emplace_back(relative);
        return false;
      }
      if (mode_ == SnapshotMode::store && depth > core::max_tree_depth)
        return make_error(ErrorKind::invalid_input,
                          "'" + std::string(relative) + "' lies deeper than " + std::to_string(core::max_tree_depth) +
                              " directories, which checkout refuses; move it up or leave it out with "
                              "a .mlchainignore pattern");
    }
    return rules_.empty() || !rules_.ignored(std::string(relative), is_directory);
  }

  Error refuse(fs::WalkRefusal why, const fs::WalkSite& site) override {
    const std::string named = "symlink '" + std::string(site.relative) + "' -> '" + std::string(site.target) + "'";
    switch (why) {
      case fs::WalkRefusal::symlink_loop:
        return make_error(ErrorKind::invalid_input,
                          named + " is a symlink loop; remove it or leave it out with a .mlchainignore pattern");
      case fs::WalkRefusal::dangling_symlink:
        return make_error(ErrorKind::invalid_input,
                          named +
                              " points to nothing (dangling); remove it or leave it out with a "
                              ".mlchainignore pattern");
      case fs::WalkRefusal::link_into_forbidden:
        return make_error(ErrorKind::invalid_input, named + " points into the repository's own " +
                                                        std::string(repository_directory_name) + "; remove it");
      case fs::WalkRefusal::directory_loop:
        return make_error(ErrorKind::invalid_input, "symlink '" + std::string(site.relative) +
                                                        "' leads back to a directory that contains it (a loop); "
                                                        "remove it or leave it out with a .mlchainignore pattern");
      case fs::WalkRefusal::unsupported_type:
        return make_error(ErrorKind::invalid_input,
                          site.source.string() +
                              " is not a regular file, directory or symlink; leave it out with a "
                              ".mlchainignore pattern");
    }
    return TreeWalkHooks::refuse(why, site);
  }

  Status unsupported(const fs::WalkSite& site) override {
    if (!options_.list_unsupported) return refuse(fs::WalkRefusal::unsupported_type, site);
    unsupported_.emplace_back(site.relative);
    return {};
  }

  // A commit that checkout would refuse forever is not made: it is refused while nothing is stored yet.
  Status walked(const fs::WalkedTree& tree) override {
    if (mode_ != SnapshotMode::store) return {};
    // Every path, not only symlinks: a name such as `.GIT` is an ordinary directory here but version-control
    // metadata on a case-insensitive file system, which checkout refuses.
    std::vector<core::TreeEntry> entries;
    entries.reserve(tree.files.size() + tree.symlinks.size());
    for (const auto& file : tree.files) entries.push_back({file.relative, codec::Cid(), 0, unixfs::NodeKind::file, {}});
    for (const auto& directory : tree.directories)
      if (directory.entries == 0 && !directory.relative.empty())
        entries.push_back({directory.relative, codec::Cid(), 0, unixfs::NodeKind::directory, {}});
    for (const auto& link : tree.symlinks)
      entries.push_back({link.relative, codec::Cid(), 0, unixfs::NodeKind::symlink, link.target});
    const auto unsafe = core::find_unsafe_entry(entries);
    if (!unsafe) return {};
    if (!unsafe->symlink_target)
      return make_error(ErrorKind::invalid_input, "'" + unsafe->path + "' cannot be checked out: " + unsafe->why +
                                                      "; rename it or leave it out with a .mlchainignore pattern");
    return make_error(
        ErrorKind::invalid_input,
        "symlink '" + unsafe->path + "' cannot be checked out: " + unsafe->why +
            "; commit with --dereference (or set core.dereference = true) to store what it points to, or remove it");
  }

  // The CID the stat cache gives for `file`, if it may be trusted: same stat, not racily clean, made
  // under this profile and, when storing, with its blocks and contents in the repository.
  Result<bool> reuse(fs::WalkedFile& file) override {
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

  void start_reading(std::uint64_t, std::uint64_t bytes) override {
    bytes_to_read_ = bytes;
    advance(0);
  }

  // The blocks themselves reach the content store through the walk's block sink.
  Status small_file_read(fs::WalkedFile&, ByteView contents) override {
    advance(contents.size());
    return {};
  }

  Status large_file_chunk(fs::WalkedFile&, ByteView chunk) override {
    advance(chunk.size());
    return {};
  }

 private:
  static std::string_view base_name(std::string_view relative) {
    const auto slash = relative.rfind('/');
    return slash == std::string_view::npos ? relative : relative.substr(slash + 1);
  }

  void advance(std::uint64_t bytes) {
    if (!options_.on_progress || bytes_to_read_ == 0) return;
    std::lock_guard lock(progress_mutex_);
    bytes_hashed_ += bytes;
    options_.on_progress(bytes_hashed_, std::max(bytes_hashed_, bytes_to_read_));
  }

  // The tree as core::list_files lists it, and the refreshed stat cache.
  void describe(fs::WalkedTree& tree, WorkTreeSnapshot& snapshot) {
    for (auto& file : tree.files) {
      snapshot.entries.push_back(
          {file.relative, file.node.cid, file.node.content_size, unixfs::NodeKind::file, std::nullopt});
      if (!file.changed_while_read)
        snapshot.index.push_back({std::move(file.relative), file.stat, file.node.cid, file.node.tsize});
    }
    for (auto& link : tree.symlinks)
      snapshot.entries.push_back(
          {std::move(link.relative), link.node.cid, 0, unixfs::NodeKind::symlink, std::move(link.target)});
    for (auto& directory : tree.directories)
      if (directory.entries == 0 && !directory.relative.empty())
        snapshot.entries.push_back(
            {std::move(directory.relative), directory.node.cid, 0, unixfs::NodeKind::directory, std::nullopt});
    const auto by_path = [](const auto& a, const auto& b) { return a.path < b.path; };
    std::sort(snapshot.entries.begin(), snapshot.entries.end(), by_path);
    std::sort(snapshot.index.begin(), snapshot.index.end(), by_path);
    snapshot.root = std::move(tree.root);
    snapshot.files_read = tree.files_read;
    snapshot.checkout_temporaries = std::move(temporaries_);
    snapshot.unsupported = std::move(unsupported_);
    snapshot.bytes_read = tree.bytes_read;
  }

  Repository& repository_;
  const unixfs::Profile& profile_;
  const LoadedIndex& index_;
  SnapshotMode mode_;
  const SnapshotOptions& options_;
  unixfs::DiscardingBlockSink discarding_sink_;
  core::IgnoreRules rules_;
  std::vector<std::string> temporaries_;
  std::vector<std::string> unsupported_;
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
  return make_error(ErrorKind::invalid_input, "core.dereference '" + *value + "' in " +
                                                  repository.paths().config().string() + " is neither true nor false");
}

}  // namespace mlchain::repo
