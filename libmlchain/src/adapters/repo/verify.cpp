#include "mlchain/repo/verify.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <set>

#include "mlchain/core/checkout_safety.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/revision.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/core/tree_diff.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/repo/commit_signature.hpp"
#include "mlchain/repo/index_file.hpp"
#include "mlchain/repo/revisions.hpp"
#include "mlchain/repo/work_tree.hpp"
#include "mlchain/unixfs/directory_builder.hpp"

namespace mlchain::repo {
namespace {

namespace stdfs = std::filesystem;
using codec::Cid;
using core::TreeEntry;

// Reads through to the disk store, remembering which block a failed read was about (the tree walk only
// returns the error) and which blocks have been re-hashed already.
class CheckedObjects final : public core::ObjectStore {
 public:
  explicit CheckedObjects(DiskObjectStore& store) : store_(store) {}

  Status put(const Cid& cid, ByteView block) override { return store_.put(cid, block); }
  Result<bool> contains(const Cid& cid) override { return store_.contains(cid); }
  Result<Bytes> get(const Cid& cid) override {
    auto block = store_.get(cid);
    if (!block) {
      failed_ = cid;
      return block;
    }
    if (rehashed_.insert(cid).second) bytes_ += block->size();
    return block;
  }

  std::optional<Cid> take_failure() { return std::exchange(failed_, std::nullopt); }
  std::uint64_t blocks() const { return rehashed_.size(); }
  std::uint64_t bytes() const { return bytes_; }

 private:
  DiskObjectStore& store_;
  std::optional<Cid> failed_;
  std::set<Cid> rehashed_;
  std::uint64_t bytes_ = 0;
};

// Which problem a failed read of what is stored at `path` is: missing when nothing is stored; unreadable
// when what is there is not a readable regular file; corrupt when it reads but does not hash to its CID
// (or when the damage is elsewhere, as for a one-chunk file read from files/ in place of objects/).
ProblemKind kind_at(const Error& error, const stdfs::path& path) {
  if (error.kind == ErrorKind::not_found) return ProblemKind::missing_object;
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0 && (!S_ISREG(info.st_mode) || ::access(path.c_str(), R_OK) != 0))
    return ProblemKind::unreadable;
  return ProblemKind::corrupt;
}

VerifyProblem problem_at(const Error& error, const stdfs::path& path, const Cid& cid) {
  const auto kind = kind_at(error, path);
  return {kind, path.string(), cid.to_string(),
          kind == ProblemKind::unreadable ? std::optional(error.message) : std::nullopt};
}

// What a revision leads to: the commit it names, or the problem with the ref that should name it.
struct Target {
  std::optional<Cid> commit;
  std::optional<VerifyProblem> problem;
};

Target bad_ref(const stdfs::path& path, const Error& error) {
  return {std::nullopt, VerifyProblem{ProblemKind::bad_ref, path.string(), std::nullopt, error.message}};
}

// The commit a revision names, even when its block is missing, corrupt or not a commit (the refs still
// say which one it is, and the walk reports what is wrong with it); the problem when a ref on the way
// cannot be read. Errors only for a revision that names nothing at all.
Result<Target> commit_to_verify(Repository& repository, std::string_view revision) {
  if (auto cid = Cid::parse(revision)) {
    MLCHAIN_TRY(const bool stored, repository.objects().contains(*cid));
    if (!stored)
      return make_error(ErrorKind::not_found,
                        "commit " + cid->to_string() + " is not in the repository; fetch it first");
    return Target{*cid, std::nullopt};
  }
  auto resolved = resolve_revision(repository, revision);
  if (resolved) return Target{*resolved, std::nullopt};
  if (resolved.error().kind != ErrorKind::corrupt && resolved.error().kind != ErrorKind::not_found)
    return std::move(resolved).error();

  // Something on the way is damaged or missing: follow the names as far as they lead.
  MLCHAIN_TRY(const auto parsed, core::parse_revision(revision));
  auto& refs = repository.refs();
  std::optional<Cid> cid;
  if (parsed.base == "HEAD") {
    auto head = refs.read_head();
    if (!head) return bad_ref(refs.path_of("HEAD"), head.error());
    if (head->detached) {
      cid = *head->detached;
    } else {
      const auto name = std::string(heads_prefix) + *head->branch;
      auto target = refs.read(name);
      if (!target) return bad_ref(refs.path_of(name), target.error());
      cid = *target;
    }
  } else if (core::check_ref_name(parsed.base).ok()) {
    for (const auto prefix : {heads_prefix, tags_prefix, remotes_prefix}) {
      const auto name = std::string(prefix) + parsed.base;
      auto target = refs.read(name);
      if (!target) return bad_ref(refs.path_of(name), target.error());
      if (*target) {
        cid = *target;
        break;
      }
    }
  }
  if (!cid) return std::move(resolved).error();
  for (const auto& step : parsed.steps) {
    const unsigned generations = step.kind == core::RevisionStep::Kind::nth_parent ? 1 : step.count;
    const std::size_t parent_index = step.kind == core::RevisionStep::Kind::nth_parent ? step.count - 1 : 0;
    for (unsigned i = 0; i < generations; ++i) {
      auto commit = core::load_commit(repository.objects(), *cid);
      if (!commit) return Target{*cid, std::nullopt};
      if (parent_index >= commit->parents.size()) return std::move(resolved).error();
      cid = commit->parents[parent_index];
    }
  }
  return Target{*cid, std::nullopt};
}

// Lists a directory as core::list_files lists a tree (files, symlinks, empty directories, sorted by path),
// hashing every file under `profile` and storing nothing. Every file counts: nothing is ignored.
class DirectoryLister {
 public:
  DirectoryLister(const unixfs::Profile& profile, std::vector<VerifyProblem>& problems)
      : profile_(profile), problems_(problems) {}

