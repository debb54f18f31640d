// mlchain reset [--soft|--hard] REV: move the current branch (or the detached HEAD) to REV; --hard also
// makes the work tree hold REV's files.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/repo/checkout.hpp"
#include "mlchain/repo/repository.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

struct ResetOptions {
  std::string revision;
  bool soft = false;
  bool hard = false;
};

void run_reset(const ResetOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  const auto mode = options.hard ? repo::ResetMode::hard : repo::ResetMode::soft;
  auto revision = chain::expand_stage_revision(*repository, options.revision);
  if (!revision) return context.fail(revision.error());
  auto outcome = [&] {
    ProgressBar bar(context.err, "reset");
    return repo::reset(*repository, *revision, mode,
                       [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
  }();
  if (!outcome) return context.fail(outcome.error());
  auto commit = core::load_commit(repository->objects(), outcome->commit);
  const std::string subject = commit ? " " + core::message_subject(commit->message) : "";
  context.out << (outcome->branch ? "branch '" + *outcome->branch + "'" : std::string("HEAD (detached)"))
              << " is now at " << outcome->commit.to_string() << subject;
  if (outcome->previous) context.out << " (was " << outcome->previous->to_string() << ")";
  context.out << '\n';
  if (const auto& work_tree = outcome->work_tree)
    context.out << work_tree->files_written << " written (" << work_tree->bytes_written << " bytes), "
                << work_tree->removed << " removed, " << work_tree->unchanged << " unchanged\n";
}

}  // namespace

void register_reset(CLI::App& app, Context& context) {
  auto options = std::make_shared<ResetOptions>();
  auto* command = app.add_subcommand("reset",
                                     "Move the current branch (or the detached HEAD) to REV; --hard also "
                                     "makes the work tree hold REV's files");
  command->add_option("REV", options->revision, "Branch, tag, CID, short CID, REV~N/REV^")->required();
  auto* soft = command->add_flag("--soft", options->soft, "Move only the branch; the work tree stays (the default)");
  command
      ->add_flag("--hard", options->hard,
                 "Also overwrite local changes to make the work tree hold REV's files; untracked files "
                 "stay unless REV puts something where they are")
      ->excludes(soft);
  command->callback([options, &context] { run_reset(*options, context); });
}

}  // namespace mlchain::cli
