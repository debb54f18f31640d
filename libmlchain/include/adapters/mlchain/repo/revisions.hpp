#pragma once
// Resolves a revision expression (core/revision.hpp, man/mlchain.1) against a repository: "HEAD", a branch
// (refs/heads), a tag (refs/tags), a remote-tracking ref ("origin/main", refs/remotes), a full CID, or an
// unambiguous prefix of at least 4 characters of a stored dag-cbor block's CID; then the ^N / ~N steps
// through the commits' parents. The result is always a commit.
//
// Errors: invalid_input for a malformed expression, an ambiguous prefix (listing the candidates) or something
// that is not a commit; not_found for an unknown name, an unborn branch, or a missing parent (naming it).

#include <string_view>
#include <vector>

#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

Result<codec::Cid> resolve_revision(Repository& repository, std::string_view text);

// Stored dag-cbor CIDs whose text starts with `prefix` (for short CIDs).
Result<std::vector<codec::Cid>> commits_with_prefix(const DiskObjectStore& objects, std::string_view prefix);

// Every stored dag-cbor block's CID (the candidates short CIDs are told apart among).
Result<std::vector<codec::Cid>> stored_commits(const DiskObjectStore& objects);

// The shortest prefix of `cid`'s text, at least `minimum` characters, that no other of `candidates` shares.
std::string short_cid(const codec::Cid& cid, const std::vector<codec::Cid>& candidates, std::size_t minimum = 14);

}  // namespace mlchain::repo