  Status visit(const stdfs::path& directory, const std::string& relative) {
    std::vector<std::string> names;
    DIR* stream = ::opendir(directory.c_str());
    if (stream == nullptr) return cannot("read the directory", directory, errno);
    while (const dirent* item = ::readdir(stream)) {
      const std::string name = item->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(stream);
    std::sort(names.begin(), names.end());
    if (names.empty() && !relative.empty()) {
      MLCHAIN_TRY(const auto empty, unixfs::build_directory(profile_, {}, nowhere_));
      entries_.push_back({relative, empty.cid, 0, unixfs::NodeKind::directory, std::nullopt});
    }
    for (const auto& name : names) {
      const auto path = directory / name;
      const auto child = relative.empty() ? name : relative + "/" + name;
      struct stat info {};
      if (::lstat(path.c_str(), &info) != 0) return cannot("stat", path, errno);
      if (S_ISDIR(info.st_mode)) {
        MLCHAIN_TRY_STATUS(visit(path, child));
      } else if (S_ISREG(info.st_mode)) {
        MLCHAIN_TRY(const auto node, fs::import_file(path, profile_, nowhere_));
        entries_.push_back({child, node.cid, node.content_size, unixfs::NodeKind::file, std::nullopt});
        ++files_;
        bytes_ += node.content_size;
      } else if (S_ISLNK(info.st_mode)) {
        std::string target(static_cast<std::size_t>(info.st_size) + 1, '\0');
        const ssize_t length = ::readlink(path.c_str(), target.data(), target.size());
        if (length < 0) return cannot("read the symlink", path, errno);
        target.resize(static_cast<std::size_t>(length));
        MLCHAIN_TRY(const auto node, unixfs::build_symlink(profile_, target, nowhere_));
        entries_.push_back({child, node.cid, 0, unixfs::NodeKind::symlink, target});
      } else {
        problems_.push_back({ProblemKind::extra, child, std::nullopt, "not a file, directory or symlink"});
      }
    }
    return {};
  }

  std::vector<TreeEntry> take() {
    std::sort(entries_.begin(), entries_.end(), [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
    return std::move(entries_);
  }
  std::uint64_t files() const { return files_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  static Error cannot(std::string_view what, const stdfs::path& path, int error) {
    const auto kind = (error == ENOENT || error == ENOTDIR) ? ErrorKind::not_found : ErrorKind::internal;
    return make_error(kind, "cannot " + std::string(what) + " " + path.string() + ": " + std::strerror(error));
  }

  const unixfs::Profile& profile_;
  std::vector<VerifyProblem>& problems_;
  unixfs::DiscardingBlockSink nowhere_;
  std::vector<TreeEntry> entries_;
  std::uint64_t files_ = 0;
  std::uint64_t bytes_ = 0;
};

class Verifier {
 public:
  Verifier(Repository& repository, const VerifyRequest& request, VerifyReport& report)
      : repository_(repository), request_(request), report_(report), objects_(repository.objects()) {}

  // Every commit from the report's commit down its ancestry, each once, then every stored file content
  // they hold; returns the first one's tree listing when it could be read.
  Result<std::optional<std::pair<core::Commit, std::vector<TreeEntry>>>> walk_ancestry() {
    std::optional<std::pair<core::Commit, std::vector<TreeEntry>>> first;
    const Cid start = *report_.commit;
    std::deque<Cid> queue{start};
    std::set<Cid> seen{start};
    while (!queue.empty()) {
      const Cid cid = queue.front();
      queue.pop_front();
      auto block = objects_.get(cid);
      if (!block) {
        objects_.take_failure();
        add_block_problem(block.error(), cid);
        continue;
      }
      // The block hashes to its CID (get checked it): what does not decode as a commit is something else.
      auto commit =
          cid.codec() == codec::multicodec::dag_cbor
              ? core::decode_commit(*block)
              : Result<core::Commit>(make_error(ErrorKind::corrupt, "a dag-pb block (a directory or a file)"));
      if (!commit) {
        report_.problems.push_back(
            {ProblemKind::not_a_commit, store_path(cid), cid.to_string(), commit.error().message});
        continue;
      }
      ++report_.commits;
      MLCHAIN_TRY_STATUS(check_signature(cid, *commit));
      auto files = check_tree(*commit);
      if (cid == start && files) {
        // What checkout would refuse to write (a symlink out of the work tree, `.git/`) is no deployable
        // commit, however well signed.
        if (auto unsafe = core::find_unsafe_entry(*files))
          report_.problems.push_back({ProblemKind::unsafe_path, unsafe->path, std::nullopt, unsafe->why});
        first.emplace(*commit, std::move(*files));
      }
      for (const auto& parent : commit->parents)
        if (seen.insert(parent).second) queue.push_back(parent);
    }
    report_.blocks = objects_.blocks();
    report_.block_bytes = objects_.bytes();
    check_contents();
    return first;
  }

 private:
  std::string store_path(const Cid& cid) const { return repository_.objects().path_of(cid).string(); }

  void add_block_problem(const Error& error, const Cid& cid) {
    report_.problems.push_back(problem_at(error, repository_.objects().path_of(cid), cid));
  }

  Status check_signature(const Cid& cid, const core::Commit& commit) {
    const bool asked_for = cid == *report_.commit;
    MLCHAIN_TRY(const auto signer,
                check_commit_author(commit, asked_for ? request_.signers : std::vector<codec::Address>{}, report_));
    if (asked_for) report_.signer = signer;
    return {};
  }

  // The tree's blocks (re-hashed as they are read); its file contents are checked after the walk.
  std::optional<std::vector<TreeEntry>> check_tree(const core::Commit& commit) {
    auto reach = core::reach_of_tree(objects_, commit.tree);
    if (!reach) {
      const auto failed = objects_.take_failure().value_or(commit.tree);
      add_block_problem(reach.error(), failed);
      return std::nullopt;
    }
    for (const auto& root : reach->file_roots)
      if (seen_contents_.insert(root).second) contents_to_check_.push_back(root);
    auto files = core::list_files(objects_, commit.tree);
    if (!files) {
      const auto failed = objects_.take_failure().value_or(commit.tree);
      add_block_problem(files.error(), failed);
      return std::nullopt;
    }
    return std::move(files).value();
  }

  // Every distinct file content of the ancestry, re-hashed; progress counts their stored bytes.
  void check_contents() {
    const auto& contents = repository_.contents();
    std::uint64_t total = 0;
    std::vector<std::uint64_t> sizes;
    for (const auto& root : contents_to_check_) {
      auto size = contents.size(root);
      sizes.push_back(size ? *size : 0);
      total += sizes.back();
    }
    std::uint64_t done = 0;
    for (std::size_t i = 0; i < contents_to_check_.size(); ++i) {
      const auto& root = contents_to_check_[i];
      const auto status = contents.check(root, profile_of_cid(root));
      done += sizes[i];
      if (request_.on_progress) request_.on_progress(done, total);
      if (!status) {
        // Whole contents (an older repository's) are one file; contents stored as blocks are named by
        // their root block, and the message (as `actual`) names the damaged or missing leaf.
        const auto whole = contents.whole_file(root);
        const bool chunked = !(whole && *whole);
        const auto path = chunked ? repository_.objects().path_of(root) : **whole;
        auto problem = problem_at(status.error(), path, root);
        if (const auto blocks = contents.stored_blocks(root); chunked && (!blocks || blocks->size() > 1))
          problem.actual = status.error().message;
        report_.problems.push_back(std::move(problem));
        continue;
      }
      ++report_.contents;
      report_.content_bytes += sizes[i];
    }
  }

  Repository& repository_;
  const VerifyRequest& request_;
  VerifyReport& report_;
  CheckedObjects objects_;
  std::set<Cid> seen_contents_;
  std::vector<Cid> contents_to_check_;
};

// The work tree's files, every one read and hashed: the stat cache is not trusted here.
Result<std::vector<TreeEntry>> list_work_tree(Repository& repository, const unixfs::Profile& profile,
                                              VerifyReport& report) {
  MLCHAIN_TRY(const bool dereference, repository_dereferences(repository));
  MLCHAIN_TRY(auto snapshot, snapshot_work_tree(repository, profile, LoadedIndex{},
                                                SnapshotOptions{.mode = SnapshotMode::hash_only,
                                                                .dereference = dereference,
                                                                .list_unsupported = true,
                                                                .on_progress = {}}));
  for (auto& path : snapshot.unsupported)
    report.problems.push_back({ProblemKind::extra, std::move(path), std::nullopt, "not a file, directory or symlink"});
  for (const auto& entry : snapshot.entries) {
    if (entry.kind != unixfs::NodeKind::file) continue;
    ++report.files;
    report.file_bytes += entry.size;
  }
  return std::move(snapshot.entries);
}

void add_differences(const std::vector<TreeEntry>& expected, const std::vector<TreeEntry>& found,
                     VerifyReport& report) {
  for (const auto& change : core::diff_trees(expected, found)) {
    switch (change.kind) {
      case core::ChangeKind::deleted:
        report.problems.push_back({ProblemKind::missing, change.path, change.before->cid.to_string(), std::nullopt});
        break;
      case core::ChangeKind::added:
        report.problems.push_back({ProblemKind::extra, change.path, std::nullopt, change.after->cid.to_string()});
        break;
      case core::ChangeKind::modified:
        report.problems.push_back(
            {ProblemKind::modified, change.path, change.before->cid.to_string(), change.after->cid.to_string()});
        break;
    }
  }
  report.directory_compared = true;
}

}  // namespace

std::string_view problem_kind_name(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::missing:
      return "missing";
    case ProblemKind::extra:
      return "extra";
    case ProblemKind::modified:
      return "modified";
    case ProblemKind::bad_signature:
      return "bad-signature";
    case ProblemKind::untrusted_signer:
      return "untrusted-signer";
    case ProblemKind::corrupt:
      return "corrupt";
    case ProblemKind::missing_object:
      return "missing-object";
    case ProblemKind::not_anchored:
      return "not-anchored";
    case ProblemKind::not_stage_holder:
      return "not-stage-holder";
    case ProblemKind::not_deployed:
      return "not-deployed";
    case ProblemKind::unauthorized_signer:
      return "unauthorized-signer";
    case ProblemKind::unreadable:
      return "unreadable";
    case ProblemKind::not_a_commit:
      return "not-a-commit";
    case ProblemKind::bad_ref:
      return "bad-ref";
    case ProblemKind::unsafe_path:
      return "unsafe-path";
  }
  return "corrupt";
}

Result<VerifyReport> verify(Repository& repository, const VerifyRequest& request) {
  MLCHAIN_TRY(const auto target, commit_to_verify(repository, request.revision));
  if (request.directory) {
    struct stat info {};
    if (::stat(request.directory->c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
      return make_error(ErrorKind::not_found, request.directory->string() + " is not a directory");
  }
  if (target.problem) return VerifyReport{.commit = std::nullopt, .problems = {*target.problem}};
  const Cid commit = *target.commit;
  VerifyReport report{.commit = commit, .problems = {}};
  Verifier verifier(repository, request, report);
  MLCHAIN_TRY(const auto first, verifier.walk_ancestry());
  if (!first) return report;

  auto profile = unixfs::find_profile(first->first.profile);
  if (!profile) {
    report.problems.push_back({ProblemKind::corrupt, repository.objects().path_of(commit).string(), commit.to_string(),
                               "unknown profile " + first->first.profile});
    return report;
  }
  if (request.directory) {
    MLCHAIN_TRY_STATUS(compare_directory(first->second, *request.directory, *profile, report));
    return report;
  }
  MLCHAIN_TRY(const auto found, list_work_tree(repository, *profile, report));
  add_differences(first->second, found, report);
  return report;
}

Result<std::optional<codec::Address>> check_commit_author(const core::Commit& commit,
                                                          const std::vector<codec::Address>& signers,
                                                          VerifyReport& report) {
  MLCHAIN_TRY(const auto signature, check_commit_signature(commit));
  ++report.signatures;
  const auto author = codec::to_checksum_address(commit.author);
  if (!signature.good)
    report.problems.push_back({ProblemKind::bad_signature, std::nullopt, author,
                               signature.signer ? codec::to_checksum_address(*signature.signer)
                                                : std::string("no signer (the signature recovers to no key)")});
  if (signers.empty() || std::find(signers.begin(), signers.end(), commit.author) != signers.end())
    return signature.signer;
  std::string trusted;
  for (const auto& signer : signers) trusted += (trusted.empty() ? "" : ",") + codec::to_checksum_address(signer);
  report.problems.push_back({ProblemKind::untrusted_signer, std::nullopt, trusted, author});
  return signature.signer;
}

Status compare_directory(const std::vector<TreeEntry>& expected, const stdfs::path& directory,
                         const unixfs::Profile& profile, VerifyReport& report) {
  DirectoryLister lister(profile, report.problems);
  MLCHAIN_TRY_STATUS(lister.visit(directory, ""));
  report.files = lister.files();
  report.file_bytes = lister.bytes();
  add_differences(expected, lister.take(), report);
  return {};
}

}  // namespace mlchain::repo
