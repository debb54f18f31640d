#pragma once
// Writes a file's contents that came from elsewhere (an IPFS node, a CAR) into the content store, and
// keeps them only if they re-import, under the profile, to the root CID they were asked for: the bytes
// are chunked and hashed as they arrive (one pass, memory of one chunk), the file's blocks (leaves and
// inner nodes) go to a repo::ContentWriter, and none is committed unless the root matches. So a node that serves the
// right blocks in another layout, or wrong bytes, never leaves a file behind.

#include <filesystem>
#include <memory>
#include <optional>

#include "mlchain/repo/content_store.hpp"
#include "mlchain/repo/prestaged_file.hpp"

namespace mlchain::remote {

class VerifiedContentWriter {
 public:
  // With `copy`, the contents are also written there from the same buffers (a clone's work tree file,
  // written as the bytes arrive instead of copied out of the store afterwards); it is removed unless
  // finish() succeeds, which then gives its path.
  static Result<VerifiedContentWriter> begin(const repo::ContentStore& contents, const codec::Cid& expected,
                                             const unixfs::Profile& profile,
                                             std::optional<repo::PrestagedFile> copy = std::nullopt);
  VerifiedContentWriter(VerifiedContentWriter&&) noexcept;
  VerifiedContentWriter& operator=(VerifiedContentWriter&&) = delete;
  ~VerifiedContentWriter();

  Status append(ByteView bytes);
  std::uint64_t size() const;
  // corrupt "contents served for <cid> re-import to <other>" when they do not match (the
  // blocks written are removed); else they are handed to `batch`, for the caller to commit with the other
  // files it receives: one flush for all of them, the copy included. The copy's path, if there is one.
  Result<std::optional<std::filesystem::path>> finish(std::string_view source, repo::ContentWriter& batch);

 private:
  struct State;
  explicit VerifiedContentWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace mlchain::remote
