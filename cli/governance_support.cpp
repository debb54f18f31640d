#include "governance_support.hpp"

#include <filesystem>

#include "mlchain/codec/hex.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/revisions.hpp"

namespace mlchain::cli {

Result<GovernanceTarget> governance_target(const std::optional<std::string>& name) {
  MLCHAIN_TRY(auto repository, repo::discover_repository(std::filesystem::current_path()));
  MLCHAIN_TRY(auto remote, chain::find_chain_remote(repository, name.value_or(remote::default_remote)));
  return GovernanceTarget{std::move(repository), std::move(remote)};
}

Result<codec::Cid> resolve_commit(repo::Repository& repository, const std::string& revision) {
  MLCHAIN_TRY(const auto expanded, chain::expand_stage_revision(repository, revision));
  // A full commit CID needs no local copy: a promotion or an approval may name a commit pushed by others.
  if (auto cid = codec::Cid::parse(expanded); cid && cid->codec() == codec::multicodec::dag_cbor) return *cid;
  return repo::resolve_revision(repository, expanded);
}

Result<codec::Cid> resolve_local_commit(repo::Repository& repository, const std::string& revision) {
  MLCHAIN_TRY(const auto expanded, chain::expand_stage_revision(repository, revision));
  return repo::resolve_revision(repository, expanded);
}

std::string word_hex(const chain::GovernanceWord& word) { return codec::to_0x_hex(word); }

}  // namespace mlchain::cli
