// mlchain unlist [REMOTE] NAME [--key NAME]: takes the signer's listing out of the catalogue; its history and
// the access already bought stay, and publishing it again lists it again.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/catalogue/transactions.hpp"
#include "universe_support.hpp"

namespace mlchain::cli {
namespace {

struct UnlistOptions {
  std::vector<std::string> arguments;  // [REMOTE] NAME
  catalogue::UniverseFlags flags;
  std::optional<std::string> key;
  WaitOptions wait;
};

void run_unlist(UnlistOptions options, Context& context) {
  const std::string name = remote_and_name(options.arguments, options.flags);
  if (auto valid = eth::catalogue::check_listing_name(name); !valid) return context.fail(valid.error());
  auto target = signing_target(options.flags, options.key);
  if (!target) return context.fail(target.error());
  auto sent = catalogue::unlist(target->repository(), target->target.universe, name, *target->signer.signer,
                                options.wait.chain_options());
  if (!sent) return context.fail(sent.error());
  context.out << "unlisted " << name << ": " << transaction_text(sent->settled, sent->resumed) << '\n';
}

}  // namespace

void register_unlist(CLI::App& app, Context& context) {
  auto options = std::make_shared<UnlistOptions>();
  auto* unlist = app.add_subcommand("unlist", "Take the listing NAME out of the catalogue (its history stays)");
  unlist->add_option("REMOTE_AND_NAME", options->arguments, "[REMOTE] NAME: the remote (default origin), the name")
      ->required()
      ->expected(1, 2);
  add_universe_options(*unlist, options->flags);
  unlist->add_option("--key", options->key, "Stored key of the listing's owner (default: as for commit)");
  add_wait_options(*unlist, options->wait);
  unlist->callback([options, &context] { run_unlist(*options, context); });
}

}  // namespace mlchain::cli
