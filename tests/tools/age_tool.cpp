// Reaches libmlchain's age and ECIES code, which no command exposes on its own, for
// tests/interop/age_ecies.sh (against age-encryption and eciesjs) and bench/age_throughput.sh.
//
//   age_tool public PRIVKEYHEX             the compressed public key, hex
//   age_tool encrypt PUBKEYHEX IN OUT      an age file of IN with one mlchain.dev/ecies-secp256k1 stanza
//   age_tool decrypt PRIVKEYHEX IN OUT     the plaintext of the age file IN
//   age_tool wrap PUBKEYHEX HEX            ecies::wrap, hex
//   age_tool unwrap PRIVKEYHEX HEX         ecies::unwrap, hex
// Files are streamed a MiB at a time (memory stays flat in the size); OUT appears only once complete.
// Errors: "age_tool: error: …" on stderr, and the exit code mlchain gives the error's kind.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "exit_code.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/crypto/age.hpp"
#include "mlchain/crypto/ecies.hpp"

using namespace mlchain;
using namespace mlchain::crypto;

namespace {

constexpr std::size_t read_size = 1024 * 1024;

int fail(const Error& error) {
  std::cerr << "age_tool: error: " << error.message << "\n";
  return cli::exit_code(error.kind);
}

Error file_error(const std::string& what, const std::string& path) {
  return make_error(ErrorKind::invalid_input, "cannot " + what + " " + path);
}

Result<PublicKey> public_key(std::string_view text) {
  MLCHAIN_TRY(const Bytes bytes, codec::from_hex(text.starts_with("0x") ? text.substr(2) : text));
  return PublicKey::parse(bytes);
}

// Writes to OUT.partial and renames it over OUT at the end, so a failure leaves no OUT behind.
class Output {
 public:
  explicit Output(std::string path) : path_(std::move(path)), partial_(path_ + ".partial") {
    stream_.open(partial_, std::ios::binary | std::ios::trunc);
  }
  ~Output() {
    if (!committed_) std::filesystem::remove(partial_);
  }
  Status write(Bytes& bytes) {
    stream_.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    bytes.clear();
    if (!stream_) return file_error("write", partial_);
    return {};
  }
  Status commit() {
    stream_.close();
    std::error_code error;
    std::filesystem::rename(partial_, path_, error);
    if (!stream_ || error) return file_error("write", path_);
    committed_ = true;
    return {};
  }

