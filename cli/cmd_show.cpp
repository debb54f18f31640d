// mlchain show [--json] [REV]: one commit whole: its fields, file list and signature.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "commands.hpp"
#include "commit_view.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/revisions.hpp"
#include "mlchain/util/utc_time.hpp"

namespace mlchain::cli {
namespace {

struct ShowOptions {
  bool json = false;
  std::string revision = "HEAD";
};

void print_section(Context& context, const char* title, const auto& entries, const auto& format) {
  if (entries.empty()) return;
  context.out << title << ":\n";
  for (const auto& [name, value] : entries)
    context.out << "    " << core::escape_text(name) << " = " << format(value) << '\n';
}

void print_text(const CommitView& view, const std::vector<core::TreeEntry>& files, Context& context) {
  const auto& commit = view.commit;
  const auto& meta = commit.meta;
  context.out << "commit " << view.cid.to_string() << '\n';
  context.out << "Tree:    " << commit.tree.to_string() << '\n';
  for (const auto& parent : commit.parents) context.out << "Parent:  " << parent.to_string() << '\n';
  context.out << "Author:  " << codec::to_checksum_address(commit.author) << '\n';
  context.out << "Date:    " << util::utc_timestamp(commit.time) << " (" << commit.time << ")\n";
  context.out << "Profile: " << core::escape_text(commit.profile) << '\n';
  if (meta.license) context.out << "License: " << core::escape_text(*meta.license) << '\n';
  if (meta.code) {
    context.out << "Code:    git " << core::escape_text(meta.code->commit.value_or("(no commit)"));
    if (meta.code->branch) context.out << " on " << core::escape_text(*meta.code->branch);
    if (meta.code->remote) context.out << " from " << core::escape_text(*meta.code->remote);
    if (meta.code->dirty) context.out << " (dirty)";
    context.out << '\n';
  }
  context.out << '\n';
  print_message(context.out, commit.message);
  context.out << '\n';
  print_section(context, "Metrics", meta.metrics, [](double value) { return number_text(value); });
  print_section(context, "Params", meta.params, [](const core::ParamValue& value) { return param_text(value); });
  const auto text = [](const std::string& value) { return core::escape_text(value); };
  print_section(context, "Tags", meta.tags, text);
  print_section(context, "Env", meta.env, text);
  if (!meta.data.empty()) {
    context.out << "Data:\n";
    for (const auto& item : meta.data)
      context.out << "    " << text(item.name) << " = " << text(item.cid) << " (" << text(item.role) << ")\n";
  }
  context.out << signature_line(view) << '\n';
  context.out << "    digest " << codec::to_0x_hex(view.signature.digest) << '\n';
  context.out << "Files:\n";
  for (const auto& entry : files) {
    const auto shown = entry.kind == unixfs::NodeKind::directory ? entry.path + "/" : entry.path;
    context.out << "    " << entry.cid.to_string() << ' ' << entry.size << ' ' << core::quote_path(shown);
    if (entry.symlink_target) context.out << " -> " << core::quote_path(*entry.symlink_target);
    context.out << '\n';
  }
}

void run_show(const ShowOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto cid = resolve_local_commit(*repository, options.revision);
  if (!cid) return context.fail(cid.error());
  auto commit = core::load_commit(repository->objects(), *cid);
  if (!commit) return context.fail(commit.error());
  auto files = core::list_files(repository->objects(), commit->tree);
  if (!files) return context.fail(files.error());
  auto view = view_of(*cid, std::move(commit).value());
  if (!view) return context.fail(view.error());
  if (options.json)
    context.out << commit_json(*view, &*files).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                << '\n';
  else
    print_text(*view, *files, context);
}

}  // namespace

void register_show(CLI::App& app, Context& context) {
  auto options = std::make_shared<ShowOptions>();
  auto* command = app.add_subcommand("show", "Show a commit (default HEAD): fields, files and signature");
  command->add_flag("--json", options->json, "Print the commit as one JSON object, with files and signature");
  command->add_option("REV", options->revision, "Branch, tag, CID or short CID, with ~N/^N (default HEAD)");
  command->callback([options, &context] { run_show(*options, context); });
}

}  // namespace mlchain::cli
