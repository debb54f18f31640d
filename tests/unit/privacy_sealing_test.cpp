// Sealing a private model's contents for IPFS and opening them again (privacy/sealing.hpp, privacy/owner_keys.hpp;
// docs/format.md §8) against the in-memory node: round trips byte for byte, a record reused only while the
// node holds its ciphertext, access pages over several pages, and every way a reader is refused — a key not
// wrapped for it, a ciphertext the node altered, and a page that names another valid ciphertext.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "fakes/memory_node.hpp"
#include "mlchain/crypto/age.hpp"
#include "mlchain/crypto/ecies.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/privacy/owner_keys.hpp"
#include "mlchain/privacy/sealing.hpp"
#include "mlchain/repo/repository.hpp"
#include "temporary_directory.hpp"
#include "test_files.hpp"

using namespace mlchain;
using namespace mlchain::privacy;
using testing::MemoryNode;
namespace stdfs = std::filesystem;

namespace {

crypto::PrivateKey key_from_hex(std::string_view hex) {
  auto key = crypto::PrivateKey::from_hex(hex);
  REQUIRE(key.ok());
  return std::move(key).value();
}

// byte i = (i * 7 + seed) % 251: no run repeats at a chunk boundary, and contents differ by seed.
Bytes pattern(std::size_t size, std::uint8_t seed = 0) {
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>((i * 7 + seed) % 251);
  return bytes;
}

repo::Repository new_repository(const stdfs::path& work_tree) {
  auto created = repo::init_repository(work_tree);
  REQUIRE(created.ok());
  return std::move(created).value();
}

// Where a test that writes a thousand key records keeps its repository: each record is fsynced, which costs
// tens of milliseconds on a disk and nothing in memory (tmpfs), so /dev/shm when there is one.
stdfs::path fast_base() {
  std::error_code error;
  return stdfs::is_directory("/dev/shm", error) ? stdfs::path("/dev/shm") : stdfs::temp_directory_path();
}

struct Owner {
  explicit Owner(const stdfs::path& base = stdfs::temp_directory_path()) : directory(base) {}
  testing::TemporaryDirectory directory;
  repo::Repository repository = new_repository(directory.path / "model");
  crypto::PrivateKey identity = key_from_hex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
  OwnerKeys keys{repository, identity};
  MemoryNode node;
  const codec::Cid commit = codec::Cid::of_block(1, codec::multicodec::dag_cbor, Bytes{'v', '1'});
  std::size_t stored = 0;

  // Puts `contents` in the content store as a commit would, and returns their CID.
  codec::Cid store(const Bytes& contents) {
    const auto path = directory.path / ("source-" + std::to_string(stored++));
    testing::write_text(path, std::string_view(reinterpret_cast<const char*>(contents.data()), contents.size()));
    auto imported = fs::cid_of_path(path, unixfs::default_profile);
    REQUIRE(imported.ok());
    REQUIRE(repository.contents().store_copy(path, imported->cid, unixfs::default_profile).ok());
    return imported->cid;
  }

  Sealed seal(const codec::Cid& plain) {
    auto sealed = seal_content(repository, node, keys, plain);
    REQUIRE(sealed.ok());
    return *sealed;
  }

  // The entry an access page for `recipient` would hold for `plain`.
  SealedFile sealed_file(const codec::Cid& plain, const crypto::PublicKey& recipient) {
    auto seal = keys.find(plain);
    REQUIRE(seal.ok());
    REQUIRE(seal->has_value());
    auto header = header_for(recipient, (*seal)->key);
    REQUIRE(header.ok());
    return SealedFile{plain, (*seal)->cipher, *header};
  }
};

// What open_content hands on, concatenated; the status it ends with.
struct Opened {
  Status status;
  Bytes bytes;
};

Opened open(ipfs::Node& node, const crypto::PrivateKey& identity, const SealedFile& file) {
  Opened opened;
  opened.status = open_content(node, identity, file, [&](ByteView bytes) -> Status {
    opened.bytes.insert(opened.bytes.end(), bytes.begin(), bytes.end());
    return {};
  });
  return opened;
}

// A node that serves what it is told under any CID without re-hashing it: how a chain of pages could loop
// (no honest chain of sha2-256 links can), so read_access must catch it itself.
class UncheckedNode final : public ipfs::Node {
 public:
  explicit UncheckedNode(MemoryNode& backing) : backing_(backing) {}
  void serve(const codec::Cid& cid, Bytes block) { served_.insert_or_assign(cid, std::move(block)); }

