#include "mlchain/privacy/sealing.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <utility>

#include "mlchain/codec/car.hpp"
#include "mlchain/crypto/age.hpp"
#include "mlchain/fs/file_reader.hpp"
#include "mlchain/unixfs/file_builder.hpp"

namespace mlchain::privacy {
namespace {

constexpr std::size_t read_size = 1024 * 1024;

// A content's payload as a CAR of the cipher profile's blocks, encrypted and cut into leaves as the upload
// asks for its bytes: the plaintext is read once, no ciphertext touches the disk, and the node only checks
// and stores blocks (its own `add` of the same bytes re-chunks and re-hashes them, far slower: bench/README.md,
// "Private models"). The CAR's header names the plaintext's CID: the payload's root is known only after its
// last byte, and the upload asks the node to pin no root, so the header's is a label (CARv1 allows a root the
// CAR does not hold).
class SealingStream {
 public:
  SealingStream(const codec::Cid& plain, const repo::ContentReader& reader, crypto::age::PayloadEncryptor& encryptor,
                const ipfs::ProgressCallback& on_bytes)
      : reader_(reader),
        encryptor_(encryptor),
        on_bytes_(on_bytes),
        plain_(read_size),
        sink_(pending_),
        builder_(cipher_profile(), sink_) {
    pending_ = codec::encode_car_header({plain});
  }
  SealingStream(const SealingStream&) = delete;
  SealingStream& operator=(const SealingStream&) = delete;
  ~SealingStream() { crypto::secure_wipe(plain_.data(), plain_.size()); }

  Result<std::size_t> read(std::span<std::uint8_t> buffer) {
    std::size_t given = 0;
    while (given < buffer.size()) {
      if (pending_offset_ == pending_.size()) {
        if (root_) break;
        MLCHAIN_TRY_STATUS(refill());
        continue;
      }
      const std::size_t take = std::min(buffer.size() - given, pending_.size() - pending_offset_);
      std::memcpy(buffer.data() + given, pending_.data() + pending_offset_, take);
      pending_offset_ += take;
      given += take;
    }
    return given;
  }

  // The payload's CID under cipher_profile(), once every byte of the CAR was read.
  Result<codec::Cid> root() const {
    if (!root_ || pending_offset_ != pending_.size())
      return make_error(ErrorKind::internal,
                        "the upload of the ciphertext of " + reader_.path().string() + " ended before the CAR did");
    return *root_;
  }

 private:
  // Appends each block the builder makes to the CAR being sent.
  class CarSections final : public unixfs::BlockSink {
   public:
    explicit CarSections(Bytes& car) : car_(car) {}
    Status put(const codec::Cid& cid, ByteView block) override {
      append(car_, codec::encode_car_section(cid, block));
      return {};
    }

   private:
    Bytes& car_;
  };

  Status refill() {
    pending_.clear();
    pending_offset_ = 0;
    sealed_.clear();
    MLCHAIN_TRY(const std::size_t n, reader_.read_at(plain_offset_, plain_));
    if (n == 0) {
      MLCHAIN_TRY_STATUS(encryptor_.finish(sealed_));
      MLCHAIN_TRY_STATUS(cut(sealed_));
      if (leaf_fill_ > 0) MLCHAIN_TRY_STATUS(builder_.add_leaf(leaf_.seal(leaf_fill_)));
      MLCHAIN_TRY(const auto root, builder_.finish());
      root_ = root.cid;
      return {};
    }
    plain_offset_ += n;
    MLCHAIN_TRY_STATUS(encryptor_.update(ByteView(plain_.data(), n), sealed_));
    if (on_bytes_) on_bytes_(plain_offset_);
    return cut(sealed_);
  }

  // Cuts the payload into the profile's chunks, each a leaf as soon as it is full.
  Status cut(ByteView bytes) {
    while (!bytes.empty()) {
      const auto space = leaf_.chunk_space();
      const std::size_t take = std::min(space.size() - leaf_fill_, bytes.size());
      std::memcpy(space.data() + leaf_fill_, bytes.data(), take);
      leaf_fill_ += take;
      bytes = bytes.subspan(take);
      if (leaf_fill_ == space.size()) {
        MLCHAIN_TRY_STATUS(builder_.add_leaf(leaf_.seal(leaf_fill_)));
        leaf_fill_ = 0;
      }
    }
    return {};
  }

