#pragma once
// Small file-system helpers the repository's stores share; errors name the path.

#include <filesystem>
#include <functional>
#include <string>

#include "mlchain/bytes.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/result.hpp"

namespace mlchain::repo::disk {

// ENOENT/ENOTDIR → not_found, EEXIST → exists, anything else → internal.
Error system_error(int error, std::string_view what, const std::filesystem::path& path);
// For a failed read or stat of `.mlchain/`'s own files: ENOENT/ENOTDIR → not_found, running out of memory
// or descriptors → internal, anything else (permissions, I/O errors, loops) → corrupt.
Error stored_file_error(int error, std::string_view what, const std::filesystem::path& path);

// The whole file; not_found when it does not exist.
Result<Bytes> read_file(const std::filesystem::path& path);

// The most a read of one of `.mlchain/`'s own files may return (blocks have their own cap in
// object_store.cpp): a damaged store (a huge file, a symlink to /dev/zero) is corruption, never a
// reader allocating without bound.
inline constexpr std::uint64_t max_ref_bytes = 4096;
// A reflog grows by a line (about 250 bytes) with every move of its ref, for as long as the repository lives.
inline constexpr std::uint64_t max_reflog_bytes = std::uint64_t{1} << 30;
inline constexpr std::uint64_t max_config_bytes = std::uint64_t{1} << 20;
inline constexpr std::uint64_t max_index_bytes = std::uint64_t{1} << 30;

// A file of `.mlchain/` (docs/format.md): not_found when it does not exist; anything else that is not a
// readable regular file of at most `max_bytes` (a symlink, a FIFO, a directory, an unreadable or oversized
// file) is corrupt naming the path. Never follows a symlink, never blocks on a FIFO.
Result<Bytes> read_stored_file(const std::filesystem::path& path, std::uint64_t max_bytes);

// mkdir -p, flushing each parent whose entries changed, so a new directory survives a power cut. A
// non-directory in the way is corruption (ErrorKind::corrupt) naming it.
Status make_directories(const std::filesystem::path& path);
// The same without the flushes, for a writer that flushes the whole file system before anything it wrote
// there is named by a ref (ContentWriter::commit).
Status make_directories_unflushed(const std::filesystem::path& path);
using fs::sync_directory;

// Temporary files are named "….tmp-<pid>-<n>" by this library's writers.
std::string temporary_name(std::string_view stem);

// Checkout writes each file beside its final path as ".<name>.mlchain.tmp-<pid>-<n>" first. The name
// marks it as ours, so a snapshot of the work tree never records one (a killed checkout may leave it, a
// running one has it for a moment) and fsck/gc find the abandoned ones.
std::string work_tree_temporary_name(std::string_view file_name);
bool is_work_tree_temporary(std::string_view file_name);

// Every entry under `root` that is not a directory (one level of fan-out directories, or none), by name;
// a missing root is an empty store. Symlinks are visited, never followed; a directory that cannot be
// listed is corrupt naming it.
Status for_each_stored_file(const std::filesystem::path& root,
                            const std::function<Status(const std::filesystem::path&, const std::string& name)>& visit);

}  // namespace mlchain::repo::disk