  const std::string& url() const override { return backing_.url(); }
  bool writable() const override { return true; }
  Result<bool> has_block(const codec::Cid& cid) override {
    return served_.contains(cid) ? Result<bool>(true) : backing_.has_block(cid);
  }
  Result<Bytes> get_block(const codec::Cid& cid) override {
    const auto found = served_.find(cid);
    return found != served_.end() ? Result<Bytes>(found->second) : backing_.get_block(cid);
  }
  Status read_file(const codec::Cid& root, const unixfs::Profile& profile,
                   const std::function<Status(ByteView)>& on_bytes, const ipfs::ProgressCallback& progress) override {
    return backing_.read_file(root, profile, on_bytes, progress);
  }
  Status read_dag(const codec::Cid& root, const ipfs::BlockCallback& on_block,
                  const ipfs::ProgressCallback& progress) override {
    return backing_.read_dag(root, on_block, progress);
  }
  Status put_block(const codec::Cid& cid, ByteView block) override { return backing_.put_block(cid, block); }
  Result<codec::Cid> add_file(const stdfs::path& path, const unixfs::Profile& profile,
                              const ipfs::ProgressCallback& progress) override {
    return backing_.add_file(path, profile, progress);
  }
  Status import_car(const ipfs::ByteSource& car, const ipfs::ProgressCallback& progress) override {
    return backing_.import_car(car, progress);
  }
  Status pin(const codec::Cid& root) override { return backing_.pin(root); }
  Status pin_blocks(const std::vector<codec::Cid>& blocks) override { return backing_.pin_blocks(blocks); }
  Status unpin(const codec::Cid& root) override { return backing_.unpin(root); }

 private:
  MemoryNode& backing_;
  std::map<codec::Cid, Bytes> served_;
};

const char* const other_hex = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

}  // namespace

TEST_CASE("sealed contents open again byte for byte, and the node holds only ciphertext", "[privacy]") {
  Owner owner;
  const auto recipient = crypto::PublicKey::of(owner.identity);
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, crypto::age::chunk_size, std::size_t{(1 << 20) + 3}}) {
    INFO(size << " bytes");
    const auto contents = pattern(size, static_cast<std::uint8_t>(size % 251));
    const auto plain = owner.store(contents);
    const auto sealed = owner.seal(plain);
    CHECK(sealed.fresh);
    CHECK(owner.node.holds(sealed.cipher));
    CHECK(sealed.cipher.version() == 1);  // built under unixfs-v1-2025 (privacy::cipher_profile)
    CHECK_FALSE(owner.node.holds(plain));
    const auto opened = open(owner.node, owner.identity, owner.sealed_file(plain, recipient));
    REQUIRE(opened.status.ok());
    CHECK(opened.bytes == contents);
  }
  // No payload file is left beside the keys.
  for (const auto& entry : stdfs::recursive_directory_iterator(owner.repository.paths().private_keys().parent_path()))
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("sealing again reuses the record while the node holds its ciphertext, and re-seals when it does not",
          "[privacy]") {
  Owner owner;
  const auto plain = owner.store(pattern(3000));
  const auto first = owner.seal(plain);
  REQUIRE(first.fresh);
  const auto writes = owner.node.blocks_written();

  const auto again = owner.seal(plain);
  CHECK_FALSE(again.fresh);
  CHECK(again.cipher == first.cipher);
  CHECK(owner.node.blocks_written() == writes);

  owner.node.drop(first.cipher);
  const auto resealed = owner.seal(plain);
  CHECK(resealed.fresh);
  CHECK(resealed.cipher != first.cipher);  // a new file key and nonce
  CHECK(owner.node.holds(resealed.cipher));
  const auto record = owner.keys.find(plain);
  REQUIRE(record.ok());
  REQUIRE(record->has_value());
  CHECK((*record)->cipher == resealed.cipher);
  const auto opened = open(owner.node, owner.identity, owner.sealed_file(plain, crypto::PublicKey::of(owner.identity)));
  REQUIRE(opened.status.ok());
  CHECK(opened.bytes == pattern(3000));
}

