#pragma once
// The user's keys: one keystore per key in $MLCHAIN_HOME/keys/<name>.json (MLCHAIN_HOME defaults to
// ~/.mlchain), files 0600 in a 0700 directory, and the name of the default signing key in
// $MLCHAIN_HOME/keys/default.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/keys/keystore.hpp"
#include "mlchain/result.hpp"

namespace mlchain::keys {

// A key as it is stored; unlocking it needs the passphrase.
struct StoredKey {
  std::string name;
  std::filesystem::path file;
  Keystore keystore;
  std::string json;      // the file's contents, which are what `key export` prints
  bool exposed = false;  // readable by group or others: the caller should warn
};

struct KeyListing {
  std::string name;
  std::filesystem::path file;
  std::optional<codec::Address> address;  // absent only when the file could not be read
  bool is_default = false;
  bool exposed = false;
  std::optional<Error> problem;  // a corrupt or unreadable keystore, named and explained
};

// Reads and parses a keystore file (at most 64 KiB); errors name the file.
Result<Keystore> read_keystore_file(const std::filesystem::path& file);

// Key names: 1 to 64 of [A-Za-z0-9._-], not starting with '.' or '-'.
Status check_key_name(std::string_view name);

// $MLCHAIN_HOME, else $HOME/.mlchain.
Result<std::filesystem::path> mlchain_home();

class KeyDirectory {
 public:
  explicit KeyDirectory(std::filesystem::path directory) : directory_(std::move(directory)) {}
  // mlchain_home()/keys.
  static Result<KeyDirectory> from_environment();

  const std::filesystem::path& path() const { return directory_; }
  std::filesystem::path file_of(std::string_view name) const;

  // Whether a key of that name is stored, so a taken name is refused before a passphrase is asked for.
  bool has(std::string_view name) const;

  // Every <name>.json, sorted by name; a corrupt file is listed with its problem rather than hiding the rest.
  Result<std::vector<KeyListing>> list() const;

  // Not found (exit 3) for an unknown name; a corrupt keystore is a verification failure naming the file.
  Result<StoredKey> load(std::string_view name) const;

  // Stores a keystore under a new name (`exists` if the name is taken), creating the directory (0700)
  // if needed; the first key stored becomes the default. The keystore must state its address.
  Result<StoredKey> add(std::string_view name, const Keystore& keystore);

  // The default key's name, or nothing if there is none yet.
  Result<std::optional<std::string>> default_name() const;
  Status set_default(std::string_view name);

 private:
  std::filesystem::path directory_;
};

// Decrypts a stored key. A wrong passphrase: "wrong passphrase for key NAME (…)", a verification failure.
Result<crypto::PrivateKey> unlock(const StoredKey& key, ByteView passphrase);

}  // namespace mlchain::keys
