// mlchain reflog [REF] [--json] [-n N]: where HEAD (or a branch) pointed, newest move first.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "count_option.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"

namespace mlchain::cli {
namespace {

struct ReflogOptions {
  std::string ref = "HEAD";
  bool json = false;
  std::optional<std::size_t> limit;
};

// "HEAD", a full ref name, or a short one looked up as a branch, a tag, then a remote-tracking ref, by
// whichever has a reflog or exists.
Result<std::string> log_name(repo::Repository& repository, const std::string& ref) {
  if (ref == "HEAD" || ref.starts_with("refs/")) return ref;
  for (const auto prefix : {repo::heads_prefix, repo::tags_prefix, repo::remotes_prefix}) {
    const std::string name = std::string(prefix) + ref;
    std::error_code ignored;
    if (std::filesystem::symlink_status(repository.refs().reflog_path_of(name), ignored).type() !=
            std::filesystem::file_type::not_found ||
        std::filesystem::symlink_status(repository.refs().path_of(name), ignored).type() !=
            std::filesystem::file_type::not_found)
      return name;
  }
  return make_error(ErrorKind::not_found, "no branch, tag or remote-tracking ref '" + ref + "' has a reflog");
}

std::string zone_text(int minutes) {
  const int offset = minutes < 0 ? -minutes : minutes;
  char zone[8];
  std::snprintf(zone, sizeof zone, "%c%02d%02d", minutes < 0 ? '-' : '+', (offset / 60) % 100, offset % 60);
  return zone;
}

void run_reflog(const ReflogOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto name = log_name(*repository, options.ref);
  if (!name) return context.fail(name.error());
  auto entries = repository->refs().reflog(*name);
  if (!entries) return context.fail(entries.error());
  std::vector<codec::Cid> commits;
  if (!options.json) {
    auto stored = repo::stored_commits(repository->objects());
    if (!stored) return context.fail(stored.error());
    commits = std::move(stored).value();
  }
  const std::string shown = *name == "HEAD" ? "HEAD" : options.ref;
  auto list = nlohmann::ordered_json::array();
  const std::size_t count = options.limit ? std::min(*options.limit, entries->size()) : entries->size();
  for (std::size_t index = 0; index < count; ++index) {
    const auto& entry = (*entries)[entries->size() - 1 - index];
    const std::string selector = shown + "@{" + std::to_string(index) + "}";
    if (options.json) {
      nlohmann::ordered_json item;
      item["selector"] = selector;
      item["old"] = entry.old_target ? nlohmann::ordered_json(entry.old_target->to_string()) : nlohmann::ordered_json();
      item["new"] = entry.new_target ? nlohmann::ordered_json(entry.new_target->to_string()) : nlohmann::ordered_json();
      item["user"] = entry.user;
      item["time"] = entry.time;
      item["timezone"] = zone_text(entry.utc_offset_minutes);
      item["message"] = entry.message;
      list.push_back(std::move(item));
    } else {
      const std::string target = entry.new_target ? repo::short_cid(*entry.new_target, commits) : "(deleted)";
      context.out << target << ' ' << selector << ": " << core::escape_text(entry.message) << '\n';
    }
  }
  if (options.json) {
    nlohmann::ordered_json document;
    document["ref"] = *name;
    document["entries"] = std::move(list);
    context.out << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  }
}

}  // namespace

void register_reflog(CLI::App& app, Context& context) {
  auto options = std::make_shared<ReflogOptions>();
  auto* command = app.add_subcommand("reflog", "Show where HEAD or a branch pointed, newest move first (REF@{N})");
  command->add_option("REF", options->ref, "HEAD (default), a branch, tag or remote-tracking ref");
  command->add_flag("--json", options->json,
                    "Print {ref, entries: [{selector, old, new, user, time, timezone, message}]}");
  command->add_option("-n,--max-count", options->limit, "Show at most N entries")->check(positive_whole_number);
  command->callback([options, &context] { run_reflog(*options, context); });
}

}  // namespace mlchain::cli