TEST_CASE("access pages hold 1024 files each, linked in plaintext CID order, and pin the ciphertexts", "[privacy]") {
  Owner owner(fast_base());
  const auto reader = key_from_hex(other_hex);
  const auto recipient = crypto::PublicKey::of(reader);
  const Bytes recipient_bytes(recipient.compressed().begin(), recipient.compressed().end());
  std::vector<codec::Cid> files;
  for (std::size_t i = 0; i < files_per_page + 3; ++i) {
    files.push_back(owner.store(Bytes{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), 'x'}));
    owner.seal(files.back());
  }

  // Exactly one page's worth, one of them named twice: one page without a next.
  std::vector<codec::Cid> some(files.begin(), files.begin() + files_per_page);
  some.push_back(files.front());
  const auto single = publish_access(owner.node, owner.keys, owner.commit, recipient, some);
  REQUIRE(single.ok());
  const auto one_page = read_access(owner.node, *single);
  REQUIRE(one_page.ok());
  REQUIRE(one_page->size() == 1);
  CHECK(one_page->front().files.size() == files_per_page);
  CHECK_FALSE(one_page->front().next);

  // More files make more pages, each full but the last.
  const auto first = publish_access(owner.node, owner.keys, owner.commit, recipient, files);
  REQUIRE(first.ok());
  CHECK(owner.node.pinned(*first));
  const auto pages = read_access(owner.node, *first);
  REQUIRE(pages.ok());
  REQUIRE(pages->size() == 2);
  CHECK((*pages)[0].files.size() == files_per_page);
  CHECK((*pages)[0].next);
  CHECK((*pages)[1].files.size() == 3);
  CHECK_FALSE((*pages)[1].next);
  std::vector<Bytes> order;
  std::set<codec::Cid> named;
  for (const auto& page : *pages) {
    CHECK(page.commit == owner.commit);
    CHECK(page.recipient == recipient_bytes);
    for (const auto& file : page.files) {
      order.push_back(file.plain.to_bytes());
      named.insert(file.plain);
      CHECK_FALSE(owner.node.pinned(file.cipher));  // held by the first page's recursive pin
    }
  }
  CHECK(std::adjacent_find(order.begin(), order.end(), std::greater_equal<>()) == order.end());
  CHECK(named == std::set<codec::Cid>(files.begin(), files.end()));
  // The reader opens a file of the last page with its own key.
  const auto opened = open(owner.node, reader, (*pages)[1].files.back());
  REQUIRE(opened.status.ok());
  CHECK(opened.bytes.size() == 3);
  // The first page links every ciphertext of the set, through the next page too: pinning it needs them all.
  owner.node.drop((*pages)[1].files.front().cipher);
  const auto repinned = owner.node.pin(*first);
  REQUIRE_FALSE(repinned.ok());

  // A file the owner holds no key of: not_found naming it.
  const auto unknown = owner.store(pattern(10, 99));
  const auto refused = publish_access(owner.node, owner.keys, owner.commit, recipient, {files[0], unknown});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::not_found);
  CHECK_THAT(refused.error().message, Catch::Contains(unknown.to_string()));
}

