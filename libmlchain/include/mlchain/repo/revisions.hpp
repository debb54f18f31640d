#pragma once
// Resolves a revision expression (core/revision.hpp, DESIGN §4.1) against a repository: "HEAD", a branch
// (refs/heads), a tag (refs/tags), a remote-tracking ref ("origin/main", refs/remotes), a full CID, or an
// unambiguous prefix of at least 4 characters of a stored dag-cbor block's CID; then the ^N / ~N steps
// through the commits' parents. The result is always a commit.
//
// Errors: usage for a malformed expression, an ambiguous prefix (listing the candidates) or something
// that is not a commit; not_found for an unknown name, an unborn branch, or a missing parent (naming it).

#include <string_view>
#include <vector>

#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

Result<codec::Cid> resolve_revision(Repository& repository, std::string_view text);

// Stored dag-cbor CIDs whose text starts with `prefix` (for short CIDs).
Result<std::vector<codec::Cid>> commits_with_prefix(const DiskObjectStore& objects, std::string_view prefix);

// The shortest prefix (at least `minimum` characters) that names only this CID among the stored commits.
Result<std::string> short_cid(const DiskObjectStore& objects, const codec::Cid& cid, std::size_t minimum = 14);

}  // namespace mlchain::repo
