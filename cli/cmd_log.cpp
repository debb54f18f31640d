// mlchain log [--oneline] [--json] [-n N] [REV]: the history from REV (default HEAD), newest first.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "chain_history.hpp"
#include "commands.hpp"
#include "commit_view.hpp"
#include "context.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"

namespace mlchain::cli {
namespace {

struct LogOptions {
  bool oneline = false;
  bool json = false;
  std::optional<std::size_t> limit;
  std::string revision = "HEAD";
  std::string remote;  // --remote [REMOTE]: the chain's head updates instead
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

void print_text(const CommitView& view, const std::vector<codec::Cid>& commits, Context& context) {
  const auto& commit = view.commit;
  context.out << "commit " << view.cid.to_string() << '\n';
  if (commit.parents.size() > 1) {
    context.out << "Merge:";
    for (const auto& parent : commit.parents) context.out << ' ' << repo::short_cid(parent, commits);
    context.out << '\n';
  }
  context.out << "Author: " << codec::to_checksum_address(commit.author) << '\n';
  context.out << "Date:   " << utc_time(commit.time) << '\n';
  if (!commit.meta.metrics.empty()) {
    context.out << "Metrics:";
    for (const auto& [name, value] : commit.meta.metrics) context.out << ' ' << name << '=' << number_text(value);
    context.out << '\n';
  }
  if (!view.signature.good) context.out << signature_line(view) << '\n';
  context.out << '\n';
  std::size_t start = 0;
  while (start <= commit.message.size()) {
    const auto end = std::min(commit.message.find('\n', start), commit.message.size());
    context.out << "    " << commit.message.substr(start, end - start) << '\n';
    start = end + 1;
  }
  context.out << '\n';
}

void run_log(const LogOptions& options, Context& context) {
  if (options.oneline && options.json) return context.fail(ErrorCode::usage, "--oneline and --json exclude each other");
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto start = repo::resolve_revision(*repository, options.revision);
  if (!start) return context.fail(start.error());
  auto history = core::walk_history(repository->objects(), {*start}, options.limit);
  if (!history) return context.fail(history.error());
  std::vector<codec::Cid> commits;
  if (!options.json) {
    auto stored = repo::stored_commits(repository->objects());
    if (!stored) return context.fail(stored.error());
    commits = std::move(stored).value();
  }

  auto list = nlohmann::ordered_json::array();
  for (auto& entry : *history) {
    auto view = view_of(entry.cid, std::move(entry.commit));
    if (!view) return context.fail(view.error());
    if (options.json) {
      list.push_back(commit_json(*view));
    } else if (options.oneline) {
      context.out << repo::short_cid(view->cid, commits) << ' ' << first_line(view->commit.message) << '\n';
    } else {
      print_text(*view, commits, context);
    }
  }
  if (options.json) context.out << list.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace

void register_log(CLI::App& app, Context& context) {
  auto options = std::make_shared<LogOptions>();
  auto* command = app.add_subcommand("log", "Show the history from REV (default HEAD), newest first");
  command->add_flag("--oneline", options->oneline, "One line per commit: short CID and message");
  command->add_flag("--json", options->json, "Print a JSON array of commits (as show --json, without files)");
  command->add_option("-n,--max-count", options->limit, "Show at most N commits")->check(CLI::PositiveNumber);
  command->add_option("REV", options->revision, "Branch, tag, CID or short CID, with ~N/^N (default HEAD)");
  auto* remote_option =
      command->add_option("--remote", options->remote, "Show REMOTE's head updates from its chain instead (default origin)")
          ->expected(0, 1);
  command->callback([options, remote_option, &context] {
    if (remote_option->count() > 0)
      return print_remote_log(options->remote.empty() ? remote::default_remote : options->remote, options->json,
                              options->limit, context);
    run_log(*options, context);
  });
}

}  // namespace mlchain::cli
