// mlchain tag [NAME [REV]]: list tags, or create one; tags never move.
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

struct TagOptions {
  std::string name;
  const CLI::Option* name_given = nullptr;  // an empty NAME is a bad name, not a request for the list
  std::string revision = "HEAD";
};

void run_tag(const TagOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  if (options.name_given->count() == 0) {
    auto tags = repository->refs().list(repo::tags_prefix);
    if (!tags) return context.fail(tags.error());
    for (const auto& tag : *tags) context.out << tag.name.substr(repo::tags_prefix.size()) << '\n';
    return;
  }
  if (auto valid = core::check_ref_name(options.name); !valid) return context.fail(valid.error());
  auto target = resolve_local_commit(*repository, options.revision);
  if (!target) return context.fail(target.error());
  const std::string name = std::string(repo::tags_prefix) + options.name;
  auto existing = repository->refs().read(name);
  if (!existing) return context.fail(existing.error());
  if (*existing)
    return context.fail(ErrorKind::exists, "tag '" + options.name + "' already exists (at " + (*existing)->to_string() +
                                               "); tags never move, choose another name");
  if (auto created = repository->refs().compare_and_swap(name, std::nullopt, *target); !created)
    return context.fail(created.error());
}

}  // namespace

void register_tag(CLI::App& app, Context& context) {
  auto options = std::make_shared<TagOptions>();
  auto* command = app.add_subcommand("tag", "List tags, or tag REV (default HEAD) as NAME; tags never move");
  options->name_given = command->add_option("NAME", options->name, "Tag to create (git's ref-name rules)");
  command->add_option("REV", options->revision, "Commit to tag (default HEAD)");
  command->callback([options, &context] { run_tag(*options, context); });
}

}  // namespace mlchain::cli
