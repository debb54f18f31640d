#include "mlchain/repo/ref_store.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <ctime>

#include "disk.hpp"
#include "mlchain/core/revision.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/fs/lock_file.hpp"

namespace mlchain::repo {
namespace {

constexpr std::string_view head_branch_prefix = "ref: refs/heads/";

Status check_full_name(std::string_view name) {
  if (name.substr(0, 5) != "refs/")
    return make_error(ErrorKind::invalid_argument, "'" + std::string(name) + "' is not a ref name (refs/…)");
  return core::check_ref_name(name);
}

Error malformed(std::string_view what, const std::filesystem::path& path) {
  return make_error(ErrorKind::corrupt,
                    std::string(what) + " is malformed: " + path.string() + " should hold one CID and a newline");
}

Result<std::optional<std::string>> read_text(const std::filesystem::path& path, std::uint64_t max_bytes) {
  auto bytes = disk::read_stored_file(path, max_bytes);
  if (!bytes) {
    if (bytes.error().kind == ErrorKind::not_found) return std::optional<std::string>();
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

// What lstat finds at `path` when it is there and is not a regular file; nothing otherwise. Refs, HEAD
// and logs are opened only when they are regular files: a FIFO would block the reader forever, and a
// symlink could lead anywhere.
std::optional<std::string> irregular(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || S_ISREG(info.st_mode)) return std::nullopt;
  if (S_ISDIR(info.st_mode)) return "a directory";
  if (S_ISLNK(info.st_mode)) return "a symbolic link";
  if (S_ISFIFO(info.st_mode)) return "a FIFO";
  if (S_ISSOCK(info.st_mode)) return "a socket";
  return "a device";
}

// What lstat finds at `path` when it is there and is not a directory; nothing otherwise. A regular file
// where refs/heads or logs belongs is as damaged as a FIFO there: opening a branch below it fails with
// ENOTDIR, which must not read as a branch that does not exist.
std::optional<std::string> not_a_directory(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || S_ISDIR(info.st_mode)) return std::nullopt;
  if (S_ISREG(info.st_mode)) return "a regular file";
  return irregular(path);
}

Error not_a_file(std::string_view what, const std::filesystem::path& path, const std::string& found) {
  return make_error(ErrorKind::corrupt, std::string(what) + " cannot be read: " + path.string() + " is " + found +
                                            ", not a file (move it away, then run 'mlchain fsck')");
}

// The directories between the .mlchain directory `dir` and `path` must be directories: a FIFO or a
// symlink at refs/heads would otherwise make every branch under it read as one that does not exist.
Status check_parents(const std::filesystem::path& dir, const std::filesystem::path& path) {
  for (auto parent = path.parent_path(); parent != dir && parent.has_relative_path() && parent != parent.parent_path();
       parent = parent.parent_path())
    if (auto found = not_a_directory(parent))
      return make_error(ErrorKind::corrupt, path.string() + " cannot be read: " + parent.string() + " is " + *found +
                                                ", not a directory (move it away, then run 'mlchain fsck')");
  return {};
}

Result<std::optional<std::string>> read_regular_text(std::string_view what, const std::filesystem::path& dir,
                                                     const std::filesystem::path& path,
                                                     std::uint64_t max_bytes = disk::max_ref_bytes) {
  MLCHAIN_TRY_STATUS(check_parents(dir, path));
  if (auto found = irregular(path)) return not_a_file(what, path, *found);
  return read_text(path, max_bytes);
}

std::string optional_cid_text(const std::optional<codec::Cid>& cid) { return cid ? cid->to_string() : "-"; }

Result<std::optional<codec::Cid>> parse_optional_cid(std::string_view text) {
  if (text == "-") return std::optional<codec::Cid>();
  auto cid = codec::Cid::parse(text);
  if (!cid || cid->to_string() != text)
    return make_error(ErrorKind::corrupt, "'" + std::string(text) + "' is not a CID");
  return std::optional<codec::Cid>(*cid);
}

std::string current_user() {
  std::string name;
  struct passwd entry {};
  struct passwd* found = nullptr;
  char buffer[4096];
  if (::getpwuid_r(::geteuid(), &entry, buffer, sizeof buffer, &found) == 0 && found && found->pw_name)
    name = found->pw_name;
  if (name.empty()) name = "uid-" + std::to_string(::geteuid());
  for (auto& c : name)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) c = '_';
  return name;
}

ReflogEntry entry_now(const std::optional<codec::Cid>& old_target, const std::optional<codec::Cid>& new_target,
                      std::string message) {
  ReflogEntry entry{old_target, new_target,        current_user(), static_cast<std::int64_t>(std::time(nullptr)),
                    0,          std::move(message)};
  const std::time_t now = static_cast<std::time_t>(entry.time);
  struct tm local {};
  if (::localtime_r(&now, &local)) entry.utc_offset_minutes = static_cast<int>(local.tm_gmtoff / 60);
  return entry;
}

// One line, one write(2) on an O_APPEND descriptor, then fsync: concurrent appenders never interleave
// within a line, and an entry that was reported written survives a power cut.
Status append_line(const std::filesystem::path& path, const std::string& line) {
  MLCHAIN_TRY_STATUS(disk::make_directories(path.parent_path()));
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd < 0) {
    if (errno == ELOOP || errno == ENXIO || errno == EISDIR)
      return not_a_file("reflog", path, irregular(path).value_or("not a file"));
    return disk::system_error(errno, "append to", path);
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return not_a_file("reflog", path, "not a regular file");
  }
  const bool created = info.st_size == 0;
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return disk::system_error(error, "append to", path);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    return disk::system_error(error, "sync", path);
  }
  ::close(fd);
  return created ? disk::sync_directory(path.parent_path()) : Status{};
}

