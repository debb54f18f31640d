#pragma once
// The one walk of a directory tree into a UnixFS DAG (docs/format.md, "Files and directories"), shared by
// `mlchain cid DIR` (fs::import_path) and the work-tree snapshot of status and commit
// (repo::snapshot_work_tree), so that a directory's CID is always its commit's tree. It reads each
// directory once, names sorted; leaves out what core::is_never_in_bundle names; takes a symlink as a
// symlink node or, with WalkOptions::dereference, for what it points to; then hashes the regular files
// (those of one chunk or less whole, on many threads; larger ones through import_file, whose chunks
// spread over every core) and builds the directories from the deepest up, so every block reaches its
// sink after the blocks it links to. What its callers do differently (ignore rules, the stat cache,
// storing contents, the wording of a refusal) they do in a TreeWalkHooks.

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/core/stat_index.hpp"
#include "mlchain/unixfs/block_sink.hpp"
#include "mlchain/unixfs/imported_node.hpp"
#include "mlchain/unixfs/profile.hpp"

namespace mlchain::fs {

// An entry of a directory as it was read: its lstat, a symlink not yet followed. Only what the walk uses
// of the stat is kept, since a directory's whole listing is held while it is read.
struct WalkListing {
  std::string name;
  mode_t mode;
  core::FileStat stat;
};

struct WalkedFile {
  std::string relative;             // below the root, components joined by '/'
  std::filesystem::path source;     // where it is read from: below the root, or where a followed symlink leads
  core::FileStat stat;              // as the walk found it, before reading
  unixfs::ImportedNode node;        // hashed, or given by TreeWalkHooks::reuse
  bool read = false;                // false when TreeWalkHooks::reuse vouched for it
  bool changed_while_read = false;  // its size when read was not the size the walk found
};

struct WalkedSymlink {
  std::string relative;
  std::string target;
  unixfs::ImportedNode node;
};

struct WalkedDirectory {
  std::string relative;  // "" for the root
  std::size_t entries = 0;
  unixfs::ImportedNode node;
};

struct WalkedTree {
  unixfs::ImportedNode root;
  std::vector<WalkedFile> files;
  std::vector<WalkedSymlink> symlinks;
  std::vector<WalkedDirectory> directories;  // pre-order, the root first
  std::uint64_t files_read = 0;              // files not vouched for by TreeWalkHooks::reuse
  std::uint64_t bytes_read = 0;
};

// Where the walk refuses something, for TreeWalkHooks::refuse to name.
struct WalkSite {
  std::string_view relative;            // below the root
  const std::filesystem::path& path;    // the root joined with `relative`
  const std::filesystem::path& source;  // where it was read: past a followed symlink, its real path
  std::string_view target;              // a symlink's target; empty otherwise
};

enum class WalkRefusal : std::uint8_t {
  symlink_loop,         // a followed symlink that never resolves
  dangling_symlink,     // a followed symlink to nothing
  directory_loop,       // a directory reached again below itself through followed symlinks
  link_into_forbidden,  // a followed symlink leading into WalkOptions::refuse_links_into
  unsupported_type,     // neither a regular file, a directory nor a symlink
};

// Every hook has a default that does nothing special: everything found is taken, nothing is stored, and a
// refusal names the path. Hooks other than small_file_read are called from the walking thread.
class TreeWalkHooks {
 public:
  virtual ~TreeWalkHooks() = default;
  // A directory's entries, sorted by name, before any is taken or left out (ignore files are read here).
  virtual Status enter_directory(std::string_view relative, const std::filesystem::path& path,
                                 std::span<const WalkListing> listing);
  // Whether an entry belongs to the tree: asked of the entry as found (a symlink as a symlink), and of a
  // followed symlink again for what it leads to (`followed`, `is_directory` then of that). `depth` counts
  // the components of `relative`.
  virtual Result<bool> include(std::string_view relative, bool is_directory, std::size_t depth, bool followed);
  // The error that ends the walk; the default names WalkSite::path.
  virtual Error refuse(WalkRefusal why, const WalkSite& site);
  // A FIFO, socket or device: {} leaves it out, an error ends the walk (the default: refuse it).
  virtual Status unsupported(const WalkSite& site);
  // The tree as walked (no node set yet), before any file is read.
  virtual Status walked(const WalkedTree& tree);
  // Once a file, in walk order before any file is read: true when the hook has set `file.node` itself (the
  // stat cache vouches for it), and the file is not read.
  virtual Result<bool> reuse(WalkedFile& file);
  // After every reuse(): how many files, of how many bytes, are to be read.
  virtual void start_reading(std::uint64_t files, std::uint64_t bytes);
  // A file of one chunk or less, read whole and hashed; called from several threads at once.
  virtual Status small_file_read(WalkedFile& file, ByteView contents);
  // A larger file, one at a time: begin, then every chunk in file order, then end with `file.node` set.
  virtual Status large_file_begin(WalkedFile& file);
  virtual Status large_file_chunk(WalkedFile& file, ByteView chunk);
  virtual Status large_file_end(WalkedFile& file);
};

struct WalkOptions {
  // Every symlink below the root is taken for what it points to, as `ipfs add --dereference-symlinks` does.
  bool dereference = false;
  // With `dereference`: a real path no followed symlink may lead into (WalkRefusal::link_into_forbidden).
  std::filesystem::path refuse_links_into;
  unsigned small_file_threads = 0;  // 0: one per core
  unsigned large_file_threads = 0;  // import_file's; 0: one per core
};

// The tree below the directory `root` (`root_info` its stat). `file_sink` receives the files' blocks from
// several threads at once, so it must take that; `tree_sink` the directories' and symlinks'.
Result<WalkedTree> walk_tree(const std::filesystem::path& root, const struct stat& root_info,
                             const unixfs::Profile& profile, unixfs::BlockSink& file_sink, unixfs::BlockSink& tree_sink,
                             TreeWalkHooks& hooks, const WalkOptions& options = {});

// Where a symlink leads (realpath(3)) and what lies there; a loop, a dangling link or a link into
// `refuse_links_into` is the error `hooks` words for it.
struct FollowedSymlink {
  std::filesystem::path real_path;
  struct stat info;
};
Result<FollowedSymlink> follow_symlink(const WalkSite& link, TreeWalkHooks& hooks,
                                       const std::filesystem::path& refuse_links_into = {});

// The target of the symlink at `path`.
Result<std::string> symlink_target(const std::filesystem::path& path);

// "cannot <what> <path>: <strerror>" for a path the user gave or that lies below one: a missing one
// (ENOENT, ENOTDIR) is not_found, any other failure invalid_input.
Error input_path_error(int error, std::string_view what, const std::filesystem::path& path);

}  // namespace mlchain::fs
