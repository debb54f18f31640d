#include "mlchain/chain/anchor.hpp"

#include <algorithm>
#include <charconv>

#include "mlchain/chain/registry_client.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/eth/registry_abi.hpp"

namespace mlchain::chain {
namespace {

namespace registry = eth::registry;

constexpr std::string_view url_scheme = "mlchain://";

std::string tracking_ref(std::string_view remote, std::string_view branch) {
  return std::string(repo::remotes_prefix) + std::string(remote) + "/" + std::string(branch);
}

std::string head_text(const std::optional<codec::Cid>& head) { return head ? head->to_string() : "nothing"; }

Status move_tracking_ref(repo::Repository& repository, std::string_view remote, std::string_view branch,
                         const codec::Cid& head) {
  const std::string name = tracking_ref(remote, branch);
  MLCHAIN_TRY(const auto current, repository.refs().read(name));
  if (current == head) return {};
  return repository.refs().compare_and_swap(name, current, head, "push");
}

Result<bool> is_ancestor_or_same(repo::Repository& repository, const codec::Cid& ancestor, const codec::Cid& head) {
  if (ancestor == head) return true;
  MLCHAIN_TRY(const bool stored, repository.objects().contains(ancestor));
  if (!stored) return false;
  MLCHAIN_TRY(const auto history, core::walk_history(repository.objects(), {head}));
  return std::any_of(history.begin(), history.end(), [&](const core::StoredCommit& c) { return c.cid == ancestor; });
}

std::vector<JournalEntry> entries_of_remote(const std::vector<JournalEntry>& entries, std::string_view remote,
                                            bool pushes_only) {
  std::vector<JournalEntry> kept;
  for (const auto& entry : entries)
    if (entry.purpose != Purpose::deploy && entry.remote == remote && (!pushes_only || entry.purpose == Purpose::push))
      kept.push_back(entry);
  return kept;
}

Result<Anchored> record_settled(repo::Repository& repository, const ChainRemote& remote, Settled settled,
                                bool resumed) {
  const JournalEntry& entry = settled.entry;
  MLCHAIN_TRY_STATUS(move_tracking_ref(repository, remote.name, entry.branch, *entry.new_head));
  Anchored anchored{entry.branch, entry.old_head, *entry.new_head, std::move(settled), resumed};
  return anchored;
}

RevertExplainer explainer_for(std::string repo, std::string branch) {
  return [repo = std::move(repo), branch = std::move(branch)](ByteView data) {
    return explain_registry_revert(data, repo, branch);
  };
}

}  // namespace

Result<std::vector<Anchored>> finish_journal(repo::Repository& repository, const ChainRemote& remote,
                                             Transactor& transactor, Journal& journal) {
  MLCHAIN_TRY(const auto entries, journal.entries());
  std::vector<Anchored> finished;
  for (const auto& open : open_transactions(entries_of_remote(entries, remote.name, false))) {
    MLCHAIN_TRY(auto settled, transactor.settle(open));
    if (settled.entry.purpose != Purpose::push) continue;
    MLCHAIN_TRY(auto anchored, record_settled(repository, remote, std::move(settled), true));
    finished.push_back(std::move(anchored));
  }
  return finished;
}

Result<ChainRemote> find_chain_remote(const repo::Repository& repository, std::string_view name) {
  MLCHAIN_TRY(const auto configured, remote::find_remote(repository, name));
  return chain_remote_of(configured);
}

bool has_chain(const remote::Remote& remote) { return remote.rpc.has_value() || remote.registry.has_value(); }

Result<ChainRemote> chain_remote_of(const remote::Remote& remote) {
  auto missing = [&](const char* setting) {
    return make_error(ErrorKind::invalid_argument, "remote '" + remote.name + "' has no " + setting +
                                                       ": set it with 'mlchain config set remote." + remote.name + "." +
                                                       setting + " …' (a chain remote needs rpc, registry and repo)");
  };
  if (!remote.rpc) return missing("rpc");
  if (!remote.registry) return missing("registry");
  if (!remote.repo) return missing("repo");
  ChainRemote chain;
  chain.name = remote.name;
  chain.rpc = *remote.rpc;
  auto registry_address = codec::parse_address(*remote.registry);
  if (!registry_address)
    return make_error(ErrorKind::invalid_input,
                      "remote '" + remote.name + "': registry " + registry_address.error().message);
  chain.registry = *registry_address;
  chain.repo = *remote.repo;
  chain.chain_id = remote.chain_id;
  chain.confirmations = remote.confirmations.value_or(1);
  return chain;
}

std::string clone_url(const ChainRemote& remote, std::optional<std::string_view> branch) {
  std::string url(url_scheme);
  if (remote.chain_id) url += std::to_string(*remote.chain_id) + "@";
  url += codec::to_checksum_address(remote.registry) + "/" + remote.repo;
  if (branch) url += "#" + std::string(*branch);
  return url;
}

bool is_clone_url(std::string_view text) { return text.starts_with(url_scheme); }

Result<CloneTarget> parse_clone_url(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorKind::invalid_input, "'" + std::string(url) + "' is not a clone URL (" + why +
                                                    "); expected mlchain://[CHAIN-ID@]REGISTRY-ADDRESS/REPO[#BRANCH]");
  };
  if (!is_clone_url(url)) return bad("it does not start with mlchain://");
  std::string_view rest = url.substr(url_scheme.size());
  CloneTarget target;
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    target.branch = std::string(rest.substr(hash + 1));
    if (target.branch->empty()) return bad("empty branch after '#'");
    rest = rest.substr(0, hash);
  }
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    const auto digits = rest.substr(0, at);
    std::uint64_t chain_id = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), chain_id);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || chain_id == 0 ||
        (digits.size() > 1 && digits.front() == '0'))
      return bad("the chain id before '@' is not a positive decimal number");
    target.chain_id = chain_id;
    rest = rest.substr(at + 1);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return bad("no '/REPO' after the registry address");
  auto address = codec::parse_address(rest.substr(0, slash));
  if (!address) return bad("registry: " + address.error().message);
  target.registry = *address;
  target.repo = std::string(rest.substr(slash + 1));
  if (auto valid = registry::check_repository_name(target.repo); !valid) return bad(valid.error().message);
  return target;
}

