// mlchain checkout REV [--force]: make the work tree hold exactly REV's files and point HEAD at REV.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "progress_bar.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/repo/checkout.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::cli {
namespace {

struct CheckoutOptions {
  std::string revision;
  bool force = false;
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

void run_checkout(const CheckoutOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto outcome = [&] {
    ProgressBar bar(context.err, "checkout");
    return repo::checkout(*repository, options.revision, options.force,
                          [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
  }();
  if (!outcome) return context.fail(outcome.error());
  auto commit = core::load_commit(repository->objects(), outcome->commit);
  const std::string subject = commit ? " " + first_line(commit->message) : "";
  if (outcome->branch) {
    context.out << "Switched to branch '" << *outcome->branch << "' at " << outcome->commit.to_string() << subject << '\n';
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
  command->add_option("REV", options->revision,
                      "Branch (HEAD follows it), or tag, CID, short CID, REV~N/REV^ (HEAD detached)")
      ->required();
  command->add_flag("-f,--force", options->force, "Overwrite or remove local changes, and untracked files where REV puts something");
  command->callback([options, &context] { run_checkout(*options, context); });
}

}  // namespace mlchain::cli
