#pragma once
// `mlchain push [REMOTE] [BRANCH]` to IPFS, in steps the chain's anchoring
// slots between: plan → upload → pin → (anchor) → record the remote-tracking ref.
//
//   plan:   every commit, tree block and file reachable from the head (all ancestry), minus what the node
//           holds already (has_block; a file counts as held when its root is, since a node stores a
//           file's root only after every block below it). Resuming a cut-off push is planning again.
//           The leaves and file nodes of every file in the histories the node was given before (the
//           heads of refs/remotes/<remote>/…) are listed from the local store, without
//           asking the node: a file to upload leaves out those of its blocks (docs/format.md §6).
//   upload: files first, each as a CAR of its own blocks (file_blocks_car). A file an older repository
//           keeps whole in files/ is streamed with add_file under its profile instead, each CID the node
//           computes compared with ours (a mismatch stops the push: corrupt naming the file and both
//           CIDs), unless the node's add would build another DAG. A file sharing blocks with what the
//           node was given leaves those out of its CAR; then the node must hold the whole file
//           (holds_dag), else the file is sent again whole: a node that lost blocks, or another node
//           behind the same URL, still ends up with every block.
//           Then the commit and tree blocks as one CAR through import_car.
//   pin:    the head, recursively (which fails unless the node holds the whole history).
//   record: refs/remotes/<remote>/<branch> := head, compare-and-swap on what it held before.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mlchain/ipfs/node.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::remote {

struct FileUpload {
  codec::Cid root;
  std::filesystem::path path;  // the whole stored contents (an older repository's files/); empty when stored as blocks
  std::uint64_t size = 0;
  std::uint64_t bytes_left_out = 0;  // content bytes in leaves the node was given before, not sent
  std::uint64_t blocks = 0;          // distinct blocks of the file's DAG, counted when it leaves some out
};

struct PushPlan {
  codec::Cid head;
  std::uint64_t commits = 0;         // in the history
  std::vector<codec::Cid> blocks;    // commit and tree blocks the node lacks
  std::vector<FileUpload> files;     // files the node lacks
  std::uint64_t file_bytes = 0;      // content bytes to send: their sizes less what they leave out
  std::uint64_t blocks_present = 0;  // on the node already
  std::uint64_t files_present = 0;
  // Leaves and file nodes of the files in the histories the node was given before, which uploads leave out.
  std::set<codec::Cid> given_blocks;
  std::uint64_t file_bytes_left_out = 0;  // sum of the files' bytes_left_out
  std::uint64_t files_sent_again = 0;     // files the node turned out to lack blocks of, sent whole
  std::uint64_t file_bytes_sent_again = 0;
};

// (bytes uploaded so far, bytes to upload in all)
using UploadProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// `given_before`: heads whose histories were pushed to or fetched from this node (refs/remotes/<remote>/…);
// one missing locally or whose history cannot be walked is passed over.
Result<PushPlan> plan_push(repo::Repository& repository, ipfs::Node& node, const codec::Cid& head,
                           const std::vector<codec::Cid>& given_before = {});
// Counts the files sent again whole in `plan`.
Status upload(repo::Repository& repository, ipfs::Node& node, PushPlan& plan, const UploadProgress& progress = {});
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
