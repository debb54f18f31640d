#pragma once
// Single-file proofs (docs/format.md §9): a small CARv1 that shows one file of a signed commit, by its
// CID and size, without the file's contents. Its one root is the proof block, a dag-cbor map naming the
// commit (a link), the path, and, when the commit was anchored, the facts of the head update that did it;
// then come the commit block, the directory and HAMT shard blocks on the way to the path, and the file's
// root block when it is a dag-pb node (a chunked file's root: its size and links, not its chunks). Nothing
// else: a reader refuses any other block, any other order.
//
// This layer builds the CAR from an object store and reads one back, checking every block against its
// CID and every link on the way to the path; whether the commit's signature holds and whether the chain
// agrees with the anchor facts are the adapters' to check (workflow/proof.hpp).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/core/commit.hpp"
#include "mlchain/core/object_store.hpp"

namespace mlchain::core {

// The HeadUpdated event that set `repo`'s `branch` to the proof's commit: where it is on which chain.
struct AnchorFacts {
  std::uint64_t chain_id = 0;
  codec::Address registry;
  std::string repo;
  std::string branch;
  std::array<std::uint8_t, 32> transaction{};
  std::uint64_t block = 0;
  std::array<std::uint8_t, 32> block_hash{};
  std::uint64_t log_index = 0;  // of the event, in its block
  friend bool operator==(const AnchorFacts&, const AnchorFacts&) = default;
};

struct ProofBlock {
  static constexpr std::uint64_t schema_version = 1;
  codec::Cid commit;
  std::string path;                   // '/'-separated, relative to the commit's tree
  std::optional<AnchorFacts> anchor;  // nothing: the commit was not anchored when the proof was made
  friend bool operator==(const ProofBlock&, const ProofBlock&) = default;
};

Result<Bytes> encode_proof_block(const ProofBlock& proof);
// Strict: canonical dag-cbor with exactly the schema's keys and types, version 1, a valid path.
Result<ProofBlock> decode_proof_block(ByteView block);

// invalid_argument unless `path` is one or more '/'-separated names, none empty, "." or "..".
Status check_proof_path(std::string_view path);

// The file at the end of a path.
struct ProvenFile {
  codec::Cid cid;  // the file's root CID: what `mlchain cid` prints for its contents
  std::uint64_t size = 0;
  // Every block from the tree's root to the file, in the order walked: directories, HAMT shards, and the
  // file's root block when it is a dag-pb node (a raw-leaf file is its own contents and is left out).
  std::vector<codec::Cid> blocks;
};

// Follows `path` from `tree` through flat and HAMT-sharded directories, reading each block through
// `objects`. not_found naming the path when an entry is missing; invalid_argument when the path names a
// directory or symlink, or goes through a file; corrupt for a block that is not what its link says.
Result<ProvenFile> walk_to_file(ObjectStore& objects, const codec::Cid& tree, std::string_view path);

struct ProofCar {
  Bytes bytes;  // the whole CARv1
  codec::Cid root;
  ProvenFile file;
  std::uint64_t blocks = 0;  // sections, the proof block included
};
// The proof of `path` in `commit` (a stored commit block), its blocks read from `objects`.
Result<ProofCar> build_proof_car(ObjectStore& objects, const codec::Cid& commit, std::string_view path,
                                 const std::optional<AnchorFacts>& anchor);

struct OpenedProof {
  ProofBlock proof;
  Commit commit;  // decoded; its signature is not checked here
  ProvenFile file;
  std::uint64_t blocks = 0;
};
// A proof CAR read back: corrupt, naming what is wrong, for a CAR that does not decode, a block that does
// not hash to its CID, a root that is not one proof block, a commit that does not decode, a path that the
// blocks do not lead along, a block missing, left over, repeated or out of order.
Result<OpenedProof> open_proof_car(ByteView car);

}  // namespace mlchain::core
