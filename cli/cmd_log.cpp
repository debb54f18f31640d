// mlchain log [--oneline] [--json] [-n N] [REV] [--] [PATH…]: the history from REV (default HEAD), newest
// first; with paths, only the commits that changed them.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "chain_history.hpp"
#include "commands.hpp"
#include "commit_view.hpp"
#include "context.hpp"
#include "count_option.hpp"
#include "governance_support.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/path_filter.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/path_arguments.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"
#include "mlchain/util/utc_time.hpp"
#include "path_arguments.hpp"

namespace mlchain::cli {
namespace {

struct LogOptions {
  bool oneline = false;
  bool json = false;
  std::optional<std::size_t> limit;
  std::vector<std::string> arguments;  // [REV] [--] [PATH…]
  std::string remote;                  // --remote [REMOTE]: the chain's head updates instead
};

void print_text(const CommitView& view, const std::vector<codec::Cid>& commits, Context& context) {
  const auto& commit = view.commit;
  context.out << "commit " << view.cid.to_string() << '\n';
  if (commit.parents.size() > 1) {
    context.out << "Merge:";
    for (const auto& parent : commit.parents) context.out << ' ' << repo::short_cid(parent, commits);
    context.out << '\n';
  }
  context.out << "Author: " << codec::to_checksum_address(commit.author) << '\n';
  context.out << "Date:   " << util::utc_timestamp(commit.time) << '\n';
  if (!commit.meta.metrics.empty()) {
    context.out << "Metrics:";
    for (const auto& [name, value] : commit.meta.metrics)
      context.out << ' ' << core::escape_text(name) << '=' << number_text(value);
    context.out << '\n';
  }
  if (!view.signature.good) context.out << signature_line(view) << '\n';
  context.out << '\n';
  print_message(context.out, commit.message);
  context.out << '\n';
}

void run_log(const LogOptions& options, Context& context) {
  if (options.oneline && options.json)
    return context.fail(ErrorKind::invalid_argument, "--oneline and --json exclude each other");
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  const auto current_directory = std::filesystem::current_path();
  const auto first_path = first_path_argument(options.arguments, context);
  auto split = repo::split_revisions_and_paths(*repository, current_directory, options.arguments, first_path, 1);
  if (!split) return context.fail(split.error());
  auto start = resolve_local_commit(*repository, split->revisions.empty() ? "HEAD" : split->revisions.front());
  if (!start) return context.fail(start.error());
  auto history = core::walk_history_of_paths(repository->objects(), {*start}, split->paths, options.limit);
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
      context.out << repo::short_cid(view->cid, commits) << ' ' << core::message_subject(view->commit.message) << '\n';
    } else {
      print_text(*view, commits, context);
    }
  }
  if (options.json) context.out << list.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace

void register_log(CLI::App& app, Context& context) {
  auto options = std::make_shared<LogOptions>();
  auto* command = app.add_subcommand(
      "log", "Show the history from REV (default HEAD), newest first; with PATHs only the commits that changed them");
  command->add_flag("--oneline", options->oneline, "One line per commit: short CID and message");
  command->add_flag("--json", options->json, "Print a JSON array of commits (as show --json, without files)");
  command->add_option("-n,--max-count", options->limit, "Show at most N commits")->check(positive_whole_number);
  add_revisions_and_paths(*command, options->arguments, "[REV] [--] [PATH…]",
                          "where to start (branch, tag, CID or short CID, with ~N/^N; default HEAD), "
                          "and the files or directories whose changes to list");
  auto* remote_option = command
                            ->add_option("--remote", options->remote,
                                         "Show REMOTE's head updates from its chain instead (default origin)")
                            ->expected(0, 1);
  command->callback([options, remote_option, &context] {
    if (remote_option->count() > 0)
      return print_remote_log(options->remote.empty() ? remote::default_remote : options->remote, options->json,
                              options->limit, context);
    run_log(*options, context);
  });
}

}  // namespace mlchain::cli
