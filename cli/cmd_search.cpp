// mlchain search [TEXT] [REMOTE] [--license L] [--stage S] [--all] [--json] [--offline] [--ipfs URL] [--rpc URL
// --universe ADDR]: the catalogue's listings whose name, tags or card text contain TEXT, from the local index
// (docs/format.md §7.10), brought up to the chain's head first unless --offline or the node is
// away; then a warning says as of which block the answer is.
#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/catalogue/search.hpp"
#include "mlchain/codec/ether_amount.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/keys/key_directory.hpp"
#include "mlchain/remote/remotes.hpp"
#include "universe_support.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct SearchOptions {
  std::vector<std::string> arguments;  // [TEXT] [REMOTE]
  catalogue::UniverseFlags flags;
  std::optional<std::string> license;
  std::optional<std::string> stage;
  std::optional<std::string> ipfs;
  bool all = false;
  bool json = false;
  bool offline = false;
};

std::string age_text(std::optional<std::int64_t> updated_at) {
  if (!updated_at) return "never updated";
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto seconds = std::max<std::int64_t>(now - *updated_at, 0);
  const auto unit = [](std::int64_t count, const char* name) {
    return std::to_string(count) + " " + name + (count == 1 ? "" : "s") + " ago";
  };
  if (seconds < 60) return "updated " + unit(seconds, "second");
  if (seconds < 3600) return "updated " + unit(seconds / 60, "minute");
  if (seconds < 86400) return "updated " + unit(seconds / 3600, "hour");
  return "updated " + unit(seconds / 86400, "day");
}

std::string price_text(const eth::catalogue::Terms& terms) {
  if (terms.price.is_zero()) return "free";
  std::string text = codec::format_ether(terms.price) + " ether";
  if (terms.duration != 0) {
    const auto days = terms.duration / 86400;
    text += days * 86400 == terms.duration ? " for " + std::to_string(days) + " day" + (days == 1 ? "" : "s")
                                           : " for " + std::to_string(terms.duration) + " s";
  }
  return text;
}

json stages_json(const std::vector<catalogue::StageFacts>& stages) {
  auto list = json::array();
  for (const auto& facts : stages) {
    auto metrics = json::array();
    for (const auto& spread : facts.reputation.metrics)
      metrics.push_back({{"metric", spread.metric},
                         {"low", json::parse(codec::format_fixed18(spread.low))},
                         {"high", json::parse(codec::format_fixed18(spread.high))},
                         {"evaluators", spread.evaluators}});
    list.push_back({{"stage", facts.stage},
                    {"commit", facts.commit.to_string()},
                    {"evaluators", facts.reputation.evaluators},
                    {"metrics", metrics}});
  }
  return list;
}

json listing_json(const catalogue::IndexedListing& found, std::uint64_t indexed_block) {
  const auto& listing = found.listing;
  auto tags = json::array();
  for (const auto& tag : listing.terms.tags) tags.push_back(tag);
  auto splits = json::array();
  for (const auto& split : listing.terms.splits)
    splits.push_back({{"payee", codec::to_checksum_address(split.payee)}, {"bps", split.share}});
  return {{"name", listing.name},
          {"repo", listing.repo},
          {"owner", codec::to_checksum_address(listing.owner)},
          {"card", listing.terms.unreadable_card ? json() : json(listing.terms.card.to_string())},
          {"unreadable_card",
           listing.terms.unreadable_card ? json(codec::to_0x_hex(*listing.terms.unreadable_card)) : json()},
          {"license", listing.terms.license},
          {"tags", tags},
          {"private", listing.terms.is_private},
          {"price_wei", listing.terms.price.to_decimal()},
          {"duration_seconds", listing.terms.duration},
          {"splits", splits},
          {"purchases", listing.purchases},
          {"listed", listing.listed},
          {"stages", stages_json(found.stages)},
          {"indexed_block", indexed_block}};
}

