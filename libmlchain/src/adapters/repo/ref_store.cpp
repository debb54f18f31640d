#include "mlchain/repo/ref_store.hpp"

#include <unistd.h>

#include <algorithm>

#include "disk.hpp"
#include "mlchain/core/revision.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/fs/lock_file.hpp"

namespace mlchain::repo {
namespace {

constexpr std::string_view head_branch_prefix = "ref: refs/heads/";

Status check_full_name(std::string_view name) {
  if (name.substr(0, 5) != "refs/")
    return make_error(ErrorCode::usage, "'" + std::string(name) + "' is not a ref name (refs/…)");
  return core::check_ref_name(name);
}

Error malformed(std::string_view what, const std::filesystem::path& path) {
  return make_error(ErrorCode::verification_failed, std::string(what) + " is malformed: " + path.string() +
                                                        " should hold one CID and a newline");
}

Result<std::optional<std::string>> read_text(const std::filesystem::path& path) {
  auto bytes = disk::read_stored_file(path, disk::max_ref_bytes);
  if (!bytes) {
    if (bytes.error().code == ErrorCode::not_found) return std::optional<std::string>();
    return std::move(bytes).error();
  }
  return std::optional<std::string>(std::string(bytes->begin(), bytes->end()));
}

std::optional<codec::Cid> parse_cid_line(std::string_view text) {
  if (text.empty() || text.back() != '\n') return std::nullopt;
  text.remove_suffix(1);
  auto cid = codec::Cid::parse(text);
  if (!cid || cid->to_string() != text) return std::nullopt;
  return *cid;
}

Status write_cid(const std::filesystem::path& path, const codec::Cid& cid) {
  MLCHAIN_TRY_STATUS(disk::make_directories(path.parent_path()));
  return fs::write_file_atomically(path, as_bytes(cid.to_string() + "\n"));
}

std::string describe(const std::optional<codec::Cid>& value) { return value ? value->to_string() : "nothing"; }

}  // namespace

Result<std::optional<codec::Cid>> RefStore::read(std::string_view name) const {
  MLCHAIN_TRY_STATUS(check_full_name(name));
  const auto path = path_of(name);
  MLCHAIN_TRY(auto text, read_text(path));
  if (!text) return std::optional<codec::Cid>();
  auto cid = parse_cid_line(*text);
  if (!cid) return malformed("ref " + std::string(name), path);
  return std::optional<codec::Cid>(*cid);
}

Status RefStore::compare_and_swap(std::string_view name, const std::optional<codec::Cid>& expected,
                                  const codec::Cid& target) {
  MLCHAIN_TRY_STATUS(check_full_name(name));
  const auto path = path_of(name);
  MLCHAIN_TRY_STATUS(disk::make_directories(path.parent_path()));
  MLCHAIN_TRY(auto lock, fs::LockFile::acquire(path));
  MLCHAIN_TRY(auto current, read(name));
  if (current != expected)
    return make_error(ErrorCode::conflict, "ref " + std::string(name) + " holds " + describe(current) + ", not " +
                                               describe(expected) + " as expected (it moved meanwhile); nothing was written");
  return write_cid(path, target);
}

Status RefStore::remove(std::string_view name, const codec::Cid& expected) {
  MLCHAIN_TRY_STATUS(check_full_name(name));
  const auto path = path_of(name);
  MLCHAIN_TRY(auto lock, fs::LockFile::acquire(path));
  MLCHAIN_TRY(auto current, read(name));
  if (!current) return make_error(ErrorCode::not_found, "ref " + std::string(name) + " does not exist");
  if (*current != expected)
    return make_error(ErrorCode::conflict, "ref " + std::string(name) + " holds " + describe(current) + ", not " +
                                               expected.to_string() + " as expected (it moved meanwhile); nothing was deleted");
  if (::unlink(path.c_str()) != 0) return disk::system_error(errno, "delete", path);
  return disk::sync_directory(path.parent_path());
}

Result<std::vector<std::string>> RefStore::names(std::string_view prefix) const {
  std::vector<std::string> names;
  const auto root = dir_ / "refs";
  std::error_code error;
  std::filesystem::recursive_directory_iterator walk(root, error);
  if (error) {
    if (error == std::errc::no_such_file_or_directory) return names;
    return make_error(ErrorCode::verification_failed, "cannot read " + root.string() + ": " + error.message());
  }
  // Every entry that is not a directory is a ref, whatever it is: reading one that is a symlink, a FIFO or
  // unreadable reports it, where skipping it would hide a branch (and let gc delete its commits).
  for (std::filesystem::recursive_directory_iterator end; walk != end; walk.increment(error)) {
    if (error) break;
    std::error_code ignored;
    if (walk->symlink_status(ignored).type() == std::filesystem::file_type::directory) continue;
    std::string name = walk->path().lexically_relative(dir_).generic_string();
    // Lock files and temporary files are not refs, and their names say so.
    if (name.substr(0, prefix.size()) != prefix || !check_full_name(name).ok()) continue;
    names.push_back(std::move(name));
  }
  if (error) return make_error(ErrorCode::verification_failed, "cannot read " + root.string() + ": " + error.message());
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<NamedRef>> RefStore::list(std::string_view prefix) const {
  MLCHAIN_TRY(auto found, names(prefix));
  std::vector<NamedRef> refs;
  for (auto& name : found) {
    MLCHAIN_TRY(auto target, read(name));
    if (target) refs.push_back({std::move(name), *target});
  }
  return refs;
}

Result<Head> RefStore::read_head() const {
  const auto path = dir_ / "HEAD";
  MLCHAIN_TRY(auto text, read_text(path));
  if (!text) return make_error(ErrorCode::verification_failed, "HEAD is missing: " + path.string() + " does not exist");
  if (text->substr(0, head_branch_prefix.size()) == head_branch_prefix && text->back() == '\n') {
    std::string branch = text->substr(head_branch_prefix.size(), text->size() - head_branch_prefix.size() - 1);
    if (!core::check_ref_name(branch).ok())
      return make_error(ErrorCode::verification_failed, "HEAD names an invalid branch: " + path.string());
    return Head{std::move(branch), std::nullopt};
  }
  auto cid = parse_cid_line(*text);
  if (!cid)
    return make_error(ErrorCode::verification_failed,
                      "HEAD is malformed: " + path.string() + " should hold \"ref: refs/heads/<branch>\" or a CID");
  return Head{std::nullopt, *cid};
}

Status RefStore::switch_head(const Head& expected, const std::optional<codec::Cid>& expected_commit,
                             const Head& head) {
  std::string text;
  if (head.branch) {
    MLCHAIN_TRY_STATUS(core::check_ref_name(*head.branch));
    text = std::string(head_branch_prefix) + *head.branch + "\n";
  } else if (head.detached) {
    text = head.detached->to_string() + "\n";
  } else {
    return make_error(ErrorCode::internal, "HEAD must name a branch or a commit");
  }
  const auto path = dir_ / "HEAD";
  MLCHAIN_TRY(auto lock, fs::LockFile::acquire(path));
  MLCHAIN_TRY(const auto current, read_head());
  MLCHAIN_TRY(const auto current_commit, head_commit());
  if (current != expected || current_commit != expected_commit)
    return make_error(ErrorCode::conflict, "HEAD moved meanwhile (now at " + describe(current_commit) + ", expected " +
                                               describe(expected_commit) + "); HEAD was not changed");
  return fs::write_file_atomically(path, as_bytes(text));
}

Result<std::optional<codec::Cid>> RefStore::head_commit() const {
  MLCHAIN_TRY(auto head, read_head());
  if (head.detached) return std::optional<codec::Cid>(*head.detached);
  return read(std::string(heads_prefix) + *head.branch);
}

Status RefStore::advance_head(const std::optional<codec::Cid>& expected, const codec::Cid& target) {
  const auto path = dir_ / "HEAD";
  MLCHAIN_TRY(auto lock, fs::LockFile::acquire(path));
  MLCHAIN_TRY(auto head, read_head());
  if (head.branch) return compare_and_swap(std::string(heads_prefix) + *head.branch, expected, target);
  if (head.detached != expected)
    return make_error(ErrorCode::conflict, "HEAD holds " + describe(head.detached) + ", not " + describe(expected) +
                                               " as expected (it moved meanwhile); nothing was written");
  return fs::write_file_atomically(path, as_bytes(target.to_string() + "\n"));
}

}  // namespace mlchain::repo
