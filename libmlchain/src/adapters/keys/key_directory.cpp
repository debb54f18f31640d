#include "mlchain/keys/key_directory.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "mlchain/fs/atomic_file.hpp"

namespace mlchain::keys {
namespace {

namespace stdfs = std::filesystem;

constexpr std::string_view keystore_extension = ".json";
constexpr std::size_t max_file_bytes = 64 * 1024;

Result<std::string> read_small_file(const stdfs::path& path) {
  std::error_code error;
  const auto size = stdfs::file_size(path, error);
  if (error) {
    // Missing is "not found"; anything else (a directory, no permission) is the caller's to fix.
    const auto kind = error == std::errc::no_such_file_or_directory ? ErrorKind::not_found : ErrorKind::invalid_input;
    return make_error(kind, "cannot read " + path.string() + ": " + error.message());
  }
  if (size > max_file_bytes)
    return make_error(ErrorKind::corrupt, path.string() + ": corrupt keystore: it is larger than 64 KiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return make_error(ErrorKind::internal, "cannot read " + path.string());
  return text.str();
}

bool readable_by_others(const stdfs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0;
}

Result<Keystore> parse_file(const stdfs::path& file, std::string_view text) {
  auto keystore = parse_keystore(text);
  if (!keystore) return make_error(keystore.error().kind, file.string() + ": " + keystore.error().message);
  return keystore;
}

Status ensure_directory(const stdfs::path& directory) {
  std::error_code error;
  stdfs::create_directories(directory, error);
  if (error) return make_error(ErrorKind::internal, "cannot create " + directory.string() + ": " + error.message());
  if (::chmod(directory.c_str(), 0700) != 0)
    return make_error(ErrorKind::internal,
                      "cannot set the mode of " + directory.string() + " to 0700: " + std::strerror(errno));
  return {};
}

}  // namespace

Result<Keystore> read_keystore_file(const stdfs::path& file) {
  MLCHAIN_TRY(std::string text, read_small_file(file));
  return parse_file(file, text);
}

Status check_key_name(std::string_view name) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  };
  if (name.empty() || name.size() > 64 || name.front() == '.' || name.front() == '-' ||
      !std::all_of(name.begin(), name.end(), allowed))
    return make_error(
        ErrorKind::invalid_argument,
        "key name '" + std::string(name) + "' is not 1 to 64 of A-Z a-z 0-9 . _ - (not starting with . or -)");
  return {};
}

Result<stdfs::path> mlchain_home() {
  if (const char* home = std::getenv("MLCHAIN_HOME"); home != nullptr && *home != '\0') return stdfs::path(home);
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return stdfs::path(home) / ".mlchain";
  return make_error(ErrorKind::invalid_argument,
                    "neither MLCHAIN_HOME nor HOME is set: set MLCHAIN_HOME to where keys live");
}

Result<KeyDirectory> KeyDirectory::from_environment() {
  MLCHAIN_TRY(stdfs::path home, mlchain_home());
  return KeyDirectory(home / "keys");
}

stdfs::path KeyDirectory::file_of(std::string_view name) const {
  return directory_ / (std::string(name) + std::string(keystore_extension));
}

bool KeyDirectory::has(std::string_view name) const {
  std::error_code error;
  return stdfs::exists(file_of(name), error);
}

Result<std::vector<KeyListing>> KeyDirectory::list() const {
  std::vector<KeyListing> keys;
  std::error_code error;
  if (!stdfs::exists(directory_, error)) return keys;
  MLCHAIN_TRY(std::optional<std::string> default_key, default_name());
  for (stdfs::directory_iterator it(directory_, error), end; !error && it != end; it.increment(error)) {
    const stdfs::path& file = it->path();
    const std::string filename = file.filename().string();
    if (!filename.ends_with(keystore_extension)) continue;
    const std::string name = filename.substr(0, filename.size() - keystore_extension.size());
    if (!check_key_name(name).ok()) continue;
    KeyListing listing{name, file, std::nullopt, default_key == name, readable_by_others(file), std::nullopt};
    auto text = read_small_file(file);
    auto keystore = text ? parse_file(file, *text) : Result<Keystore>(text.error());
    if (!keystore) {
      listing.problem = keystore.error();
    } else if (!keystore->address) {
      listing.problem = make_error(ErrorKind::corrupt, file.string() +
                                                           ": the keystore does not state its address; import it with "
                                                           "'mlchain key import' instead of copying it");
    } else {
      listing.address = keystore->address;
    }
    keys.push_back(std::move(listing));
  }
  if (error) return make_error(ErrorKind::internal, "cannot list " + directory_.string() + ": " + error.message());
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return keys;
}

Result<StoredKey> KeyDirectory::load(std::string_view name) const {
  MLCHAIN_TRY_STATUS(check_key_name(name));
  const stdfs::path file = file_of(name);
  auto text = read_small_file(file);
  if (!text) {
    if (text.error().kind == ErrorKind::not_found)
      return make_error(ErrorKind::not_found, "no key named '" + std::string(name) + "' in " + directory_.string() +
                                                  " (see 'mlchain key list')");
    return std::move(text).error();
  }
  MLCHAIN_TRY(Keystore keystore, parse_file(file, *text));
  return StoredKey{std::string(name), file, std::move(keystore), std::move(*text), readable_by_others(file)};
}

Result<StoredKey> KeyDirectory::add(std::string_view name, const Keystore& keystore) {
  MLCHAIN_TRY_STATUS(check_key_name(name));
  if (!keystore.address)
    return make_error(ErrorKind::internal, "a keystore must state its address before it is stored");
  MLCHAIN_TRY_STATUS(ensure_directory(directory_));
  const stdfs::path file = file_of(name);
  std::string json = serialize_keystore(keystore);
  const auto written = fs::write_file_atomically(file, as_bytes(json), {0600, fs::IfExists::fail});
  if (!written) {
    if (written.error().kind == ErrorKind::exists)
      return make_error(ErrorKind::exists, "a key named '" + std::string(name) + "' already exists (" + file.string() +
                                               "); choose another --name");
    return written.error();
  }
  MLCHAIN_TRY(std::optional<std::string> current_default, default_name());
  if (!current_default) MLCHAIN_TRY_STATUS(set_default(name));
  return StoredKey{std::string(name), file, keystore, std::move(json), false};
}

Result<std::optional<std::string>> KeyDirectory::default_name() const {
  auto text = read_small_file(directory_ / "default");
  if (!text) {
    if (text.error().kind == ErrorKind::not_found) return std::optional<std::string>();
    return std::move(text).error();
  }
  std::string name = *text;
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
  if (!check_key_name(name).ok())
    return make_error(ErrorKind::corrupt,
                      (directory_ / "default").string() + " does not hold a key name; rewrite it with a key's name");
  return std::optional<std::string>(std::move(name));
}

Status KeyDirectory::set_default(std::string_view name) {
  MLCHAIN_TRY_STATUS(check_key_name(name));
  MLCHAIN_TRY_STATUS(ensure_directory(directory_));
  return fs::write_file_atomically(directory_ / "default", as_bytes(std::string(name) + "\n"), {0600});
}

Result<crypto::PrivateKey> unlock(const StoredKey& key, ByteView passphrase) {
  return decrypt_keystore(key.keystore, passphrase, key.name, key.file.string());
}

}  // namespace mlchain::keys
