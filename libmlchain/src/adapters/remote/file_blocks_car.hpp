#pragma once
// A stored file as a CAR of exactly our blocks, made while it is read: for files whose DAG a node's
// `add` would build differently, and for files the node holds part of already (push.cpp says when), so
// the node receives our CIDs, not its own, and only the blocks it lacks.

#include <set>

#include "mlchain/ipfs/node.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::remote {

// The blocks of a stored file against a set of blocks left out (those of files the node was given before).
// A node that holds a block holds what lies under it, so a block is left out when it or a node above it is.
struct FileBlockCount {
  std::uint64_t blocks = 0;       // distinct blocks of the file's DAG (a leaf repeated counts once)
  std::uint64_t blocks_left = 0;  // in `left_out`, or below a node in it
  std::uint64_t bytes_left = 0;   // content bytes under those
};

// Counts from the file's blocks in the object store (a unixfs-v0-2015 leaf is read to tell it from an inner
// node; raw leaves are not read).
Result<FileBlockCount> count_file_blocks(repo::Repository& repository, const codec::Cid& root,
                                         const std::set<codec::Cid>& left_out);

// The leaves and inner nodes of every file under `roots` (files whose contents are one block count that
// block), listed from the object store without reading leaves: the blocks a node holds if it holds those files.
Result<std::set<codec::Cid>> blocks_of_files(repo::Repository& repository, const std::vector<codec::Cid>& roots);

// The CAR's bytes, pulled as the upload asks for them: header (root: the file), then each leaf (read from
// the stored contents at its offset through repo::ContentReader, whichever layout holds them, made into
// its block under the file's profile and re-hashed against
// the CID its parent links to: a stored file that changed is corrupt naming it, never sent) and each inner
// node (from the object store) after the blocks below it, the root last, so that a node cut off mid-way
// does not hold the root; leaving out every block in `left_out` and what lies under it.
// Memory: one leaf at a time. `progress` gets the content bytes sent so far. The source must not outlive
// `repository`.
Result<ipfs::ByteSource> file_blocks_car(repo::Repository& repository, const codec::Cid& root,
                                         const ipfs::ProgressCallback& progress,
                                         const std::set<codec::Cid>& left_out = {});

}  // namespace mlchain::remote
