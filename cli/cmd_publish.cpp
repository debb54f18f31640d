// mlchain publish [REMOTE] NAME [--card PATH|CID] [--license SPDX] [--tag T]… [--private] [--price AMOUNT]
// [--duration DAYS] [--split ADDR=BPS]… [--key NAME] [--json]: lists the remote's repository in its
// catalogue under NAME (or changes the terms of the signer's listing NAME).
#include <CLI/CLI.hpp>
#include <charconv>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/catalogue/transactions.hpp"
#include "mlchain/codec/ether_amount.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/workflow/signer_for.hpp"
#include "universe_support.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

constexpr std::uint64_t seconds_per_day = 86'400;

struct PublishOptions {
  std::vector<std::string> arguments;  // [REMOTE] NAME
  catalogue::UniverseFlags flags;
  std::optional<std::string> repo;
  std::optional<std::string> card;
  std::optional<std::string> license;
  std::vector<std::string> tags;
  bool is_private = false;
  std::optional<std::string> price;
  std::optional<std::string> duration_days;
  std::vector<std::string> splits;
  std::optional<std::string> key;
  WaitOptions wait;
  bool json = false;
};

Result<eth::catalogue::Split> parse_split(const std::string& text) {
  const auto equals = text.find('=');
  auto invalid = [&](const std::string& why) {
    return make_error(ErrorKind::invalid_argument, "--split '" + text + "': " + why + " (expected ADDR=BPS)");
  };
  if (equals == std::string::npos) return invalid("no '='");
  auto payee = codec::parse_address(text.substr(0, equals));
  if (!payee) return invalid(payee.error().message);
  const std::string bps = text.substr(equals + 1);
  unsigned share = 0;
  const auto parsed = std::from_chars(bps.data(), bps.data() + bps.size(), share);
  if (bps.empty() || parsed.ec != std::errc() || parsed.ptr != bps.data() + bps.size() || share == 0 ||
      share > eth::catalogue::total_shares)
    return invalid("the share is not a whole number of basis points from 1 to 10000");
  return eth::catalogue::Split{*payee, static_cast<std::uint16_t>(share)};
}

// DAYS as text: CLI11 would take "-1" into an unsigned as its wrapped value, and a count of days whose
// seconds pass 2^64 would wrap in the product.
Result<std::uint64_t> parse_duration(const std::string& days_text) {
  std::uint64_t days = 0;
  const auto parsed = std::from_chars(days_text.data(), days_text.data() + days_text.size(), days);
  if (days_text.empty() || parsed.ec != std::errc() || parsed.ptr != days_text.data() + days_text.size() ||
      days > std::numeric_limits<std::uint64_t>::max() / seconds_per_day)
    return make_error(ErrorKind::invalid_argument,
                      "--duration '" + days_text + "' is not a whole number of days (0: access forever)");
  return days * seconds_per_day;
}

Result<std::string> listed_repo(const PublishOptions& options, const catalogue::Universe& universe) {
  if (options.repo) return *options.repo;
  if (universe.remote) return universe.remote->repo;
  return make_error(ErrorKind::invalid_argument,
                    "name the repository to list with --repo NAME (no remote names it with --rpc/--universe)");
}