std::string head_description(const Head& head) {
  if (head.branch) return *head.branch;
  return head.detached ? head.detached->to_string() : "nothing";
}

// Walks `root` (a directory under the .mlchain directory `dir`) without following anything: regular
// files are listed by their path relative to `dir`, what is neither a file nor a directory is damaged.
Result<RefListing> walk_names(const std::filesystem::path& dir, const std::filesystem::path& root) {
  RefListing listing;
  if (auto found = not_a_directory(root)) {
    listing.damaged.push_back({root, *found + ", not a directory"});
    return listing;
  }
  std::error_code error;
  std::filesystem::recursive_directory_iterator walk(root, error);
  if (error) {
    if (error == std::errc::no_such_file_or_directory) return listing;
    return make_error(ErrorKind::corrupt, "cannot read " + root.string() + ": " + error.message());
  }
  for (std::filesystem::recursive_directory_iterator end; walk != end; walk.increment(error)) {
    if (error) return make_error(ErrorKind::corrupt, "cannot read " + root.string() + ": " + error.message());
    const auto type = walk->symlink_status(error).type();
    if (type == std::filesystem::file_type::directory) continue;
    if (type == std::filesystem::file_type::regular) {
      listing.names.push_back(walk->path().lexically_relative(dir).generic_string());
      continue;
    }
    if (auto found = irregular(walk->path())) listing.damaged.push_back({walk->path(), *found});
  }
  if (error) return make_error(ErrorKind::corrupt, "cannot read " + root.string() + ": " + error.message());
  std::sort(listing.names.begin(), listing.names.end());
  return listing;
}

// Lock files and temporary files are not refs, and their names say so.
bool is_ref_name(std::string_view name) { return check_full_name(name).ok(); }

}  // namespace

std::string format_reflog_entry(const ReflogEntry& entry) {
  std::string message = entry.message;
  for (auto& c : message)
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) c = ' ';
  const int offset = entry.utc_offset_minutes < 0 ? -entry.utc_offset_minutes : entry.utc_offset_minutes;
  char zone[8];
  std::snprintf(zone, sizeof zone, "%c%02d%02d", entry.utc_offset_minutes < 0 ? '-' : '+', (offset / 60) % 100,
                offset % 60);
  return optional_cid_text(entry.old_target) + " " + optional_cid_text(entry.new_target) + " " + entry.user + " " +
         std::to_string(entry.time) + " " + zone + "\t" + message;
}

