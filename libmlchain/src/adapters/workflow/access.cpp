#include "mlchain/workflow/access.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "mlchain/chain/access_admin.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/crypto/ecies.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/keys/encryption_key.hpp"
#include "mlchain/privacy/owner_keys.hpp"
#include "mlchain/privacy/private_push.hpp"
#include "mlchain/privacy/sealing.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/revisions.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::workflow {
namespace {

// The remote, its chain and its registry, as every access command needs them.
struct AccessTarget {
  remote::Remote remote;
  chain::ChainRemote chain;
  eth::RpcClient rpc;
  AccessTarget(remote::Remote r, chain::ChainRemote c)
      : remote(std::move(r)), chain(std::move(c)), rpc(eth::rpc_options_for(chain.rpc)) {}
  chain::RegistryClient registry() { return chain::RegistryClient(rpc, chain.registry); }
};

Result<std::unique_ptr<AccessTarget>> access_target(repo::Repository& repository, const std::string& name) {
  MLCHAIN_TRY(auto found, remote::find_remote(repository, name.empty() ? std::string(remote::default_remote) : name));
  MLCHAIN_TRY(auto chain_remote, chain::chain_remote_of(found));
  auto target = std::make_unique<AccessTarget>(std::move(found), std::move(chain_remote));
  auto registry = target->registry();
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  return target;
}

Result<std::unique_ptr<ipfs::Node>> node_of(const remote::Remote& target) {
  if (!target.ipfs)
    return make_error(ErrorKind::invalid_argument,
                      "remote '" + target.name + "' has no IPFS API (--ipfs) to put access pages on");
  return remote::open_node({.ipfs = target.ipfs, .gateway = std::nullopt});
}

Result<std::set<codec::Cid>> shredded_versions(chain::RegistryClient& registry, const std::string& repo) {
  MLCHAIN_TRY(const auto shreddings, registry.shreddings(repo));
  std::set<codec::Cid> shredded;
  for (const auto& shredding : shreddings) shredded.insert(shredding.commit);
  return shredded;
}

Result<std::vector<codec::Cid>> tree_files(repo::Repository& repository, const codec::Cid& version) {
  MLCHAIN_TRY(const auto commit, core::load_commit(repository.objects(), version));
  MLCHAIN_TRY(const auto entries, core::list_files(repository.objects(), commit.tree));
  std::vector<codec::Cid> files;
  for (const auto& entry : entries)
    if (entry.kind == unixfs::NodeKind::file) files.push_back(entry.cid);
  return files;
}

// Every commit the repository's refs reach, as far as it holds them (a shallow history ends early).
Result<std::set<codec::Cid>> local_commits(repo::Repository& repository) {
  MLCHAIN_TRY(const auto refs, repository.refs().list("refs/"));
  std::set<codec::Cid> seen;
  std::deque<codec::Cid> queue;
  for (const auto& ref : refs)
    if (seen.insert(ref.target).second) queue.push_back(ref.target);
  MLCHAIN_TRY(const auto head, repository.refs().head_commit());
  if (head && seen.insert(*head).second) queue.push_back(*head);
  std::set<codec::Cid> commits;
  while (!queue.empty()) {
    const auto cid = queue.front();
    queue.pop_front();
    auto commit = core::load_commit(repository.objects(), cid);
    if (!commit) {
      if (commit.error().kind == ErrorKind::not_found) continue;
      return std::move(commit).error();
    }
    commits.insert(cid);
    for (const auto& parent : commit->parents)
      if (seen.insert(parent).second) queue.push_back(parent);
  }
  return commits;
}

}  // namespace

