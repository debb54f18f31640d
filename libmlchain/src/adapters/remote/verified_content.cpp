#include "mlchain/remote/verified_content.hpp"

#include <algorithm>

#include "mlchain/unixfs/file_builder.hpp"

namespace mlchain::remote {

struct VerifiedContentWriter::State {
  State(repo::ContentWriter content_writer, const codec::Cid& root, const unixfs::Profile& p)
      : writer(std::move(content_writer)), expected(root), profile(p), leaves(p), builder(p, writer) {}

  Status flush_chunk() {
    const auto leaf = leaves.seal(filled);
    filled = 0;
    return builder.add_leaf(leaf);
  }

  repo::ContentWriter writer;
  codec::Cid expected;
  unixfs::Profile profile;
  unixfs::LeafBuffer leaves;
  unixfs::FileBuilder builder;
  std::size_t filled = 0;
  std::uint64_t size = 0;
};

VerifiedContentWriter::VerifiedContentWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
VerifiedContentWriter::VerifiedContentWriter(VerifiedContentWriter&&) noexcept = default;
VerifiedContentWriter::~VerifiedContentWriter() = default;

Result<VerifiedContentWriter> VerifiedContentWriter::begin(const repo::ContentStore& contents,
                                                           const codec::Cid& expected, const unixfs::Profile& profile) {
  MLCHAIN_TRY(auto writer, contents.begin_write());
  return VerifiedContentWriter(std::make_unique<State>(std::move(writer), expected, profile));
}

Status VerifiedContentWriter::append(ByteView bytes) {
  state_->size += bytes.size();
  while (!bytes.empty()) {
    auto space = state_->leaves.chunk_space();
    const std::size_t take = std::min(bytes.size(), space.size() - state_->filled);
    std::copy_n(bytes.begin(), take, space.begin() + static_cast<std::ptrdiff_t>(state_->filled));
    state_->filled += take;
    bytes = bytes.subspan(take);
    if (state_->filled == space.size()) MLCHAIN_TRY_STATUS(state_->flush_chunk());
  }
  return {};
}

std::uint64_t VerifiedContentWriter::size() const { return state_->size; }

Status VerifiedContentWriter::finish(std::string_view source) {
  if (state_->filled > 0) MLCHAIN_TRY_STATUS(state_->flush_chunk());
  MLCHAIN_TRY(const auto root, state_->builder.finish());
  if (root.cid != state_->expected) {
    state_->writer.abort();
    return make_error(ErrorKind::corrupt, "the contents " + std::string(source) + " served for " +
                                              state_->expected.to_string() + " re-import to " + root.cid.to_string() +
                                              " under " + std::string(state_->profile.name) + "; nothing stored");
  }
  return state_->writer.commit();
}

}  // namespace mlchain::remote
