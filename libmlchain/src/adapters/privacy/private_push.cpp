#include "mlchain/privacy/private_push.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include "mlchain/chain/access_admin.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/crypto/ecies.hpp"
#include "mlchain/privacy/sealing.hpp"
#include "mlchain/remote/history_reach.hpp"

namespace mlchain::privacy {
namespace {

// Whether `reader` already holds a grant of `head` whose pages open it with `recipient`: a push repeated after
// its anchor (nothing new, or resumed after an interruption) wraps nothing twice, and a reader who published
// a new key since gets pages for that key.
Result<bool> holds_grant(chain::RegistryClient& registry, ipfs::Node& node, const std::string& repo,
                         const codec::Address& reader, const codec::Cid& head, const crypto::PublicKey& recipient) {
  MLCHAIN_TRY(const auto grants, registry.access_grants(repo, reader));
  const auto compressed = recipient.compressed();
  const Bytes recipient_bytes(compressed.begin(), compressed.end());
  for (const auto& grant : grants) {
    if (grant.commit != head) continue;
    auto pages = read_access(node, grant.keys);
    if (!pages) {
      // Pages the node no longer holds are made again.
      if (pages.error().kind == ErrorKind::not_found) continue;
      return std::move(pages).error();
    }
    if (pages->front().recipient == recipient_bytes) return true;
  }
  return false;
}

}  // namespace

Result<SealedUpload> upload_sealed(repo::Repository& repository, ipfs::Node& node, const OwnerKeys& keys,
                                   const codec::Cid& head, const remote::UploadProgress& progress) {
  if (!node.writable())
    return make_error(ErrorKind::unsupported,
                      node.url() + " is a read-only gateway; push needs a Kubo RPC API (--ipfs)");
  MLCHAIN_TRY(const auto reach, remote::reach_of_history(repository.objects(), head));
  SealedUpload upload;
  upload.commits = reach.commits.size();
  upload.files = reach.file_roots.size();
  std::uint64_t total = 0;
  std::vector<std::uint64_t> sizes;
  for (const auto& root : reach.file_roots) {
    MLCHAIN_TRY(const auto size, repository.contents().size(root));
    sizes.push_back(size);
    total += size;
  }
  std::uint64_t done = 0;
  std::vector<codec::Cid> ciphers;
  for (std::size_t i = 0; i < reach.file_roots.size(); ++i) {
    const auto& root = reach.file_roots[i];
    const auto size = sizes[i];
    const auto on_bytes = [&](std::uint64_t bytes) {
      if (progress) progress(done + bytes, total);
    };
    MLCHAIN_TRY(const auto sealed, seal_content(repository, node, keys, root, on_bytes));
    if (sealed.fresh) {
      ++upload.files_sealed;
      upload.file_bytes += size;
    }
    done += size;
    if (progress) progress(done, total);
    ciphers.push_back(sealed.cipher);
  }
  // Commits and tree blocks, never a file's leaves: those stay in the content store.
  std::vector<codec::Cid> blocks = reach.commits;
  blocks.insert(blocks.end(), reach.tree_blocks.begin(), reach.tree_blocks.end());
  MLCHAIN_TRY(const auto held, node.has_blocks(blocks));
  std::vector<codec::Cid> missing;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (held[i])
      ++upload.blocks_present;
    else
      missing.push_back(blocks[i]);
  }
  MLCHAIN_TRY_STATUS(remote::upload_blocks(repository, node, head, missing));
  upload.blocks = missing.size();
  MLCHAIN_TRY_STATUS(node.pin_blocks(blocks));
  for (const auto& cipher : ciphers) MLCHAIN_TRY_STATUS(node.pin(cipher));
  return upload;
}

Result<std::vector<codec::Cid>> anchored_heads(chain::RegistryClient& registry, const std::string& repo) {
  MLCHAIN_TRY(const auto updates, registry.head_updates(repo));
  std::vector<codec::Cid> heads;
  std::set<codec::Cid> seen;
  for (const auto& update : updates)
    if (seen.insert(update.new_head).second) heads.push_back(update.new_head);
  return heads;
}

