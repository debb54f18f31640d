// mlchain verify [REV|CID] [--json] [--signer ADDR]... [--path DIR] [--ipfs URL|--gateway URL]
// [--chain [--remote R] [--stage S] [--deployed-to ENV [--attester ADDR]... [--eas ADDR]] [--authorized]]:
// the check CI runs before deploying; with --ipfs or --gateway it needs no repository (CID and --path only).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chain_history.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/chain/governance.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/util/utc_time.hpp"
#include "mlchain/workflow/proof.hpp"
#include "mlchain/workflow/verify.hpp"
#include "progress_bar.hpp"

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
  std::string proof;  // --proof FILE.car: check a single-file proof instead of REV
  std::string file;   // --file: with --proof, a local file that must import to the proven CID
  std::string rpc;    // --rpc: with --proof --chain, the node to ask instead of the remote's
  bool revision_given = false;
};

json optional_text(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }

json stage_json(const workflow::StageCheck& stage) {
  auto attestations = json::array();
  for (const auto& uid : stage.attestations) attestations.push_back(codec::to_0x_hex(uid));
  return {{"stage", stage.stage},
          {"holder", stage.holder ? json(stage.holder->to_string()) : json(nullptr)},
          {"since_block", stage.since_block},
          {"attestations", attestations},
          {"governance", codec::to_checksum_address(stage.governance)}};
}

json deployment_json(const chain::CurrentDeployment& current) {
  auto attesters = json::array();
  for (const auto& attester : current.attesters) attesters.push_back(codec::to_checksum_address(attester));
  json document{{"environment", current.environment},
                {"attesters", current.attesters.empty() ? json("writers") : attesters},
                {"eas", codec::to_checksum_address(current.eas)},
                {"commit", nullptr}};
  if (const auto& found = current.deployment) {
    document["commit"] = found->commit.to_string();
    document["tree"] = found->tree.to_string();
    document["attester"] = codec::to_checksum_address(found->attester);
    document["uid"] = codec::to_0x_hex(found->uid);
    document["block"] = found->block;
    document["time"] = found->time;
    document["transaction"] = codec::to_0x_hex(found->transaction);
  }
  return document;
}

std::string deployment_line(const chain::CurrentDeployment& current) {
  const std::string whose = current.attesters.empty() ? "the repository's writers"
                                                      : std::to_string(current.attesters.size()) + " attester" +
                                                            (current.attesters.size() == 1 ? "" : "s") + " given";
  if (!current.deployment)
    return "nothing attested deployed to '" + current.environment + "' by " + whose + " on EAS " +
           codec::to_checksum_address(current.eas);
  const auto& found = *current.deployment;
  return "last attested deployed to '" + current.environment + "': " + found.commit.to_string() + " by " +
         codec::to_checksum_address(found.attester) + " in block " + std::to_string(found.block) + " at " +
         util::utc_timestamp(static_cast<std::int64_t>(found.time)) + " (uid " + codec::to_0x_hex(found.uid) +
         ", counting " + whose + ")";
}

json first_anchoring_json(const core::FirstAnchoring& commit) {
  return {{"commit", commit.commit.to_string()},
          {"signer", commit.signer ? json(codec::to_checksum_address(*commit.signer)) : json(nullptr)},
          {"anchored_block", commit.block}};
}

// "signers": {registered, checked, unauthorized: [{commit, signer, anchored_block}]}.
json signers_json(const workflow::SignerAuthorization& signers) {
  auto unauthorized = json::array();
  for (const auto& commit : signers.unauthorized) unauthorized.push_back(first_anchoring_json(commit));
  return {
      {"registered", signers.registered_signers}, {"checked", signers.commits.size()}, {"unauthorized", unauthorized}};
}