  const repo::ContentReader& reader_;
  crypto::age::PayloadEncryptor& encryptor_;
  const ipfs::ProgressCallback& on_bytes_;
  Bytes plain_;
  Bytes sealed_;
  Bytes pending_;
  std::size_t pending_offset_ = 0;
  std::uint64_t plain_offset_ = 0;
  std::optional<codec::Cid> root_;
  CarSections sink_;
  unixfs::LeafBuffer leaf_{cipher_profile()};
  std::size_t leaf_fill_ = 0;
  unixfs::FileBuilder builder_;
};

}  // namespace

const unixfs::Profile& cipher_profile() { return unixfs::unixfs_v1_2025; }

Result<Sealed> seal_content(repo::Repository& repository, ipfs::Node& node, const OwnerKeys& keys,
                            const codec::Cid& plain, const ipfs::ProgressCallback& on_bytes) {
  MLCHAIN_TRY(const auto known, keys.find(plain));
  if (known) {
    MLCHAIN_TRY(const bool held, node.has_block(known->cipher));
    if (held) return Sealed{known->cipher, false};
  }
  MLCHAIN_TRY(auto file_key, crypto::age::new_file_key());
  MLCHAIN_TRY(const auto reader, repository.contents().open(plain));
  MLCHAIN_TRY(auto encryptor, crypto::age::PayloadEncryptor::begin(file_key));
  SealingStream stream(plain, reader, encryptor, on_bytes);
  MLCHAIN_TRY_STATUS(node.import_car([&](std::span<std::uint8_t> buffer) { return stream.read(buffer); }));
  MLCHAIN_TRY(const auto ours, stream.root());
  MLCHAIN_TRY_STATUS(keys.store(plain, ContentSeal{ours, std::move(file_key)}));
  return Sealed{ours, true};
}

Result<Bytes> header_for(const crypto::PublicKey& recipient, const crypto::SecretBytes& file_key) {
  MLCHAIN_TRY(const auto stanza, crypto::age::wrap_file_key(recipient, file_key));
  const std::vector<crypto::age::Stanza> stanzas{stanza};
  return crypto::age::encode_header(stanzas, file_key);
}

Result<codec::Cid> publish_access(ipfs::Node& node, const OwnerKeys& keys, const codec::Cid& commit,
                                  const crypto::PublicKey& recipient, const std::vector<codec::Cid>& files) {
  std::set<codec::Cid> unique(files.begin(), files.end());
  std::vector<SealedFile> sealed;
  sealed.reserve(unique.size());
  for (const auto& plain : unique) {
    MLCHAIN_TRY(const auto seal, keys.find(plain));
    if (!seal)
      return make_error(ErrorKind::not_found, "no key for " + plain.to_string() + " of " + commit.to_string() +
                                                  " in this repository: it was sealed elsewhere, or shredded");
    MLCHAIN_TRY(auto header, header_for(recipient, seal->key));
    sealed.push_back(SealedFile{plain, seal->cipher, std::move(header)});
  }
  std::sort(sealed.begin(), sealed.end(),
            [](const SealedFile& a, const SealedFile& b) { return a.plain.to_bytes() < b.plain.to_bytes(); });
  const Bytes recipient_bytes(recipient.compressed().begin(), recipient.compressed().end());
  // Pages are written last first, so each can link the next; an empty version still gets one page.
  std::optional<codec::Cid> next;
  std::vector<codec::Cid> pages;
  std::size_t end = sealed.size();
  do {
    const std::size_t begin = end == 0 ? 0 : (end - 1) / files_per_page * files_per_page;
    AccessPage page{commit, recipient_bytes,
                    std::vector<SealedFile>(sealed.begin() + static_cast<std::ptrdiff_t>(begin),
                                            sealed.begin() + static_cast<std::ptrdiff_t>(end)),
                    next};
    MLCHAIN_TRY(const auto block, encode_access_page(page));
    const auto cid = access_page_cid(block);
    MLCHAIN_TRY_STATUS(node.put_block(cid, block));
    pages.push_back(cid);
    next = cid;
    end = begin;
  } while (end > 0);
  // Each page by itself: the ciphertexts it names are pinned on their own by the push that sealed them (and
  // unpinned by shred only when no version left holds them), so a recursive pin would make the node walk
  // every ciphertext of the version again, once per reader (bench/README.md, "Private models").
  MLCHAIN_TRY_STATUS(node.pin_blocks(pages));
  return *next;
}

Result<std::vector<AccessPage>> read_access(ipfs::Node& node, const codec::Cid& first) {
  std::vector<AccessPage> pages;
  std::set<codec::Cid> seen;
  std::optional<codec::Cid> at = first;
  while (at) {
    if (!seen.insert(*at).second)
      return make_error(ErrorKind::corrupt, "the access pages from " + first.to_string() + " on " + node.url() +
                                                " loop back to " + at->to_string());
    MLCHAIN_TRY(const auto block, node.get_block(*at));
    auto page = decode_access_page(block);
    if (!page)
      return make_error(ErrorKind::corrupt, at->to_string() + " on " + node.url() + ": " + page.error().message);
    if (!pages.empty() && (page->commit != pages.front().commit || page->recipient != pages.front().recipient))
      return make_error(ErrorKind::corrupt, "access page " + at->to_string() + " on " + node.url() +
                                                " belongs to another version or recipient than " + first.to_string());
    at = page->next;
    pages.push_back(std::move(page).value());
  }
  return pages;
}

Status open_content(ipfs::Node& node, const crypto::PrivateKey& identity, const SealedFile& file,
                    const std::function<Status(ByteView)>& on_bytes) {
  auto header = crypto::age::parse_header(file.header);
  if (!header || header->size != file.header.size())
    return make_error(ErrorKind::corrupt,
                      "the age header of " + file.plain.to_string() + " is malformed" +
                          (header ? std::string(": bytes after it") : ": " + header.error().message));
  std::optional<crypto::SecretBytes> file_key;
  for (const auto& stanza : header->stanzas) {
    auto unwrapped = crypto::age::unwrap_file_key(identity, stanza);
    if (!unwrapped)
      return make_error(ErrorKind::corrupt,
                        "the age header of " + file.plain.to_string() + ": " + unwrapped.error().message);
    if (*unwrapped) {
      file_key = std::move(**unwrapped);
      break;
    }
  }
  if (!file_key)
    return make_error(ErrorKind::access_denied,
                      "the key of " + file.plain.to_string() + " was not wrapped for this encryption key");
  if (auto mac = crypto::age::check_header_mac(*header, *file_key); !mac)
    return make_error(ErrorKind::corrupt, "the age header of " + file.plain.to_string() + ": " + mac.error().message);
  MLCHAIN_TRY(auto decryptor, crypto::age::PayloadDecryptor::begin(*file_key));
  Bytes plain;
  const auto on_cipher = [&](ByteView bytes) -> Status {
    plain.clear();
    if (auto opened = decryptor.update(bytes, plain); !opened)
      return make_error(ErrorKind::corrupt, "the ciphertext " + file.cipher.to_string() + " of " +
                                                file.plain.to_string() + ": " + opened.error().message);
    return plain.empty() ? Status{} : on_bytes(plain);
  };
  MLCHAIN_TRY_STATUS(node.read_file(file.cipher, cipher_profile(), on_cipher));
  plain.clear();
  if (auto last = decryptor.finish(plain); !last)
    return make_error(ErrorKind::corrupt, "the ciphertext " + file.cipher.to_string() + " of " +
                                              file.plain.to_string() + ": " + last.error().message);
  return plain.empty() ? Status{} : on_bytes(plain);
}

}  // namespace mlchain::privacy