TEST_CASE("read_access refuses a chain of pages that loops or strays to another version or reader", "[privacy]") {
  Owner owner;
  const auto plain = owner.store(pattern(100));
  owner.seal(plain);
  const auto recipient = crypto::PublicKey::of(owner.identity);
  const Bytes recipient_bytes(recipient.compressed().begin(), recipient.compressed().end());
  const auto entry = owner.sealed_file(plain, recipient);

  SECTION("a loop, served by a node that does not re-hash") {
    UncheckedNode node(owner.node);
    const auto a = codec::Cid::of_block(1, codec::multicodec::dag_cbor, Bytes{'a'});
    const auto b = codec::Cid::of_block(1, codec::multicodec::dag_cbor, Bytes{'b'});
    auto page_a = encode_access_page(AccessPage{owner.commit, recipient_bytes, {entry}, b});
    auto page_b = encode_access_page(AccessPage{owner.commit, recipient_bytes, {}, a});
    REQUIRE(page_a.ok());
    REQUIRE(page_b.ok());
    node.serve(a, *page_a);
    node.serve(b, *page_b);
    const auto pages = read_access(node, a);
    REQUIRE_FALSE(pages.ok());
    CHECK(pages.error().kind == ErrorKind::corrupt);
    CHECK_THAT(pages.error().message, Catch::Contains("loop back to " + a.to_string()));
  }
  SECTION("a next page of another version, or for another recipient") {
    const auto other_commit = codec::Cid::of_block(1, codec::multicodec::dag_cbor, Bytes{'v', '2'});
    const auto other_recipient = crypto::PublicKey::of(key_from_hex(other_hex));
    for (const auto& [commit, key] : {std::pair{other_commit, recipient}, std::pair{owner.commit, other_recipient}}) {
      const auto tail = publish_access(owner.node, owner.keys, commit, key, {plain});
      REQUIRE(tail.ok());
      auto head = encode_access_page(AccessPage{owner.commit, recipient_bytes, {entry}, *tail});
      REQUIRE(head.ok());
      const auto head_cid = access_page_cid(*head);
      REQUIRE(owner.node.put_block(head_cid, *head).ok());
      const auto pages = read_access(owner.node, head_cid);
      REQUIRE_FALSE(pages.ok());
      CHECK(pages.error().kind == ErrorKind::corrupt);
      CHECK_THAT(pages.error().message, Catch::Contains("another version or recipient"));
    }
  }
  SECTION("a page that does not decode") {
    const Bytes not_a_page{0xa1, 0x61, 'v', 0x01};
    const auto cid = access_page_cid(not_a_page);
    REQUIRE(owner.node.put_block(cid, not_a_page).ok());
    const auto pages = read_access(owner.node, cid);
    REQUIRE_FALSE(pages.ok());
    CHECK(pages.error().kind == ErrorKind::corrupt);
    CHECK_THAT(pages.error().message, Catch::Contains(cid.to_string()));
  }
}

