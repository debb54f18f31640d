#pragma once
// Whether a tree can be written into a work tree without reaching outside it. A tree comes from a
// repository, a clone or an import, so it is untrusted input: checkout refuses it, before writing
// anything, when an entry could land outside the work tree or inside `.mlchain/`.

#include <optional>
#include <string>
#include <vector>

#include "mlchain/core/tree.hpp"

namespace mlchain::core {

// Unsafe: a path that is empty, absolute, or has an empty, "." or ".." component; ".mlchain" or another
// name core::is_never_in_bundle gives (".git", ".hg", …), in any letter case, as any component; the same path twice; an
// entry below a file, a symlink or an empty directory; a tree that is a single file or symlink rather than a directory;
// a symlink whose target is absolute, climbs out of the work tree when resolved lexically from the symlink's directory,
// or climbs ("..") after passing through a component that is itself a symlink of the tree (where the lexical and the
// real parent differ). ErrorKind::corrupt "unsafe path '<path>' in tree <tree>: <why>" for the first such entry.
Status check_checkout_safety(const std::vector<TreeEntry>& entries, const codec::Cid& tree);

// The first entry check_checkout_safety would refuse, and why; commit asks before it stores anything.
struct UnsafeEntry {
  std::string path;
  std::string why;
  bool symlink_target = false;  // the entry is fine but for where its symlink points
};
std::optional<UnsafeEntry> find_unsafe_entry(const std::vector<TreeEntry>& entries);

}  // namespace mlchain::core
