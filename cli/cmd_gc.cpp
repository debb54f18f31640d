// mlchain gc [--dry-run]: removes the objects and files nothing reachable uses, and leftovers of
// interrupted writes; reflog entries older than gc.reflog-expire expire first.
#include <CLI/CLI.hpp>
#include <ctime>
#include <filesystem>
#include <memory>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/repo/index_file.hpp"
#include "mlchain/repo/maintenance.hpp"
#include "mlchain/repo/revisions.hpp"

namespace mlchain::cli {
namespace {

struct GcCommandOptions {
  bool dry_run = false;
};

void run_gc(const GcCommandOptions& command, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  repo::GcOptions options;
  // What the stat cache has hashed stays: a commit about to be made may rely on it.
  for (const auto& entry : repo::load_index(repository->paths()).entries) options.extra_roots.push_back(entry.cid);
  options.now = static_cast<std::int64_t>(std::time(nullptr));
  options.dry_run = command.dry_run;
  auto report = repo::gc(*repository, options);
  if (!report) return context.fail(report.error());
  if (command.dry_run) {
    auto stored = repo::stored_commits(repository->objects());
    if (!stored) return context.fail(stored.error());
    for (const auto& removed : report->commits_removed)
      context.out << "would remove commit " << repo::short_cid(removed.cid, *stored) << ' '
                  << core::message_subject(removed.commit.message) << '\n';
    context.out << "would remove " << report->objects_removed << " objects, " << report->files_removed << " files, "
                << report->leftovers_removed << " leftovers (" << report->bytes_freed << " bytes) and expire "
                << report->reflog_entries_expired << " reflog entries; nothing was removed\n";
    return;
  }
  context.out << "removed " << report->objects_removed << " objects, " << report->files_removed << " files, "
              << report->leftovers_removed << " leftovers; freed " << report->bytes_freed << " bytes\n";
  if (report->reflog_entries_expired > 0)
    context.out << "expired " << report->reflog_entries_expired << " reflog entries\n";
}

}  // namespace

void register_gc(CLI::App& app, Context& context) {
  auto options = std::make_shared<GcCommandOptions>();
  auto* command = app.add_subcommand(
      "gc",
      "Remove objects and files that no ref, HEAD, young reflog entry or index entry reaches, and leftovers of "
      "interrupted writes");
  command->add_flag("-n,--dry-run", options->dry_run,
                    "List what would be removed (commits, counts, bytes); remove nothing");
  command->callback([options, &context] { run_gc(*options, context); });
}

}  // namespace mlchain::cli
