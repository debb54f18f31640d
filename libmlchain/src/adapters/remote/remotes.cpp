#include "mlchain/remote/remotes.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "mlchain/codec/address.hpp"
#include "mlchain/net/http.hpp"
#include "mlchain/repo/config.hpp"

namespace mlchain::remote {
namespace {

constexpr std::string_view section = "remote.";

std::string key_of(std::string_view name, std::string_view setting) {
  return std::string(section) + std::string(name) + "." + std::string(setting);
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto parsed = std::from_chars(text.data(), end, value);
  if (text.empty() || parsed.ec != std::errc() || parsed.ptr != end) return std::nullopt;
  return value;
}

Status check_setting(std::string_view setting, std::string_view value) {
  if (setting == "ipfs") return check_remote_url("--ipfs", value);
  if (setting == "gateway") return check_remote_url("--gateway", value);
  if (setting == "rpc") return check_remote_url("--rpc", value);
  if (setting == "registry" || setting == "universe") {
    if (!codec::parse_address(value))
      return make_error(ErrorKind::invalid_argument, "--" + std::string(setting) + " '" + std::string(value) +
                                                         "' is not an Ethereum address (0x and 40 hex digits)");
    return {};
  }
  if (setting == "repo") {
    if (value.empty() || value.find_first_of(" \t") != std::string_view::npos)
      return make_error(ErrorKind::invalid_argument,
                        "--repo '" + std::string(value) + "' must be a non-empty name without spaces");
    return {};
  }
  if (setting == "private") {
    if (value != "true" && value != "false")
      return make_error(ErrorKind::invalid_argument,
                        "remote setting private is true or false, not '" + std::string(value) + "'");
    return {};
  }
  if (setting == "chain-id" || setting == "confirmations") {
    const auto count = parse_count(value);
    if (!count || (setting == "chain-id" && *count == 0))
      return make_error(ErrorKind::invalid_argument,
                        "--" + std::string(setting) + " '" + std::string(value) + "' is not a " +
                            (setting == "chain-id" ? "positive integer" : "non-negative integer"));
    return {};
  }
  return make_error(ErrorKind::invalid_argument,
                    "unknown remote setting '" + std::string(setting) +
                        "' (known: ipfs, gateway, rpc, registry, repo, chain-id, confirmations, universe, private)");
}

void assign(Remote& remote, std::string_view setting, const std::string& value) {
  if (setting == "ipfs")
    remote.ipfs = value;
  else if (setting == "gateway")
    remote.gateway = value;
  else if (setting == "rpc")
    remote.rpc = value;
  else if (setting == "registry")
    remote.registry = value;
  else if (setting == "repo")
    remote.repo = value;
  else if (setting == "chain-id")
    remote.chain_id = parse_count(value);
  else if (setting == "confirmations")
    remote.confirmations = parse_count(value);
  else if (setting == "universe")
    remote.universe = value;
  else if (setting == "private")
    remote.sealed = value == "true";
}

std::vector<std::pair<std::string, std::string>> settings_of(const Remote& remote) {
  std::vector<std::pair<std::string, std::string>> settings;
  if (remote.ipfs) settings.emplace_back("ipfs", *remote.ipfs);
  if (remote.gateway) settings.emplace_back("gateway", *remote.gateway);
  if (remote.rpc) settings.emplace_back("rpc", *remote.rpc);
  if (remote.registry) settings.emplace_back("registry", *remote.registry);
  if (remote.repo) settings.emplace_back("repo", *remote.repo);
  if (remote.chain_id) settings.emplace_back("chain-id", std::to_string(*remote.chain_id));
  if (remote.confirmations) settings.emplace_back("confirmations", std::to_string(*remote.confirmations));
  if (remote.universe) settings.emplace_back("universe", *remote.universe);
  if (remote.sealed) settings.emplace_back("private", "true");
  return settings;
}

}  // namespace

Status check_remote_name(std::string_view name) {
  const bool valid = !name.empty() && name.front() != '-' && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (!valid)
    return make_error(ErrorKind::invalid_argument,
                      "'" + std::string(name) +
                          "' is not a valid remote name (lowercase letters, digits, '-', '_'; not starting with '-')");
  return {};
}

Status check_remote_url(std::string_view what, std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://"))
    rest = url.substr(7);
  else if (url.starts_with("https://"))
    rest = url.substr(8);
  const auto host_end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, host_end);
  const auto at = authority.rfind('@');
  const auto host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (rest.empty() || host.empty() || host.front() == ':' || url.find_first_of(" \t\r\n") != std::string_view::npos)
    return make_error(ErrorKind::invalid_argument,
                      std::string(what) + " '" + net::redact_url(url) +
                          "' is not an http:// or https:// URL with a host (e.g. http://127.0.0.1:5001)");
  return {};
}

