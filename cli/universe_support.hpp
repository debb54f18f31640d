#pragma once
// What the catalogue commands (universe, publish, unlist, buy, earnings, withdraw, search, info, clone NAME)
// share: the options that name a catalogue, and the repository a command runs in when there is one.

#include <optional>
#include <string>
#include <vector>

#include "mlchain/catalogue/universe.hpp"
#include "mlchain/codec/u256.hpp"
#include "mlchain/keys/signers.hpp"
#include "mlchain/repo/repository.hpp"

namespace CLI {
class App;
}

namespace mlchain::cli {

// --rpc URL and --universe ADDR (the command adds its own REMOTE positional into flags.remote).
void add_universe_options(CLI::App& command, catalogue::UniverseFlags& flags);

struct UniverseTarget {
  std::optional<repo::Repository> repository;  // the current directory's, when there is one
  catalogue::Universe universe;
};
// The current directory's repository if any (outside one is no error: the flags name the catalogue) and
// the catalogue find_universe finds with it.
Result<UniverseTarget> universe_target(const catalogue::UniverseFlags& flags);

// The catalogue and the key that signs its transaction: --key, else as for commit (workflow::signer_for).
struct SigningTarget {
  UniverseTarget target;
  keys::SignerChoice signer;
  repo::Repository* repository() { return target.repository ? &*target.repository : nullptr; }
};
Result<SigningTarget> signing_target(const catalogue::UniverseFlags& flags, const std::optional<std::string>& key);

// "0.01 ether (10000000000000000 wei)".
std::string amount_text(const codec::U256& wei);

// "[REMOTE] NAME" positionals: the last is the name, a first one the remote (into flags.remote).
std::string remote_and_name(const std::vector<std::string>& arguments, catalogue::UniverseFlags& flags);

// "transaction 0x…, block N, gas used G" (with "finished the interrupted " before it for a resumed one).
std::string transaction_text(const chain::Settled& settled, bool resumed);

// The repository of the current directory; nothing outside one; an error only for a damaged one.
Result<std::optional<repo::Repository>> optional_repository();

}  // namespace mlchain::cli
