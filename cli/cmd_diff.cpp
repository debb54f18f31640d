// mlchain diff [REV [REV]] [--] [PATH…]: files added, removed and changed (sizes, CIDs); with two revisions
// also the metrics and params that changed. No REV: HEAD against the work tree; one: REV against the work
// tree. PATHs limit the files compared (not the metrics and params, which belong to the whole commit).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "commit_view.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/path_filter.hpp"
#include "mlchain/core/tree_diff.hpp"
#include "mlchain/repo/path_arguments.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"
#include "mlchain/repo/work_tree_changes.hpp"
#include "path_arguments.hpp"

namespace mlchain::cli {
namespace {

struct DiffOptions {
  std::vector<std::string> arguments;  // [REV [REV]] [--] [PATH…]
};

std::string describe(const std::optional<core::TreeEntry>& entry) {
  if (!entry) return "(none)";
  switch (entry->kind) {
    case unixfs::NodeKind::directory:
      return "directory " + entry->cid.to_string();
    case unixfs::NodeKind::symlink:
      return "symlink -> " + core::quote_path(entry->symlink_target.value_or("")) + " " + entry->cid.to_string();
    case unixfs::NodeKind::file:
      break;
  }
  return std::to_string(entry->size) + " bytes " + entry->cid.to_string();
}

void print_changes(const std::vector<core::TreeChange>& changes, Context& context) {
  for (const auto& change : changes) {
    const auto path = core::quote_path(change.path);
    switch (change.kind) {
      case core::ChangeKind::added:
        context.out << "added    " << path << "  " << describe(change.after) << '\n';
        break;
      case core::ChangeKind::deleted:
        context.out << "removed  " << path << "  " << describe(change.before) << '\n';
        break;
      case core::ChangeKind::modified:
        context.out << "changed  " << path << "  " << describe(change.before) << " -> " << describe(change.after)
                    << '\n';
        break;
    }
  }
}

template <class Value, class Text>
void print_values(const char* label, const std::vector<core::ValueChange<Value>>& changes, Text text,
                  Context& context) {
  for (const auto& change : changes)
    context.out << label << "  " << core::escape_text(change.name) << "  "
                << (change.before ? text(*change.before) : std::string("(none)")) << " -> "
                << (change.after ? text(*change.after) : std::string("(none)")) << '\n';
}

Status diff_revisions(repo::Repository& repository, const std::string& from, const std::string& to,
                      const core::PathFilter& paths, Context& context) {
  MLCHAIN_TRY(const auto from_cid, resolve_local_commit(repository, from));
  MLCHAIN_TRY(const auto to_cid, resolve_local_commit(repository, to));
  MLCHAIN_TRY(const auto before, core::load_commit(repository.objects(), from_cid));
  MLCHAIN_TRY(const auto after, core::load_commit(repository.objects(), to_cid));
  MLCHAIN_TRY(const auto before_files, core::list_files(repository.objects(), before.tree));
  MLCHAIN_TRY(const auto after_files, core::list_files(repository.objects(), after.tree));
  print_changes(core::selected_changes(core::diff_trees(before_files, after_files), paths), context);
  print_values("metric", core::diff_metrics(before.meta, after.meta), number_text, context);
  print_values("param ", core::diff_params(before.meta, after.meta), param_text, context);
  return {};
}

Status diff_work_tree(repo::Repository& repository, const std::string& revision, const core::PathFilter& paths,
                      Context& context) {
  std::optional<codec::Cid> commit;
  if (revision == "HEAD") {
    MLCHAIN_TRY(commit, repository.refs().head_commit());
  } else {
    MLCHAIN_TRY(commit, resolve_local_commit(repository, revision));
  }
  MLCHAIN_TRY(const auto changes, repo::compare_work_tree(repository, commit));
  if (changes.index_warning) context.err << "mlchain: warning: " << core::escape_text(*changes.index_warning) << '\n';
  print_changes(core::selected_changes(changes.changes, paths), context);
  return {};
}

void run_diff(const DiffOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  const auto first_path = first_path_argument(options.arguments, context);
  auto split =
      repo::split_revisions_and_paths(*repository, std::filesystem::current_path(), options.arguments, first_path, 2);
  if (!split) return context.fail(split.error());
  const auto& revisions = split->revisions;
  Status status = revisions.size() == 2
                      ? diff_revisions(*repository, revisions[0], revisions[1], split->paths, context)
                      : diff_work_tree(*repository, revisions.empty() ? "HEAD" : revisions[0], split->paths, context);
  if (!status) context.fail(status.error());
}

}  // namespace

void register_diff(CLI::App& app, Context& context) {
  auto options = std::make_shared<DiffOptions>();
  auto* command = app.add_subcommand(
      "diff",
      "Show files added, removed and changed (sizes, CIDs): HEAD or REV against the work tree, or REV against REV "
      "with metrics and params; PATHs limit the files compared");
  add_revisions_and_paths(*command, options->arguments, "[REV [REV]] [--] [PATH…]",
                          "one revision (against the work tree) or two (old, new), and the "
                          "files or directories to compare");
  command->callback([options, &context] { run_diff(*options, context); });
}

}  // namespace mlchain::cli