TEST_CASE("open_content refuses a reader the key was not wrapped for, and ciphertext that does not authenticate",
          "[privacy]") {
  Owner owner;
  const auto contents = pattern(crypto::age::chunk_size * 2 + 5, 1);
  const auto plain = owner.store(contents);
  const auto sealed = owner.seal(plain);
  const auto recipient = crypto::PublicKey::of(owner.identity);
  const auto file = owner.sealed_file(plain, recipient);

  SECTION("another identity") {
    const auto opened = open(owner.node, key_from_hex(other_hex), file);
    REQUIRE_FALSE(opened.status.ok());
    CHECK(opened.status.error().kind == ErrorKind::access_denied);
    CHECK_THAT(opened.status.error().message, Catch::Contains(plain.to_string()));
    CHECK(opened.bytes.empty());
  }
  SECTION("the node serves altered ciphertext") {
    auto block = owner.node.get_block(sealed.cipher);
    REQUIRE(block.ok());
    Bytes altered = *block;
    altered[altered.size() / 2] ^= 0x01;
    owner.node.tamper(sealed.cipher, altered);
    const auto opened = open(owner.node, owner.identity, file);
    REQUIRE_FALSE(opened.status.ok());
    CHECK(opened.status.error().kind == ErrorKind::corrupt);
    CHECK(opened.bytes.empty());
  }
  SECTION("the page names another valid ciphertext: it re-hashes, and fails authentication") {
    const auto other_plain = owner.store(pattern(contents.size(), 2));
    const auto other = owner.seal(other_plain);
    auto swapped = file;
    swapped.cipher = other.cipher;
    const auto opened = open(owner.node, owner.identity, swapped);
    REQUIRE_FALSE(opened.status.ok());
    CHECK(opened.status.error().kind == ErrorKind::corrupt);
    CHECK_THAT(opened.status.error().message, Catch::Contains(other.cipher.to_string()));
    CHECK(opened.bytes.empty());  // not one chunk of the other content handed on
  }
  SECTION("a header with bytes after it, or made under another file key") {
    auto trailing = file;
    trailing.header.push_back('\n');
    auto opened = open(owner.node, owner.identity, trailing);
    REQUIRE_FALSE(opened.status.ok());
    CHECK(opened.status.error().kind == ErrorKind::corrupt);

    auto other_key = crypto::age::new_file_key();
    REQUIRE(other_key.ok());
    auto forged = file;
    auto header = header_for(recipient, *other_key);
    REQUIRE(header.ok());
    forged.header = *header;
    opened = open(owner.node, owner.identity, forged);
    REQUIRE_FALSE(opened.status.ok());
    CHECK(opened.status.error().kind == ErrorKind::corrupt);
    CHECK(opened.bytes.empty());
  }
}

TEST_CASE("owner key records open only with the owner's key and name their content; destroy removes them",
          "[privacy]") {
  Owner owner;
  const auto plain = owner.store(pattern(500));
  const auto sealed = owner.seal(plain);
  const auto path = owner.repository.paths().private_keys() / plain.to_string();
  REQUIRE(stdfs::exists(path));
  CHECK((stdfs::status(path).permissions() & stdfs::perms::all) ==
        (stdfs::perms::owner_read | stdfs::perms::owner_write));

  SECTION("another identity's keys find a record they cannot open: corrupt naming the path") {
    const auto stranger = key_from_hex(other_hex);
    const OwnerKeys theirs(owner.repository, stranger);
    const auto found = theirs.find(plain);
    REQUIRE_FALSE(found.ok());
    CHECK(found.error().kind == ErrorKind::corrupt);
    CHECK_THAT(found.error().message, Catch::Contains(path.string()));
  }
  SECTION("a record under another content's name") {
    const auto other = owner.store(pattern(500, 3));
    stdfs::copy_file(path, path.parent_path() / other.to_string());
    const auto found = owner.keys.find(other);
    REQUIRE_FALSE(found.ok());
    CHECK(found.error().kind == ErrorKind::corrupt);
    CHECK_THAT(found.error().message, Catch::Contains("holds the key of " + plain.to_string()));
  }
  SECTION("a damaged record") {
    testing::write_text(path, "age-encryption.org/v1\n");
    const auto found = owner.keys.find(plain);
    REQUIRE_FALSE(found.ok());
    CHECK(found.error().kind == ErrorKind::corrupt);
    CHECK_THAT(found.error().message, Catch::Contains(path.string()));
  }
  SECTION("destroy removes the record, and a missing one is no error") {
    REQUIRE(owner.keys.destroy(plain).ok());
    CHECK_FALSE(stdfs::exists(path));
    const auto found = owner.keys.find(plain);
    REQUIRE(found.ok());
    CHECK_FALSE(found->has_value());
    CHECK(owner.keys.destroy(plain).ok());
    // With the record gone, sealing again makes a new key even though the node still holds the ciphertext.
    const auto resealed = owner.seal(plain);
    CHECK(resealed.fresh);
    CHECK(resealed.cipher != sealed.cipher);
  }
}
