#include "mlchain/privacy/sealing.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <utility>

#include "mlchain/crypto/age.hpp"
#include "mlchain/fs/file_reader.hpp"
#include "mlchain/fs/importer.hpp"

namespace mlchain::privacy {
namespace {

namespace stdfs = std::filesystem;

constexpr std::size_t read_size = 1024 * 1024;

// A temporary file that is removed when it goes out of scope, named as fsck and gc recognise.
class TemporaryFile {
 public:
  static Result<TemporaryFile> create(const stdfs::path& directory) {
    static std::atomic<unsigned long> counter{0};
    std::error_code error;
    stdfs::create_directories(directory, error);
    auto path = directory / (".payload.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return make_error(ErrorKind::internal, "cannot create " + path.string() + ": " + std::strerror(errno));
    return TemporaryFile(std::move(path), fd);
  }
  TemporaryFile(TemporaryFile&& other) noexcept : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {
    other.path_.clear();
  }
  TemporaryFile& operator=(TemporaryFile&&) = delete;
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const stdfs::path& path() const { return path_; }
  Status write(ByteView bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return make_error(ErrorKind::internal, "cannot write " + path_.string() + ": " + std::strerror(errno));
      done += static_cast<std::size_t>(n);
    }
    return {};
  }
  Status close() {
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0)
      return make_error(ErrorKind::internal, "cannot write " + path_.string() + ": " + std::strerror(errno));
    return {};
  }

 private:
  TemporaryFile(stdfs::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  stdfs::path path_;
  int fd_;
};

Status encrypt_into(const stdfs::path& source, const crypto::SecretBytes& file_key, TemporaryFile& target,
                    const ipfs::ProgressCallback& on_bytes) {
  MLCHAIN_TRY(const auto reader, fs::FileReader::open(source, ErrorKind::corrupt));
  MLCHAIN_TRY(auto encryptor, crypto::age::PayloadEncryptor::begin(file_key));
  Bytes plain(read_size);
  Bytes sealed;
  sealed.reserve(read_size + read_size / crypto::age::chunk_size * crypto::age::tag_size + 64);
  std::uint64_t offset = 0;
  for (;;) {
    MLCHAIN_TRY(const std::size_t n, reader.read_at(offset, plain));
    if (n == 0) break;
    offset += n;
    sealed.clear();
    MLCHAIN_TRY_STATUS(encryptor.update(ByteView(plain.data(), n), sealed));
    MLCHAIN_TRY_STATUS(target.write(sealed));
    if (on_bytes) on_bytes(offset);
  }
  sealed.clear();
  MLCHAIN_TRY_STATUS(encryptor.finish(sealed));
  MLCHAIN_TRY_STATUS(target.write(sealed));
  crypto::secure_wipe(plain.data(), plain.size());
  return target.close();
}

}  // namespace

const unixfs::Profile& cipher_profile() { return unixfs::unixfs_v0_2015; }

Result<Sealed> seal_content(repo::Repository& repository, ipfs::Node& node, const OwnerKeys& keys,
                            const codec::Cid& plain, const ipfs::ProgressCallback& on_bytes) {
  MLCHAIN_TRY(const auto known, keys.find(plain));
  if (known) {
    MLCHAIN_TRY(const bool held, node.has_block(known->cipher));
    if (held) return Sealed{known->cipher, false};
  }
  MLCHAIN_TRY(auto file_key, crypto::age::new_file_key());
  MLCHAIN_TRY(auto payload, TemporaryFile::create(repository.paths().private_keys().parent_path()));
  MLCHAIN_TRY_STATUS(encrypt_into(repository.contents().path_of(plain), file_key, payload, on_bytes));
  MLCHAIN_TRY(const auto ours, fs::cid_of_path(payload.path(), cipher_profile()));
  MLCHAIN_TRY(const auto theirs, node.add_file(payload.path(), cipher_profile()));
  if (theirs != ours.cid)
    return make_error(ErrorKind::corrupt, node.url() + " computed " + theirs.to_string() + " for the ciphertext of " +
                                              plain.to_string() + ", not " + ours.cid.to_string() +
                                              "; push stopped, nothing recorded");
  MLCHAIN_TRY_STATUS(keys.store(plain, ContentSeal{ours.cid, std::move(file_key)}));
  return Sealed{ours.cid, true};
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
    next = cid;
    end = begin;
  } while (end > 0);
  MLCHAIN_TRY_STATUS(node.pin(*next));
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