Result<GrantReport> grant_access(repo::Repository& repository, const codec::Address& grantee,
                                 const std::vector<std::string>& versions, const AccessOptions& options) {
  MLCHAIN_TRY(auto target, access_target(repository, options.remote));
  auto registry = target->registry();
  auto key_of = registry.encryption_key_of(grantee);
  if (!key_of && key_of.error().kind == ErrorKind::invalid_input)
    return make_error(ErrorKind::refused, codec::to_checksum_address(grantee) +
                                              " published an encryption key that is no secp256k1 point on registry " +
                                              codec::to_checksum_address(target->chain.registry) +
                                              ": nothing can be wrapped for it until it publishes a valid one");
  MLCHAIN_TRY(const auto published, std::move(key_of));
  if (!published)
    return make_error(ErrorKind::not_found, codec::to_checksum_address(grantee) +
                                                " has published no encryption key on registry " +
                                                codec::to_checksum_address(target->chain.registry) +
                                                "; its holder runs 'mlchain key encryption publish' first");
  MLCHAIN_TRY(const auto recipient, crypto::PublicKey::parse(published->key));
  MLCHAIN_TRY(const bool sealed, registry.is_private(target->chain.repo));
  if (!sealed)
    return make_error(ErrorKind::refused, target->chain.repo + " is not private on registry " +
                                              codec::to_checksum_address(target->chain.registry) +
                                              ": anyone may read it already; a push to a --private remote seals "
                                              "its next versions and marks it private");
  MLCHAIN_TRY(const auto anchored, privacy::anchored_heads(registry, target->chain.repo));
  MLCHAIN_TRY(const auto shredded, shredded_versions(registry, target->chain.repo));
  GrantReport report{.chain = target->chain, .grantee = grantee, .versions = {}, .shredded = {}, .settled = {}};
  std::vector<codec::Cid> wanted;
  const bool all = versions.empty() || (versions.size() == 1 && versions.front() == "all");
  if (all) {
    for (const auto& head : anchored) {
      if (shredded.contains(head))
        report.shredded.push_back(head);
      else
        wanted.push_back(head);
    }
  } else {
    for (const auto& text : versions) {
      if (text == "all")
        return make_error(ErrorKind::invalid_argument, "--versions all stands alone, without revisions");
      MLCHAIN_TRY(const auto version, repo::resolve_revision(repository, text));
      if (std::find(anchored.begin(), anchored.end(), version) == anchored.end())
        return make_error(ErrorKind::not_found, text + " (" + version.to_string() + ") was never a head of " +
                                                    target->chain.repo + " on chain: push it before granting it");
      if (shredded.contains(version))
        return make_error(ErrorKind::refused, text + " (" + version.to_string() + ") was shredded: its keys are gone");
      if (std::find(wanted.begin(), wanted.end(), version) == wanted.end()) wanted.push_back(version);
    }
  }
  MLCHAIN_TRY(auto signer, signer_for(&repository, options.key));
  MLCHAIN_TRY(const auto identity, keys::derive_encryption_key(*signer.signer));
  const privacy::OwnerKeys keys(repository, identity);
  MLCHAIN_TRY(auto node, node_of(target->remote));
  std::vector<chain::VersionGrant> grants;
  for (const auto& version : wanted) {
    MLCHAIN_TRY(const auto files, privacy::files_opened_with(repository, version, anchored));
    MLCHAIN_TRY(const auto access, privacy::publish_access(*node, keys, version, recipient, files));
    grants.push_back(chain::VersionGrant{version, access});
    report.versions.push_back(GrantedVersion{version, access, files.size()});
  }
  MLCHAIN_TRY(auto sent,
              chain::grant_access(repository, target->chain, grantee, grants, *signer.signer, options.chain));
  report.settled = std::move(sent.settled);
  return report;
}

Result<RevokeReport> revoke_access(repo::Repository& repository, const codec::Address& grantee,
                                   const AccessOptions& options) {
  MLCHAIN_TRY(auto target, access_target(repository, options.remote));
  auto registry = target->registry();
  MLCHAIN_TRY(const bool held, registry.has_access(target->chain.repo, grantee));
  MLCHAIN_TRY(auto signer, signer_for(&repository, options.key));
  MLCHAIN_TRY(auto sent, chain::revoke_access(repository, target->chain, grantee, *signer.signer, options.chain));
  return RevokeReport{target->chain, grantee, held, std::move(sent.settled)};
}

