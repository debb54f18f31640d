// mlchain commit (-m MSG | -F FILE) [--metric K=V]… [--param K=V]… [--tag K=V]… [--license SPDX]
//                [--data NAME[:ROLE]=PATH]… [--allow-empty] [--dereference] [--key NAME]: snapshot the work
//                tree as a signed commit on HEAD.
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/core/commit_fields.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/repo/commit_work_tree.hpp"
#include "mlchain/repo/config.hpp"
#include "mlchain/repo/revisions.hpp"
#include "mlchain/repo/work_tree.hpp"
#include "mlchain/workflow/signer_for.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

struct CommitOptions {
  std::optional<std::string> message;
  std::optional<std::string> message_file;
  std::vector<std::string> metrics;
  std::vector<std::string> params;
  std::vector<std::string> tags;
  std::optional<std::string> license;
  std::vector<std::string> data;
  bool allow_empty = false;
  bool dereference = false;
  std::optional<std::string> key;
};

// The same name twice would silently keep one of the values.
Status refuse_repeat(std::set<std::string>& seen, std::string_view flag, const std::string& name) {
  if (seen.insert(name).second) return {};
  return make_error(ErrorKind::invalid_argument,
                    std::string(flag) + " '" + name + "' is given twice; give each name once");
}

Result<core::CommitMeta> meta_of(const CommitOptions& options, const unixfs::Profile& profile) {
  core::CommitMeta meta;
  std::set<std::string> metrics;
  for (const auto& argument : options.metrics) {
    MLCHAIN_TRY(auto metric, core::parse_assignment(argument, "--metric"));
    MLCHAIN_TRY_STATUS(refuse_repeat(metrics, "--metric", metric.key));
    MLCHAIN_TRY(meta.metrics[metric.key], core::parse_metric_value(metric.key, metric.value));
  }
  std::set<std::string> params;
  for (const auto& argument : options.params) {
    MLCHAIN_TRY(auto param, core::parse_assignment(argument, "--param"));
    MLCHAIN_TRY_STATUS(refuse_repeat(params, "--param", param.key));
    MLCHAIN_TRY(meta.params[param.key], core::parse_param_value(param.key, param.value));
  }
  std::set<std::string> tags;
  for (const auto& argument : options.tags) {
    MLCHAIN_TRY(auto tag, core::parse_assignment(argument, "--tag"));
    MLCHAIN_TRY_STATUS(refuse_repeat(tags, "--tag", tag.key));
    meta.tags[tag.key] = tag.value;
  }
  if (options.license) {
    if (options.license->empty()) return make_error(ErrorKind::invalid_argument, "--license needs an SPDX expression");
    meta.license = *options.license;
  }
  std::set<std::string> data_names;
  for (const auto& argument : options.data) {
    MLCHAIN_TRY(auto data, core::parse_data_argument(argument));
    MLCHAIN_TRY_STATUS(refuse_repeat(data_names, "--data", data.name));
    MLCHAIN_TRY(auto reference, repo::reference_data(data.name, data.role, data.path, profile));
    meta.data.push_back(std::move(reference));
  }
  return meta;
}

// -m's text, or -F's file ("-": standard input) without its trailing blank lines; a message of nothing
// but white space is no message.
Result<std::string> message_of(const CommitOptions& options) {
  std::string message;
  if (options.message) {
    message = *options.message;
  } else if (options.message_file) {
    const std::string& path = *options.message_file;
    if (path == "-") {
      message.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      std::ifstream file(path, std::ios::binary);
      if (!file) return make_error(ErrorKind::not_found, "cannot read the message file " + path);
      message.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
      if (file.bad()) return make_error(ErrorKind::invalid_argument, "cannot read the message file " + path);
    }
    message.erase(message.find_last_not_of(" \t\r\n") + 1);
  }
  if (message.find_first_not_of(" \t\r\n\v\f") == std::string::npos)
    return make_error(ErrorKind::invalid_argument, "a commit needs a message that is not blank: -m MSG or -F FILE");
  return message;
}

void run_commit(const CommitOptions& options, Context& context) {
  auto message = message_of(options);
  if (!message) return context.fail(message.error());
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto profile = repo::repository_profile(*repository);
  if (!profile) return context.fail(profile.error());
  auto meta = meta_of(options, *profile);
  if (!meta) return context.fail(meta.error());
  auto signer = workflow::signer_for(&*repository, options.key);
  if (!signer) return context.fail(signer.error());

  repo::CommitRequest request;
  request.message = *message;
  request.meta = std::move(meta).value();
  request.allow_empty = options.allow_empty;
  request.dereference = options.dereference;
  request.time =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto outcome = [&] {
    ProgressBar bar(context.err, "commit");
    request.on_progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
    return repo::commit_work_tree(*repository, *signer->signer, std::move(request));
  }();
  if (!outcome) return context.fail(outcome.error());
  if (outcome->index_warning) context.err << "mlchain: warning: " << *outcome->index_warning << '\n';
  // Without the setting, status and verify read the work tree's symlinks as links, not as the files this
  // commit stored, and would report them as modified.
  if (options.dereference && outcome->commit)
    if (auto configured = repo::repository_dereferences(*repository); configured && !*configured)
      context.err << "mlchain: hint: status, verify and checkout read symlinks as links; 'mlchain config set "
                     "core.dereference true' makes them read what --dereference stored\n";
  if (!outcome->commit) {
    context.out << "nothing to commit, working tree clean\n";
    return;
  }
  auto commits = repo::stored_commits(repository->objects());
  if (!commits) return context.fail(commits.error());
  context.out << '[' << (outcome->branch ? *outcome->branch : std::string("detached HEAD")) << ' '
              << repo::short_cid(*outcome->commit, *commits) << "] " << core::message_subject(*message) << '\n';
}

}  // namespace

void register_commit(CLI::App& app, Context& context) {
  auto options = std::make_shared<CommitOptions>();
  auto* command = app.add_subcommand("commit", "Record the work tree as a signed commit on HEAD");
  auto* message = command->add_option("-m,--message", options->message, "Commit message");
  command->add_option("-F,--file", options->message_file, "Read the commit message from FILE ('-': standard input)")
      ->excludes(message);
  command->add_option("--metric", options->metrics, "Metric K=V, V a number (repeatable)");
  command->add_option("--param", options->params, "Param K=V: an integer, else a number, else text (repeatable)");
  command->add_option("--tag", options->tags, "Tag K=V, text (repeatable)");
  command->add_option("--license", options->license, "SPDX license expression of the bundle");
  command->add_option("--data", options->data,
                      "Dataset NAME=PATH or NAME:ROLE=PATH (file or directory, anywhere): its CID is recorded, "
                      "it is not stored (repeatable; role 'data' by default)");
  command->add_flag("--allow-empty", options->allow_empty, "Commit even when the tree is the same as HEAD's");
  command->add_flag("--dereference", options->dereference,
                    "Store what each symlink points to (file or directory) instead of the symlink");
  command->add_option("--key", options->key,
                      "Stored key that signs (else MLCHAIN_PRIVATE_KEY, else user.key, else the default key)");
  command->callback([options, &context] { run_commit(*options, context); });
}

}  // namespace mlchain::cli
