// mlchain verify [REV|CID] [--json] [--signer ADDR]... [--path DIR] [--ipfs URL|--gateway URL]: the check CI
// runs before deploying; with --ipfs or --gateway it needs no repository (CID and --path only).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chain_history.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "progress_bar.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/remote/fetch.hpp"
#include "mlchain/remote/remote_verify.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/repo/verify.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct VerifyOptions {
  std::string revision = "HEAD";
  bool json = false;
  std::vector<std::string> signers;
  std::string path;
  std::string ipfs;
  std::string gateway;
  ChainVerifyOptions chain;
};

json optional_text(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }

void print_json(const repo::VerifyReport& report, const json& anchoring, Context& context) {
  auto problems = json::array();
  for (const auto& problem : report.problems)
    problems.push_back({{"path", optional_text(problem.path)},
                        {"kind", repo::problem_kind_name(problem.kind)},
                        {"expected", optional_text(problem.expected)},
                        {"actual", optional_text(problem.actual)}});
  const json commit = report.commit ? json(report.commit->to_string()) : json(nullptr);
  json document{{"ok", report.ok()}, {"commit", commit}, {"problems", problems}};
  if (!anchoring.is_null()) document["anchoring"] = anchoring;
  context.out << document.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

std::string counted(std::uint64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

// One line per problem, then what was checked, so nothing is claimed verified that was not.
void print_text(const repo::VerifyReport& report, const std::string& compared, Context& context) {
  for (const auto& problem : report.problems) {
    context.out << "mlchain: verify: " << repo::problem_kind_name(problem.kind) << ' '
                << core::quote_path(problem.path.value_or(problem.expected.value_or("-"))) << ": expected "
                << core::escape_text(problem.expected.value_or("nothing")) << ", actual "
                << core::escape_text(problem.actual.value_or("nothing")) << '\n';
  }
  if (!report.commit) {
    context.out << "checked nothing: no commit could be read\n";
    return;
  }
  context.out << (report.ok() ? "verified " : "checked ") << report.commit->to_string() << ": "
              << counted(report.commits, "commit") << " (" << counted(report.signatures, "signature") << "), "
              << counted(report.blocks, "block") << " (" << report.block_bytes << " bytes), "
              << counted(report.contents, "stored file content") << " (" << report.content_bytes << " bytes) re-hashed";
  if (report.directory_compared)
    context.out << "; " << compared << ": " << counted(report.files, "file") << " (" << report.file_bytes << " bytes) hashed";
  else
    context.out << "; " << compared << " not compared (the commit's tree could not be read)";
  context.out << '\n';
}

Result<repo::VerifyReport> verify_in_repository(repo::VerifyRequest request, Context& context) {
  MLCHAIN_TRY(auto repository, repo::discover_repository(std::filesystem::current_path()));
  ProgressBar bar(context.err, "verify");
  request.on_progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  return repo::verify(repository, request);
}

// Outside any repository: the commit and its tree come from the node, the files from --path.
Result<repo::VerifyReport> verify_by_cid(const VerifyOptions& options, const repo::VerifyRequest& request) {
  if (!options.ipfs.empty() && !options.gateway.empty())
    return make_error(ErrorKind::invalid_argument, "give --ipfs or --gateway, not both");
  if (!request.directory) return make_error(ErrorKind::invalid_argument, "verify with --ipfs or --gateway needs --path DIR");
  auto commit = codec::Cid::parse(request.revision);
  if (!commit) return make_error(ErrorKind::invalid_argument, "verify with --ipfs or --gateway needs a commit CID, not '" + request.revision + "'");
  MLCHAIN_TRY(auto node, remote::open_node({.ipfs = options.ipfs.empty() ? std::nullopt : std::optional<std::string>(options.ipfs),
                                            .gateway = options.gateway.empty() ? std::nullopt : std::optional<std::string>(options.gateway)}));
  return remote::verify_remote(*node, *commit, request.signers, *request.directory);
}

void run_verify(const VerifyOptions& options, Context& context) {
  repo::VerifyRequest request;
  request.revision = options.revision;
  for (const auto& text : options.signers) {
    auto address = codec::parse_address(text);
    if (!address) return context.fail(ErrorKind::invalid_argument, "--signer '" + text + "' is not an Ethereum address (0x and 40 hex digits)");
    request.signers.push_back(*address);
  }
  if (!options.path.empty()) request.directory = std::filesystem::absolute(options.path);
  auto report = options.ipfs.empty() && options.gateway.empty() ? verify_in_repository(request, context)
                                                                 : verify_by_cid(options, request);
  if (!report) return context.fail(report.error());
  json anchoring;
  if (options.chain.enabled && report->commit) {
    auto checked = check_chain_anchoring(options.chain, *report);
    if (!checked) return context.fail(checked.error());
    anchoring = std::move(checked).value();
  }
  if (options.json)
    print_json(*report, anchoring, context);
  else
    print_text(*report, options.path.empty() ? "work tree" : request.directory->string(), context);
  if (!options.json && !anchoring.is_null()) context.out << anchoring_line(anchoring) << '\n';
  if (!report->ok())
    context.fail(ErrorKind::corrupt,
                 "verification of " + (report->commit ? report->commit->to_string() : options.revision) + " failed: " +
                     std::to_string(report->problems.size()) + (report->problems.size() == 1 ? " problem" : " problems"));
}

}  // namespace

void register_verify(CLI::App& app, Context& context) {
  auto options = std::make_shared<VerifyOptions>();
  auto* command = app.add_subcommand(
      "verify", "Check REV (default HEAD): every block and signature down its ancestry, and that the work tree "
                "(or --path DIR) holds exactly its files");
  command->add_option("REV", options->revision, "Branch, tag, CID or short CID, with ~N/^N (default HEAD)");
  command->add_flag("--json", options->json, "Print {\"ok\", \"commit\", \"problems\": [{path, kind, expected, actual}]}");
  command->add_option("--signer", options->signers, "REV's author must be this address (repeatable: one of them)");
  command->add_option("--path", options->path, "Compare this directory instead of the work tree (every file counts)");
  command->add_option("--ipfs", options->ipfs, "Read commit CID and its tree from this Kubo RPC API (no repository needed; with --path)");
  command->add_option("--gateway", options->gateway, "Read commit CID and its tree from this trustless gateway (no repository needed; with --path)");
  add_chain_verify_options(*command, options->chain);
  command->callback([options, &context] { run_verify(*options, context); });
}

}  // namespace mlchain::cli
