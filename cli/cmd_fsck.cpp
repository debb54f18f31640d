// mlchain fsck: re-hashes every object and file, checks every file of .mlchain/ and what HEAD, the refs,
// the reflogs and the journal reach, signatures included.
#include <CLI/CLI.hpp>
#include <filesystem>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/repo/maintenance.hpp"

namespace mlchain::cli {
namespace {

const char* kind_name(repo::FsckProblem::Kind kind) {
  switch (kind) {
    case repo::FsckProblem::Kind::corrupt:
      return "corrupt";
    case repo::FsckProblem::Kind::missing:
      return "missing";
    case repo::FsckProblem::Kind::bad_ref:
      return "bad-ref";
    case repo::FsckProblem::Kind::unreadable:
      return "unreadable";
    case repo::FsckProblem::Kind::bad_signature:
      return "bad-signature";
    case repo::FsckProblem::Kind::malformed:
      return "malformed";
  }
  return "problem";
}

void run_fsck(Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto report = repo::fsck(*repository);
  if (!report) return context.fail(report.error());
  for (const auto& problem : report->problems)
    context.out << kind_name(problem.kind) << ' ' << core::quote_path(problem.subject) << ": "
                << core::escape_text(problem.detail) << '\n';
  for (const auto& leftover : report->leftovers)
    context.out << "leftover " << core::quote_path(leftover.string())
                << ": from an interrupted write, safe to delete ('mlchain gc' removes it)\n";
  for (const auto& stray : report->strays)
    context.out << "stray " << core::quote_path(stray.string())
                << ": not a block or file under its own name, never read; left where it is\n";
  context.out << "checked " << report->objects_checked << " objects, " << report->files_checked << " files, "
              << report->refs_checked << " refs: "
              << (report->problems.empty() ? std::string("ok")
                                           : std::to_string(report->problems.size()) + " problem(s)")
              << '\n';
  if (!report->problems.empty())
    context.fail(ErrorKind::corrupt, "fsck found " + std::to_string(report->problems.size()) + " problem(s) in " +
                                         repository->paths().dir.string());
}

}  // namespace

void register_fsck(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("fsck",
                                     "Check the repository: every object re-hashed, every file of .mlchain/, every "
                                     "ref, reflog and commit whole and signed");
  command->callback([&context] { run_fsck(context); });
}

}  // namespace mlchain::cli
