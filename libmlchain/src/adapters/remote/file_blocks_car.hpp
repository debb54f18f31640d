#pragma once
// A stored file as a CAR of exactly our blocks, made while it is read: for files whose DAG a node's
// `add` would build differently (push.cpp says when), so the node receives our CIDs, not its own.

#include "mlchain/ipfs/node.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::remote {

// The CAR's bytes, pulled as the upload asks for them: header (root: the file), then each inner node of
// the file (from the object store) and each leaf (read from the stored contents at its offset and
// re-hashed against the CID its parent links to: a stored file that changed is corrupt
// naming it, never sent). Memory: one leaf at a time. `progress` gets the content bytes sent so far.
// Raw leaves only (unixfs-v1-2025); the source must not outlive `repository`.
Result<ipfs::ByteSource> file_blocks_car(repo::Repository& repository, const codec::Cid& root,
                                         const ipfs::ProgressCallback& progress);

}  // namespace mlchain::remote
