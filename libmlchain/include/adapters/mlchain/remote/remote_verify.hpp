#pragma once
// `mlchain verify CID --path DIR --ipfs URL|--gateway URL` outside any repository: the
// gate a CI pipeline runs on a directory of artifacts before deploying it. Only the commit block and its
// tree's blocks are fetched (kept in memory, each re-hashed); the commit's signature (and --signer) is
// checked and DIR must hold exactly the tree's files, compared as repo::verify compares (the same
// problems, the same report). File contents are never downloaded: DIR's files are hashed instead.

#include <filesystem>
#include <vector>

#include "mlchain/ipfs/node.hpp"
#include "mlchain/repo/verify.hpp"

namespace mlchain::remote {

// Errors: invalid_argument (not a commit CID), not_found (the node lacks the commit; DIR is not a directory),
// remote_unavailable, corrupt (a block the node served does not hash to its CID).
Result<repo::VerifyReport> verify_remote(ipfs::Node& node, const codec::Cid& commit,
                                         const std::vector<codec::Address>& signers,
                                         const std::filesystem::path& directory);

}  // namespace mlchain::remote
