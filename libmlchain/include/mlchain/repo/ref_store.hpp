#pragma once
// Branches, tags, remote-tracking refs and HEAD, as small files under `.mlchain/` (DESIGN §3.3): a ref is
// "<cid>\n"; HEAD is "ref: refs/heads/<b>\n" or "<cid>\n" (detached). Every update takes the ref's lock
// file (fs::LockFile, "<ref>.lock") and compares-and-swaps on the old value, so of two writers racing
// on one ref exactly one wins and the other gets ErrorCode::conflict naming the ref.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlchain/codec/cid.hpp"

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

class RefStore {
 public:
  explicit RefStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The ref's target, or nothing when it does not exist. A file that is not "<cid>\n" is
  // verification_failed naming it.
  Result<std::optional<codec::Cid>> read(std::string_view name) const;

  // Sets `name` to `target` if it currently holds `expected` (nothing: it must not exist). Otherwise
  // conflict naming the ref, its actual value, and nothing written.
  Status compare_and_swap(std::string_view name, const std::optional<codec::Cid>& expected,
                          const codec::Cid& target);

  // Deletes `name` if it holds `expected`; conflict otherwise, not_found when it does not exist.
  Status remove(std::string_view name, const codec::Cid& expected);

  // Refs whose full name starts with `prefix` (e.g. "refs/heads/"), sorted by name. A malformed ref
  // file fails the whole listing; names() lists without reading them (fsck reports each on its own).
  Result<std::vector<NamedRef>> list(std::string_view prefix) const;
  Result<std::vector<std::string>> names(std::string_view prefix) const;

  Result<Head> read_head() const;
  // Points HEAD at `head` if HEAD is still `expected` and stands for `expected_commit`; otherwise conflict
  // and nothing written. Taken under HEAD's lock, which advance_head takes too, so a commit racing a
  // checkout lands either before the check (and the checkout is refused) or after the switch.
  Status switch_head(const Head& expected, const std::optional<codec::Cid>& expected_commit, const Head& head);

  // The commit HEAD stands for: the branch's target (nothing while the branch is unborn) or the detached CID.
  Result<std::optional<codec::Cid>> head_commit() const;
  // Moves what HEAD stands for (the current branch, or HEAD itself when detached) from `expected` to
  // `target`, under the same lock and compare-and-swap: what `commit` does last.
  Status advance_head(const std::optional<codec::Cid>& expected, const codec::Cid& target);

  std::filesystem::path path_of(std::string_view name) const { return dir_ / std::string(name); }

 private:
  std::filesystem::path dir_;  // the .mlchain directory
};

}  // namespace mlchain::repo