Result<AccessList> list_access(repo::Repository& repository, const std::string& remote_name) {
  MLCHAIN_TRY(auto target, access_target(repository, remote_name));
  auto registry = target->registry();
  AccessList list{.chain = target->chain, .is_private = false, .readers = {}, .shredded = {}};
  MLCHAIN_TRY(list.is_private, registry.is_private(target->chain.repo));
  MLCHAIN_TRY(const auto readers, registry.readers_of(target->chain.repo));
  MLCHAIN_TRY(const auto grants, registry.access_grants(target->chain.repo, std::nullopt));
  MLCHAIN_TRY(const auto revocations, registry.access_revocations(target->chain.repo));
  for (const auto& reader : readers) {
    ReaderAccess access;
    access.reader = reader;
    MLCHAIN_TRY(access.current, registry.has_access(target->chain.repo, reader));
    auto published = registry.encryption_key_of(reader);
    if (!published && published.error().kind != ErrorKind::invalid_input) return std::move(published).error();
    access.unusable_key = !published;
    if (published && *published) access.encryption_key = (*published)->key;
    for (const auto& grant : grants)
      if (grant.grantee == reader &&
          std::find(access.versions.begin(), access.versions.end(), grant.commit) == access.versions.end())
        access.versions.push_back(grant.commit);
    for (const auto& revocation : revocations)
      if (revocation.grantee == reader) access.revoked_at = revocation.block_number;
    list.readers.push_back(std::move(access));
  }
  MLCHAIN_TRY(const auto shredded, registry.shreddings(target->chain.repo));
  for (const auto& shredding : shredded) list.shredded.push_back(shredding.commit);
  return list;
}