ChainSettings settings_for(const ChainRemote& remote, const ChainOptions& options) {
  ChainSettings settings;
  settings.chain_id = remote.chain_id;
  settings.confirmations = std::max<std::uint64_t>(1, options.confirmations.value_or(remote.confirmations));
  settings.receipt_timeout = options.receipt_timeout;
  return settings;
}

Journal journal_of(const repo::Repository& repository) { return Journal(repository.paths().journal()); }

Result<AnchorReport> anchor_branch(repo::Repository& repository, const ChainRemote& remote, std::string_view branch,
                                   const codec::Cid& local_head, core::Signer& signer, const ChainOptions& options) {
  MLCHAIN_TRY_STATUS(registry::check_repository_name(remote.repo));
  MLCHAIN_TRY_STATUS(registry::check_branch_name(branch));
  MLCHAIN_TRY(const registry::Head new_head, registry::head_of(local_head));
  Journal journal = journal_of(repository);
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  RegistryClient registry_client(rpc, remote.registry);
  Transactor transactor(rpc, journal, settings_for(remote, options), explainer_for(remote.repo, std::string(branch)));
  MLCHAIN_TRY(const std::uint64_t chain_id, transactor.check_chain());
  MLCHAIN_TRY_STATUS(registry_client.check_deployed());

  AnchorReport report;
  MLCHAIN_TRY(report.anchored, finish_journal(repository, remote, transactor, journal));

  MLCHAIN_TRY(const auto on_chain, registry_client.head_of(remote.repo, branch));
  const std::string tracking = tracking_ref(remote.name, branch);
  MLCHAIN_TRY(const auto last_seen, repository.refs().read(tracking));
  if (on_chain == local_head) {
    MLCHAIN_TRY_STATUS(move_tracking_ref(repository, remote.name, branch, local_head));
    report.up_to_date = true;
    return report;
  }
  const std::string target = remote.repo + "/" + std::string(branch);
  if (on_chain != last_seen)
    return make_error(ErrorKind::not_fast_forward,
                      "the remote moved: fetch first — " + target + " is at " + head_text(on_chain) + " on chain " +
                          std::to_string(chain_id) + ", but " + tracking + " is at " + head_text(last_seen) +
                          " ('mlchain pull " + remote.name + " " + std::string(branch) + "', then push again)");
  if (on_chain) {
    MLCHAIN_TRY(const bool fast_forward, is_ancestor_or_same(repository, *on_chain, local_head));
    if (!fast_forward)
      return make_error(ErrorKind::not_fast_forward, "the remote moved: fetch first — " + target + " is at " +
                                                         on_chain->to_string() + ", which is not an ancestor of " +
                                                         local_head.to_string() + " ('mlchain pull " + remote.name +
                                                         " " + std::string(branch) + "', then push again)");
  }

  registry::Head expected_old{};
  if (on_chain) {
    MLCHAIN_TRY(expected_old, registry::head_of(*on_chain));
  }
  Intent intent;
  intent.entry.purpose = Purpose::push;
  intent.entry.remote = remote.name;
  intent.entry.rpc = rpc.display_url();
  intent.entry.repo = remote.repo;
  intent.entry.branch = std::string(branch);
  intent.entry.old_head = on_chain;
  intent.entry.new_head = local_head;
  intent.to = remote.registry;
  MLCHAIN_TRY(intent.data, registry::push_calldata(remote.repo, branch, expected_old, new_head));
  MLCHAIN_TRY(const JournalEntry sent, transactor.submit(std::move(intent), signer));
  MLCHAIN_TRY(auto settled, transactor.settle(OpenTransaction{{sent}}));
  MLCHAIN_TRY(auto anchored, record_settled(repository, remote, std::move(settled), false));
  report.anchored.push_back(std::move(anchored));
  return report;
}

Result<AnchorReport> speed_up_push(repo::Repository& repository, const ChainRemote& remote, core::Signer& signer,
                                   const ChainOptions& options) {
  Journal journal = journal_of(repository);
  MLCHAIN_TRY(const auto entries, journal.entries());
  auto open = open_transactions(entries_of_remote(entries, remote.name, true));
  if (open.empty())
    return make_error(ErrorKind::not_found,
                      "the journal holds no open push to remote '" + remote.name + "': nothing to speed up");
  OpenTransaction stuck = std::move(open.back());
  eth::RpcClient rpc(eth::rpc_options_for(remote.rpc));
  Transactor transactor(rpc, journal, settings_for(remote, options), explainer_for(remote.repo, stuck.latest().branch));
  if (auto chain = transactor.check_chain(); !chain) return std::move(chain).error();
  MLCHAIN_TRY(auto replacement, transactor.speed_up(stuck, signer));
  stuck.attempts.push_back(std::move(replacement));
  MLCHAIN_TRY(auto settled, transactor.settle(stuck));
  AnchorReport report;
  MLCHAIN_TRY(auto anchored, record_settled(repository, remote, std::move(settled), false));
  report.anchored.push_back(std::move(anchored));
  return report;
}

}  // namespace mlchain::chain
