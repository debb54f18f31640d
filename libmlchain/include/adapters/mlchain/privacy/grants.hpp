#pragma once
// A reader's side of a private model (docs/format.md §8): the grants the registry records for its address,
// their access pages read from the node, and each file opened with its encryption key. Only pages made for
// the reader's current encryption key count (an older key's grants no longer open anything).
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "mlchain/chain/registry_client.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/privacy/records.hpp"
#include "mlchain/remote/fetch.hpp"

namespace mlchain::privacy {

struct Reader {
  codec::Address address;
  crypto::PrivateKey identity;  // the address's encryption key (keys/encryption_key.hpp)
};

// Asked only when the registry says a repository is private, so a public clone never unlocks a key.
using ReaderSource = std::function<Result<Reader>()>;

class GrantedContents final : public remote::SealedContents {
 public:
  static Result<std::unique_ptr<GrantedContents>> load(chain::RegistryClient& registry, const std::string& repo,
                                                       Reader reader, ipfs::Node& node);
  bool opens(const codec::Cid& file) const override { return files_.contains(file); }
  Status read_file(ipfs::Node& node, const codec::Cid& file, const std::function<Status(ByteView)>& on_bytes) override;
  Error denied(const codec::Cid& commit) const override;
  std::size_t versions() const { return versions_; }

 private:
  GrantedContents(std::string repo, Reader reader) : repo_(std::move(repo)), reader_(std::move(reader)) {}
  std::string repo_;
  Reader reader_;
  std::map<codec::Cid, SealedFile> files_;
  std::set<codec::Cid> shredded_;  // versions the registry records as shredded
  std::size_t versions_ = 0;
  std::size_t other_key_grants_ = 0;  // grants whose pages were made for another encryption key
};

// The contents of `repo` for `reader` when the registry marks it private; nothing when it is public.
Result<std::unique_ptr<remote::SealedContents>> private_contents(chain::RegistryClient& registry,
                                                                 const std::string& repo, ipfs::Node& node,
                                                                 const ReaderSource& reader);

}  // namespace mlchain::privacy
