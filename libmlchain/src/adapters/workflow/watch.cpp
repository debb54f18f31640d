#include "mlchain/workflow/watch.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>

#include "mlchain/catalogue/universe.hpp"
#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/governance.hpp"
#include "mlchain/chain/registry_client.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/clock.hpp"
#include "mlchain/fs/lock_file.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/repo/config.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/watch/evaluator.hpp"
#include "mlchain/watch/shell_handler.hpp"
#include "mlchain/workflow/access.hpp"
#include "mlchain/workflow/signer_for.hpp"

namespace mlchain::workflow {
namespace {

std::string known_events() {
  std::string text;
  for (const auto name : watch::event_names()) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

// The handler commands by event: `watch.<event>` from the config, then --on, which wins.
Result<std::map<std::string, std::string>> handler_commands(const repo::Repository& repository,
                                                            const WatchRequest& request) {
  MLCHAIN_TRY(const auto config, repo::Config::load(repository.paths().config()));
  std::map<std::string, std::string> commands;
  for (const auto name : watch::event_names()) {
    if (auto command = config.get("watch." + std::string(name)); command && !command->empty())
      commands[std::string(name)] = *command;
  }
  std::map<std::string, std::string> given;
  for (const auto& [name, command] : request.handlers) {
    if (!given.emplace(name, command).second)
      return make_error(ErrorKind::invalid_argument, "--on " + name + " is given twice: one handler per event");
  }
  for (const auto& [name, command] : given) commands[name] = command;
  return commands;
}

Result<watch::Cursor> start_cursor(const watch::WatchDirectory& directory, const watch::WatchTarget& target,
                                   chain::RegistryClient& registry, const WatchRequest& request,
                                   std::uint64_t confirmations, watch::WatchLog& log) {
  MLCHAIN_TRY(auto loaded, watch::load_cursor(directory.cursor()));
  if (loaded) {
    const auto& known = loaded->target;
    if (known.chain_id != target.chain_id || known.registry != target.registry || known.repo != target.repo)
      return make_error(ErrorKind::invalid_argument, directory.cursor().string() + " follows " + known.repo +
                                                         " on registry " + codec::to_checksum_address(known.registry) +
                                                         " (chain " + std::to_string(known.chain_id) +
                                                         "), not remote " + request.remote + "'s " + target.repo +
                                                         ": remove it to watch this remote");
  }
  watch::Cursor cursor;
  if (loaded && !request.from_block) {
    cursor = std::move(*loaded);
    log.write(watch::LogLevel::info,
              "resuming " + target.repo + " after block " + std::to_string(cursor.position.block) +
                  (cursor.position.log_index ? " log " + std::to_string(*cursor.position.log_index) : std::string()));
    return cursor;
  }
  cursor.target = target;
  // The governance the registry names now; a GovernanceSet log read later replaces it (watch/watcher.hpp).
  MLCHAIN_TRY(const auto governance, registry.governance_of(target.repo));
  if (governance) cursor.governances = {*governance};
  if (request.from_block) {
    // A start beyond the head would leave the watcher silent until the chain got there, a typo's lifetime.
    MLCHAIN_TRY(const std::uint64_t head, registry.rpc().block_number());
    if (*request.from_block > head + 1)
      return make_error(ErrorKind::invalid_argument, "--from-block " + std::to_string(*request.from_block) +
                                                         " is beyond the chain's head, block " + std::to_string(head));
    cursor.position = watch::Position{*request.from_block > 0 ? *request.from_block - 1 : 0, {}, std::nullopt};
    log.write(watch::LogLevel::info, "watching " + target.repo + " from block " + std::to_string(*request.from_block));
  } else {
    MLCHAIN_TRY(const std::uint64_t head, registry.rpc().block_number());
    const std::uint64_t start = head + 1 >= confirmations ? head + 1 - confirmations : 0;
    MLCHAIN_TRY(const auto block, registry.rpc().block_by_number(eth::BlockTag::number(start)));
    cursor.position = watch::Position{start, block ? block->hash : eth::Hash{}, std::nullopt};
    log.write(watch::LogLevel::info, "watching " + target.repo + " for new events after block " +
                                         std::to_string(start) + " (--from-block N to replay older ones)");
  }
  cursor.checkpoints = {cursor.position};
  return cursor;
}

// The chain id, once the node answers. A long-running watcher started while its node is down (a reboot, a
// deploy) waits for it with the delivery loop's backoff rather than exiting; --once reports it at once.
// Nothing when a stop came while waiting.
Result<std::optional<std::uint64_t>> chain_id_when_reachable(eth::RpcClient& rpc, const watch::WatchOptions& options,
                                                             watch::StopSignal& stop, watch::WatchLog& log) {
  std::chrono::milliseconds backoff = options.poll;
  for (;;) {
    auto chain_id = rpc.chain_id();
    if (chain_id) return std::optional<std::uint64_t>(*chain_id);
    if (stop.stop_requested()) return std::optional<std::uint64_t>();
    const auto kind = chain_id.error().kind;
    if (options.once || (kind != ErrorKind::remote_unavailable && kind != ErrorKind::timeout)) return chain_id.error();
    log.write(watch::LogLevel::warning, chain_id.error().message + "; retrying in " + watch::seconds_text(backoff));
    if (!watch::wait_unless_stopped(core::real_clock(), stop, backoff)) return std::optional<std::uint64_t>();
    backoff = std::min(backoff * 2, options.max_node_backoff);
  }
}

// `.mlchain/watch/`, created when absent.
Status make_watch_directory(const watch::WatchDirectory& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory.root, error);
  if (!error) return {};
  // Something else in its place is a damaged repository (docs/format.md), not a failure of the watcher.
  std::error_code ignored;
  const auto type = std::filesystem::symlink_status(directory.root, ignored).type();
  if (type != std::filesystem::file_type::not_found && type != std::filesystem::file_type::directory)
    return make_error(ErrorKind::corrupt, directory.root.string() + " is not a directory: move it away");
  return make_error(error == std::errc::permission_denied ? ErrorKind::access_denied : ErrorKind::internal,
                    "cannot create " + directory.root.string() + ": " + error.message());
}

// Evaluator mode's handler of `pushed`, once what it needs holds: the suite (on the node when given by
// CID), the key, which must be an evaluator of the current round, and the --out-dir.
Result<std::unique_ptr<watch::Handler>> evaluator_handler(
    repo::Repository& repository, const remote::Remote& remote, const chain::ChainRemote& chain_remote,
    eth::RpcClient& rpc, const WatchRequest& request,
    const std::vector<std::pair<std::string, std::string>>& environment, watch::WatchLog& log) {
  const WatchEvaluation& evaluation = *request.evaluation;
  MLCHAIN_TRY(const auto suite, watch::resolve_suite(evaluation.suite));
  if (!suite.second) {
    // Asked once here (block/stat never searches the network): a suite the node lacks would otherwise
    // stall every evaluation until the node's timeout, then park it.
    MLCHAIN_TRY(auto node, remote::open_node(remote::NodeAddress{remote.ipfs, remote.gateway}));
    auto held = node->has_block(suite.first);
    if (held && !*held)
      return make_error(ErrorKind::not_found, "suite " + suite.first.to_string() + " is not on " + node->url() +
                                                  ": add it there (ipfs add -r --cid-version 1) or give --suite DIR");
    if (!held && held.error().kind != ErrorKind::unsupported) return held.error();
  }
  MLCHAIN_TRY(auto signer, signer_for(&repository, request.key));
  chain::GovernanceClient governance(rpc, chain_remote);
  MLCHAIN_TRY(const auto round, governance.round());
  const auto me = signer.signer->address();
  if (std::find(round.evaluators.begin(), round.evaluators.end(), me) == round.evaluators.end())
    return make_error(ErrorKind::refused_by_contract, signer.description + " (" + codec::to_checksum_address(me) +
                                                          ") is not an evaluator of round " +
                                                          std::to_string(round.number) + " of " + chain_remote.repo +
                                                          ": the owner adds it with mlchain policy set --evaluator");
  watch::EvaluatorSettings settings;
  settings.command = evaluation.command;
  settings.suite = suite.first;
  settings.suite_directory = suite.second;
  settings.branch = evaluation.branch;
  if (evaluation.out_directory) {
    std::error_code error;
    std::filesystem::create_directories(*evaluation.out_directory, error);
    if (error)
      return make_error(ErrorKind::invalid_argument,
                        "--out-dir " + evaluation.out_directory->string() + ": " + error.message());
    settings.out_directory = std::filesystem::absolute(*evaluation.out_directory);
  }
  log.write(watch::LogLevel::info, "evaluating pushes of " + evaluation.branch + " as " +
                                       codec::to_checksum_address(me) + " with suite " + suite.first.to_string());
  return std::unique_ptr<watch::Handler>(std::make_unique<watch::EvaluatorHandler>(
      repository, chain_remote, remote::NodeAddress{remote.ipfs, remote.gateway}, std::move(settings), signer.signer,
      environment));
}

// --grant-on-purchase: grants every version to the buyer of a purchased event (workflow/access.hpp), then
// runs the purchased handler given with it. A grant that fails (the buyer has published no encryption key
// yet, the node is away) fails the event, which the watcher retries then parks like any failed handler:
// a buyer who publishes a key meanwhile is granted on a later attempt. A grant made is not made again when
// only the handler after it failed.
class GrantOnPurchase final : public watch::Handler {
 public:
  GrantOnPurchase(repo::Repository& repository, AccessOptions options, watch::Handler* then)
      : repository_(repository), options_(std::move(options)), then_(then) {}

