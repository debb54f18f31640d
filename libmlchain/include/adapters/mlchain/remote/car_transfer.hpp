#pragma once
// `mlchain export REV --car FILE` and `mlchain import FILE`: a commit's history as one
// CARv1 (codec/car.hpp) that any IPFS node's `dag/import` takes, and back.
//
// Export: root = the commit; sections = every commit block of its history (or `depth` generations),
// every tree block, and every block of every file, made by re-chunking the stored contents under the
// file's profile (the store keeps files whole) — each CID once. Written to a temporary file beside FILE
// and renamed into place, so FILE is whole or absent.
//
// Import: the CAR is read in pieces (never whole in memory), every block re-hashed by the reader; dag
// blocks go to the object store, file leaves to a temporary directory under `.mlchain/` until each file
// is reassembled in DAG order and kept only if it re-imports to its CID. Every root must be a commit
// whose signatures hold and whose history is complete down to where the CAR ends. Branches do not move.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "mlchain/repo/repository.hpp"

namespace mlchain::remote {

struct CarExport {
  codec::Cid root;
  std::uint64_t commits = 0;
  std::uint64_t blocks = 0;             // sections written
  std::uint64_t bytes = 0;              // size of the CAR
  std::vector<codec::Cid> cut_parents;  // parents left out by `depth`
};

Result<CarExport> export_car(repo::Repository& repository, const codec::Cid& commit, std::optional<std::uint64_t> depth,
                             const std::filesystem::path& destination);

struct CarImport {
  std::vector<codec::Cid> roots;
  std::vector<codec::Cid> commits;      // every commit completed from the CAR, roots' histories, head first
  std::vector<codec::Cid> cut_parents;  // where the CAR's history ends (parents neither in it nor stored)
  std::uint64_t blocks = 0;             // sections read
  std::uint64_t files = 0;              // file contents reassembled and stored
  std::uint64_t file_bytes = 0;
};

Result<CarImport> import_car(repo::Repository& repository, const std::filesystem::path& car);

}  // namespace mlchain::remote
