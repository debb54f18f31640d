// mlchain key: create, import, list, export, sign and verify with Ethereum keys (docs/format.md).

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/eip191.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/crypto/secp256k1.hpp"
#include "mlchain/keys/key_directory.hpp"
#include "mlchain/keys/keystore.hpp"
#include "mlchain/keys/passphrase.hpp"
#include "mlchain/keys/signers.hpp"

namespace mlchain::cli {
namespace {

namespace stdfs = std::filesystem;
using keys::KeyDirectory;

struct KeyOptions {
  std::string name;
  bool light = false;
  std::string password_file;
  std::string keystore_file;
  std::string private_key_file;
  bool json = false;
  bool private_key = false;
  bool yes = false;
  std::string address;
  std::string message;
  std::string signature;
};

std::optional<stdfs::path> password_file_of(const KeyOptions& options) {
  if (options.password_file.empty()) return std::nullopt;
  return stdfs::path(options.password_file);
}

void warn_if_exposed(Context& context, const stdfs::path& file, bool exposed) {
  if (exposed)
    context.err << "mlchain: warning: " << file.string() << " is readable by group or others; run: chmod 600 "
                << file.string() << '\n';
}

Status check_name_is_free(const KeyDirectory& directory, const std::string& name) {
  MLCHAIN_TRY_STATUS(keys::check_key_name(name));
  if (directory.has(name))
    return make_error(ErrorKind::exists, "a key named '" + name + "' already exists (" +
                                             directory.file_of(name).string() + "); choose another --name");
  return {};
}

// "key-" and the address's first 8 hex digits: stable, short, and tells keys apart at a glance.
std::string default_key_name(const codec::Address& address) {
  return "key-" + codec::to_hex(address.bytes).substr(0, 8);
}

// Stores a keystore and reports it: the address on stdout (for scripts), the rest on stderr.
void store(Context& context, KeyDirectory& directory, const std::string& name, const keys::Keystore& keystore) {
  auto stored = directory.add(name, keystore);
  if (!stored) return context.fail(stored.error());
  auto default_name = directory.default_name();
  const bool is_default = default_name && *default_name == name;
  context.out << codec::to_checksum_address(*keystore.address) << '\n';
  context.err << "key " << name << " stored in " << stored->file.string()
              << (is_default ? " (the default signing key)" : "") << '\n';
}

void run_new(Context& context, const KeyOptions& options) {
  auto directory = KeyDirectory::from_environment();
  if (!directory) return context.fail(directory.error());
  auto key = crypto::PrivateKey::generate();
  if (!key) return context.fail(key.error());
  const std::string name = options.name.empty() ? default_key_name(key->address()) : options.name;
  if (auto free = check_name_is_free(*directory, name); !free) return context.fail(free.error());
  auto passphrase = keys::read_passphrase({password_file_of(options), name, true});
  if (!passphrase) return context.fail(passphrase.error());
  auto keystore = keys::encrypt_keystore(*key, passphrase->view(),
                                         options.light ? keys::KdfStrength::light : keys::KdfStrength::standard);
  if (!keystore) return context.fail(keystore.error());
  store(context, *directory, name, *keystore);
}

void run_import_keystore(Context& context, KeyDirectory& directory, const KeyOptions& options) {
  const stdfs::path file = options.keystore_file;
  auto keystore = keys::read_keystore_file(file);
  if (!keystore) return context.fail(keystore.error());
  if (!options.name.empty()) {
    if (auto free = check_name_is_free(directory, options.name); !free) return context.fail(free.error());
  }
  const std::string label = options.name.empty() ? "in " + file.string() : options.name;
  auto passphrase = keys::read_passphrase({password_file_of(options), label, false});
  if (!passphrase) return context.fail(passphrase.error());
  // Decrypting proves the passphrase and that the key is the address the file states, before it is kept.
  auto key = keys::decrypt_keystore(*keystore, passphrase->view(), label, file.string());
  if (!key) return context.fail(key.error());
  keystore->address = key->address();
  store(context, directory, options.name.empty() ? default_key_name(key->address()) : options.name, *keystore);
}

void run_import_private_key(Context& context, KeyDirectory& directory, const KeyOptions& options) {
  if (options.name.empty())
    return context.fail(ErrorKind::invalid_argument, "key import --private-key-file needs --name NAME");
  if (auto free = check_name_is_free(directory, options.name); !free) return context.fail(free.error());
  auto text = keys::read_secret_file(options.private_key_file);
  if (!text) return context.fail(text.error());
  auto key = crypto::PrivateKey::from_hex(text->text());
  if (!key) return context.fail(key.error().kind, options.private_key_file + ": " + key.error().message);
  auto passphrase = keys::read_passphrase({password_file_of(options), options.name, true});
  if (!passphrase) return context.fail(passphrase.error());
  auto keystore = keys::encrypt_keystore(*key, passphrase->view(),
                                         options.light ? keys::KdfStrength::light : keys::KdfStrength::standard);
  if (!keystore) return context.fail(keystore.error());
  store(context, directory, options.name, *keystore);
}

void run_import(Context& context, const KeyOptions& options) {
  auto directory = KeyDirectory::from_environment();
  if (!directory) return context.fail(directory.error());
  if (options.keystore_file.empty() == options.private_key_file.empty())
    return context.fail(ErrorKind::invalid_argument,
                        "key import takes a keystore FILE or --private-key-file FILE (one of them)");
  if (!options.keystore_file.empty()) return run_import_keystore(context, *directory, options);
  run_import_private_key(context, *directory, options);
}

void run_list(Context& context, const KeyOptions& options) {
  auto directory = KeyDirectory::from_environment();
  if (!directory) return context.fail(directory.error());
  auto listing = directory->list();
  if (!listing) return context.fail(listing.error());

  if (options.json) {
    auto document = nlohmann::json::array();
    for (const auto& key : *listing) {
      nlohmann::json entry = {{"name", key.name},
                              {"address", key.address ? codec::to_checksum_address(*key.address) : nullptr},
                              {"file", key.file.string()},
                              {"default", key.is_default}};
      if (key.problem) entry["problem"] = key.problem->message;
      document.push_back(std::move(entry));
    }
    context.out << document.dump(2) << '\n';
  } else {
    std::size_t width = 0;
    for (const auto& key : *listing) width = std::max(width, key.name.size());
    for (const auto& key : *listing) {
      context.out << (key.is_default ? "* " : "  ") << key.name << std::string(width - key.name.size() + 2, ' ')
                  << (key.address ? codec::to_checksum_address(*key.address) : std::string(42, '?')) << "  "
                  << key.file.string() << '\n';
    }
  }
  for (const auto& key : *listing) warn_if_exposed(context, key.file, key.exposed);
  for (const auto& key : *listing) {
    if (key.problem) context.fail(*key.problem);
  }
}

// The key as 0x-prefixed hex, built in a buffer that is wiped afterwards.
crypto::SecretBytes private_key_hex(const crypto::PrivateKey& key) {
  static constexpr char digits[] = "0123456789abcdef";
  crypto::SecretBytes text(2 + 2 * key.bytes().size());
  text.data()[0] = '0';
  text.data()[1] = 'x';
  for (std::size_t i = 0; i < key.bytes().size(); ++i) {
    text.data()[2 + 2 * i] = static_cast<std::uint8_t>(digits[key.bytes()[i] >> 4]);
    text.data()[3 + 2 * i] = static_cast<std::uint8_t>(digits[key.bytes()[i] & 0x0f]);
  }
  return text;
}

void run_export(Context& context, const KeyOptions& options) {
  auto directory = KeyDirectory::from_environment();
  if (!directory) return context.fail(directory.error());
  auto key = directory->load(options.name);
  if (!key) return context.fail(key.error());
  warn_if_exposed(context, key->file, key->exposed);
  if (!options.private_key) {
    context.out << key->json << (key->json.ends_with('\n') ? "" : "\n");
    return;
  }
  if (!options.yes) {
    auto confirmed = keys::confirm_on_terminal("This prints the private key of " + options.name +
                                               " in clear: anyone who sees it controls the address.");
    if (!confirmed) return context.fail(confirmed.error());
    if (!*confirmed)
      return context.fail(ErrorKind::invalid_argument, "refusing to print the private key of " + options.name +
                                                           " without confirmation: run it on a terminal, or add --yes");
  }
  auto passphrase = keys::read_passphrase({password_file_of(options), options.name, false});
  if (!passphrase) return context.fail(passphrase.error());
  auto unlocked = keys::unlock(*key, passphrase->view());
  if (!unlocked) return context.fail(unlocked.error());
  const crypto::SecretBytes text = private_key_hex(*unlocked);
  context.out << text.text() << '\n';
  context.out.flush();
}

void run_sign(Context& context, const KeyOptions& options) {
  auto directory = KeyDirectory::from_environment();
  if (!directory) return context.fail(directory.error());
  auto message = codec::message_from_argument(options.message);
  if (!message) return context.fail(message.error());
  auto choice =
      keys::choose_signer(*directory, options.name.empty() ? std::nullopt : std::optional<std::string>(options.name),
                          keys::standard_passphrase_source(password_file_of(options)));
  if (!choice) return context.fail(choice.error());
  if (choice->stored) warn_if_exposed(context, choice->stored->file, choice->stored->exposed);
  auto signature = choice->signer->sign_message(*message);
  if (!signature) return context.fail(signature.error());
  context.out << codec::to_0x_hex(signature->bytes) << '\n';
}

void run_verify(Context& context, const KeyOptions& options) {
  auto expected = codec::parse_address(options.address);
  if (!expected) return context.fail(expected.error());
  auto message = codec::message_from_argument(options.message);
  if (!message) return context.fail(message.error());
  auto signature_bytes = codec::from_0x_hex(options.signature);
  if (!signature_bytes)
    return context.fail(ErrorKind::invalid_argument, "signature '" + options.signature + "' is not 0x-prefixed hex");
  auto signature = codec::parse_signature(*signature_bytes);
  if (!signature) return context.fail(signature.error());
  auto signer = keys::check_message_signature(*message, *signature, *expected);
  if (!signer) return context.fail(signer.error());
  context.out << "verified: " << codec::to_checksum_address(*signer) << " signed the message\n";
}

void run_default(Context& context, const KeyOptions& options) {
  auto directory = KeyDirectory::from_environment();
  if (!directory) return context.fail(directory.error());
  if (options.name.empty()) {
    auto name = directory->default_name();
    if (!name) return context.fail(name.error());
    if (!*name) return context.fail(ErrorKind::not_found, "no default key yet: create one with 'mlchain key new'");
    context.out << **name << '\n';
    return;
  }
  auto key = directory->load(options.name);
  if (!key) return context.fail(key.error());
  if (auto set = directory->set_default(options.name); !set) return context.fail(set.error());
}

void add_password_file(CLI::App& command, KeyOptions& options) {
  command.add_option("--password-file", options.password_file,
                     "Read the passphrase from the first line of FILE (else MLCHAIN_PASSWORD, else a prompt)");
}

}  // namespace

void register_key(CLI::App& app, Context& context) {
  auto options = std::make_shared<KeyOptions>();
  auto* key = app.add_subcommand("key", "Create, import, list, export, sign and verify with Ethereum keys");
  key->require_subcommand(1);
  register_key_encryption(*key, context);

  auto* create = key->add_subcommand("new", "Create a key; prints its address (the first key becomes the default)");
  create->add_option("--name", options->name, "Name of the key (default: key-<first 8 hex digits of the address>)");
  create->add_flag("--light", options->light, "Light scrypt parameters (n=4096, p=6) instead of geth's standard");
  add_password_file(*create, *options);
  create->callback([&context, options] { run_new(context, *options); });

  auto* import = key->add_subcommand(
      "import", "Import a keystore JSON (geth, cast wallet) or, with --private-key-file, a raw hex key");
  import->add_option("FILE", options->keystore_file, "Web3 Secret Storage v3 keystore to import");
  import->add_option("--private-key-file", options->private_key_file,
                     "File holding a raw private key in hex, stored encrypted (needs --name)");
  import->add_option("--name", options->name, "Name of the key (default: key-<first 8 hex digits of the address>)");
  import->add_flag("--light", options->light, "With --private-key-file: light scrypt parameters (n=4096, p=6)");
  add_password_file(*import, *options);
  import->callback([&context, options] { run_import(context, *options);
});

auto* list = key->add_subcommand("list", "List keys: name, address, file; * marks the default");
list->add_flag("--json", options->json, R"(One JSON array of {"name","address","file","default"})");
list->callback([&context, options] { run_list(context, *options); });

auto* export_key = key->add_subcommand("export", "Print a key's keystore JSON, or with --private-key its raw key");
export_key->add_option("NAME", options->name, "Name of the key")->required();
export_key->add_flag("--private-key", options->private_key,
                     "Print the raw private key in hex (asks for confirmation on a terminal)");
export_key->add_flag("--yes", options->yes, "With --private-key: do not ask for confirmation");
add_password_file(*export_key, *options);
export_key->callback([&context, options] { run_export(context, *options); });

auto* sign = key->add_subcommand(
    "sign",
    "Sign MESSAGE with EIP-191 personal_sign; prints the 65-byte signature as 0x hex (0x… messages are "
    "hex bytes)");
// CLI11 fills positionals from the left, so a lone argument lands in NAME; run_sign reads it as MESSAGE.
sign->add_option("NAME", options->name, "The key (without it: MLCHAIN_PRIVATE_KEY if set, else the default key)")
    ->required();
sign->add_option("MESSAGE", options->message, "The message: text, or 0x-prefixed hex bytes");
add_password_file(*sign, *options);
sign->callback([&context, options, sign] {
  if (sign->get_option("MESSAGE")->count() == 0) {
    options->message = options->name;
    options->name.clear();
  }
  run_sign(context, *options);
});

auto* verify =
    key->add_subcommand("verify", "Check an EIP-191 signature of MESSAGE by ADDRESS: exit 0 if it verifies, 1 if not");
verify->add_option("--address", options->address, "The address that should have signed")->required();
verify->add_option("MESSAGE", options->message, "The message (0x… is hex bytes, as cast reads it)")->required();
verify->add_option("SIGNATURE", options->signature, "65-byte signature as 0x hex")->required();
verify->callback([&context, options] { run_verify(context, *options); });

auto* default_key = key->add_subcommand("default", "Print the default signing key's name, or make NAME the default");
default_key->add_option("NAME", options->name, "Key to make the default");
default_key->callback([&context, options] { run_default(context, *options); });
}  // namespace mlchain::cli

}  // namespace mlchain::cli