  Result<watch::HandlerOutcome> run(const watch::WatchEvent& event, unsigned attempt, watch::WatchLog& log) override {
    if (!granted_.contains(event.id)) {
      MLCHAIN_TRY_STATUS(grant(event, log));
      granted_.insert(event.id);
    }
    if (then_ != nullptr) return then_->run(event, attempt, log);
    return watch::HandlerOutcome{true, {}, {}};
  }

  std::string describe() const override {
    return then_ != nullptr ? "--grant-on-purchase, then " + then_->describe() : "--grant-on-purchase";
  }

 private:
  Status grant(const watch::WatchEvent& event, watch::WatchLog& log) {
    if (!event.buyer) return make_error(ErrorKind::invalid_input, "a purchased event without a buyer");
    const std::string buyer = codec::to_checksum_address(*event.buyer);
    const std::string listing = event.listing.value_or(event.repo);
    const auto now = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    if (event.access_until && *event.access_until <= now) {
      // A purchase replayed (--from-block) after its access ended: keys granted now could not be recalled.
      log.write(watch::LogLevel::info,
                "not granting " + listing + " to " + buyer + ": the access bought ended at " +
                    std::to_string(*event.access_until),
                event.id);
      return {};
    }
    auto granted = grant_access(repository_, *event.buyer, {"all"}, options_);
    if (!granted) {
      log.write(watch::LogLevel::warning,
                "cannot grant " + listing + " to buyer " + buyer + ": " + granted.error().message, event.id);
      return granted.error();
    }
    log.write(watch::LogLevel::info,
              "granted " + std::to_string(granted->versions.size()) +
                  (granted->versions.size() == 1 ? " version" : " versions") + " of " + granted->chain.repo +
                  " to buyer " + buyer + " of " + listing + ": transaction " +
                  codec::to_0x_hex(granted->settled.receipt.transaction_hash) + ", block " +
                  std::to_string(granted->settled.receipt.block_number),
              event.id);
    return {};
  }

