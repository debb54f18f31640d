// mlchain branch [NAME [REV]] | -d NAME: list, create and delete branches (refs/heads/).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/core/revision.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"

namespace mlchain::cli {
namespace {

struct BranchOptions {
  std::string name;
  const CLI::Option* name_given = nullptr;  // an empty NAME is a bad name, not a request for the list
  std::string revision = "HEAD";
  std::string delete_name;
};

std::string full_name(const std::string& name) { return std::string(repo::heads_prefix) + name; }

void list_branches(repo::Repository& repository, Context& context) {
  auto head = repository.refs().read_head();
  if (!head) return context.fail(head.error());
  auto branches = repository.refs().list(repo::heads_prefix);
  if (!branches) return context.fail(branches.error());
  if (head->detached) context.out << "* (HEAD detached at " << head->detached->to_string() << ")\n";
  for (const auto& branch : *branches) {
    const std::string name = branch.name.substr(repo::heads_prefix.size());
    context.out << (head->branch == name ? "* " : "  ") << name << '\n';
  }
}

void create_branch(repo::Repository& repository, const BranchOptions& options, Context& context) {
  if (auto valid = core::check_ref_name(options.name); !valid) return context.fail(valid.error());
  auto target = resolve_local_commit(repository, options.revision);
  if (!target) return context.fail(target.error());
  auto existing = repository.refs().read(full_name(options.name));
  if (!existing) return context.fail(existing.error());
  if (*existing)
    return context.fail(ErrorKind::exists, "branch '" + options.name + "' already exists (at " +
                                               (*existing)->to_string() +
                                               "); delete it first with 'mlchain branch -d'");
  if (auto created = repository.refs().compare_and_swap(full_name(options.name), std::nullopt, *target,
                                                        "branch: created from " + options.revision);
      !created)
    return context.fail(created.error());
}

void delete_branch(repo::Repository& repository, const std::string& name, Context& context) {
  if (auto valid = core::check_ref_name(name); !valid) return context.fail(valid.error());
  auto head = repository.refs().read_head();
  if (!head) return context.fail(head.error());
  if (head->branch == name)
    return context.fail(ErrorKind::refused, "cannot delete branch '" + name + "': it is the current branch");
  auto target = repository.refs().read(full_name(name));
  if (!target) return context.fail(target.error());
  if (!*target) return context.fail(ErrorKind::not_found, "branch '" + name + "' does not exist");
  if (auto removed = repository.refs().remove(full_name(name), **target, "branch: deleted"); !removed)
    return context.fail(removed.error());
  context.out << "Deleted branch " << name << " (was " << (*target)->to_string() << ")\n";
}

void run_branch(const BranchOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  if (!options.delete_name.empty()) {
    if (options.name_given->count() > 0)
      return context.fail(ErrorKind::invalid_argument, "-d takes one branch name and nothing else");
    return delete_branch(*repository, options.delete_name, context);
  }
  if (options.name_given->count() == 0) return list_branches(*repository, context);
  create_branch(*repository, options, context);
}

}  // namespace

void register_branch(CLI::App& app, Context& context) {
  auto options = std::make_shared<BranchOptions>();
  auto* command = app.add_subcommand("branch", "List branches, create one at REV (default HEAD), or delete one");
  options->name_given = command->add_option("NAME", options->name, "Branch to create (git's ref-name rules)");
  command->add_option("REV", options->revision, "Commit the new branch points at (default HEAD)");
  command->add_option("-d,--delete", options->delete_name, "Delete branch NAME (never the current one)");
  command->callback([options, &context] { run_branch(*options, context); });
}

}  // namespace mlchain::cli
