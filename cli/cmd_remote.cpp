// mlchain remote add NAME [--ipfs URL] [--gateway URL] [--rpc URL --registry ADDR --repo NAME [--chain-id N]
// [--universe ADDR]]
// mlchain remote list [--json] | show NAME [--json] | remove NAME: the remotes push, fetch and clone talk to.
// URLs are shown with their credentials (user:password@, API keys in the path or query) redacted; `mlchain
// config get remote.NAME.rpc` gives a URL as stored.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/net/http.hpp"
#include "mlchain/remote/remotes.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct RemoteAddOptions {
  std::string name;
  std::string ipfs;
  std::string gateway;
  std::string rpc;
  std::string registry;
  std::string repo;
  std::optional<std::uint64_t> chain_id;
  std::optional<std::uint64_t> confirmations;
  std::string universe;
  bool sealed = false;
};

std::optional<std::string> given(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

void run_add(const RemoteAddOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  const remote::Remote added{.name = options.name,
                             .ipfs = given(options.ipfs),
                             .gateway = given(options.gateway),
                             .rpc = given(options.rpc),
                             .registry = given(options.registry),
                             .repo = given(options.repo),
                             .chain_id = options.chain_id,
                             .confirmations = options.confirmations,
                             .universe = given(options.universe),
                             .sealed = options.sealed};
  if (auto status = remote::add_remote(*repository, added); !status) return context.fail(status.error());
}

json optional_json(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }
json optional_json(const std::optional<std::uint64_t>& number) { return number ? json(*number) : json(nullptr); }

std::optional<std::string> shown_url(const std::optional<std::string>& url) {
  return url ? std::optional<std::string>(net::redact_url(*url)) : std::nullopt;
}

json remote_json(const remote::Remote& r) {
  return {{"name", r.name},
          {"ipfs", optional_json(shown_url(r.ipfs))},
          {"gateway", optional_json(shown_url(r.gateway))},
          {"rpc", optional_json(shown_url(r.rpc))},
          {"registry", optional_json(r.registry)},
          {"repo", optional_json(r.repo)},
          {"chain_id", optional_json(r.chain_id)},
          {"confirmations", optional_json(r.confirmations)},
          {"universe", optional_json(r.universe)},
          {"private", r.sealed}};
}

void run_list(bool as_json, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto remotes = remote::list_remotes(*repository);
  if (!remotes) return context.fail(remotes.error());
  if (as_json) {
    auto list = json::array();
    for (const auto& r : *remotes) list.push_back(remote_json(r));
    context.out << list.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  for (const auto& r : *remotes) {
    context.out << r.name;
    if (r.ipfs) context.out << "  ipfs " << core::escape_text(net::redact_url(*r.ipfs));
    if (r.gateway) context.out << "  gateway " << core::escape_text(net::redact_url(*r.gateway));
    if (r.rpc)
      context.out << "  rpc " << core::escape_text(net::redact_url(*r.rpc)) << " registry " << r.registry.value_or("-")
                  << " repo " << core::escape_text(r.repo.value_or("-"));
    if (r.chain_id) context.out << " chain-id " << *r.chain_id;
    context.out << '\n';
  }
}

void run_show(const std::string& name, bool as_json, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto shown = remote::find_remote(*repository, name);
  if (!shown) return context.fail(shown.error());
  auto tracking = remote::tracking_branches(*repository, name);
  if (!tracking) return context.fail(tracking.error());

  if (as_json) {
    auto document = remote_json(*shown);
    auto refs = json::array();
    for (const auto& branch : *tracking)
      refs.push_back({{"branch", branch.branch}, {"commit", branch.commit.to_string()}});
    document["tracking"] = std::move(refs);
    context.out << document.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  auto line = [&](const char* setting, const std::optional<std::string>& value) {
    if (value)
      context.out << "  " << setting << std::string(15 - std::string_view(setting).size(), ' ')
                  << core::escape_text(*value) << '\n';
  };
  auto number = [](const std::optional<std::uint64_t>& value) {
    return value ? std::optional<std::string>(std::to_string(*value)) : std::nullopt;
  };
  context.out << "remote " << shown->name << '\n';
  line("ipfs", shown_url(shown->ipfs));
  line("gateway", shown_url(shown->gateway));
  line("rpc", shown_url(shown->rpc));
  line("registry", shown->registry);
  line("repo", shown->repo);
  line("chain-id", number(shown->chain_id));
  line("confirmations", number(shown->confirmations));
  line("universe", shown->universe);
  if (shown->sealed) context.out << "  private: true (push uploads only ciphertext)\n";
  if (tracking->empty()) {
    context.out << "  no remote-tracking branches (mlchain fetch " << shown->name << ")\n";
    return;
  }
  context.out << "  remote-tracking branches:\n";
  for (const auto& branch : *tracking)
    context.out << "    " << core::escape_text(shown->name + "/" + branch.branch) << "  " << branch.commit.to_string()
                << '\n';
}

void run_remove(const std::string& name, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  if (auto status = remote::remove_remote(*repository, name); !status) return context.fail(status.error());
}

}  // namespace

void register_remote(CLI::App& app, Context& context) {
  auto* command =
      app.add_subcommand("remote", "Add, list, show and remove remotes (IPFS node, gateway, chain registry)");
  command->require_subcommand(1);

  auto add = std::make_shared<RemoteAddOptions>();
  auto* add_command = command->add_subcommand("add", "Add remote NAME");
  add_command->add_option("NAME", add->name, "Remote name (lowercase letters, digits, '-', '_')")->required();
  add_command->add_option("--ipfs", add->ipfs, "Kubo RPC API URL of an IPFS node, e.g. http://127.0.0.1:5001");
  add_command->add_option("--gateway", add->gateway, "Trustless gateway URL (read only), e.g. https://ipfs.io");
  add_command->add_option("--rpc", add->rpc, "Ethereum JSON-RPC URL (with --registry and --repo)");
  add_command->add_option("--registry", add->registry, "Registry contract address (0x…)");
  add_command->add_option("--repo", add->repo, "Repository name in the registry");
  add_command->add_option("--chain-id", add->chain_id, "Chain id the RPC must report");
  add_command->add_option("--confirmations", add->confirmations, "Confirmations a push waits for");
  add_command->add_option("--universe", add->universe, "Catalogue (Model Universe) contract address (0x…)");
  add_command->add_flag("--private", add->sealed,
                        "Seal every file before it leaves the machine: push uploads only ciphertext, readers get "
                        "grants on chain (needs a chain remote)");
  add_command->callback([add, &context] { run_add(*add, context); });

  auto as_json = std::make_shared<bool>(false);
  auto* list_command = command->add_subcommand("list", "List the remotes");
  list_command->add_flag(
      "--json", *as_json,
      "Print a JSON array of {name, ipfs, gateway, rpc, registry, repo, chain_id, confirmations, universe, private}");
  list_command->callback([as_json, &context] { run_list(*as_json, context); });

  auto shown = std::make_shared<std::string>();
  auto show_json = std::make_shared<bool>(false);
  auto* show_command = command->add_subcommand("show", "Show remote NAME: its settings and remote-tracking branches");
  show_command->add_option("NAME", *shown, "Remote name")->required();
  show_command->add_flag("--json", *show_json, "Print one JSON object: list's fields and tracking: [{branch, commit}]");
  show_command->callback([shown, show_json, &context] { run_show(*shown, *show_json, context); });

  auto name = std::make_shared<std::string>();
  auto* remove_command = command->add_subcommand("remove", "Remove remote NAME and its remote-tracking refs");
  remove_command->add_option("NAME", *name, "Remote name")->required();
  remove_command->callback([name, &context] { run_remove(*name, context); });
}

}  // namespace mlchain::cli
