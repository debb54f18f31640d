// mlchain prove REV PATH --out FILE.car [REMOTE] [--json]: a proof that PATH in REV is a file of that CID and
// size, with where the chain anchored REV (docs/format.md §9); `mlchain verify --proof` checks it.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "chain_history.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/workflow/proof.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct ProveOptions {
  std::string revision;
  std::string path;
  std::string out;
  std::optional<std::string> remote;
  bool json = false;
};

void run_prove(const ProveOptions& options, Context& context) {
  auto proved = workflow::prove(workflow::ProveRequest{
      .revision = options.revision, .path = options.path, .out = options.out, .remote = options.remote, .start = {}});
  if (!proved) return context.fail(proved.error());
  if (options.json) {
    json document{{"out", options.out},
                  {"root", proved->root.to_string()},
                  {"commit", proved->commit.to_string()},
                  {"path", options.path},
                  {"cid", proved->file.cid.to_string()},
                  {"size", proved->file.size},
                  {"blocks", proved->blocks},
                  {"bytes", proved->bytes},
                  {"anchor", proved->anchor ? anchor_facts_json(*proved->anchor) : json(nullptr)}};
    if (!proved->anchor) document["not_anchored"] = proved->not_anchored;
    context.out << document.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  context.out << "proved " << core::quote_path(options.path) << " in " << proved->commit.to_string() << ": "
              << proved->file.cid.to_string() << " (" << proved->file.size << " bytes); " << proved->blocks
              << " blocks, " << proved->bytes << " bytes written to " << core::quote_path(options.out) << '\n';
  if (proved->anchor)
    context.out << anchor_facts_line(*proved->anchor) << '\n';
  else
    context.out << "not anchored: " << core::escape_text(proved->not_anchored) << '\n';
}

}  // namespace

void register_prove(CLI::App& app, Context& context) {
  auto options = std::make_shared<ProveOptions>();
  auto* command = app.add_subcommand(
      "prove", "Write a small CAR proving that PATH in REV is a file of that CID and size, with REV's anchoring");
  command->add_option("REV", options->revision, "Branch, tag, CID or short CID, with ~N/^N")->required();
  command->add_option("PATH", options->path, "The file, as a path in REV's tree ('/'-separated)")->required();
  command->add_option("REMOTE", options->remote,
                      "Remote whose chain anchored REV (default origin when it is a chain remote, else no anchor)");
  command->add_option("--out", options->out, "The proof CAR to write (replaced atomically)")->required();
  command->add_flag("--json", options->json,
                    "Print {out, root, commit, path, cid, size, blocks, bytes, anchor, not_anchored}");
  command->callback([options, &context] { run_prove(*options, context); });
}

}  // namespace mlchain::cli