Result<ShredReport> shred(repo::Repository& repository, const std::vector<std::string>& revisions,
                          const AccessOptions& options) {
  if (revisions.empty()) return make_error(ErrorKind::invalid_argument, "name the versions to shred");
  MLCHAIN_TRY(auto target, access_target(repository, options.remote));
  auto registry = target->registry();
  MLCHAIN_TRY(const bool sealed, registry.is_private(target->chain.repo));
  if (!sealed)
    return make_error(ErrorKind::refused, target->chain.repo + " is not private on registry " +
                                              codec::to_checksum_address(target->chain.registry) +
                                              ": its contents were pushed in the clear and shredding keys would "
                                              "erase nothing");
  ShredReport report{
      .chain = target->chain, .versions = {}, .keys_destroyed = 0, .unpinned = {}, .kept = {}, .settled = {}};
  for (const auto& text : revisions) {
    MLCHAIN_TRY(const auto version, repo::resolve_revision(repository, text));
    MLCHAIN_TRY(const auto anchored_at, registry.anchored_at(target->chain.repo, version));
    if (!anchored_at)
      return make_error(ErrorKind::not_found, text + " (" + version.to_string() + ") was never a head of " +
                                                  target->chain.repo + " on chain: there is nothing to shred there");
    if (std::find(report.versions.begin(), report.versions.end(), version) == report.versions.end())
      report.versions.push_back(version);
  }
  MLCHAIN_TRY(auto previously, shredded_versions(registry, target->chain.repo));
  std::set<codec::Cid> shredding(report.versions.begin(), report.versions.end());
  shredding.insert(previously.begin(), previously.end());
  // A content another (unshredded) version still holds keeps its key: shredding it would break that version,
  // and its plaintext is not erased by this request anyway.
  std::set<codec::Cid> kept_files;
  MLCHAIN_TRY(const auto commits, local_commits(repository));
  for (const auto& commit : commits) {
    if (shredding.contains(commit)) continue;
    MLCHAIN_TRY(const auto files, tree_files(repository, commit));
    kept_files.insert(files.begin(), files.end());
  }
  std::set<codec::Cid> destroyed_files;
  std::set<codec::Cid> kept_report;
  for (const auto& version : report.versions) {
    MLCHAIN_TRY(const auto files, tree_files(repository, version));
    for (const auto& file : files) (kept_files.contains(file) ? kept_report : destroyed_files).insert(file);
  }
  report.kept.assign(kept_report.begin(), kept_report.end());
  MLCHAIN_TRY(auto signer, signer_for(&repository, options.key));
  MLCHAIN_TRY(const auto identity, keys::derive_encryption_key(*signer.signer));
  const privacy::OwnerKeys keys(repository, identity);
  std::vector<std::pair<codec::Cid, codec::Cid>> held;  // (plaintext, ciphertext) of the records found
  for (const auto& file : destroyed_files) {
    MLCHAIN_TRY(const auto seal, keys.find(file));
    if (seal) held.emplace_back(file, seal->cipher);
  }
  // A shredding is recorded on chain only where keys were destroyed: a marker per version, written before
  // any record goes, lets a run cut short finish without the records it already destroyed.
  const auto markers = repository.paths().shredded();
  const bool begun = std::all_of(report.versions.begin(), report.versions.end(), [&](const codec::Cid& version) {
    std::error_code ignored;
    return std::filesystem::exists(markers / version.to_string(), ignored);
  });
  if (held.empty() && !begun)
    return make_error(ErrorKind::refused, "this repository holds none of the file keys of " +
                                              report.versions.front().to_string() +
                                              (report.versions.size() > 1 ? " and the others" : "") +
                                              ": shred where the version was pushed (its .mlchain/private/keys)");
  std::error_code created;
  std::filesystem::create_directories(markers, created);
  if (created) return make_error(ErrorKind::internal, "cannot create " + markers.string() + ": " + created.message());
  MLCHAIN_TRY_STATUS(fs::sync_directory(markers.parent_path()));
  for (const auto& version : report.versions)
    MLCHAIN_TRY_STATUS(fs::write_file_atomically(markers / version.to_string(), {}, {.mode = 0600}));
  MLCHAIN_TRY(auto node, node_of(target->remote));
  // The versions' access pages, then the ciphertexts no other version holds: every unpin before the records
  // go, so a run cut short finds the ciphertexts again.
  MLCHAIN_TRY(const auto grants, registry.access_grants(target->chain.repo, std::nullopt));
  for (const auto& grant : grants) {
    if (!shredding.contains(grant.commit) ||
        std::find(report.versions.begin(), report.versions.end(), grant.commit) == report.versions.end())
      continue;
    // Each page is pinned by itself; a first page the node no longer holds was unpinned by an earlier run.
    std::vector<codec::Cid> pages{grant.keys};
    auto chain = privacy::read_access(*node, grant.keys);
    if (!chain && chain.error().kind != ErrorKind::not_found) return std::move(chain).error();
    if (chain)
      for (const auto& page : *chain)
        if (page.next) pages.push_back(*page.next);
    for (const auto& page : pages) {
      MLCHAIN_TRY_STATUS(node->unpin(page));
      report.unpinned.push_back(page);
    }
  }
  for (const auto& [plain, cipher] : held) {
    MLCHAIN_TRY_STATUS(node->unpin(cipher));
    report.unpinned.push_back(cipher);
  }
  for (const auto& [plain, cipher] : held) {
    MLCHAIN_TRY_STATUS(keys.destroy(plain));
    ++report.keys_destroyed;
  }
  // A run again of a finished shredding sends nothing: the chain has every version already.
  const bool recorded = std::all_of(report.versions.begin(), report.versions.end(),
                                    [&](const codec::Cid& version) { return previously.contains(version); });
  if (recorded) return report;
  MLCHAIN_TRY(auto sent,
              chain::record_shredding(repository, target->chain, report.versions, *signer.signer, options.chain));
  report.settled = std::move(sent.settled);
  return report;
}

}  // namespace mlchain::workflow
