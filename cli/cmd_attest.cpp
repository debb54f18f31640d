// mlchain attest deploy REV --env NAME [REMOTE] [--path DIR] [--eas ADDR] [--key NAME]: verifies what was
// deployed and attests on EAS that REV runs in environment NAME.
// mlchain attest revoke UID [REMOTE] [--eas ADDR] [--key NAME]: withdraws one's own deployment attestation.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "governance_support.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/workflow/attest.hpp"
#include "mlchain/workflow/signer_for.hpp"
#include "progress_bar.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct DeployOptions {
  std::string revision;
  std::optional<std::string> remote;
  std::string environment;
  std::optional<std::string> path;
  std::optional<std::string> eas;
  std::optional<std::string> key;
  WaitOptions wait;
  bool json = false;
};

struct RevokeOptions {
  std::string uid;
  std::optional<std::string> remote;
  std::optional<std::string> eas;
  std::optional<std::string> key;
  WaitOptions wait;
  bool json = false;
};

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

Result<std::optional<codec::Address>> eas_option(const std::optional<std::string>& text) {
  if (!text) return std::optional<codec::Address>{};
  auto address = codec::parse_address(*text);
  if (!address) return make_error(ErrorKind::invalid_argument, "--eas: " + address.error().message);
  return std::optional<codec::Address>{*address};
}

json transaction_json(const chain::Settled& settled) {
  return {{"transaction", hash_hex(settled.receipt.transaction_hash)},
          {"block", settled.receipt.block_number},
          {"gas_used", settled.receipt.gas_used}};
}