  repo::Repository& repository_;
  AccessOptions options_;
  watch::Handler* then_;
  std::set<std::string> granted_;
};

}  // namespace

Result<std::pair<std::string, std::string>> parse_handler(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals + 1 == text.size())
    return make_error(ErrorKind::invalid_argument,
                      "--on '" + std::string(text) + "': expected EVENT=COMMAND (events: " + known_events() + ")");
  const std::string name(text.substr(0, equals));
  if (!watch::is_event_name(name))
    return make_error(ErrorKind::invalid_argument, "--on '" + std::string(text) + "': unknown event '" + name +
                                                       "' (events: " + known_events() + ")");
  return std::pair<std::string, std::string>{name, std::string(text.substr(equals + 1))};
}

Result<watch::WatchSummary> watch(const WatchRequest& request, watch::StopSignal& stop, watch::WatchLog& log) {
  MLCHAIN_TRY(auto repository,
              repo::discover_repository(request.start.empty() ? std::filesystem::current_path() : request.start));
  MLCHAIN_TRY(const auto remote, remote::find_remote(repository, request.remote));
  MLCHAIN_TRY(const auto chain_remote, chain::chain_remote_of(remote));
  MLCHAIN_TRY(const auto commands, handler_commands(repository, request));
  if (commands.empty() && !request.evaluation && !request.grant_on_purchase)
    return make_error(ErrorKind::invalid_argument,
                      "nothing to do: give --on EVENT=CMD, set watch.<event> in the "
                      "config, --evaluate or --grant-on-purchase");

  // The watcher retries a failed poll itself, with backoff and a log line: a call that hangs must not hold
  // it for the client's default minutes, nor a watcher asked to stop at all (man/mlchain-watch.1).
  auto rpc_options = eth::rpc_options_for(chain_remote.rpc);
  rpc_options.timeout = std::chrono::seconds(10);
  rpc_options.attempts = 2;
  rpc_options.cancelled = [&stop] { return stop.stop_requested(); };
  eth::RpcClient rpc(std::move(rpc_options));
  MLCHAIN_TRY(const auto reachable, chain_id_when_reachable(rpc, request.options, stop, log));
  if (!reachable) return watch::WatchSummary{};
  const std::uint64_t chain_id = *reachable;
  if (chain_remote.chain_id && *chain_remote.chain_id != chain_id)
    return make_error(ErrorKind::invalid_argument, rpc.display_url() + " serves chain " + std::to_string(chain_id) +
                                                       ", not remote " + request.remote + "'s chain " +
                                                       std::to_string(*chain_remote.chain_id));
  chain::RegistryClient registry(rpc, chain_remote.registry);
  MLCHAIN_TRY_STATUS(registry.check_deployed());
  const watch::WatchTarget target{chain_id, chain_remote.registry, chain_remote.repo};

  const std::vector<std::pair<std::string, std::string>> environment{{"MLCHAIN_REMOTE", request.remote}};
  std::vector<std::unique_ptr<watch::Handler>> owned;
  std::map<std::string, watch::Handler*> handlers;
  for (const auto& [name, command] : commands) {
    owned.push_back(std::make_unique<watch::ShellHandler>(command, repository.work_tree(), environment));
    handlers[name] = owned.back().get();
  }
  if (request.evaluation) {
    if (handlers.contains("pushed"))
      return make_error(ErrorKind::invalid_argument,
                        "--evaluate handles pushed events itself: drop the pushed handler (--on or watch.pushed)");
    MLCHAIN_TRY(auto evaluator, evaluator_handler(repository, remote, chain_remote, rpc, request, environment, log));
    owned.push_back(std::move(evaluator));
    handlers["pushed"] = owned.back().get();
  }
  if (request.grant_on_purchase) {
    // Checked once here: a key the registry would refuse would otherwise park every purchase.
    MLCHAIN_TRY(auto signer, signer_for(&repository, request.key));
    const auto me = signer.signer->address();
    MLCHAIN_TRY(const auto owner, registry.owner_of(chain_remote.repo));
    MLCHAIN_TRY(const bool writer, registry.is_writer(chain_remote.repo, me));
    if (owner != me && !writer)
      return make_error(ErrorKind::refused_by_contract,
                        signer.description + " (" + codec::to_checksum_address(me) + ") is neither the owner nor a " +
                            "writer of " + chain_remote.repo + ": it cannot grant access (--key NAME)");
    const auto then = handlers.find("purchased");
    owned.push_back(std::make_unique<GrantOnPurchase>(
        repository, AccessOptions{.remote = request.remote, .key = request.key, .chain = {}},
        then == handlers.end() ? nullptr : then->second));
    handlers["purchased"] = owned.back().get();
  }
  // Purchases are the catalogue's events: it is followed only when something handles them.
  std::optional<catalogue::Universe> universe;
  if (handlers.contains("purchased")) {
    MLCHAIN_TRY(universe,
                catalogue::find_universe(
                    &repository, catalogue::UniverseFlags{.remote = request.remote, .rpc = {}, .universe = {}}));
    log.write(watch::LogLevel::info, "following purchases of " + target.repo + "'s listings in catalogue " +
                                         codec::to_checksum_address(universe->catalogue));
  }
  const watch::WatchDirectory directory{repository.paths().watch()};
  MLCHAIN_TRY_STATUS(make_watch_directory(directory));
  MLCHAIN_TRY(const auto lock, fs::LockFile::acquire(directory.cursor(), std::chrono::milliseconds(0)));

  watch::WatchOptions options = request.options;
  options.confirmations = std::max<std::uint64_t>(request.confirmations.value_or(chain_remote.confirmations), 1);
  MLCHAIN_TRY(auto cursor, start_cursor(directory, target, registry, request, options.confirmations, log));
  if (cursor.governances.empty()) {
    for (const auto& [name, handler] : handlers)
      if (name != "pushed" && name != "purchased" && name != watch::reverted_event_name) {
        log.write(watch::LogLevel::warning, "the registry names no governance for " + target.repo + ": " + name +
                                                " events come once its owner runs mlchain governance deploy");
        break;
      }
  }
  watch::RpcChainSource source(rpc);
  watch::Watcher watcher(source, directory, std::move(handlers), options, core::real_clock(), stop, log);
  catalogue::CatalogueClient catalogue_client(rpc, universe ? universe->catalogue : codec::Address{});
  if (universe) {
    watcher.follow_catalogue(universe->catalogue, [&catalogue_client](std::string_view listing) -> Result<std::string> {
      auto found = catalogue_client.listing(listing);
      if (found) return std::move(found->repo);
      // A listing the catalogue logged a purchase of is one the node must know: an answer saying otherwise
      // (a node behind the one that served the logs) is the node's trouble, waited out, not the end.
      if (found.error().kind == ErrorKind::timeout) return found.error();
      return make_error(ErrorKind::remote_unavailable,
                        "listingOf(" + std::string(listing) + ") for a purchase: " + found.error().message);
    });
  }
  return watcher.run(std::move(cursor));
}

}  // namespace mlchain::workflow
