// mlchain diff [REV [REV]]: files added, removed and changed (sizes, CIDs); with two revisions also the
// metrics and params that changed. No REV: HEAD against the work tree; one: REV against the work tree.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "commit_view.hpp"
#include "context.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/tree_diff.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"
#include "mlchain/repo/work_tree_changes.hpp"

namespace mlchain::cli {
namespace {

struct DiffOptions {
  std::vector<std::string> revisions;
};

std::string describe(const std::optional<core::TreeEntry>& entry) {
  if (!entry) return "(none)";
  switch (entry->kind) {
    case unixfs::NodeKind::directory: return "directory " + entry->cid.to_string();
    case unixfs::NodeKind::symlink: return "symlink -> " + entry->symlink_target.value_or("") + " " + entry->cid.to_string();
    case unixfs::NodeKind::file: break;
  }
  return std::to_string(entry->size) + " bytes " + entry->cid.to_string();
}

void print_changes(const std::vector<core::TreeChange>& changes, Context& context) {
  for (const auto& change : changes) {
    switch (change.kind) {
      case core::ChangeKind::added:
        context.out << "added    " << change.path << "  " << describe(change.after) << '\n';
        break;
      case core::ChangeKind::deleted:
        context.out << "removed  " << change.path << "  " << describe(change.before) << '\n';
        break;
      case core::ChangeKind::modified:
        context.out << "changed  " << change.path << "  " << describe(change.before) << " -> " << describe(change.after)
                    << '\n';
        break;
    }
  }
}

template <class Value, class Text>
void print_values(const char* label, const std::vector<core::ValueChange<Value>>& changes, Text text, Context& context) {
  for (const auto& change : changes)
    context.out << label << "  " << change.name << "  " << (change.before ? text(*change.before) : std::string("(none)"))
                << " -> " << (change.after ? text(*change.after) : std::string("(none)")) << '\n';
}

Status diff_revisions(repo::Repository& repository, const std::string& from, const std::string& to, Context& context) {
  MLCHAIN_TRY(const auto from_cid, repo::resolve_revision(repository, from));
  MLCHAIN_TRY(const auto to_cid, repo::resolve_revision(repository, to));
  MLCHAIN_TRY(const auto before, core::load_commit(repository.objects(), from_cid));
  MLCHAIN_TRY(const auto after, core::load_commit(repository.objects(), to_cid));
  MLCHAIN_TRY(const auto before_files, core::list_files(repository.objects(), before.tree));
  MLCHAIN_TRY(const auto after_files, core::list_files(repository.objects(), after.tree));
  print_changes(core::diff_trees(before_files, after_files), context);
  print_values("metric", core::diff_metrics(before.meta, after.meta), number_text, context);
  print_values("param ", core::diff_params(before.meta, after.meta), param_text, context);
  return {};
}

Status diff_work_tree(repo::Repository& repository, const std::string& revision, Context& context) {
  std::optional<codec::Cid> commit;
  if (revision == "HEAD") {
    MLCHAIN_TRY(commit, repository.refs().head_commit());
  } else {
    MLCHAIN_TRY(commit, repo::resolve_revision(repository, revision));
  }
  MLCHAIN_TRY(const auto changes, repo::compare_work_tree(repository, commit));
  if (changes.index_warning) context.err << "mlchain: warning: " << *changes.index_warning << '\n';
  print_changes(changes.changes, context);
  return {};
}

void run_diff(const DiffOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  Status status = options.revisions.size() == 2
                      ? diff_revisions(*repository, options.revisions[0], options.revisions[1], context)
                      : diff_work_tree(*repository, options.revisions.empty() ? "HEAD" : options.revisions[0], context);
  if (!status) context.fail(status.error());
}

}  // namespace

void register_diff(CLI::App& app, Context& context) {
  auto options = std::make_shared<DiffOptions>();
  auto* command = app.add_subcommand(
      "diff", "Show files added, removed and changed (sizes, CIDs): HEAD or REV against the work tree, or REV against REV "
              "with metrics and params");
  command->add_option("REV", options->revisions, "One revision (against the work tree) or two (old, new)")->expected(0, 2);
  command->callback([options, &context] { run_diff(*options, context); });
}

}  // namespace mlchain::cli
