// mlchain cite [REV] [--format bibtex|cff|json] [--remote NAME] [--offline]: a citation of REV (default HEAD)
// that carries its evidence: the commit CID, its author as did:pkh, and the chain anchor with its block's
// time (man/mlchain-cite.1).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/chain/governance.hpp"
#include "mlchain/core/citation.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/workflow/cite.hpp"

namespace mlchain::cli {
namespace {

struct CiteOptions {
  std::string revision = "HEAD";
  std::string format = "bibtex";
  std::optional<std::string> remote;
  bool offline = false;
};

void run_cite(const CiteOptions& options, Context& context) {
  if (options.format != "bibtex" && options.format != "cff" && options.format != "json")
    return context.fail(ErrorKind::invalid_argument,
                        "--format '" + options.format + "' is not one of bibtex, cff, json");
  if (options.offline && options.remote)
    return context.fail(ErrorKind::invalid_argument, "--offline and --remote exclude each other");
  workflow::CiteRequest request{.revision = options.revision,
                                .remote = options.remote,
                                .offline = options.offline,
                                .start = std::filesystem::current_path()};
  if (options.revision.starts_with('@')) {
    auto repository = repo::discover_repository(request.start);
    if (!repository) return context.fail(repository.error());
    auto expanded = chain::expand_stage_revision(*repository, options.revision);
    if (!expanded) return context.fail(expanded.error());
    request.revision = *expanded;
  }
  auto citation = workflow::cite(request);
  if (!citation) return context.fail(citation.error());
  if (options.format == "json")
    context.out << core::citation_json(*citation);
  else if (options.format == "cff")
    context.out << core::citation_cff(*citation);
  else
    context.out << core::citation_bibtex(*citation);
  if (!citation->anchor)
    context.err << "mlchain: warning: " << citation->commit.to_string()
                << (options.offline ? " cited offline" : " is anchored on no chain")
                << ": its date is the author's claim only\n";
}

}  // namespace

void register_cite(CLI::App& app, Context& context) {
  auto options = std::make_shared<CiteOptions>();
  auto* command = app.add_subcommand(
      "cite", "Print a citation of REV (default HEAD) with its evidence: commit CID, author, chain anchor, stages");
  command->add_option("REV", options->revision, "Branch, tag, CID or short CID, with ~N/^N, or @STAGE (default HEAD)");
  command->add_option("--format", options->format, "bibtex (default), cff (a CITATION.cff) or json");
  command->add_option("--remote", options->remote,
                      "Chain remote whose registry anchors REV (default origin, when it has a chain)");
  command->add_flag("--offline", options->offline,
                    "Ask no chain: the citation says its date is the author's claim only");
  command->callback([options, &context] { run_cite(*options, context); });
}

}  // namespace mlchain::cli
