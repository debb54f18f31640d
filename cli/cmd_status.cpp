// mlchain status [--json]: files added, modified and deleted in the work tree against HEAD.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/work_tree_changes.hpp"

namespace mlchain::cli {
namespace {

struct StatusOptions {
  bool json = false;
};

// Empty directories are part of a bundle; a trailing '/' tells them from files.
std::string shown_path(const core::TreeChange& change) {
  const auto& entry = change.after ? change.after : change.before;
  return entry && entry->kind == unixfs::NodeKind::directory ? change.path + "/" : change.path;
}

char letter(core::ChangeKind kind) {
  switch (kind) {
    case core::ChangeKind::added:
      return 'A';
    case core::ChangeKind::modified:
      return 'M';
    case core::ChangeKind::deleted:
      return 'D';
  }
  return '?';
}

void run_status(const StatusOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto head = repository->refs().read_head();
  if (!head) return context.fail(head.error());
  auto head_commit = repository->refs().head_commit();
  if (!head_commit) return context.fail(head_commit.error());
  auto changes = repo::compare_work_tree(*repository, *head_commit);
  if (!changes) return context.fail(changes.error());
  if (changes->index_warning) context.err << "mlchain: warning: " << core::escape_text(*changes->index_warning) << '\n';

  if (options.json) {
    nlohmann::ordered_json document;
    document["branch"] = head->branch ? nlohmann::ordered_json(*head->branch) : nlohmann::ordered_json(nullptr);
    document["head"] =
        *head_commit ? nlohmann::ordered_json((*head_commit)->to_string()) : nlohmann::ordered_json(nullptr);
    auto added = nlohmann::ordered_json::array();
    auto modified = nlohmann::ordered_json::array();
    auto deleted = nlohmann::ordered_json::array();
    for (const auto& change : changes->changes) {
      auto& list = change.kind == core::ChangeKind::added      ? added
                   : change.kind == core::ChangeKind::modified ? modified
                                                               : deleted;
      list.push_back(shown_path(change));
    }
    document["added"] = std::move(added);
    document["modified"] = std::move(modified);
    document["deleted"] = std::move(deleted);
    context.out << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    return;
  }

  if (head->branch && !*head_commit) {
    context.out << "## No commits yet on " << core::escape_text(*head->branch) << '\n';
  } else if (head->branch) {
    context.out << "## " << core::escape_text(*head->branch) << '\n';
  } else {
    context.out << "## HEAD (detached at " << (*head_commit)->to_string() << ")\n";
  }
  for (const auto& change : changes->changes)
    context.out << letter(change.kind) << "  " << core::quote_path(shown_path(change)) << '\n';
}

}  // namespace

void register_status(CLI::App& app, Context& context) {
  auto options = std::make_shared<StatusOptions>();
  auto* command = app.add_subcommand("status", "Show files added (A), modified (M) and deleted (D) against HEAD");
  command->add_flag("--json", options->json,
                    R"(One JSON document: {"branch", "head", "added", "modified", "deleted"})");
  command->callback([options, &context] { run_status(*options, context); });
}

}  // namespace mlchain::cli
