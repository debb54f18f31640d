// mlchain info NAME [--json] [REMOTE | --rpc URL --universe ADDR]: a listing of the catalogue read live from
// the chain, with its repository's branch heads, its stage holders' reputation and its author's record
// (catalogue/info.hpp).
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/catalogue/info.hpp"
#include "mlchain/codec/ether_amount.hpp"
#include "mlchain/codec/fixed_point.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/display_text.hpp"
#include "universe_support.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct InfoOptions {
  std::string name;
  catalogue::UniverseFlags flags;
  bool json = false;
};

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

// 7000 basis points: "70"; 1250: "12.5"; 1: "0.01".
std::string percent_text(std::uint16_t bps) {
  std::string text = std::to_string(bps / 100);
  if (const unsigned cents = bps % 100; cents != 0) {
    text += '.' + std::string(cents < 10 ? "0" : "") + std::to_string(cents);
    if (text.back() == '0') text.pop_back();
  }
  return text;
}

std::string duration_text(std::uint64_t seconds) {
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + (seconds == 86400 ? " day" : " days");
  return std::to_string(seconds) + " seconds";
}

std::string price_text(const eth::catalogue::Terms& terms) {
  if (terms.price.is_zero()) return "free";
  std::string text = amount_text(terms.price) + ", access ";
  return text + (terms.duration == 0 ? std::string("forever") : "for " + duration_text(terms.duration));
}

// A card the contract holds that is no CID (written bypassing mlchain) is named as such, with its bytes.
std::string card_text(const eth::catalogue::Terms& terms) {
  if (terms.unreadable_card) return "(unreadable: " + codec::to_0x_hex(*terms.unreadable_card) + " is not a CID)";
  return terms.card.to_string();
}