Result<std::vector<codec::Cid>> files_opened_with(repo::Repository& repository, const codec::Cid& version,
                                                  const std::vector<codec::Cid>& anchored_heads) {
  const std::set<codec::Cid> anchored(anchored_heads.begin(), anchored_heads.end());
  std::set<codec::Cid> files;
  std::set<codec::Cid> seen{version};
  std::deque<codec::Cid> queue{version};
  while (!queue.empty()) {
    const auto cid = queue.front();
    queue.pop_front();
    auto commit = core::load_commit(repository.objects(), cid);
    if (!commit) {
      // A shallow history ends here: what is not stored was not pushed from this repository.
      if (commit.error().kind == ErrorKind::not_found && cid != version) continue;
      return std::move(commit).error();
    }
    MLCHAIN_TRY(const auto entries, core::list_files(repository.objects(), commit->tree));
    for (const auto& entry : entries)
      if (entry.kind == unixfs::NodeKind::file) files.insert(entry.cid);
    for (const auto& parent : commit->parents)
      if (!anchored.contains(parent) && seen.insert(parent).second) queue.push_back(parent);
  }
  return std::vector<codec::Cid>(files.begin(), files.end());
}

Result<bool> mark_private(repo::Repository& repository, const chain::ChainRemote& remote, core::Signer& signer,
                          const chain::ChainOptions& options) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  chain::RegistryClient registry(rpc, remote.registry);
  MLCHAIN_TRY(const auto owner, registry.owner_of(remote.repo));
  if (!owner || *owner != signer.address()) return false;
  MLCHAIN_TRY(const bool marked, registry.is_private(remote.repo));
  if (marked) return false;
  if (auto sent = chain::set_private(repository, remote, true, signer, options); !sent) return std::move(sent).error();
  return true;
}

Result<OpenedVersion> open_to_readers(repo::Repository& repository, const chain::ChainRemote& remote, ipfs::Node& node,
                                      const OwnerKeys& keys, const codec::Cid& head, core::Signer& signer,
                                      const chain::ChainOptions& options) {
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  chain::RegistryClient registry(rpc, remote.registry);
  OpenedVersion opened;
  MLCHAIN_TRY(opened.marked_private, mark_private(repository, remote, signer, options));
  if (!opened.marked_private) {
    MLCHAIN_TRY(const bool marked, registry.is_private(remote.repo));
    opened.not_owner = !marked;
  }
  MLCHAIN_TRY(const auto readers, registry.readers_of(remote.repo));
  bool files_known = false;
  std::vector<codec::Cid> files;
  for (const auto& reader : readers) {
    MLCHAIN_TRY(const bool current, registry.has_access(remote.repo, reader));
    if (!current) continue;
    auto published = registry.encryption_key_of(reader);
    // A reader whose published key is no point (the contract checks only its length and prefix) is skipped
    // like one without a key: the version stays sealed for it, and the others still get theirs.
    if (!published && published.error().kind != ErrorKind::invalid_input) return std::move(published).error();
    if (!published || !*published) {
      opened.readers.push_back(ReaderWrap{reader, std::nullopt});
      continue;
    }
    MLCHAIN_TRY(const auto recipient, crypto::PublicKey::parse((*published)->key));
    MLCHAIN_TRY(const bool granted, holds_grant(registry, node, remote.repo, reader, head, recipient));
    if (granted) continue;
    if (!files_known) {
      MLCHAIN_TRY(const auto anchored, anchored_heads(registry, remote.repo));
      MLCHAIN_TRY(files, files_opened_with(repository, head, anchored));
      files_known = true;
    }
    MLCHAIN_TRY(const auto access, publish_access(node, keys, head, recipient, files));
    MLCHAIN_TRY(auto sent, chain::grant_access(repository, remote, reader, {{head, access}}, signer, options));
    opened.transactions.push_back(std::move(sent.settled));
    opened.readers.push_back(ReaderWrap{reader, access});
  }
  return opened;
}

}  // namespace mlchain::privacy
