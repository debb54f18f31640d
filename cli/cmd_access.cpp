// mlchain access grant [REMOTE] ADDR [--versions all|REV…]: wraps versions' keys for ADDR's encryption key and
// records the grant; the next pushes wrap new versions for ADDR too.
// mlchain access revoke [REMOTE] ADDR: stops wrapping new versions for ADDR (what it holds, it keeps).
// mlchain access list [REMOTE] [--json]: who holds what, from the chain (workflow/access.hpp).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chain_support.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/workflow/access.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

struct ChangeOptions {
  std::vector<std::string> arguments;  // [REMOTE] ADDR
  std::vector<std::string> versions;
  std::optional<std::string> key;
  WaitOptions wait;
};

struct ListOptions {
  std::string remote;
  bool json = false;
};

struct Target {
  std::string remote;
  codec::Address address;
};

std::optional<Target> parse_target(const std::vector<std::string>& arguments, Context& context) {
  auto address = codec::parse_address(arguments.back());
  if (!address) {
    context.fail(ErrorKind::invalid_argument, "ADDR '" + arguments.back() + "': " + address.error().message);
    return std::nullopt;
  }
  return Target{arguments.size() == 2 ? arguments.front() : std::string(), *address};
}

workflow::AccessOptions access_options(const std::string& remote, const ChangeOptions& options) {
  return workflow::AccessOptions{.remote = remote, .key = options.key, .chain = options.wait.chain_options()};
}

void run_grant(const ChangeOptions& options, Context& context) {
  const auto target = parse_target(options.arguments, context);
  if (!target) return;
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto granted =
      workflow::grant_access(*repository, target->address, options.versions, access_options(target->remote, options));
  if (!granted) return context.fail(granted.error());
  for (const auto& version : granted->versions)
    context.out << "granted " << version.version.to_string() << " (" << version.files << " files, access "
                << version.access.to_string() << ")\n";
  for (const auto& version : granted->shredded)
    context.err << "mlchain: warning: " << version.to_string() << " was shredded: nothing to grant there\n";
  context.out << "granted " << granted->versions.size() << (granted->versions.size() == 1 ? " version" : " versions")
              << " of " << granted->chain.repo << " to " << codec::to_checksum_address(granted->grantee)
              << "; the next versions pushed are wrapped for it too: transaction "
              << hash_hex(granted->settled.receipt.transaction_hash) << ", block "
              << granted->settled.receipt.block_number << ", gas used " << granted->settled.receipt.gas_used << '\n';
}

void run_revoke(const ChangeOptions& options, Context& context) {
  const auto target = parse_target(options.arguments, context);
  if (!target) return;
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto revoked = workflow::revoke_access(*repository, target->address, access_options(target->remote, options));
  if (!revoked) return context.fail(revoked.error());
  if (!revoked->held_access)
    context.err << "mlchain: warning: " << codec::to_checksum_address(revoked->grantee) << " held no access to "
                << revoked->chain.repo << "; the revocation is recorded anyway\n";
  context.out << "revoked " << codec::to_checksum_address(revoked->grantee) << " from " << revoked->chain.repo
              << ": versions pushed from now on are not wrapped for it; the keys of versions it was granted "
                 "cannot be recalled: transaction "
              << hash_hex(revoked->settled.receipt.transaction_hash) << ", block "
              << revoked->settled.receipt.block_number << '\n';
}

void run_list(const ListOptions& options, Context& context) {
  auto repository = repo::discover_repository(std::filesystem::current_path());
  if (!repository) return context.fail(repository.error());
  auto list = workflow::list_access(*repository, options.remote);
  if (!list) return context.fail(list.error());
  if (options.json) {
    json readers = json::array();
    for (const auto& reader : list->readers) {
      json versions = json::array();
      for (const auto& version : reader.versions) versions.push_back(version.to_string());
      readers.push_back({{"address", codec::to_checksum_address(reader.reader)},
                         {"current", reader.current},
                         {"encryption_key",
                          reader.encryption_key ? json("0x" + codec::to_hex(*reader.encryption_key)) : json(nullptr)},
                         {"encryption_key_valid", !reader.unusable_key},
                         {"versions", versions},
                         {"revoked_at", reader.revoked_at ? json(*reader.revoked_at) : json(nullptr)}});
    }
    json shredded = json::array();
    for (const auto& version : list->shredded) shredded.push_back(version.to_string());
    const json document{{"repo", list->chain.repo},
                        {"registry", codec::to_checksum_address(list->chain.registry)},
                        {"private", list->is_private},
                        {"readers", readers},
                        {"shredded", shredded}};
    context.out << document.dump(2) << '\n';
    return;
  }
  context.out << list->chain.repo << " on registry " << codec::to_checksum_address(list->chain.registry) << ": "
              << (list->is_private ? "private" : "public") << ", " << list->readers.size()
              << (list->readers.size() == 1 ? " reader" : " readers") << '\n';
  for (const auto& reader : list->readers) {
    context.out << "  " << codec::to_checksum_address(reader.reader) << "  " << (reader.current ? "current" : "revoked")
                << ", " << reader.versions.size() << (reader.versions.size() == 1 ? " version" : " versions")
                << (reader.unusable_key     ? ", its published encryption key is not a valid key"
                    : reader.encryption_key ? ""
                                            : ", no encryption key published")
                << '\n';
    for (const auto& version : reader.versions) context.out << "    " << version.to_string() << '\n';
  }
  for (const auto& version : list->shredded) context.out << "  shredded " << version.to_string() << '\n';
}

void add_change_command(CLI::App& access, const char* name, const char* description, bool grant, Context& context) {
  auto options = std::make_shared<ChangeOptions>();
  auto* command = access.add_subcommand(name, description);
  command
      ->add_option("REMOTE_AND_ADDR", options->arguments,
                   "[REMOTE] ADDR: the remote (default origin) and the reader's address")
      ->required()
      ->expected(1, 2);
  if (grant)
    command
        ->add_option("--versions", options->versions,
                     "all (default: every version the chain anchored) or the revisions to grant")
        ->expected(1, -1);
  command->add_option("--key", options->key,
                      grant
                          ? "Stored key that pushed the versions: its records hold their keys (default: as for commit)"
                          : "Stored key of the repository's owner or a writer (default: as for commit)");
  add_wait_options(*command, options->wait);
  command->callback([options, grant, &context] {
    if (grant)
      run_grant(*options, context);
    else
      run_revoke(*options, context);
  });
}

}  // namespace

void register_access(CLI::App& app, Context& context) {
  auto* access = app.add_subcommand("access", "Grant, revoke and list readers of a private model");
  access->require_subcommand(1);
  add_change_command(*access, "grant", "Wrap versions' keys for ADDR and record the grant on chain", true, context);
  add_change_command(*access, "revoke", "Stop wrapping the next versions for ADDR, recorded on chain", false, context);
  auto list_options = std::make_shared<ListOptions>();
  auto* list = access->add_subcommand("list", "Who holds which versions, from the chain");
  list->add_option("REMOTE", list_options->remote, "Remote name (default origin)");
  list->add_flag("--json", list_options->json,
                 "Print a JSON object: repo, registry, private, readers [{address, current, encryption_key, versions, "
                 "revoked_at}], shredded");
  list->callback([list_options, &context] { run_list(*list_options, context); });
}

}  // namespace mlchain::cli
