#include "chain_sync.hpp"

#include "context.hpp"
#include "mlchain/chain/sync.hpp"

namespace mlchain::cli {

void fetch_chain_branches(repo::Repository& repository, const remote::Remote& remote,
                          std::optional<std::uint64_t> depth, Context& context) {
  auto chain_remote = chain::chain_remote_of(remote);
  if (!chain_remote) return context.fail(chain_remote.error());
  if (!remote.ipfs && !remote.gateway)
    return context.fail(ErrorKind::invalid_argument, "remote '" + remote.name + "' has no IPFS node or gateway to fetch from");
  auto node = remote::open_node({.ipfs = remote.ipfs, .gateway = remote.gateway});
  if (!node) return context.fail(node.error());
  auto fetched = chain::fetch_branches(repository, *chain_remote, **node, std::nullopt, depth);
  if (!fetched) return context.fail(fetched.error());
  for (const auto& branch : *fetched) {
    const std::string tracking = remote.name + "/" + branch.branch;
    if (branch.previous == branch.head)
      context.out << tracking << " is at " << branch.head.to_string() << " (unchanged)\n";
    else
      context.out << tracking << ": " << (branch.previous ? branch.previous->to_string() : std::string("(new)")) << " -> "
                  << branch.head.to_string() << " (" << branch.fetched.blocks << " new blocks, " << branch.fetched.files
                  << " new files)\n";
  }
}

void clone_chain_repository(const ChainCloneArguments& arguments, Context& context) {
  auto target = chain::parse_clone_url(arguments.url);
  if (!target) return context.fail(target.error());
  if (arguments.rpc.empty()) return context.fail(ErrorKind::invalid_argument, "cloning " + arguments.url + " needs --rpc URL (the chain's JSON-RPC)");
  if (arguments.ipfs.empty()) return context.fail(ErrorKind::invalid_argument, "cloning " + arguments.url + " needs --ipfs URL (a Kubo RPC API)");
  chain::ChainCloneRequest request;
  request.target = *target;
  request.rpc = arguments.rpc;
  request.ipfs = arguments.ipfs;
  request.branch = arguments.branch;
  request.directory = arguments.directory;
  request.depth = arguments.depth;
  auto cloned = chain::clone_from_chain(request);
  if (!cloned) return context.fail(cloned.error());
  context.out << "cloned " << target->repo << " (branch " << cloned->branch << " at " << cloned->head.to_string()
              << ") into " << cloned->work_tree.string() << ": " << cloned->files_written << " files; "
              << cloned->branches.size() << (cloned->branches.size() == 1 ? " branch" : " branches")
              << " tracked as origin/*\n";
}

}  // namespace mlchain::cli
