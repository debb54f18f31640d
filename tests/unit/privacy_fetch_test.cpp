// remote::fetch_history of a private model (remote/fetch.hpp, docs/format.md §8): the node holds what a private
// push left there (commit and tree blocks, ciphertext), and the reader's SealedContents decides where the
// history it receives stops — at a head it cannot open (its denied() error, nothing stored) or at a parent.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "fakes/memory_node.hpp"
#include "mlchain/crypto/ecies.hpp"
#include "mlchain/keys/signers.hpp"
#include "mlchain/privacy/owner_keys.hpp"
#include "mlchain/privacy/private_push.hpp"
#include "mlchain/privacy/sealing.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/repo/commit_work_tree.hpp"
#include "mlchain/repo/repository.hpp"
#include "temporary_directory.hpp"
#include "test_files.hpp"

using namespace mlchain;
using testing::MemoryNode;
namespace stdfs = std::filesystem;

namespace {

crypto::PrivateKey key_from_hex(std::string_view hex) {
  auto key = crypto::PrivateKey::from_hex(hex);
  REQUIRE(key.ok());
  return std::move(key).value();
}

repo::Repository new_repository(const stdfs::path& work_tree) {
  auto created = repo::init_repository(work_tree);
  REQUIRE(created.ok());
  return std::move(created).value();
}

codec::Cid commit_all(repo::Repository& repository, const std::string& message, std::int64_t time) {
  keys::PrivateKeySigner signer(key_from_hex("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"));
  repo::CommitRequest request;
  request.message = message;
  request.time = time;
  auto committed = repo::commit_work_tree(repository, signer, std::move(request));
  REQUIRE(committed.ok());
  REQUIRE(committed->commit);
  return *committed->commit;
}

// The reader's grants, faked: the files it holds access pages for, opened with its own key.
class GrantedFiles final : public remote::SealedContents {
 public:
  explicit GrantedFiles(const crypto::PrivateKey& identity) : identity_(identity) {}
  void grant(const privacy::SealedFile& file) { files_.insert_or_assign(file.plain, file); }

  bool opens(const codec::Cid& file) const override { return files_.contains(file); }
  Status read_file(ipfs::Node& node, const codec::Cid& file, const std::function<Status(ByteView)>& on_bytes) override {
    const auto found = files_.find(file);
    if (found == files_.end()) return make_error(ErrorKind::access_denied, "no grant of " + file.to_string());
    return privacy::open_content(node, identity_, found->second, on_bytes);
  }
  Error denied(const codec::Cid& commit) const override {
    return make_error(ErrorKind::access_denied, "access denied: version " + commit.to_string() + " not granted");
  }

 private:
  const crypto::PrivateKey& identity_;
  std::map<codec::Cid, privacy::SealedFile> files_;
};

// An owner's repository with two versions, pushed privately: the second changes one file and adds one, so
// the first holds a content the second does not.
struct PrivateModel {
  testing::TemporaryDirectory directory;
  repo::Repository repository = new_repository(directory.path / "owner");
  crypto::PrivateKey owner = key_from_hex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  privacy::OwnerKeys keys{repository, owner};
  MemoryNode node;
  codec::Cid first, second;

  PrivateModel() {
    const auto& root = repository.work_tree();
    for (int i = 0; i < 3; ++i)
      testing::write_text(root / "weights" / ("shard-" + std::to_string(i)), "shard " + std::to_string(i));
    first = commit_all(repository, "first", 1000);
    testing::write_text(root / "weights" / "shard-0", "shard 0, retrained");
    testing::write_text(root / "README", "model card");
    second = commit_all(repository, "second", 2000);
    REQUIRE(privacy::upload_sealed(repository, node, keys, second).ok());
  }

  // The files of `version` alone (as if every older version had been a head on chain).
  std::vector<codec::Cid> files_of(const codec::Cid& version, const std::vector<codec::Cid>& older) {
    auto files = privacy::files_opened_with(repository, version, older);
    REQUIRE(files.ok());
    return *files;
  }

