#pragma once
// Named remotes (docs/format.md), kept in `.mlchain/config` as `remote.<name>.<setting>` lines: the
// IPFS node's Kubo RPC API (`ipfs`, read and write) and a trustless gateway (`gateway`, read only), and
// for the chain its JSON-RPC URL, registry address, repository name, chain id and
// confirmations, and the catalogue its repository is listed in (`universe`). push and fetch use "origin" when no remote
// is named.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/repo/repository.hpp"

namespace mlchain::remote {

inline constexpr const char* default_remote = "origin";

struct Remote {
  std::string name;
  std::optional<std::string> ipfs;
  std::optional<std::string> gateway;
  std::optional<std::string> rpc;
  std::optional<std::string> registry;  // checksummed 0x address
  std::optional<std::string> repo;
  std::optional<std::uint64_t> chain_id;
  std::optional<std::uint64_t> confirmations;
  std::optional<std::string> universe;  // the catalogue (Model Universe) contract, checksummed 0x address
  bool sealed = false;                  // `private`: push uploads only ciphertext of files (docs/format.md §8)
};

// Lowercase letters, digits, '-' and '_', not starting with '-' (a config key's middle part, and a
// directory under refs/remotes/): invalid_argument error naming it otherwise.
Status check_remote_name(std::string_view name);
// An http:// or https:// URL with a host: invalid_argument error naming `what` (e.g. "--ipfs") otherwise.
Status check_remote_url(std::string_view what, std::string_view url);

// Every remote in the configuration, sorted by name.
Result<std::vector<Remote>> list_remotes(const repo::Repository& repository);
// not_found naming it ("… run 'mlchain remote add'") when it is not configured.
Result<Remote> find_remote(const repo::Repository& repository, std::string_view name);

// A remote-tracking branch: refs/remotes/<remote>/<branch>, as fetch and push leave it.
struct TrackingBranch {
  std::string branch;
  codec::Cid commit;
};
// The remote's tracking branches, sorted by name (none for a remote never fetched from or pushed to).
Result<std::vector<TrackingBranch>> tracking_branches(repo::Repository& repository, std::string_view name);

// Checks every field (invalid_argument errors), then writes it; exists when the name is taken.
Status add_remote(repo::Repository& repository, const Remote& remote);
// Sets or replaces one setting of an existing remote (not_found when there is none).
Status set_remote_setting(repo::Repository& repository, std::string_view name, std::string_view setting,
                          std::string_view value);
// Removes the remote's settings and its remote-tracking refs; not_found when it does not exist.
Status remove_remote(repo::Repository& repository, std::string_view name);

}  // namespace mlchain::remote