std::string spread_text(const catalogue::MetricSpread& spread) {
  const std::string low = codec::format_fixed18(spread.low);
  const std::string high = codec::format_fixed18(spread.high);
  return core::escape_text(spread.metric) + " " + (low == high ? low : low + ".." + high) + " (" +
         std::to_string(spread.evaluators) + ")";
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

void print_text(const catalogue::ListingInfo& info, Context& context) {
  const auto& listing = info.listing;
  const auto& terms = listing.terms;
  std::ostringstream out;
  // Everything but the name (the contract checks it) is text anyone could have written: escaped.
  out << listing.name << (listing.listed ? "" : "  (unlisted)") << '\n';
  out << "  repository  " << core::escape_text(info.clone_url) << '\n';
  out << "  owner       " << address_text(listing.owner) << '\n';
  out << "  card        " << card_text(terms) << '\n';
  out << "  license     " << (terms.license.empty() ? std::string("(none)") : core::escape_text(terms.license)) << '\n';
  std::string tags;
  for (const auto& tag : terms.tags) tags += (tags.empty() ? "" : ", ") + core::escape_text(tag);
  out << "  tags        " << (tags.empty() ? std::string("(none)") : tags) << '\n';
  out << "  visibility  " << (terms.is_private ? "private" : "public") << '\n';
  out << "  price       " << price_text(terms) << '\n';
  out << "  splits     ";
  for (const auto& split : terms.splits)
    out << ' ' << address_text(split.payee) << ' ' << percent_text(split.share) << '%';
  out << '\n';
  out << "  purchases   " << listing.purchases << '\n';
  out << "  published   block " << listing.published_at << ", updated block " << listing.updated_at << '\n';
  out << "  catalogue   " << address_text(info.catalogue) << " on chain " << info.chain_id << '\n';
  out << "branches\n";
  if (info.branches.empty()) out << "  (none pushed)\n";
  for (const auto& branch : info.branches)
    out << "  " << core::escape_text(branch.branch) << "  " << branch.head.to_string() << '\n';
  if (!info.governance) {
    out << "governance  (none)\n";
  } else {
    const auto& governance = *info.governance;
    out << "governance  " << address_text(governance.governance) << "  round " << governance.round << ": "
        << plural(governance.evaluators.size(), "evaluator", "evaluators") << ", quorum "
        << static_cast<unsigned>(governance.quorum) << '\n';
    if (governance.stages.empty()) out << "  (no stages)\n";
    for (const auto& stage : governance.stages) {
      out << "  " << core::escape_text(stage.stage) << "  ";
      if (!stage.holder) {
        out << "(no holder)\n";
        continue;
      }
      out << stage.holder->to_string() << "  since block " << stage.since_block << ": "
          << plural(stage.reputation.evaluators, "evaluator", "evaluators");
      for (const auto& spread : stage.reputation.metrics) out << "; " << spread_text(spread);
      out << '\n';
    }
  }
  out << "author  " << address_text(info.author.author) << ": "
      << plural(info.author.published, "listing published", "listings published") << ", "
      << plural(info.author.promotions, "promotion", "promotions") << '\n';
  context.out << out.str();
}

json fixed18_json(const codec::I256& value) { return json::parse(codec::format_fixed18(value)); }

json info_json(const catalogue::ListingInfo& info) {
  const auto& listing = info.listing;
  const auto& terms = listing.terms;
  auto splits = json::array();
  for (const auto& split : terms.splits)
    splits.push_back({{"payee", address_text(split.payee)}, {"bps", split.share}, {"percent", split.share / 100.0}});
  auto branches = json::array();
  for (const auto& branch : info.branches)
    branches.push_back({{"branch", branch.branch}, {"head", branch.head.to_string()}});
  json governance = nullptr;
  auto stages = json::array();
  if (info.governance) {
    auto evaluators = json::array();
    for (const auto& evaluator : info.governance->evaluators) evaluators.push_back(address_text(evaluator));
    governance = {{"address", address_text(info.governance->governance)},
                  {"round", info.governance->round},
                  {"evaluators", evaluators},
                  {"quorum", info.governance->quorum}};
    for (const auto& stage : info.governance->stages) {
      auto metrics = json::array();
      for (const auto& spread : stage.reputation.metrics)
        metrics.push_back({{"metric", spread.metric},
                           {"low", fixed18_json(spread.low)},
                           {"high", fixed18_json(spread.high)},
                           {"evaluators", spread.evaluators}});
      stages.push_back({{"stage", stage.stage},
                        {"commit", stage.holder ? json(stage.holder->to_string()) : json(nullptr)},
                        {"since_block", stage.holder ? json(stage.since_block) : json(nullptr)},
                        {"evaluators", stage.reputation.evaluators},
                        {"metrics", metrics}});
    }
  }
  return {{"name", listing.name},
          {"repo", listing.repo},
          {"clone_url", info.clone_url},
          {"owner", address_text(listing.owner)},
          {"listed", listing.listed},
          {"card", terms.unreadable_card ? json() : json(terms.card.to_string())},
          {"unreadable_card", terms.unreadable_card ? json(codec::to_0x_hex(*terms.unreadable_card)) : json()},
          {"license", terms.license},
          {"tags", terms.tags},
          {"private", terms.is_private},
          {"price_wei", terms.price.to_decimal()},
          {"price_ether", codec::format_ether(terms.price)},
          {"duration_seconds", terms.duration},
          {"splits", splits},
          {"purchases", listing.purchases},
          {"published_block", listing.published_at},
          {"updated_block", listing.updated_at},
          {"chain_id", info.chain_id},
          {"registry", address_text(info.registry)},
          {"catalogue", address_text(info.catalogue)},
          {"branches", branches},
          {"governance", governance},
          {"stages", stages},
          {"author",
           {{"address", address_text(info.author.author)},
            {"published", info.author.published},
            {"promotions", info.author.promotions}}}};
}

void run_info(const InfoOptions& options, Context& context) {
  auto target = universe_target(options.flags);
  if (!target) return context.fail(target.error());
  auto info = catalogue::listing_info(target->universe, options.name);
  if (!info) return context.fail(info.error());
  if (options.json) {
    // Licence and tags are anyone's bytes, not necessarily UTF-8: replaced, never a failure to print.
    context.out << info_json(*info).dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  print_text(*info, context);
}

}  // namespace

void register_info(CLI::App& app, Context& context) {
  auto options = std::make_shared<InfoOptions>();
  auto* command = app.add_subcommand(
      "info", "Show a catalogue listing: terms, branch heads, stage holders with their evaluators, its author");
  command->add_option("NAME", options->name, "The listing's name")->required();
  command->add_option("REMOTE", options->flags.remote, "The chain remote whose universe to read (default origin)");
  add_universe_options(*command, options->flags);
  command->add_flag("--json", options->json, "Print one JSON object with stable field names");
  command->callback([options, &context] { run_info(*options, context); });
}

}  // namespace mlchain::cli