Result<std::vector<Remote>> list_remotes(const repo::Repository& repository) {
  MLCHAIN_TRY(const auto config, repo::Config::load(repository.paths().config()));
  std::map<std::string, Remote> remotes;
  for (const auto& key : config.keys()) {
    if (!key.starts_with(section)) continue;
    const auto rest = std::string_view(key).substr(section.size());
    const auto dot = rest.rfind('.');
    if (dot == std::string_view::npos) continue;
    const std::string name(rest.substr(0, dot));
    auto& remote = remotes[name];
    remote.name = name;
    assign(remote, rest.substr(dot + 1), config.get(key).value_or(""));
  }
  std::vector<Remote> list;
  for (auto& [name, remote] : remotes) list.push_back(std::move(remote));
  return list;
}

Result<Remote> find_remote(const repo::Repository& repository, std::string_view name) {
  MLCHAIN_TRY_STATUS(check_remote_name(name));
  MLCHAIN_TRY(auto remotes, list_remotes(repository));
  for (auto& remote : remotes)
    if (remote.name == name) return std::move(remote);
  return make_error(ErrorKind::not_found, "no remote named '" + std::string(name) +
                                              "'; add one with 'mlchain remote add " + std::string(name) +
                                              " --ipfs URL'");
}

Status add_remote(repo::Repository& repository, const Remote& remote) {
  MLCHAIN_TRY_STATUS(check_remote_name(remote.name));
  const auto settings = settings_of(remote);
  if (settings.empty())
    return make_error(ErrorKind::invalid_argument,
                      "remote '" + remote.name + "' needs at least one of --ipfs, --gateway, --rpc");
  for (const auto& [setting, value] : settings) MLCHAIN_TRY_STATUS(check_setting(setting, value));
  const bool chain_named = remote.rpc || remote.registry || remote.repo || remote.chain_id || remote.universe;
  if (chain_named && !(remote.rpc && remote.registry && remote.repo))
    return make_error(ErrorKind::invalid_argument, "a chain remote needs --rpc, --registry and --repo together");
  if (remote.sealed && !(remote.rpc && remote.ipfs))
    return make_error(
        ErrorKind::invalid_argument,
        "a private remote needs --ipfs and a chain (--rpc, --registry, --repo): its grants live on chain");
  MLCHAIN_TRY(auto config, repo::Config::load(repository.paths().config()));
  for (const auto& key : config.keys())
    if (key.starts_with(key_of(remote.name, ""))) {
      auto existing = find_remote(repository, remote.name);
      return make_error(
          ErrorKind::exists,
          "remote '" + remote.name + "' already exists" +
              (existing && existing->ipfs ? " (ipfs " + net::redact_url(*existing->ipfs) + ")" : std::string()) +
              "; remove it first with 'mlchain remote remove " + remote.name + "'");
    }
  for (const auto& [setting, value] : settings) MLCHAIN_TRY_STATUS(config.set(key_of(remote.name, setting), value));
  return config.save();
}

Status set_remote_setting(repo::Repository& repository, std::string_view name, std::string_view setting,
                          std::string_view value) {
  MLCHAIN_TRY_STATUS(find_remote(repository, name));
  MLCHAIN_TRY_STATUS(check_setting(setting, value));
  MLCHAIN_TRY(auto config, repo::Config::load(repository.paths().config()));
  MLCHAIN_TRY_STATUS(config.set(key_of(name, setting), value));
  return config.save();
}

Result<std::vector<TrackingBranch>> tracking_branches(repo::Repository& repository, std::string_view name) {
  const std::string prefix = std::string(repo::remotes_prefix) + std::string(name) + "/";
  MLCHAIN_TRY(const auto refs, repository.refs().list(prefix));
  std::vector<TrackingBranch> branches;
  for (const auto& ref : refs) branches.push_back({ref.name.substr(prefix.size()), ref.target});
  return branches;
}

Status remove_remote(repo::Repository& repository, std::string_view name) {
  MLCHAIN_TRY_STATUS(find_remote(repository, name));
  MLCHAIN_TRY(auto config, repo::Config::load(repository.paths().config()));
  for (const auto& key : config.keys())
    if (key.starts_with(key_of(name, ""))) config.unset(key);
  MLCHAIN_TRY_STATUS(config.save());
  const std::string prefix = std::string(repo::remotes_prefix) + std::string(name) + "/";
  MLCHAIN_TRY(const auto refs, repository.refs().list(prefix));
  for (const auto& ref : refs) MLCHAIN_TRY_STATUS(repository.refs().remove(ref.name, ref.target));
  return {};
}

}  // namespace mlchain::remote
