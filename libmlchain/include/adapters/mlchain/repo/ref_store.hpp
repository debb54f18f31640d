#pragma once
// Branches, tags, remote-tracking refs and HEAD, as small files under `.mlchain/` (docs/format.md): a ref is
// "<cid>\n"; HEAD is "ref: refs/heads/<b>\n" or "<cid>\n" (detached). Every update takes the ref's lock
// file (fs::LockFile, "<ref>.lock") and compares-and-swaps on the old value, so of two writers racing
// on one ref exactly one wins and the other gets ErrorKind::changed_concurrently naming the ref.
//
// Every move of a ref or of HEAD is also appended, under that lock, to its reflog, `.mlchain/logs/HEAD`
// and `.mlchain/logs/refs/…` (docs/format.md): what HEAD and each branch held before, so gc keeps
// commits a move left behind until the entry expires.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlchain/codec/cid.hpp"
#include "mlchain/result.hpp"

namespace mlchain::repo {

// Full ref names: "refs/heads/main", "refs/tags/v1", "refs/remotes/origin/main".
inline constexpr std::string_view heads_prefix = "refs/heads/";
inline constexpr std::string_view tags_prefix = "refs/tags/";
inline constexpr std::string_view remotes_prefix = "refs/remotes/";

struct Head {
  std::optional<std::string> branch;   // set when HEAD names a branch: "main", not "refs/heads/main"
  std::optional<codec::Cid> detached;  // set when HEAD holds a commit CID
  friend bool operator==(const Head&, const Head&) = default;
};

struct NamedRef {
  std::string name;  // full name
  codec::Cid target;
};

// One line of a reflog: a ref or HEAD moved from `old_target` to `new_target`.
struct ReflogEntry {
  std::optional<codec::Cid> old_target;  // nothing: the ref did not exist yet (HEAD: its branch was unborn)
  std::optional<codec::Cid> new_target;  // nothing: the ref was deleted
  std::string user;                      // the local account that moved it
  std::int64_t time = 0;                 // unix seconds
  int utc_offset_minutes = 0;            // of the mover's time zone, for display
  std::string message;                   // one line: what moved it ("commit: …", "checkout: moving from …")
  friend bool operator==(const ReflogEntry&, const ReflogEntry&) = default;
};

// "<old> <new> <user> <time> <±hhmm>\t<message>" without the newline, "-" standing for nothing. Control
// characters in the message become spaces, so an entry is always one line.
std::string format_reflog_entry(const ReflogEntry& entry);
// corrupt when `line` is not such a line.
Result<ReflogEntry> parse_reflog_entry(std::string_view line);

// Names found under `.mlchain/refs/` or `.mlchain/logs/`, and the entries there that are neither a
// regular file nor a directory (FIFOs, symlinks, devices): never opened, each described with its path.
struct DamagedEntry {
  std::filesystem::path path;
  std::string found;  // "a FIFO", "a symbolic link", …
  std::string describe() const { return path.string() + " is " + found; }
};
struct RefListing {
  std::vector<std::string> names;
  std::vector<DamagedEntry> damaged;
};

class RefStore {
 public:
  explicit RefStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The ref's target, or nothing when it does not exist. A file that is not "<cid>\n", or anything at its
  // path that is not a regular file, is corrupt naming it.
  Result<std::optional<codec::Cid>> read(std::string_view name) const;

  // Sets `name` to `target` if it currently holds `expected` (nothing: it must not exist). Otherwise
  // changed_concurrently naming the ref, its actual value, and nothing written. `reason` is the reflog message
  // (empty: "create"/"update"); HEAD's reflog gets the entry too when HEAD names this branch.
  Status compare_and_swap(std::string_view name, const std::optional<codec::Cid>& expected, const codec::Cid& target,
                          std::string_view reason = {});

  // Deletes `name` if it holds `expected`; changed_concurrently otherwise, not_found when it does not exist. Its
  // reflog stays, ending in the deletion, so what the ref reached outlives it until the entries expire.
  Status remove(std::string_view name, const codec::Cid& expected, std::string_view reason = {});

  // Refs whose full name starts with `prefix` (e.g. "refs/heads/"), sorted by name. A malformed ref
  // file fails the whole listing; names() lists without reading them (fsck reports each on its own).
  // Both fail with corrupt when anything under refs/ is neither a file nor a directory:
  // a ref that cannot be read must never look like a ref that does not exist.
  Result<std::vector<NamedRef>> list(std::string_view prefix) const;
  Result<std::vector<std::string>> names(std::string_view prefix) const;
  // names() with the damaged entries listed instead of failing: what fsck reports.
  Result<RefListing> scan(std::string_view prefix) const;

  Result<Head> read_head() const;
  // Points HEAD at `head` if HEAD is still `expected` and stands for `expected_commit`; otherwise changed_concurrently
  // and nothing written. Taken under HEAD's lock, which advance_head takes too, so a commit racing a
  // checkout lands either before the check (and the checkout is refused) or after the switch.
  // `reason` defaults to "checkout: moving from <old> to <new>".
  Status switch_head(const Head& expected, const std::optional<codec::Cid>& expected_commit, const Head& head,
                     std::string_view reason = {});

  // The commit HEAD stands for: the branch's target (nothing while the branch is unborn) or the detached CID.
  Result<std::optional<codec::Cid>> head_commit() const;
  // Moves what HEAD stands for (the current branch, or HEAD itself when detached) from `expected` to
  // `target`, under the same lock and compare-and-swap: what `commit` does last.
  Status advance_head(const std::optional<codec::Cid>& expected, const codec::Cid& target,
                      std::string_view reason = {});

  // The reflog of "HEAD" or of a full ref name, oldest entry first; empty when there is none. A line
  // that does not parse, or a log that is not a regular file, is corrupt naming it.
  Result<std::vector<ReflogEntry>> reflog(std::string_view name) const;
  // Every reflog there is ("HEAD" first, then full ref names, sorted), and the damaged entries of logs/.
  Result<RefListing> scan_reflogs() const;
  // Drops the entries of `name`'s reflog made at or before `cutoff` (unix seconds), rewriting it atomically
  // under the ref's lock; how many were dropped.
  Result<std::size_t> expire_reflog(std::string_view name, std::int64_t cutoff);

  std::filesystem::path path_of(std::string_view name) const { return dir_ / std::string(name); }
  std::filesystem::path reflog_path_of(std::string_view name) const { return dir_ / "logs" / std::string(name); }

 private:
  std::filesystem::path dir_;  // the .mlchain directory
};

}  // namespace mlchain::repo
