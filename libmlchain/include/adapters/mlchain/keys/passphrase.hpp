#pragma once
// Where a passphrase comes from, in order: --password-file, MLCHAIN_PASSWORD, a prompt on the terminal
// with echo off. Without any of them (a pipeline, CI) it is an invalid_input error that says how to provide one,
// never a hang on input that will not come.

#include <filesystem>
#include <optional>
#include <string>

#include "mlchain/crypto/secret.hpp"
#include "mlchain/result.hpp"

namespace mlchain::keys {

struct PassphraseRequest {
  std::optional<std::filesystem::path> password_file;  // its first line is the passphrase
  std::string key_name;                                // named in the prompt and in errors
  bool new_key = false;                                // prompt twice and refuse an empty passphrase
};

Result<crypto::SecretBytes> read_passphrase(const PassphraseRequest& request);

// A small file holding a secret (a passphrase, a raw private key), read into a wiped buffer; at most 4 KiB.
Result<crypto::SecretBytes> read_secret_file(const std::filesystem::path& path);

// Asks `question` on the terminal and returns whether the answer was "yes". Without a terminal on stdin it
// returns false: the caller must then refuse, not guess.
Result<bool> confirm_on_terminal(const std::string& question);

}  // namespace mlchain::keys