void print_json(const workflow::VerifyReport& report, Context& context) {
  auto problems = json::array();
  for (const auto& problem : report.problems)
    problems.push_back({{"path", optional_text(problem.path)},
                        {"kind", repo::problem_kind_name(problem.kind)},
                        {"expected", optional_text(problem.expected)},
                        {"actual", optional_text(problem.actual)}});
  const json commit = report.commit ? json(report.commit->to_string()) : json(nullptr);
  json document{{"ok", report.ok()}, {"commit", commit}, {"problems", problems}};
  if (report.anchoring) document["anchoring"] = anchoring_json(*report.anchoring);
  if (report.stage) document["stage"] = stage_json(*report.stage);
  if (report.deployment) document["deployment"] = deployment_json(*report.deployment);
  if (report.signers) document["signers"] = signers_json(*report.signers);
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
    context.out << "; " << compared << ": " << counted(report.files, "file") << " (" << report.file_bytes
                << " bytes) hashed";
  else
    context.out << "; " << compared << " not compared (the commit's tree could not be read)";
  context.out << '\n';
}

void print_proof_json(const workflow::ProofReport& report, const VerifyOptions& options, Context& context) {
  auto problems = json::array();
  for (const auto& problem : report.problems) problems.push_back({{"kind", problem.kind}, {"detail", problem.detail}});
  const auto* opened = report.opened ? &*report.opened : nullptr;
  json anchor = nullptr;
  if (opened != nullptr && opened->proof.anchor) {
    anchor = anchor_facts_json(*opened->proof.anchor);
    anchor["confirmed"] = report.anchor.has_value();
    if (report.anchor) {
      anchor["pusher"] = codec::to_checksum_address(report.anchor->pusher);
      anchor["time"] = report.anchor->time;
      anchor["time_utc"] = util::utc_timestamp(static_cast<std::int64_t>(report.anchor->time));
      anchor["confirmations"] = report.anchor->confirmations;
    }
  }
  json file = nullptr;
  if (!options.file.empty() && report.local_file)
    file = {{"path", options.file},
            {"cid", report.local_file->to_string()},
            {"matches", opened != nullptr && *report.local_file == opened->file.cid}};
  json document{{"ok", report.ok()},
                {"path", opened != nullptr ? json(opened->proof.path) : json(nullptr)},
                {"commit", opened != nullptr ? json(opened->proof.commit.to_string()) : json(nullptr)},
                {"entry", opened != nullptr ? json(opened->file.cid.to_string()) : json(nullptr)},
                {"size", opened != nullptr ? json(opened->file.size) : json(nullptr)},
                {"signer", report.signer ? json(codec::to_checksum_address(*report.signer)) : json(nullptr)},
                {"blocks", opened != nullptr ? json(opened->blocks) : json(nullptr)},
                {"anchor", anchor},
                {"file", file},
                {"problems", problems}};
  context.out << document.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

// One line per problem, then what was checked: nothing is claimed that was not.
void print_proof_text(const workflow::ProofReport& report, const VerifyOptions& options, Context& context) {
  for (const auto& problem : report.problems)
    context.out << "mlchain: verify: " << problem.kind << ": " << core::escape_text(problem.detail) << '\n';
  if (!report.opened) {
    context.out << "checked nothing: " << core::quote_path(options.proof) << " is not a proof\n";
    return;
  }
  const auto& opened = *report.opened;
  context.out << (report.ok() ? "verified " : "checked ") << "proof of " << core::quote_path(opened.proof.path)
              << " in " << opened.proof.commit.to_string() << ": " << opened.file.cid.to_string() << " ("
              << opened.file.size << " bytes), " << counted(opened.blocks, "block") << " re-hashed, signed by "
              << (report.signer ? codec::to_checksum_address(*report.signer) : std::string("no one"));
  if (report.local_file && *report.local_file == opened.file.cid)
    context.out << "; " << core::quote_path(options.file) << " imports to that CID";
  context.out << '\n';
  if (report.anchor)
    context.out << anchor_facts_line(*opened.proof.anchor) << " at "
                << util::utc_timestamp(static_cast<std::int64_t>(report.anchor->time)) << " ("
                << counted(report.anchor->confirmations, "confirmation") << "), pusher "
                << codec::to_checksum_address(report.anchor->pusher) << '\n';
  else if (opened.proof.anchor && !options.chain.enabled)
    context.out << "anchor facts not checked against the chain (use --chain)\n";
}

// --signer ADDR…: each an Ethereum address.
Result<std::vector<codec::Address>> signer_addresses(const std::vector<std::string>& texts) {
  std::vector<codec::Address> addresses;
  for (const auto& text : texts) {
    auto address = codec::parse_address(text);
    if (!address)
      return make_error(ErrorKind::invalid_argument,
                        "--signer '" + text + "' is not an Ethereum address (0x and 40 hex digits)");
    addresses.push_back(*address);
  }
  return addresses;
}

void run_verify_proof(const VerifyOptions& options, Context& context) {
  if (options.revision_given || !options.path.empty() || !options.ipfs.empty() || !options.gateway.empty() ||
      options.chain.stage)
    return context.fail(ErrorKind::invalid_argument,
                        "--proof checks the proof alone: it takes no REV, --path, --ipfs, --gateway or --stage");
  // A check asked for and not made would pass silently: a proof carries no history, signers or deployments.
  if (options.chain.authorized || options.chain.deployed_to || !options.chain.attesters.empty() || options.chain.eas)
    return context.fail(ErrorKind::invalid_argument,
                        "--proof checks one commit's anchor: --authorized, --deployed-to, --attester and --eas need a "
                        "repository (mlchain verify REV --chain …)");
  if (!options.rpc.empty() && !options.chain.enabled)
    return context.fail(ErrorKind::invalid_argument, "--rpc goes with --proof --chain: no chain is asked without it");
  workflow::ProofVerifyRequest request;
  request.proof = options.proof;
  if (!options.file.empty()) request.file = options.file;
  auto signers = signer_addresses(options.signers);
  if (!signers) return context.fail(signers.error());
  request.signers = std::move(signers).value();
  if (options.chain.enabled) {
    request.chain = workflow::ProofChainCheck{
        .rpc = options.rpc.empty() ? std::nullopt : std::optional<std::string>(options.rpc),
        .remote = options.chain.remote.empty() ? remote::default_remote : options.chain.remote,
        .min_confirmations = options.chain.min_confirmations};
  }
  auto report = workflow::verify_proof(request);
  if (!report) return context.fail(report.error());
  if (options.json)
    print_proof_json(*report, options, context);
  else
    print_proof_text(*report, options, context);
  if (!report->ok())
    context.fail(ErrorKind::corrupt, "verification of proof " + options.proof +
                                         " failed: " + std::to_string(report->problems.size()) +
                                         (report->problems.size() == 1 ? " problem" : " problems"));
}

void run_verify(const VerifyOptions& options, Context& context) {
  if (!options.proof.empty()) return run_verify_proof(options, context);
  if (!options.file.empty() || !options.rpc.empty())
    return context.fail(ErrorKind::invalid_argument, "--file and --rpc go with --proof");
  if (options.chain.stage && !options.chain.enabled)
    return context.fail(ErrorKind::invalid_argument, "--stage needs --chain: the stage is read from the chain");
  if ((options.chain.deployed_to || !options.chain.attesters.empty() || options.chain.eas) && !options.chain.enabled)
    return context.fail(ErrorKind::invalid_argument,
                        "--deployed-to, --attester and --eas need --chain: deployments are read from the chain");
  if ((!options.chain.attesters.empty() || options.chain.eas) && !options.chain.deployed_to)
    return context.fail(ErrorKind::invalid_argument, "--attester and --eas go with --deployed-to ENV");
  std::vector<codec::Address> attesters;
  for (const auto& text : options.chain.attesters) {
    auto address = codec::parse_address(text);
    if (!address)
      return context.fail(ErrorKind::invalid_argument,
                          "--attester '" + text + "' is not an Ethereum address (0x and 40 hex digits)");
    attesters.push_back(*address);
  }
  std::optional<codec::Address> eas;
  if (options.chain.eas) {
    auto address = codec::parse_address(*options.chain.eas);
    if (!address) return context.fail(ErrorKind::invalid_argument, "--eas: " + address.error().message);
    eas = *address;
  }
  if (options.chain.authorized && !options.chain.enabled)
    return context.fail(ErrorKind::invalid_argument,
                        "--authorized needs --chain: the authorised signers are read from the chain");
  workflow::VerifyRequest request;
  request.revision = options.revision;
  if (options.revision.starts_with('@')) {
    auto repository = repo::discover_repository(std::filesystem::current_path());
    if (!repository) return context.fail(repository.error());
    auto expanded = chain::expand_stage_revision(*repository, options.revision);
    if (!expanded) return context.fail(expanded.error());
    request.revision = *expanded;
  }
  auto signers = signer_addresses(options.signers);
  if (!signers) return context.fail(signers.error());
  request.signers = std::move(signers).value();
  if (!options.path.empty()) request.directory = std::filesystem::absolute(options.path);
  if (!options.ipfs.empty()) request.source.ipfs = options.ipfs;
  if (!options.gateway.empty()) request.source.gateway = options.gateway;
  if (options.chain.enabled)
    request.chain =
        workflow::ChainCheck{.remote = options.chain.remote.empty() ? remote::default_remote : options.chain.remote,
                             .min_confirmations = options.chain.min_confirmations,
                             .stage = options.chain.stage,
                             .deployed_to = options.chain.deployed_to,
                             .attesters = attesters,
                             .eas = eas,
                             .authorized = options.chain.authorized};
  auto report = [&request, &context] {
    ProgressBar bar(context.err, "verify");
    request.on_progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
    return workflow::verify(request);
  }();
  if (!report) return context.fail(report.error());
  if (options.json)
    print_json(*report, context);
  else
    print_text(*report, options.path.empty() ? "work tree" : request.directory->string(), context);
  if (!options.json && report->anchoring) context.out << anchoring_line(*report->anchoring) << '\n';
  if (!options.json && report->signers && report->ok())
    context.out << "authorised: " << counted(report->signers->commits.size(), "commit")
                << " each signed by a key the repository authorised at the block that first anchored it\n";
  if (!options.json && report->stage && report->stage->holder && report->ok())
    context.out << "holds stage '" << report->stage->stage << "' since block " << report->stage->since_block << " ("
                << report->stage->attestations.size() << " attestation"
                << (report->stage->attestations.size() == 1 ? "" : "s") << ")\n";
  if (!options.json && report->deployment) context.out << deployment_line(*report->deployment) << '\n';
  if (!report->ok())
    context.fail(ErrorKind::corrupt, "verification of " +
                                         (report->commit ? report->commit->to_string() : options.revision) +
                                         " failed: " + std::to_string(report->problems.size()) +
                                         (report->problems.size() == 1 ? " problem" : " problems"));
}

}  // namespace