 private:
  std::string path_;
  std::string partial_;
  std::ofstream stream_;
  bool committed_ = false;
};

// Reads up to `size` more bytes into the end of `buffer`; false at the end of the file.
bool read_more(std::ifstream& in, Bytes& buffer, std::size_t size) {
  const std::size_t start = buffer.size();
  buffer.resize(start + size);
  in.read(reinterpret_cast<char*>(buffer.data() + start), static_cast<std::streamsize>(size));
  buffer.resize(start + static_cast<std::size_t>(in.gcount()));
  return in.gcount() > 0;
}

Status encrypt_file(std::string_view key_text, const std::string& in_path, const std::string& out_path) {
  MLCHAIN_TRY(const PublicKey recipient, public_key(key_text));
  std::ifstream in(in_path, std::ios::binary);
  if (!in) return file_error("read", in_path);
  MLCHAIN_TRY(const SecretBytes file_key, age::new_file_key());
  MLCHAIN_TRY(age::Stanza stanza, age::wrap_file_key(recipient, file_key));
  const std::vector<age::Stanza> stanzas = {std::move(stanza)};
  MLCHAIN_TRY(Bytes out, age::encode_header(stanzas, file_key));
  MLCHAIN_TRY(age::PayloadEncryptor encryptor, age::PayloadEncryptor::begin(file_key));
  Output output(out_path);
  Bytes plaintext;
  plaintext.reserve(read_size);
  out.reserve(2 * read_size);
  while (read_more(in, plaintext, read_size)) {
    MLCHAIN_TRY_STATUS(encryptor.update(plaintext, out));
    plaintext.clear();
    MLCHAIN_TRY_STATUS(output.write(out));
  }
  if (in.bad()) return file_error("read", in_path);
  MLCHAIN_TRY_STATUS(encryptor.finish(out));
  MLCHAIN_TRY_STATUS(output.write(out));
  return output.commit();
}

Status decrypt_file(std::string_view key_text, const std::string& in_path, const std::string& out_path) {
  MLCHAIN_TRY(const PrivateKey identity, PrivateKey::from_hex(key_text));
  std::ifstream in(in_path, std::ios::binary);
  if (!in) return file_error("read", in_path);
  // A header with a handful of stanzas is a few hundred bytes; the first read holds it.
  Bytes input;
  read_more(in, input, read_size);
  MLCHAIN_TRY(const age::Header header, age::parse_header(input));
  std::optional<SecretBytes> file_key;
  for (const age::Stanza& stanza : header.stanzas) {
    MLCHAIN_TRY(std::optional<SecretBytes> unwrapped, age::unwrap_file_key(identity, stanza));
    if (unwrapped) {
      file_key = std::move(unwrapped);
      break;
    }
  }
  if (!file_key) return make_error(ErrorKind::access_denied, "no stanza of " + in_path + " is for this key");
  MLCHAIN_TRY_STATUS(age::check_header_mac(header, *file_key));
  MLCHAIN_TRY(age::PayloadDecryptor decryptor, age::PayloadDecryptor::begin(*file_key));
  Output output(out_path);
  Bytes out;
  out.reserve(2 * read_size);
  MLCHAIN_TRY_STATUS(decryptor.update(ByteView(input).subspan(header.size), out));
  MLCHAIN_TRY_STATUS(output.write(out));
  input.clear();
  while (read_more(in, input, read_size)) {
    MLCHAIN_TRY_STATUS(decryptor.update(input, out));
    input.clear();
    MLCHAIN_TRY_STATUS(output.write(out));
  }
  if (in.bad()) return file_error("read", in_path);
  MLCHAIN_TRY_STATUS(decryptor.finish(out));
  MLCHAIN_TRY_STATUS(output.write(out));
  return output.commit();
}

Result<std::string> run(const std::vector<std::string>& arguments) {
  const auto usage = [] {
    return make_error(ErrorKind::invalid_argument,
                      "usage: age_tool public PRIVKEYHEX | encrypt PUBKEYHEX IN OUT | decrypt PRIVKEYHEX IN OUT | "
                      "wrap PUBKEYHEX HEX | unwrap PRIVKEYHEX HEX");
  };
  if (arguments.size() < 2) return usage();
  const std::string& command = arguments[0];
  const std::string& key = arguments[1];
  if (command == "public" && arguments.size() == 2) {
    MLCHAIN_TRY(const PrivateKey identity, PrivateKey::from_hex(key));
    return codec::to_hex(PublicKey::of(identity).compressed());
  }
  if (command == "encrypt" && arguments.size() == 4) {
    MLCHAIN_TRY_STATUS(encrypt_file(key, arguments[2], arguments[3]));
    return std::string();
  }
  if (command == "decrypt" && arguments.size() == 4) {
    MLCHAIN_TRY_STATUS(decrypt_file(key, arguments[2], arguments[3]));
    return std::string();
  }
  if (command == "wrap" && arguments.size() == 3) {
    MLCHAIN_TRY(const PublicKey recipient, public_key(key));
    MLCHAIN_TRY(const Bytes plaintext, codec::from_hex(arguments[2]));
    MLCHAIN_TRY(const Bytes wrapped, ecies::wrap(recipient, plaintext));
    return codec::to_hex(wrapped);
  }
  if (command == "unwrap" && arguments.size() == 3) {
    MLCHAIN_TRY(const PrivateKey identity, PrivateKey::from_hex(key));
    MLCHAIN_TRY(const Bytes wrapped, codec::from_hex(arguments[2]));
    MLCHAIN_TRY(const SecretBytes plaintext, ecies::unwrap(identity, wrapped));
    return codec::to_hex(plaintext.view());
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  const auto printed = run(std::vector<std::string>(argv + 1, argv + argc));
  if (!printed) return fail(printed.error());
  if (!printed->empty()) std::cout << *printed << "\n";
  return 0;
}
