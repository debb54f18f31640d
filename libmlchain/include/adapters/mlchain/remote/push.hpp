#pragma once
// `mlchain push [REMOTE] [BRANCH]` to IPFS, in steps the chain's anchoring
// slots between: plan → upload → pin → (anchor) → record the remote-tracking ref.
//
//   plan:   every commit, tree block and file reachable from the head (all ancestry), minus what the node
//           holds already (has_block; a file counts as held when its root is, since a node stores a
//           file's root only after every block below it). Resuming a cut-off push is planning again.
//   upload: files first, streamed with add_file under their profile, each CID the node computes compared
//           with ours (a mismatch stops the push: corrupt naming the file and both CIDs);
//           then the commit and tree blocks as one CAR through import_car.
//   pin:    the head, recursively (which fails unless the node holds the whole history).
//   record: refs/remotes/<remote>/<branch> := head, compare-and-swap on what it held before.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlchain/ipfs/node.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::remote {

struct FileUpload {
  codec::Cid root;
  std::filesystem::path path;  // the whole stored contents (an older repository's files/); empty when stored as blocks
  std::uint64_t size = 0;
};

struct PushPlan {
  codec::Cid head;
  std::uint64_t commits = 0;         // in the history
  std::vector<codec::Cid> blocks;    // commit and tree blocks the node lacks
  std::vector<FileUpload> files;     // files the node lacks
  std::uint64_t file_bytes = 0;      // sum of their sizes
  std::uint64_t blocks_present = 0;  // on the node already
  std::uint64_t files_present = 0;
};

// (bytes uploaded so far, bytes to upload in all)
using UploadProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

Result<PushPlan> plan_push(repo::Repository& repository, ipfs::Node& node, const codec::Cid& head);
Status upload(repo::Repository& repository, ipfs::Node& node, const PushPlan& plan,
              const UploadProgress& progress = {});
// Stored commit and tree blocks as one CAR whose root is `head` (nothing pinned); nothing for no blocks.
Status upload_blocks(repo::Repository& repository, ipfs::Node& node, const codec::Cid& head,
                     const std::vector<codec::Cid>& blocks);
Status pin_head(ipfs::Node& node, const codec::Cid& head);
// The remote-tracking ref's full name, e.g. "refs/remotes/origin/main".
std::string remote_ref_name(std::string_view remote, std::string_view branch);
// Sets the ref to `head` if it still holds `expected` (changed_concurrently otherwise).
Status record_remote_ref(repo::Repository& repository, std::string_view remote, std::string_view branch,
                         const std::optional<codec::Cid>& expected, const codec::Cid& head);

}  // namespace mlchain::remote