void print_listing(std::ostream& out, const catalogue::IndexedListing& found) {
  const auto& listing = found.listing;
  out << listing.name << "  " << (listing.terms.license.empty() ? "-" : core::escape_text(listing.terms.license))
      << "  " << price_text(listing.terms);
  if (listing.terms.is_private) out << "  private";
  for (const auto& facts : found.stages)
    out << "  " << core::escape_text(facts.stage) << ": " << facts.reputation.evaluators << " evaluator"
        << (facts.reputation.evaluators == 1 ? "" : "s");
  if (!listing.terms.tags.empty()) {
    out << "  tags:";
    for (std::size_t position = 0; position < listing.terms.tags.size(); ++position)
      out << (position == 0 ? " " : ", ") << core::escape_text(listing.terms.tags[position]);
  }
  if (!listing.listed) out << "  (unlisted)";
  out << '\n';
}

// [TEXT] [REMOTE]: with two arguments, both; with one, the remote when it names a configured remote of the
// repository here, else the text.
void split_arguments(SearchOptions& options, const std::optional<repo::Repository>& repository, std::string& text) {
  if (options.arguments.size() == 2) {
    text = options.arguments[0];
    options.flags.remote = options.arguments[1];
  } else if (options.arguments.size() == 1) {
    if (repository && remote::find_remote(*repository, options.arguments[0]))
      options.flags.remote = options.arguments[0];
    else
      text = options.arguments[0];
  }
}

void run_search(SearchOptions& options, Context& context) {
  auto repository = optional_repository();
  if (!repository) return context.fail(repository.error());
  std::string text;
  split_arguments(options, *repository, text);
  auto universe = catalogue::find_universe(*repository ? &**repository : nullptr, options.flags);
  if (!universe) return context.fail(universe.error());
  auto home = keys::mlchain_home();
  if (!home) return context.fail(home.error());

  catalogue::SearchRequest request;
  request.query = {text, options.license, options.all, options.stage};
  request.offline = options.offline;
  request.home = *home;
  request.ipfs = options.ipfs;
  if (!request.ipfs && *repository && universe->remote) {
    if (auto configured = remote::find_remote(**repository, universe->remote->name)) request.ipfs = configured->ipfs;
  }
  request.universe = std::move(universe).value();
  auto outcome = catalogue::search_universe(request);
  if (!outcome) return context.fail(outcome.error());

  const std::uint64_t indexed_block = outcome->state.last ? outcome->state.last->number : 0;
  if (outcome->rebuilt_past)
    context.err << "mlchain: warning: the chain reorganised past block " << *outcome->rebuilt_past
                << ": the catalogue index was rebuilt\n";
  if (outcome->stale)
    context.err << "mlchain: warning: " << core::escape_text(*outcome->stale) << ": showing the index as of block "
                << indexed_block << " (" << age_text(outcome->state.updated_at) << ")\n";
  if (options.json) {
    auto list = json::array();
    for (const auto& found : outcome->listings) list.push_back(listing_json(found, indexed_block));
    // Licences and tags are anyone's bytes, not necessarily UTF-8: replaced, never a failure to print.
    context.out << list.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  for (const auto& found : outcome->listings) print_listing(context.out, found);
}

}  // namespace

void register_search(CLI::App& app, Context& context) {
  auto options = std::make_shared<SearchOptions>();
  auto* command = app.add_subcommand(
      "search", "Find models in the catalogue (Model Universe) by text in name, tags and card, or by licence");
  command->add_option("TEXT_AND_REMOTE", options->arguments, "[TEXT] [REMOTE]")->expected(0, 2);
  command->add_option("--license", options->license, "Only listings under this SPDX licence (any case)");
  command->add_option("--stage", options->stage, "Only listings whose repository has a holder of stage S");
  command->add_flag("--all", options->all, "Unlisted listings too");
  command->add_flag("--json", options->json, "Print one JSON array of listings");
  command->add_flag("--offline", options->offline, "Answer from the local index without asking the node");
  command->add_option("--ipfs", options->ipfs, "Kubo RPC API URL to fetch card texts from (default: the remote's)");
  add_universe_options(*command, options->flags);
  command->callback([options, &context] { run_search(*options, context); });
}

}  // namespace mlchain::cli