void run_deploy(const DeployOptions& options, Context& context) {
  auto eas = eas_option(options.eas);
  if (!eas) return context.fail(eas.error());
  workflow::AttestRequest request;
  request.revision = options.revision;
  request.environment = options.environment;
  if (options.remote) request.remote = *options.remote;
  if (options.path) request.directory = std::filesystem::absolute(*options.path);
  request.eas = *eas;
  request.key = options.key;
  request.chain_options = options.wait.chain_options();
  auto outcome = [&request, &context] {
    ProgressBar bar(context.err, "verify");
    request.on_progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
    return workflow::attest_deployment(request);
  }();
  if (!outcome) return context.fail(outcome.error());
  const auto& verified = outcome->verified;
  if (!outcome->attested) {
    for (const auto& problem : verified.problems)
      context.out << "mlchain: verify: " << repo::problem_kind_name(problem.kind) << ' '
                  << core::quote_path(problem.path.value_or(problem.expected.value_or("-"))) << ": expected "
                  << core::escape_text(problem.expected.value_or("nothing")) << ", actual "
                  << core::escape_text(problem.actual.value_or("nothing")) << '\n';
    const std::string what = verified.commit ? verified.commit->to_string() : options.revision;
    const std::string where = options.path ? "'" + *options.path + "'" : std::string("the work tree");
    return context.fail(ErrorKind::corrupt, "refusing to attest " + what + " deployed to '" + options.environment +
                                                "': " + where + " does not verify (" +
                                                std::to_string(verified.problems.size()) + " problem" +
                                                (verified.problems.size() == 1 ? "" : "s") + "), nothing was sent");
  }
  const auto& attested = *outcome->attested;
  const auto& deployment = attested.deployment;
  std::uint64_t gas = attested.attestation.receipt.gas_used;
  if (attested.schema_registration) gas += attested.schema_registration->receipt.gas_used;
  if (options.json) {
    const json document{
        {"uid", codec::to_0x_hex(deployment.uid)},
        {"environment", deployment.environment},
        {"commit", deployment.commit.to_string()},
        {"tree", deployment.tree.to_string()},
        {"attester", address_text(deployment.attester)},
        {"recipient", address_text(deployment.recipient)},
        {"eas", address_text(attested.eas)},
        {"schema", codec::to_0x_hex(eth::deployment::schema_uid())},
        {"time", deployment.time},
        {"attestation", transaction_json(attested.attestation)},
        {"schema_registration",
         attested.schema_registration ? transaction_json(*attested.schema_registration) : json(nullptr)}};
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << "verified " << deployment.commit.to_string() << " (tree " << deployment.tree.to_string() << ")\n"
              << "attested deployment to '" << deployment.environment << "' by " << address_text(deployment.attester)
              << " on EAS " << address_text(attested.eas) << '\n'
              << "uid " << codec::to_0x_hex(deployment.uid) << '\n'
              << "transaction " << hash_hex(attested.attestation.receipt.transaction_hash) << " in block "
              << attested.attestation.receipt.block_number << '\n';
  if (attested.schema_registration)
    context.out << "schema registered first: transaction "
                << hash_hex(attested.schema_registration->receipt.transaction_hash) << '\n';
  context.out << "gas used " << gas << '\n';
}

void run_revoke(const RevokeOptions& options, Context& context) {
  auto eas = eas_option(options.eas);
  if (!eas) return context.fail(eas.error());
  const auto bytes = codec::from_0x_hex(options.uid);
  if (!bytes || bytes->size() != 32)
    return context.fail(ErrorKind::invalid_argument,
                        "'" + options.uid + "' is not an attestation UID (0x and 64 hex digits)");
  eth::deployment::Word uid;
  std::copy(bytes->begin(), bytes->end(), uid.begin());
  auto target = governance_target(options.remote);
  if (!target) return context.fail(target.error());
  auto signer = workflow::signer_for(&target->repository, options.key);
  if (!signer) return context.fail(signer.error());
  auto revoked = chain::revoke_deployment(target->repository, target->remote, uid, *eas, *signer->signer,
                                          options.wait.chain_options());
  if (!revoked) return context.fail(revoked.error());
  if (options.json) {
    const json document{{"uid", codec::to_0x_hex(uid)},
                        {"environment", revoked->deployment.environment},
                        {"commit", revoked->deployment.commit.to_string()},
                        {"eas", address_text(revoked->eas)},
                        {"revocation", transaction_json(revoked->revocation)}};
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << "revoked deployment of " << revoked->deployment.commit.to_string() << " to '"
              << revoked->deployment.environment << "' (uid " << codec::to_0x_hex(uid) << ")\n"
              << "transaction " << hash_hex(revoked->revocation.receipt.transaction_hash) << " in block "
              << revoked->revocation.receipt.block_number << ", gas used " << revoked->revocation.receipt.gas_used
              << '\n';
}

}  // namespace

void register_attest(CLI::App& app, Context& context) {
  auto* attest = app.add_subcommand("attest", "Attest on EAS where a commit is deployed");
  attest->require_subcommand(1);

  auto deploy_options = std::make_shared<DeployOptions>();
  auto* deploy = attest->add_subcommand(
      "deploy",
      "Verify the deployed files (the work tree or --path DIR) against REV, then attest that REV runs in --env");
  deploy->add_option("REV", deploy_options->revision, "The commit deployed: branch, tag, CID or short CID")->required();
  deploy->add_option("REMOTE", deploy_options->remote, "Chain remote of the repository (default origin)");
  deploy->add_option("--env", deploy_options->environment, "The environment: 1 to 32 of A-Z a-z 0-9 . _ -")->required();
  deploy->add_option("--path", deploy_options->path, "The directory deployed (default: the work tree)");
  deploy->add_option("--eas", deploy_options->eas,
                     "EAS 1.4.0 to attest on (default: the governance's, else the chain's known deployment)");
  deploy->add_option("--key", deploy_options->key, "Stored key of the attester (default: as for commit)");
  deploy->add_flag("--json", deploy_options->json,
                   "Print {uid, environment, commit, tree, attester, recipient, eas, schema, time, attestation, "
                   "schema_registration}");
  add_wait_options(*deploy, deploy_options->wait);
  deploy->callback([deploy_options, &context] { run_deploy(*deploy_options, context); });

  auto revoke_options = std::make_shared<RevokeOptions>();
  auto* revoke = attest->add_subcommand("revoke", "Revoke one's own deployment attestation UID");
  revoke->add_option("UID", revoke_options->uid, "The attestation's UID (0x and 64 hex digits)")->required();
  revoke->add_option("REMOTE", revoke_options->remote, "Chain remote of the repository (default origin)");
  revoke->add_option("--eas", revoke_options->eas,
                     "EAS 1.4.0 it was made on (default: the governance's, else the chain's known deployment)");
  revoke->add_option("--key", revoke_options->key, "Stored key of the attester (default: as for commit)");
  revoke->add_flag("--json", revoke_options->json, "Print {uid, environment, commit, eas, revocation}");
  add_wait_options(*revoke, revoke_options->wait);
  revoke->callback([revoke_options, &context] { run_revoke(*revoke_options, context); });
}

}  // namespace mlchain::cli