  // Grants `reader` the files of `version` through real access pages on the node.
  void grant(GrantedFiles& reader, const crypto::PrivateKey& identity, const codec::Cid& version,
             const std::vector<codec::Cid>& files) {
    auto first_page = privacy::publish_access(node, keys, version, crypto::PublicKey::of(identity), files);
    REQUIRE(first_page.ok());
    auto pages = privacy::read_access(node, *first_page);
    REQUIRE(pages.ok());
    for (const auto& page : *pages)
      for (const auto& file : page.files) reader.grant(file);
  }
};

// Files in the object store that are file leaves or file roots (raw blocks): a private model's files are
// one-chunk here, so this counts the files stored.
std::size_t stored_files(repo::Repository& repository) {
  std::size_t count = 0;
  REQUIRE(repository.objects()
              .for_each([&](const codec::Cid& cid) -> Status {
                if (cid.codec() == codec::multicodec::raw) ++count;
                return {};
              })
              .ok());
  return count;
}

Bytes stored_contents(repo::Repository& repository, const codec::Cid& file) {
  auto reader = repository.contents().open(file);
  REQUIRE(reader.ok());
  Bytes bytes(static_cast<std::size_t>(reader->size()));
  REQUIRE(reader->read_at(0, bytes).value() == bytes.size());
  return bytes;
}

std::size_t stored_objects(const repo::Repository& repository) {
  std::size_t count = 0;
  for (const auto& entry : stdfs::recursive_directory_iterator(repository.paths().objects()))
    if (entry.is_regular_file()) ++count;
  return count;
}

}  // namespace

TEST_CASE("fetching a private head the reader cannot open is its denied() error, with nothing stored",
          "[privacy][fetch]") {
  PrivateModel model;
  const auto reader = key_from_hex("0101010101010101010101010101010101010101010101010101010101010101");
  GrantedFiles granted(reader);
  // Granted the first version only: the second's new contents stay closed.
  model.grant(granted, reader, model.first, model.files_of(model.first, {}));

  testing::TemporaryDirectory elsewhere;
  auto clone = new_repository(elsewhere.path / "reader");
  const auto objects_before = stored_objects(clone);
  const auto fetched = remote::fetch_history(clone, model.node, model.second, std::nullopt, {}, &granted);
  REQUIRE_FALSE(fetched.ok());
  CHECK(fetched.error().kind == ErrorKind::access_denied);
  CHECK(fetched.error().message == granted.denied(model.second).message);
  CHECK(stored_files(clone) == 0);
  CHECK(stored_objects(clone) == objects_before);
}

TEST_CASE("fetching a private head stops at a parent the reader cannot open, and stores the head's files",
          "[privacy][fetch]") {
  PrivateModel model;
  const auto reader = key_from_hex("0101010101010101010101010101010101010101010101010101010101010101");
  GrantedFiles granted(reader);
  const auto head_files = model.files_of(model.second, {model.first});
  model.grant(granted, reader, model.second, head_files);

  testing::TemporaryDirectory elsewhere;
  auto clone = new_repository(elsewhere.path / "reader");
  const auto fetched = remote::fetch_history(clone, model.node, model.second, std::nullopt, {}, &granted);
  REQUIRE(fetched.ok());
  CHECK(fetched->commits == std::vector<codec::Cid>{model.second});
  CHECK(fetched->cut_parents == std::vector<codec::Cid>{model.first});
  CHECK(fetched->files == head_files.size());
  CHECK(stored_files(clone) == head_files.size());
  for (const auto& file : head_files) {
    INFO(file.to_string());
    CHECK(stored_contents(clone, file) == stored_contents(model.repository, file));
  }
  // The first version's own content (shard-0 before retraining) never arrived.
  const auto first_files = model.files_of(model.first, {});
  for (const auto& file : first_files)
    if (std::find(head_files.begin(), head_files.end(), file) == head_files.end()) {
      const auto held = clone.contents().contains(file);
      REQUIRE(held.ok());
      CHECK_FALSE(*held);
    }
}
