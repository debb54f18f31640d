#include "mlchain/privacy/grants.hpp"

#include <string>

#include "mlchain/codec/hex.hpp"
#include "mlchain/crypto/ecies.hpp"
#include "mlchain/privacy/sealing.hpp"

namespace mlchain::privacy {

Result<std::unique_ptr<GrantedContents>> GrantedContents::load(chain::RegistryClient& registry, const std::string& repo,
                                                               Reader reader, ipfs::Node& node) {
  const auto recipient = crypto::PublicKey::of(reader.identity).compressed();
  const Bytes recipient_bytes(recipient.begin(), recipient.end());
  std::unique_ptr<GrantedContents> contents(new GrantedContents(repo, std::move(reader)));
  MLCHAIN_TRY(const auto shreddings, registry.shreddings(repo));
  for (const auto& shredding : shreddings) contents->shredded_.insert(shredding.commit);
  MLCHAIN_TRY(const auto grants, registry.access_grants(repo, contents->reader_.address));
  for (const auto& grant : grants) {
    // A shredded version's pages were unpinned on purpose: the node may have dropped them, and waiting for
    // them would stop the versions that are still open.
    if (contents->shredded_.contains(grant.commit)) continue;
    MLCHAIN_TRY(const auto pages, read_access(node, grant.keys));
    if (pages.front().commit != grant.commit)
      return make_error(ErrorKind::corrupt, "the access pages " + grant.keys.to_string() + " the chain grants for " +
                                                grant.commit.to_string() + " open another version");
    if (pages.front().recipient != recipient_bytes) {
      ++contents->other_key_grants_;
      continue;
    }
    ++contents->versions_;
    for (const auto& page : pages)
      for (const auto& file : page.files) contents->files_.insert_or_assign(file.plain, file);
  }
  return contents;
}

Status GrantedContents::read_file(ipfs::Node& node, const codec::Cid& file,
                                  const std::function<Status(ByteView)>& on_bytes) {
  const auto found = files_.find(file);
  if (found == files_.end())
    return make_error(ErrorKind::access_denied, "access denied: " + repo_ + " is private and the key of " +
                                                    file.to_string() + " was not granted to " +
                                                    codec::to_checksum_address(reader_.address));
  return open_content(node, reader_.identity, found->second, on_bytes);
}

Error GrantedContents::denied(const codec::Cid& commit) const {
  if (shredded_.contains(commit))
    return make_error(ErrorKind::access_denied, "access denied: version " + commit.to_string() + " of " + repo_ +
                                                    " was shredded by its owner: its keys are destroyed");
  return make_error(ErrorKind::access_denied,
                    "access denied: " + repo_ + " is private and version " + commit.to_string() +
                        " was not granted to " + codec::to_checksum_address(reader_.address) +
                        (versions_ > 0 ? " (its grants end before this version: revoked, or not granted yet)"
                         : other_key_grants_ > 0
                             ? " (its " + std::to_string(other_key_grants_) +
                                   " grants were wrapped for another encryption key than this key's 0x" +
                                   codec::to_hex(crypto::PublicKey::of(reader_.identity).compressed()) +
                                   ": once 'mlchain key encryption publish' has published it, the owner grants again)"
                             : std::string(" (it holds no grant of this repository for its current encryption key)")));
}

Result<std::unique_ptr<remote::SealedContents>> private_contents(chain::RegistryClient& registry,
                                                                 const std::string& repo, ipfs::Node& node,
                                                                 const ReaderSource& reader) {
  MLCHAIN_TRY(const bool sealed, registry.is_private(repo));
  if (!sealed) return std::unique_ptr<remote::SealedContents>{};
  if (!reader)
    return make_error(ErrorKind::access_denied,
                      "access denied: " + repo + " is private; name the key it was granted to with --key");
  MLCHAIN_TRY(auto who, reader());
  MLCHAIN_TRY(auto contents, GrantedContents::load(registry, repo, std::move(who), node));
  return std::unique_ptr<remote::SealedContents>(std::move(contents));
}

}  // namespace mlchain::privacy