Result<ReflogEntry> parse_reflog_entry(std::string_view line) {
  auto bad = [&](std::string_view why) {
    return make_error(ErrorKind::corrupt, "malformed reflog entry (" + std::string(why) + ")");
  };
  const auto tab = line.find('\t');
  if (tab == std::string_view::npos) return bad("no tab before the message");
  std::vector<std::string_view> fields;
  for (std::string_view rest = line.substr(0, tab); !rest.empty();) {
    const auto space = rest.find(' ');
    fields.push_back(rest.substr(0, space));
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  if (fields.size() != 5) return bad("expected <old> <new> <user> <time> <zone>");
  ReflogEntry entry;
  auto old_target = parse_optional_cid(fields[0]);
  auto new_target = parse_optional_cid(fields[1]);
  if (!old_target || !new_target) return bad("a target is neither a CID nor '-'");
  entry.old_target = *old_target;
  entry.new_target = *new_target;
  if (fields[2].empty()) return bad("no user");
  entry.user = std::string(fields[2]);
  const auto time = fields[3];
  if (time.empty() ||
      std::from_chars(time.data(), time.data() + time.size(), entry.time).ptr != time.data() + time.size())
    return bad("the time is not a number");
  const auto zone = fields[4];
  if (zone.size() != 5 || (zone[0] != '+' && zone[0] != '-') ||
      zone.substr(1).find_first_not_of("0123456789") != std::string_view::npos)
    return bad("the zone is not ±hhmm");
  const int minutes = ((zone[1] - '0') * 10 + (zone[2] - '0')) * 60 + (zone[3] - '0') * 10 + (zone[4] - '0');
  entry.utc_offset_minutes = zone[0] == '-' ? -minutes : minutes;
  entry.message = std::string(line.substr(tab + 1));
  for (const char c : entry.message)
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) return bad("a control character in the message");
  return entry;
}

Result<std::optional<codec::Cid>> RefStore::read(std::string_view name) const {
  MLCHAIN_TRY_STATUS(check_full_name(name));
  const auto path = path_of(name);
  MLCHAIN_TRY(auto text, read_regular_text("ref " + std::string(name), dir_, path));
  if (!text) return std::optional<codec::Cid>();
  auto cid = parse_cid_line(*text);
  if (!cid) return malformed("ref " + std::string(name), path);
  return std::optional<codec::Cid>(*cid);
}

Status RefStore::compare_and_swap(std::string_view name, const std::optional<codec::Cid>& expected,
                                  const codec::Cid& target, std::string_view reason) {
  MLCHAIN_TRY_STATUS(check_full_name(name));
  const auto path = path_of(name);
  MLCHAIN_TRY_STATUS(check_parents(dir_, path));
  MLCHAIN_TRY_STATUS(check_parents(dir_, reflog_path_of(name)));
  MLCHAIN_TRY_STATUS(disk::make_directories(path.parent_path()));
  MLCHAIN_TRY(auto lock, fs::LockFile::acquire(path));
  MLCHAIN_TRY(auto current, read(name));
  if (current != expected)
    return make_error(ErrorKind::changed_concurrently, "ref " + std::string(name) + " holds " + describe(current) +
                                                           ", not " + describe(expected) +
                                                           " as expected (it moved meanwhile); nothing was written");
  // The log is written first: an entry for a move that then failed only keeps more for gc.
  const auto entry = entry_now(current, target, reason.empty() ? (current ? "update" : "create") : std::string(reason));
  MLCHAIN_TRY_STATUS(append_line(reflog_path_of(name), format_reflog_entry(entry) + "\n"));
  if (auto head = read_head(); head && head->branch && std::string(heads_prefix) + *head->branch == name)
    MLCHAIN_TRY_STATUS(append_line(reflog_path_of("HEAD"), format_reflog_entry(entry) + "\n"));
  return write_cid(path, target);
}

Status RefStore::remove(std::string_view name, const codec::Cid& expected, std::string_view reason) {
  MLCHAIN_TRY_STATUS(check_full_name(name));
  const auto path = path_of(name);
  MLCHAIN_TRY_STATUS(check_parents(dir_, path));
  MLCHAIN_TRY_STATUS(check_parents(dir_, reflog_path_of(name)));
  MLCHAIN_TRY(auto lock, fs::LockFile::acquire(path));
  MLCHAIN_TRY(auto current, read(name));
  if (!current) return make_error(ErrorKind::not_found, "ref " + std::string(name) + " does not exist");
  if (*current != expected)
    return make_error(ErrorKind::changed_concurrently, "ref " + std::string(name) + " holds " + describe(current) +
                                                           ", not " + expected.to_string() +
                                                           " as expected (it moved meanwhile); nothing was deleted");
  const auto entry = entry_now(current, std::nullopt, reason.empty() ? "delete" : std::string(reason));
  MLCHAIN_TRY_STATUS(append_line(reflog_path_of(name), format_reflog_entry(entry) + "\n"));
  if (::unlink(path.c_str()) != 0) return disk::system_error(errno, "delete", path);
  return disk::sync_directory(path.parent_path());
}

