#pragma once
// Small file-system helpers the repository's stores share; errors name the path.

#include <filesystem>
#include <functional>
#include <string>

#include "mlchain/bytes.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/result.hpp"

namespace mlchain::repo::disk {

// ENOENT/ENOTDIR → not_found, EEXIST → conflict, anything else → internal.
Error system_error(int error, std::string_view what, const std::filesystem::path& path);

// The whole file; not_found when it does not exist.
Result<Bytes> read_file(const std::filesystem::path& path);

// mkdir -p, flushing each parent whose entries changed, so a new directory survives a power cut.
Status make_directories(const std::filesystem::path& path);
using fs::sync_directory;

// Temporary files are named "….tmp-<pid>-<n>" by this library's writers.
std::string temporary_name(std::string_view stem);

// Checkout writes each file beside its final path as ".<name>.mlchain.tmp-<pid>-<n>" first. The name
// marks it as ours, so a snapshot of the work tree never records one (a killed checkout may leave it, a
// running one has it for a moment) and fsck/gc find the abandoned ones.
std::string work_tree_temporary_name(std::string_view file_name);
bool is_work_tree_temporary(std::string_view file_name);

// Every regular file under `root` (one level of fan-out directories, or none), by name; a missing root
// is an empty store.
Status for_each_stored_file(const std::filesystem::path& root,
                            const std::function<Status(const std::filesystem::path&, const std::string& name)>& visit);

}  // namespace mlchain::repo::disk