void run_publish(PublishOptions options, Context& context) {
  const std::string name = remote_and_name(options.arguments, options.flags);
  if (auto valid = eth::catalogue::check_listing_name(name); !valid) return context.fail(valid.error());
  auto target = universe_target(options.flags);
  if (!target) return context.fail(target.error());
  auto* repository = target->repository ? &*target->repository : nullptr;
  const auto& universe = target->universe;
  auto repo_name = listed_repo(options, universe);
  if (!repo_name) return context.fail(repo_name.error());

  eth::catalogue::Terms terms;
  terms.tags = options.tags;
  terms.is_private = options.is_private;
  if (options.price) {
    auto price = codec::parse_ether_amount(*options.price);
    if (!price) return context.fail(ErrorKind::invalid_argument, "--price: " + price.error().message);
    terms.price = *price;
  }
  if (options.duration_days) {
    auto duration = parse_duration(*options.duration_days);
    if (!duration) return context.fail(duration.error());
    terms.duration = *duration;
  }
  for (const auto& text : options.splits) {
    auto split = parse_split(text);
    if (!split) return context.fail(split.error());
    // The contract would credit a payee named twice twice: almost surely a typo for another payee.
    for (const auto& earlier : terms.splits)
      if (earlier.payee == split->payee)
        return context.fail(ErrorKind::invalid_argument, "--split names " + codec::to_checksum_address(split->payee) +
                                                             " twice: give each payee once with its whole share");
    terms.splits.push_back(*split);
  }
  auto signer = workflow::signer_for(repository, options.key);
  if (!signer) return context.fail(signer.error());
  if (terms.splits.empty()) terms.splits.push_back({signer->signer->address(), eth::catalogue::total_shares});
  // The rules the contract applies, before a file is uploaded or anything read from the chain.
  if (auto valid = eth::catalogue::check_terms(terms); !valid) return context.fail(valid.error());

  auto card = catalogue::find_card(repository, universe, options.card);
  if (!card) return context.fail(card.error());
  if (options.license) {
    terms.license = *options.license;
  } else {
    auto license = catalogue::head_license(repository, universe);
    if (!license) return context.fail(license.error());
    if (*license) terms.license = **license;
  }
  auto published = catalogue::publish(repository, universe, name, *repo_name, terms, *card, *signer->signer,
                                      options.wait.chain_options());
  if (!published) return context.fail(published.error());
  const auto& settled = published->sent.settled;
  if (published->marked_private)
    context.err << "marked " << *repo_name << " private on the registry: every push from now on uploads only "
                << "ciphertext; versions pushed before stay as they were pushed\n";
  if (terms.license.empty())
    context.err << "mlchain: warning: listing '" << name
                << "' names no licence: publish it again with --license SPDX to name one\n";
  if (options.json) {
    const json document{{"name", name},
                        {"repo", *repo_name},
                        {"universe", codec::to_checksum_address(universe.catalogue)},
                        {"owner", codec::to_checksum_address(signer->signer->address())},
                        {"card", card->cid.to_string()},
                        {"card_uploaded", card->file.has_value()},
                        {"license", terms.license},
                        {"price_wei", terms.price.to_decimal()},
                        {"updated", published->updated},
                        {"transaction", hash_hex(settled.receipt.transaction_hash)},
                        {"block", settled.receipt.block_number},
                        {"gas_used", settled.receipt.gas_used}};
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << (published->updated ? "updated " : "published ") << name << " -> " << *repo_name << " (card "
              << card->cid.to_string() << (card->file ? ", uploaded" : "") << ", licence "
              << (terms.license.empty() ? "none" : terms.license) << ", "
              << (terms.price.is_zero() ? std::string("free") : codec::format_ether(terms.price) + " ether")
              << (terms.is_private ? ", private" : "") << "): " << transaction_text(settled, published->sent.resumed)
              << '\n';
}

}  // namespace

void register_publish(CLI::App& app, Context& context) {
  auto options = std::make_shared<PublishOptions>();
  auto* publish = app.add_subcommand("publish", "List the remote's repository in its catalogue under NAME");
  publish->add_option("REMOTE_AND_NAME", options->arguments, "[REMOTE] NAME: the remote (default origin), the name")
      ->required()
      ->expected(1, 2);
  add_universe_options(*publish, options->flags);
  publish->add_option("--repo", options->repo, "Registry repository to list (default: the remote's)");
  publish->add_option("--card", options->card,
                      "Model card: a file (uploaded to the remote's IPFS node) or a CID (default: README.md of "
                      "the remote's head)");
  publish->add_option("--license", options->license, "SPDX licence (default: the head commit's)");
  publish->add_option("--tag", options->tags, "A tag (repeatable)");
  publish->add_flag("--private", options->is_private, "Mark the listing private (sold, not open to all)");
  publish->add_option("--price", options->price, "Price of an access grant: wei, or e.g. 0.01ether, 5gwei");
  publish->add_option("--duration", options->duration_days, "Days an access grant lasts (default: forever)");
  publish->add_option("--split", options->splits,
                      "ADDR=BPS: a payee and its share in basis points, summing to 10000 (default: the signer "
                      "10000; repeatable)");
  publish->add_option("--key", options->key, "Stored key of the repository's owner (default: as for commit)");
  publish->add_flag("--json", options->json, "Print the listing and its transaction as JSON");
  add_wait_options(*publish, options->wait);
  publish->callback([options, &context] { run_publish(*options, context); });
}

}  // namespace mlchain::cli