Result<RefListing> RefStore::scan(std::string_view prefix) const {
  MLCHAIN_TRY(auto listing, walk_names(dir_, dir_ / "refs"));
  std::erase_if(listing.names,
                [&](const std::string& name) { return !name.starts_with(prefix) || !is_ref_name(name); });
  // A file where a directory of `prefix` belongs (refs/heads a regular file) hides every ref below it.
  for (auto slash = prefix.find('/'); slash != std::string_view::npos; slash = prefix.find('/', slash + 1)) {
    const auto directory = dir_ / std::string(prefix.substr(0, slash));
    if (auto found = not_a_directory(directory)) {
      listing.damaged.push_back({directory, *found + ", not a directory"});
      break;
    }
  }
  return listing;
}

Result<std::vector<std::string>> RefStore::names(std::string_view prefix) const {
  MLCHAIN_TRY(auto listing, scan(prefix));
  if (!listing.damaged.empty())
    return make_error(ErrorKind::corrupt, "a ref cannot be read: " + listing.damaged.front().describe() +
                                              " (move it away, then run 'mlchain fsck')");
  return std::move(listing.names);
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
  MLCHAIN_TRY(auto text, read_regular_text("HEAD", dir_, path));
  if (!text) return make_error(ErrorKind::corrupt, "HEAD is missing: " + path.string() + " does not exist");
  if (text->substr(0, head_branch_prefix.size()) == head_branch_prefix && text->back() == '\n') {
    std::string branch = text->substr(head_branch_prefix.size(), text->size() - head_branch_prefix.size() - 1);
    if (!core::check_ref_name(branch).ok())
      return make_error(ErrorKind::corrupt, "HEAD names an invalid branch: " + path.string());
    return Head{std::move(branch), std::nullopt};
  }
  auto cid = parse_cid_line(*text);
  if (!cid)
    return make_error(ErrorKind::corrupt,
                      "HEAD is malformed: " + path.string() + " should hold \"ref: refs/heads/<branch>\" or a CID");
  return Head{std::nullopt, *cid};
}

Status RefStore::switch_head(const Head& expected, const std::optional<codec::Cid>& expected_commit, const Head& head,
                             std::string_view reason) {
  std::string text;
  if (head.branch) {
    MLCHAIN_TRY_STATUS(core::check_ref_name(*head.branch));
    text = std::string(head_branch_prefix) + *head.branch + "\n";
  } else if (head.detached) {
    text = head.detached->to_string() + "\n";
  } else {
    return make_error(ErrorKind::internal, "HEAD must name a branch or a commit");
  }
  const auto path = dir_ / "HEAD";
  MLCHAIN_TRY(auto lock, fs::LockFile::acquire(path));
  MLCHAIN_TRY(const auto current, read_head());
  MLCHAIN_TRY(const auto current_commit, head_commit());
  if (current != expected || current_commit != expected_commit)
    return make_error(ErrorKind::changed_concurrently, "HEAD moved meanwhile (now at " + describe(current_commit) +
                                                           ", expected " + describe(expected_commit) +
                                                           "); HEAD was not changed");
  std::optional<codec::Cid> new_commit = head.detached;
  if (head.branch) {
    MLCHAIN_TRY(auto branch_target, read(std::string(heads_prefix) + *head.branch));
    new_commit = branch_target;
  }
  const auto entry =
      entry_now(current_commit, new_commit,
                reason.empty() ? "checkout: moving from " + head_description(current) + " to " + head_description(head)
                               : std::string(reason));
  MLCHAIN_TRY_STATUS(check_parents(dir_, reflog_path_of("HEAD")));
  MLCHAIN_TRY_STATUS(append_line(reflog_path_of("HEAD"), format_reflog_entry(entry) + "\n"));
  return fs::write_file_atomically(path, as_bytes(text));
}

Result<std::optional<codec::Cid>> RefStore::head_commit() const {
  MLCHAIN_TRY(auto head, read_head());
  if (head.detached) return std::optional<codec::Cid>(*head.detached);
  return read(std::string(heads_prefix) + *head.branch);
}

