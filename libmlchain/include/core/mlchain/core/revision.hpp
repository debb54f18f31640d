#pragma once
// Revision expressions (man/mlchain.1): a branch, a tag, "HEAD", a full or unambiguous short CID, each
// optionally followed by ancestry steps: "^" or "^N" (the Nth parent, first by default) and "~N" (N
// first parents back). Parsing is pure; resolving against refs and commits is the repository's job.

#include <string>
#include <string_view>
#include <vector>

#include "mlchain/result.hpp"

namespace mlchain::core {

struct RevisionStep {
  enum class Kind { nth_parent, first_parent_ancestor } kind;
  unsigned count;  // nth_parent: which parent (1-based); first_parent_ancestor: how many generations
  friend bool operator==(const RevisionStep&, const RevisionStep&) = default;
};

struct Revision {
  std::string base;  // a name or (short) CID, not yet resolved
  std::vector<RevisionStep> steps;
  friend bool operator==(const Revision&, const Revision&) = default;
};

Result<Revision> parse_revision(std::string_view text);

// Branch and tag names follow git's check-ref-format rules: no empty or dot-leading components,
// no "..", no control characters, space, ~ ^ : ? * [ \, no trailing "/" or ".lock", not "@", and (as
// git branch insists) no leading "-".
Status check_ref_name(std::string_view name);

}  // namespace mlchain::core
