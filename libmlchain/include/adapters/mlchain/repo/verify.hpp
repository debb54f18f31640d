#pragma once
// `mlchain verify`: the check a CI pipeline runs before it deploys. It holds when
//   - every block from the commit down its whole ancestry (commits, directories, HAMT shards, inner file
//     nodes) re-hashes to its CID, and so does the stored content of every file of every one of those
//     commits (each distinct content once);
//   - every commit's signature recovers to the commit's author, and, when signers are given, the
//     commit's author is one of them;
//   - the directory compared holds exactly the commit's files: the work tree (without `.mlchain/` and
//     what `.mlchainignore` leaves out), or any other directory, where every file counts. Every file is
//     read and hashed: the stat cache is never trusted here, since a CI gate must not trust mtimes.
// Whatever does not hold is a problem in the report, not an error: verification goes on past it, so one
// run lists everything that is wrong. That includes a damaged store under what was asked for: a ref that
// cannot be read, a commit that is missing, unreadable or not a commit at all are problems, never errors.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/core/commit.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::repo {

enum class ProblemKind {
  missing,              // a file of the commit is not in the directory (path; expected: its CID)
  extra,                // the directory holds a file the commit does not (path; actual: its CID)
  modified,             // the directory's file differs (path; expected and actual CIDs)
  bad_signature,        // a commit's signature does not recover to its author (expected: author, actual: signer)
  untrusted_signer,     // the commit's author is none of the given signers (expected: them, actual: author)
  corrupt,              // a stored block or file content no longer hashes to its CID (path: where it is stored)
  missing_object,       // a block or file content the ancestry needs is not stored (expected: its CID)
  not_anchored,         // verify --chain: no confirmed push on the remote's chain holds the commit (actual: why)
  not_stage_holder,     // verify --chain --stage S: the commit does not hold S now (path: @S; expected: the holder,
                        // or "no commit"; actual: the commit)
  not_deployed,         // verify --chain --deployed-to ENV: the latest standing deployment attestation for ENV by an
                        // authorised attester is not of the commit (path: ENV; expected: the commit last attested,
                        // or "nothing attested"; actual: the commit)
  unreadable,           // what is stored for a CID is not a readable regular file: a symlink, a FIFO, a directory,
                        // no permission (path; expected: the CID; actual: what is wrong)
  not_a_commit,         // a ref, a parent link or the CID asked for names a stored block that is not a commit
                        // (path: where it is stored; expected: the CID; actual: what it is)
  bad_ref,              // HEAD or the ref the revision names cannot be read (path: its file; actual: why); no
                        // commit is known then
  unauthorized_signer,  // verify --chain --authorized: a commit of the history was not signed by a key the
                        // repository authorised at the block that first anchored it (path: the commit;
                        // expected: "a signer authorised at block B"; actual: the signer), or the repository
                        // never authorised any (no path)
  unsafe_path,          // the commit's tree holds an entry checkout refuses to write (core::find_unsafe_entry):
                        // a symlink out of the work tree, a `.git` directory, … (path; actual: why)
};

// "missing", "extra", "modified", "bad-signature", "untrusted-signer", "corrupt", "missing-object",
// "not-anchored", "not-stage-holder", "not-deployed", "unauthorized-signer", "unreadable", "not-a-commit", "bad-ref",
// "unsafe-path".
std::string_view problem_kind_name(ProblemKind kind);

struct VerifyProblem {
  ProblemKind kind;
  std::optional<std::string> path;
  std::optional<std::string> expected;
  std::optional<std::string> actual;
};

struct VerifyRequest {
  std::string revision = "HEAD";                   // a revision (repo/revisions.hpp) or a full commit CID
  std::vector<codec::Address> signers;             // empty: any author whose signature holds
  std::optional<std::filesystem::path> directory;  // nothing: the work tree
  // Called as the stored file contents are re-hashed (the bulk of the work): bytes done and in all.
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
};

struct VerifyReport {
  std::optional<codec::Cid> commit;  // nothing only when the revision's own ref cannot be read (bad_ref)
  // The key that signed that commit, recovered from its signature (its author when the signature holds);
  // nothing when no key can have made it, or the commit could not be read.
  std::optional<codec::Address> signer = std::nullopt;
  std::uint64_t commits = 0;     // commit blocks checked (ancestry included)
  std::uint64_t signatures = 0;  // signatures recovered
  std::uint64_t blocks = 0;      // distinct blocks re-hashed, commits included
  std::uint64_t block_bytes = 0;
  std::uint64_t contents = 0;  // distinct stored file contents re-hashed
  std::uint64_t content_bytes = 0;
  std::uint64_t files = 0;  // files of the directory hashed
  std::uint64_t file_bytes = 0;
  bool directory_compared = false;  // false when the commit's tree could not be read
  std::vector<VerifyProblem> problems;

  bool ok() const { return problems.empty(); }
};

// The two checks a verification without a repository shares (remote/remote_verify.hpp):
// the commit's signature recovers to its author (bad-signature otherwise) and, when `signers` are given,
// the author is one of them (untrusted-signer otherwise); counts the signature in the report and returns
// the key that signed, when one can have.
Result<std::optional<codec::Address>> check_commit_author(const core::Commit& commit,
                                                          const std::vector<codec::Address>& signers,
                                                          VerifyReport& report);
// Hashes every file under `directory` (every file counts, nothing is stored) and adds a missing, extra or
// modified problem for each difference from `expected` (a tree listing, core::list_files); sets files,
// file_bytes and directory_compared.
Status compare_directory(const std::vector<core::TreeEntry>& expected, const std::filesystem::path& directory,
                         const unixfs::Profile& profile, VerifyReport& report);

// Errors only when verification cannot start: a revision that names nothing (an unknown name, a CID that
// is not stored, a branch without commits: not_found; malformed: usage), a directory that cannot be read,
// or a failure of the machine (internal). A revision whose ref cannot be read, or whose commit block is
// missing, unreadable, corrupt or not a commit, still gives a report naming the problem.
Result<VerifyReport> verify(Repository& repository, const VerifyRequest& request);

}  // namespace mlchain::repo
