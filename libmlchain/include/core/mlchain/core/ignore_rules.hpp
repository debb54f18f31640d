#pragma once
// `.mlchainignore` files (docs/format.md), in gitignore syntax: '#' comments, '!' negation, a trailing '/'
// for directories only, a leading or inner '/' anchoring the pattern to the file's directory, '*', '?',
// '[...]' classes and '**' across directories; backslash escapes the next character. A file applies to
// its directory and everything below; of all patterns that match a path, the last one read decides, and
// files deeper in the tree are read after those above them.

#include <string>
#include <string_view>
#include <vector>

namespace mlchain::core {

inline constexpr const char* ignore_file_name = ".mlchainignore";

// Whether an entry of this name is left out of every bundle wherever it sits, whatever the ignore files
// say: the repository's own `.mlchain` and the metadata of version-control systems (`.git`, directory or
// worktree file, `.hg`, `.svn`, `.bzr`, `.jj`, `.pijul`, `.sl`, `_darcs`, `.fslckout`, `_FOSSIL_`), which
// a checkout must never rewind (docs/format.md, "Files and directories").
bool is_never_in_bundle(std::string_view name);

class IgnoreRules {
 public:
  // Adds the patterns of the ignore file found in `directory` (relative, '/'-separated; "" for the work
  // tree's root). Parents' files must be added before their subdirectories'.
  void add(std::string_view directory, std::string_view contents);

  // Whether `path` (relative, '/'-separated) is left out. Only the path itself is matched: like git, a
  // walker never descends into an ignored directory, so nothing inside one can be brought back.
  bool ignored(std::string_view path, bool is_directory) const;

  bool empty() const { return patterns_.empty(); }

 private:
  struct Pattern {
    std::string base;  // the ignore file's directory, "" for the root
    std::string glob;
    bool negated = false;
    bool directory_only = false;
    bool anchored = false;  // matched against the path below `base`, not just the last component
  };
  std::vector<Pattern> patterns_;
};

// gitignore's wildmatch with pathname semantics: '*' and '?' and classes never match '/', while "**/"
// (at the start or after '/') matches zero or more whole directories and a trailing "/**" everything
// below.
bool glob_matches(std::string_view pattern, std::string_view text);

}  // namespace mlchain::core
