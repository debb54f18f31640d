#include "mlchain/repo/revisions.hpp"

#include <algorithm>
#include <charconv>

#include "mlchain/core/history.hpp"
#include "mlchain/core/revision.hpp"

namespace mlchain::repo {
namespace {

constexpr std::size_t minimum_prefix = 4;

bool looks_like_cid_prefix(std::string_view text) {
  return text.size() >= minimum_prefix &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); });
}

Result<std::optional<codec::Cid>> read_named(RefStore& refs, std::string_view base) {
  if (!core::check_ref_name(base).ok()) return std::optional<codec::Cid>();
  for (const auto prefix : {heads_prefix, tags_prefix, remotes_prefix}) {
    MLCHAIN_TRY(auto target, refs.read(std::string(prefix) + std::string(base)));
    if (target) return target;
  }
  return std::optional<codec::Cid>();
}

// `REF@{N}`: where REF pointed N moves ago, as `mlchain reflog REF` numbers them; `@{N}` is HEAD's. A
// detached HEAD's commits left behind are found again this way. Nothing when `base` has no such suffix.
Result<std::optional<codec::Cid>> resolve_reflog_selector(Repository& repository, std::string_view base) {
  const auto at = base.rfind("@{");
  if (at == std::string_view::npos || base.back() != '}') return std::optional<codec::Cid>();
  const auto digits = base.substr(at + 2, base.size() - at - 3);
  std::size_t moves = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), moves);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size())
    return make_error(ErrorKind::invalid_argument,
                      "bad revision '" + std::string(base) + "': REF@{N} takes a number of moves");
  std::string ref(base.substr(0, at));
  if (ref.empty()) ref = "HEAD";
  std::string name = ref;
  if (ref != "HEAD" && !ref.starts_with("refs/"))
    for (const auto prefix : {heads_prefix, tags_prefix, remotes_prefix}) {
      MLCHAIN_TRY(const auto entries, repository.refs().reflog(std::string(prefix) + ref));
      if (!entries.empty()) {
        name = std::string(prefix) + ref;
        break;
      }
    }
  std::vector<ReflogEntry> entries;
  if (name == "HEAD" || name.starts_with("refs/")) {
    MLCHAIN_TRY(auto logged, repository.refs().reflog(name));
    entries = std::move(logged);
  }
  if (moves >= entries.size())
    return make_error(ErrorKind::not_found, "unknown revision '" + std::string(base) + "': the reflog of " + ref +
                                                " has " + std::to_string(entries.size()) + " entries (mlchain reflog " +
                                                ref + ")");
  const auto& entry = entries[entries.size() - 1 - moves];
  if (!entry.new_target)
    return make_error(ErrorKind::not_found, "'" + std::string(base) + "' names the deletion of " + ref + ", no commit");
  return entry.new_target;
}

Result<codec::Cid> resolve_base(Repository& repository, std::string_view base) {
  MLCHAIN_TRY(const auto logged, resolve_reflog_selector(repository, base));
  if (logged) return *logged;
  if (base == "HEAD") {
    MLCHAIN_TRY(auto head, repository.refs().read_head());
    MLCHAIN_TRY(auto commit, repository.refs().head_commit());
    if (!commit)
      return make_error(ErrorKind::not_found, "HEAD's branch '" + head.branch.value_or("") + "' has no commits yet");
    return *commit;
  }
  MLCHAIN_TRY(auto named, read_named(repository.refs(), base));
  if (named) return *named;
  if (auto cid = codec::Cid::parse(base)) {
    if (cid->codec() != codec::multicodec::dag_cbor)
      return make_error(ErrorKind::invalid_argument, cid->to_string() + " is not a commit (not a dag-cbor block)");
    return *cid;
  }
  if (looks_like_cid_prefix(base)) {
    MLCHAIN_TRY(auto candidates, commits_with_prefix(repository.objects(), base));
    if (candidates.size() == 1) return candidates.front();
    if (candidates.size() > 1) {
      std::string list;
      for (const auto& candidate : candidates) list += (list.empty() ? "" : ", ") + candidate.to_string();
      return make_error(ErrorKind::invalid_argument, "short CID '" + std::string(base) + "' is ambiguous: " + list);
    }
  }
  return make_error(ErrorKind::not_found,
                    "unknown revision '" + std::string(base) + "': no branch, tag or stored commit CID of that name");
}

}  // namespace

Result<codec::Cid> resolve_revision(Repository& repository, std::string_view text) {
  MLCHAIN_TRY(auto revision, core::parse_revision(text));
  MLCHAIN_TRY(auto cid, resolve_base(repository, revision.base));
  for (const auto& step : revision.steps) {
    const unsigned generations = step.kind == core::RevisionStep::Kind::nth_parent ? 1 : step.count;
    const std::size_t parent_index = step.kind == core::RevisionStep::Kind::nth_parent ? step.count - 1 : 0;
    for (unsigned i = 0; i < generations; ++i) {
      MLCHAIN_TRY(auto commit, core::load_commit(repository.objects(), cid));
      if (parent_index >= commit.parents.size())
        return make_error(ErrorKind::not_found, "'" + std::string(text) + "': commit " + cid.to_string() + " has " +
                                                    std::to_string(commit.parents.size()) + " parent(s), not " +
                                                    std::to_string(parent_index + 1));
      cid = commit.parents[parent_index];
    }
  }
  MLCHAIN_TRY(auto commit, core::load_commit(repository.objects(), cid));
  (void)commit;
  return cid;
}

Result<std::vector<codec::Cid>> stored_commits(const DiskObjectStore& objects) {
  std::vector<codec::Cid> commits;
  MLCHAIN_TRY_STATUS(objects.for_each([&](const codec::Cid& cid) -> Status {
    if (cid.codec() == codec::multicodec::dag_cbor) commits.push_back(cid);
    return {};
  }));
  std::sort(commits.begin(), commits.end(),
            [](const codec::Cid& a, const codec::Cid& b) { return a.to_string() < b.to_string(); });
  return commits;
}

Result<std::vector<codec::Cid>> commits_with_prefix(const DiskObjectStore& objects, std::string_view prefix) {
  MLCHAIN_TRY(auto commits, stored_commits(objects));
  std::erase_if(commits, [&](const codec::Cid& cid) { return cid.to_string().substr(0, prefix.size()) != prefix; });
  return commits;
}

std::string short_cid(const codec::Cid& cid, const std::vector<codec::Cid>& candidates, std::size_t minimum) {
  const std::string text = cid.to_string();
  std::size_t length = std::min(minimum, text.size());
  for (const auto& other : candidates) {
    const std::string other_text = other.to_string();
    if (other_text == text) continue;
    std::size_t common = 0;
    while (common < text.size() && common < other_text.size() && text[common] == other_text[common]) ++common;
    length = std::max(length, std::min(common + 1, text.size()));
  }
  return text.substr(0, length);
}

}  // namespace mlchain::repo