Status RefStore::advance_head(const std::optional<codec::Cid>& expected, const codec::Cid& target,
                              std::string_view reason) {
  const auto path = dir_ / "HEAD";
  MLCHAIN_TRY(auto lock, fs::LockFile::acquire(path));
  MLCHAIN_TRY(auto head, read_head());
  const std::string message = reason.empty() ? "commit" : std::string(reason);
  if (head.branch) return compare_and_swap(std::string(heads_prefix) + *head.branch, expected, target, message);
  if (head.detached != expected)
    return make_error(ErrorKind::changed_concurrently, "HEAD holds " + describe(head.detached) + ", not " +
                                                           describe(expected) +
                                                           " as expected (it moved meanwhile); nothing was written");
  MLCHAIN_TRY_STATUS(check_parents(dir_, reflog_path_of("HEAD")));
  MLCHAIN_TRY_STATUS(
      append_line(reflog_path_of("HEAD"), format_reflog_entry(entry_now(expected, target, message)) + "\n"));
  return fs::write_file_atomically(path, as_bytes(target.to_string() + "\n"));
}

Result<std::vector<ReflogEntry>> RefStore::reflog(std::string_view name) const {
  if (name != "HEAD") MLCHAIN_TRY_STATUS(check_full_name(name));
  const auto path = reflog_path_of(name);
  MLCHAIN_TRY(auto text, read_regular_text("reflog of " + std::string(name), dir_, path, disk::max_reflog_bytes));
  std::vector<ReflogEntry> entries;
  if (!text) return entries;
  std::size_t start = 0;
  for (std::size_t number = 1; start < text->size(); ++number) {
    const auto end = text->find('\n', start);
    if (end == std::string::npos)
      return make_error(ErrorKind::corrupt, path.string() + ":" + std::to_string(number) +
                                                ": malformed reflog entry (cut short: no newline)");
    auto entry = parse_reflog_entry(std::string_view(*text).substr(start, end - start));
    if (!entry)
      return make_error(ErrorKind::corrupt,
                        path.string() + ":" + std::to_string(number) + ": " + entry.error().message);
    entries.push_back(std::move(entry).value());
    start = end + 1;
  }
  return entries;
}

Result<RefListing> RefStore::scan_reflogs() const {
  RefListing listing;
  if (auto found = not_a_directory(dir_ / "logs")) {
    listing.damaged.push_back({dir_ / "logs", *found + ", not a directory"});
    return listing;
  }
  if (auto found = irregular(reflog_path_of("HEAD")))
    listing.damaged.push_back({reflog_path_of("HEAD"), *found});
  else if (::access(reflog_path_of("HEAD").c_str(), F_OK) == 0)
    listing.names.push_back("HEAD");
  MLCHAIN_TRY(auto refs, walk_names(dir_ / "logs", dir_ / "logs" / "refs"));
  for (auto& name : refs.names)
    if (is_ref_name(name)) listing.names.push_back(std::move(name));
  for (auto& damaged : refs.damaged) listing.damaged.push_back(std::move(damaged));
  return listing;
}

Result<std::size_t> RefStore::expire_reflog(std::string_view name, std::int64_t cutoff) {
  if (name != "HEAD") MLCHAIN_TRY_STATUS(check_full_name(name));
  // The ref's own lock, which every append to its log holds; a deleted ref's directory may be gone.
  const auto ref_path = name == "HEAD" ? dir_ / "HEAD" : path_of(name);
  MLCHAIN_TRY_STATUS(check_parents(dir_, ref_path));
  MLCHAIN_TRY_STATUS(disk::make_directories(ref_path.parent_path()));
  MLCHAIN_TRY(auto lock, fs::LockFile::acquire(ref_path));
  MLCHAIN_TRY(const auto entries, reflog(name));
  std::string kept;
  std::size_t dropped = 0;
  for (const auto& entry : entries) {
    if (entry.time <= cutoff) {
      ++dropped;
      continue;
    }
    kept += format_reflog_entry(entry) + "\n";
  }
  if (dropped == 0) return dropped;
  MLCHAIN_TRY_STATUS(fs::write_file_atomically(reflog_path_of(name), as_bytes(kept)));
  return dropped;
}

}  // namespace mlchain::repo
