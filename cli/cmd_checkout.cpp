// mlchain checkout REV [--force]: make the work tree hold exactly REV's files and point HEAD at REV.
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
#include "mlchain/repo/maintenance.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

struct CheckoutOptions {
  std::string revision;
  bool force = false;
};

// As git does: commits only a detached HEAD reached are named when HEAD leaves them (the reflog and gc
// keep them for gc.reflog-expire, but nothing else points at them).
void warn_left_behind(repo::Repository& repository, const codec::Cid& old_head, Context& context) {
  auto behind = repo::commits_left_behind(repository, old_head);
  if (!behind || behind->empty()) return;
  constexpr std::size_t shown = 5;
  auto stored = repo::stored_commits(repository.objects());
  const std::vector<codec::Cid> candidates = stored ? std::move(stored).value() : std::vector<codec::Cid>{};
  context.err << "Warning: you are leaving " << behind->size() << (behind->size() == 1 ? " commit" : " commits")
              << " behind, not connected to any branch:\n";
  for (std::size_t i = 0; i < behind->size() && i < shown; ++i)
    context.err << "  " << repo::short_cid((*behind)[i].cid, candidates) << ' '
                << core::message_subject((*behind)[i].commit.message) << '\n';
  if (behind->size() > shown) context.err << "  ... and " << behind->size() - shown << " more\n";
  context.err << "Keep them with: mlchain branch NAME " << old_head.to_string() << '\n';
}

void run_checkout(const CheckoutOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  // "@STAGE" is read from the chain before anything local moves.
  auto revision = chain::expand_stage_revision(*repository, options.revision);
  if (!revision) return context.fail(revision.error());
  auto before = repository->refs().read_head();
  auto outcome = [&] {
    ProgressBar bar(context.err, "checkout");
    return repo::checkout(*repository, *revision, options.force,
                          [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
  }();
  if (!outcome) return context.fail(outcome.error());
  if (before && before->detached && (outcome->branch || outcome->commit != *before->detached))
    warn_left_behind(*repository, *before->detached, context);
  auto commit = core::load_commit(repository->objects(), outcome->commit);
  const std::string subject = commit ? " " + core::message_subject(commit->message) : "";
  if (outcome->branch) {
    context.out << "Switched to branch '" << *outcome->branch << "' at " << outcome->commit.to_string() << subject
                << '\n';
  } else {
    context.out << "Note: HEAD is now detached at " << outcome->commit.to_string() << subject << '\n'
                << "  Commits made now belong to no branch; 'mlchain branch NAME' keeps them on one.\n";
  }
  context.out << outcome->files_written << " written (" << outcome->bytes_written << " bytes), " << outcome->removed
              << " removed, " << outcome->unchanged << " unchanged\n";
}

}  // namespace

void register_checkout(CLI::App& app, Context& context) {
  auto options = std::make_shared<CheckoutOptions>();
  auto* command = app.add_subcommand("checkout", "Make the work tree hold exactly REV's files and move HEAD to REV");
  command
      ->add_option("REV", options->revision,
                   "Branch (HEAD follows it), or tag, CID, short CID, REV~N/REV^ (HEAD detached)")
      ->required();
  command->add_flag("-f,--force", options->force,
                    "Overwrite or remove local changes, and untracked files where REV puts something");
  command->callback([options, &context] { run_checkout(*options, context); });
}

}  // namespace mlchain::cli