void register_verify(CLI::App& app, Context& context) {
  auto options = std::make_shared<VerifyOptions>();
  auto* command = app.add_subcommand(
      "verify",
      "Check REV (default HEAD): every block and signature down its ancestry, and that the work tree "
      "(or --path DIR) holds exactly its files");
  command->add_option("REV", options->revision, "Branch, tag, CID or short CID, with ~N/^N (default HEAD)")
      ->each([options](const std::string&) { options->revision_given = true; });
  command->add_flag("--json", options->json,
                    "Print {\"ok\", \"commit\", \"problems\": [{path, kind, expected, actual}]}");
  command->add_option("--signer", options->signers, "REV's author must be this address (repeatable: one of them)");
  command->add_option("--path", options->path, "Compare this directory instead of the work tree (every file counts)");
  command->add_option("--ipfs", options->ipfs,
                      "Read commit CID and its tree from this Kubo RPC API (no repository needed; with --path)");
  command->add_option("--gateway", options->gateway,
                      "Read commit CID and its tree from this trustless gateway (no repository needed; with --path)");
  add_chain_verify_options(*command, options->chain);
  command->add_option("--proof", options->proof,
                      "Check this single-file proof (from mlchain prove) instead of REV; no repository needed");
  command->add_option("--file", options->file, "With --proof: this local file must import to the proven CID");
  command->add_option("--rpc", options->rpc,
                      "With --proof --chain: ask this JSON-RPC node instead of the remote's (outside a repository)");
  command->callback([options, &context] { run_verify(*options, context); });
}

}  // namespace mlchain::cli
