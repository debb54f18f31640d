#include "mlchain/privacy/owner_keys.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <vector>

#include "mlchain/crypto/age.hpp"
#include "mlchain/crypto/ecies.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/fs/file_reader.hpp"
#include "mlchain/privacy/records.hpp"

namespace mlchain::privacy {
namespace {

namespace stdfs = std::filesystem;

// A record is a few hundred bytes; anything far larger is not one.
constexpr std::uint64_t max_record_bytes = 64 * 1024;

Status make_private_directory(const stdfs::path& directory) {
  std::error_code error;
  stdfs::create_directories(directory, error);
  if (error) return make_error(ErrorKind::internal, "cannot create " + directory.string() + ": " + error.message());
  stdfs::permissions(directory, stdfs::perms::owner_all, error);
  return fs::sync_directory(directory.parent_path());
}

}  // namespace

OwnerKeys::OwnerKeys(const repo::Repository& repository, const crypto::PrivateKey& identity)
    : directory_(repository.paths().private_keys()), identity_(identity) {}

stdfs::path OwnerKeys::path_of(const codec::Cid& plain) const { return directory_ / plain.to_string(); }

Result<std::optional<ContentSeal>> OwnerKeys::find(const codec::Cid& plain) const {
  const auto path = path_of(plain);
  auto sealed = fs::read_whole_file(path, max_record_bytes, ErrorKind::corrupt);
  if (!sealed) {
    if (sealed.error().kind == ErrorKind::not_found) return std::optional<ContentSeal>{};
    return std::move(sealed).error();
  }
  auto header = crypto::age::parse_header(*sealed);
  if (!header) return make_error(ErrorKind::corrupt, path.string() + ": " + header.error().message);
  std::optional<crypto::SecretBytes> file_key;
  for (const auto& stanza : header->stanzas) {
    auto unwrapped = crypto::age::unwrap_file_key(identity_, stanza);
    if (!unwrapped) return make_error(ErrorKind::corrupt, path.string() + ": " + unwrapped.error().message);
    if (*unwrapped) {
      file_key = std::move(**unwrapped);
      break;
    }
  }
  if (!file_key)
    return make_error(ErrorKind::corrupt, path.string() +
                                              " is not sealed to this signer's encryption key: the private model's "
                                              "keys belong to the key that pushed it (--key)");
  auto opened = crypto::age::decrypt(*sealed, *file_key);
  if (!opened) return make_error(ErrorKind::corrupt, path.string() + ": " + opened.error().message);
  auto record = decode_content_key(*opened);
  crypto::secure_wipe(opened->data(), opened->size());
  if (!record) return make_error(ErrorKind::corrupt, path.string() + ": " + record.error().message);
  if (record->plain != plain)
    return make_error(ErrorKind::corrupt, path.string() + " holds the key of " + record->plain.to_string());
  ContentSeal seal{record->cipher, crypto::SecretBytes(record->key)};
  crypto::secure_wipe(record->key.data(), record->key.size());
  return std::optional<ContentSeal>(std::move(seal));
}

Status OwnerKeys::store(const codec::Cid& plain, const ContentSeal& seal) const {
  MLCHAIN_TRY_STATUS(make_private_directory(directory_));
  ContentKey record{plain, seal.cipher, Bytes(seal.key.view().begin(), seal.key.view().end())};
  auto encoded = encode_content_key(record);
  crypto::secure_wipe(record.key.data(), record.key.size());
  if (!encoded) return std::move(encoded).error();
  MLCHAIN_TRY(const auto record_key, crypto::age::new_file_key());
  MLCHAIN_TRY(const auto stanza, crypto::age::wrap_file_key(crypto::PublicKey::of(identity_), record_key));
  const std::vector<crypto::age::Stanza> stanzas{stanza};
  auto sealed = crypto::age::encrypt(stanzas, record_key, *encoded);
  crypto::secure_wipe(encoded->data(), encoded->size());
  if (!sealed) return std::move(sealed).error();
  return fs::write_file_atomically(path_of(plain), *sealed, {.mode = 0600, .if_exists = fs::IfExists::replace});
}

Status OwnerKeys::destroy(const codec::Cid& plain) const {
  const auto path = path_of(plain);
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    return make_error(ErrorKind::internal, "cannot open " + path.string() + ": " + std::strerror(errno));
  }
  // Overwriting first leaves no key bytes in the blocks the file held on file systems that write in place
  // (copy-on-write file systems and SSDs may keep old copies: docs/format.md §8.3 says so).
  struct stat info {};
  if (::fstat(fd, &info) == 0 && info.st_size > 0) {
    const std::vector<std::uint8_t> zeros(static_cast<std::size_t>(info.st_size), 0);
    if (::pwrite(fd, zeros.data(), zeros.size(), 0) != static_cast<ssize_t>(zeros.size()) || ::fsync(fd) != 0) {
      const int saved = errno;
      ::close(fd);
      return make_error(ErrorKind::internal, "cannot overwrite " + path.string() + ": " + std::strerror(saved));
    }
  }
  ::close(fd);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return make_error(ErrorKind::internal, "cannot remove " + path.string() + ": " + std::strerror(errno));
  return fs::sync_directory(directory_);
}

}  // namespace mlchain::privacy
