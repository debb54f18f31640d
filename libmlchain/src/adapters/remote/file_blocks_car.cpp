#include "file_blocks_car.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <variant>

#include "mlchain/codec/car.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"
#include "mlchain/unixfs/file_builder.hpp"

namespace mlchain::remote {
namespace {

using codec::Cid;

// One block of a file's DAG as the walk meets it: leaves in file order, each node after the blocks below it,
// so that a CAR cut short leaves the node without the file's root, and a push planned again sends it again.
struct FileBlock {
  const Cid& cid;
  std::uint64_t offset = 0;       // of its first content byte in the file
  std::uint64_t size = 0;         // content bytes under it
  const Bytes* stored = nullptr;  // an inner node's block; a leaf is read from the stored contents in its turn
  bool leaf = false;
  bool left_out = false;  // in the set left out, or below a node that is
};

// Walks a stored file's DAG from the inner nodes the object store keeps. A raw leaf is known by its codec;
// a unixfs-v0-2015 dag-pb leaf by having no links, or, in an older repository, which kept leaves only
// inside the whole file in files/ (docs/format.md §5), by being absent from objects/: a dag-pb block the
// store lacks is a leaf when its size fits one chunk, a missing inner node else.
class FileDagWalk {
 public:
  FileDagWalk(core::ObjectStore& objects, const unixfs::Profile& profile, const std::set<Cid>& left_out,
              std::function<Status(const FileBlock&)> visit)
      : objects_(objects), profile_(profile), left_out_(left_out), visit_(std::move(visit)) {}

  Status walk(const Cid& cid, std::uint64_t size, std::size_t depth, bool left_out) {
    left_out = left_out || left_out_.contains(cid);
    if (cid.codec() == codec::multicodec::raw) return leaf(cid, size, left_out);
    if (depth > 32 || cid.codec() != codec::multicodec::dag_pb)
      return make_error(ErrorKind::corrupt, "file node " + cid.to_string() + " is not a UnixFS file node");
    auto block = objects_.get(cid);
    if (!block) {
      if (block.error().kind == ErrorKind::not_found && !profile_.raw_leaves && size <= profile_.chunk_size)
        return leaf(cid, size, left_out);
      return std::move(block).error();
    }
    MLCHAIN_TRY(const auto node, codec::PbNode::decode(*block));
    if (!node.data) return make_error(ErrorKind::corrupt, "file node " + cid.to_string() + " has no UnixFS data");
    MLCHAIN_TRY(const auto data, codec::UnixfsData::decode(*node.data));
    if (node.links.empty()) return leaf(cid, size, left_out);
    if (data.type != codec::UnixfsType::file || data.blocksizes.size() != node.links.size() ||
        (data.data && !data.data->empty()))
      return make_error(ErrorKind::corrupt, "file node " + cid.to_string() + " is not a node of leaves");
    const auto offset = offset_;
    for (std::size_t i = 0; i < node.links.size(); ++i)
      MLCHAIN_TRY_STATUS(walk(node.links[i].hash, data.blocksizes[i], depth + 1, left_out));
    return visit_(FileBlock{cid, offset, size, &*block, false, left_out});
  }

  std::uint64_t size() const { return offset_; }

 private:
  Status leaf(const Cid& cid, std::uint64_t size, bool left_out) {
    MLCHAIN_TRY_STATUS(visit_(FileBlock{cid, offset_, size, nullptr, true, left_out}));
    offset_ += size;
    return {};
  }

  core::ObjectStore& objects_;
  const unixfs::Profile& profile_;
  const std::set<Cid>& left_out_;
  std::function<Status(const FileBlock&)> visit_;
  std::uint64_t offset_ = 0;
};

Status walk_stored_file(repo::Repository& repository, const Cid& root, std::uint64_t size,
                        const std::set<Cid>& left_out, const std::function<Status(const FileBlock&)>& visit) {
  FileDagWalk walk(repository.objects(), repo::profile_of_cid(root), left_out, visit);
  MLCHAIN_TRY_STATUS(walk.walk(root, size, 0, false));
  if (walk.size() != size)
    return make_error(ErrorKind::corrupt, "the DAG of " + root.to_string() + " holds " + std::to_string(walk.size()) +
                                              " bytes, its stored contents " + std::to_string(size));
  return {};
}

struct StoredBlock {
  Cid cid;
  Bytes block;
};
struct Leaf {
  Cid cid;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};
// A leaf the CAR holds already (a file of repeated chunks, such as zeros): its bytes count, nothing is sent.
struct Repeated {
  std::uint64_t size = 0;
};
using Section = std::variant<StoredBlock, Leaf, Repeated>;

class FileBlocksCar {
 public:
  FileBlocksCar(std::vector<Section> sections, repo::ContentReader reader, const Cid& root,
                ipfs::ProgressCallback progress)
      : sections_(std::move(sections)),
        reader_(std::move(reader)),
        profile_(repo::profile_of_cid(root)),
        progress_(std::move(progress)),
        pending_(codec::encode_car_header({root})) {}

  Result<std::size_t> read(std::span<std::uint8_t> buffer) {
    while (sent_ == pending_.size()) {
      if (next_ == sections_.size()) return std::size_t{0};
      MLCHAIN_TRY_STATUS(load(sections_[next_++]));
    }
    const std::size_t take = std::min(buffer.size(), pending_.size() - sent_);
    std::memcpy(buffer.data(), pending_.data() + sent_, take);
    sent_ += take;
    return take;
  }

 private:
  Status load(const Section& section) {
    sent_ = 0;
    if (const auto* repeated = std::get_if<Repeated>(&section)) {
      pending_.clear();
      content_sent_ += repeated->size;
      if (progress_) progress_(content_sent_);
      return {};
    }
    if (const auto* stored = std::get_if<StoredBlock>(&section)) {
      pending_ = codec::encode_car_section(stored->cid, stored->block);
      return {};
    }
    const auto& leaf = std::get<Leaf>(section);
    chunk_.resize(leaf.size);
    MLCHAIN_TRY(const auto read, reader_.read_at(leaf.offset, chunk_));
    bool matches = read == leaf.size;
    if (matches && profile_.raw_leaves) {
      matches = leaf.cid.matches(chunk_);
      if (matches) pending_ = codec::encode_car_section(leaf.cid, chunk_);
    } else if (matches) {
      const auto made = unixfs::make_leaf(profile_, chunk_);
      matches = leaf.cid.matches(made.block);
      if (matches) pending_ = codec::encode_car_section(leaf.cid, made.block);
    }
    if (!matches)
      return make_error(ErrorKind::corrupt, "stored contents " + reader_.path().string() + " no longer hold leaf " +
                                                leaf.cid.to_string() + " at byte " + std::to_string(leaf.offset) +
                                                "; run 'mlchain fsck'");
    content_sent_ += leaf.size;
    if (progress_) progress_(content_sent_);
    return {};
  }

  std::vector<Section> sections_;
  repo::ContentReader reader_;
  const unixfs::Profile& profile_;
  ipfs::ProgressCallback progress_;
  Bytes pending_;
  std::size_t sent_ = 0;
  std::size_t next_ = 0;
  Bytes chunk_;
  std::uint64_t content_sent_ = 0;
};

}  // namespace

Result<FileBlockCount> count_file_blocks(repo::Repository& repository, const Cid& root, const std::set<Cid>& left_out) {
  MLCHAIN_TRY(const auto size, repository.contents().size(root));
  FileBlockCount count;
  std::set<Cid> distinct;
  MLCHAIN_TRY_STATUS(walk_stored_file(repository, root, size, left_out, [&](const FileBlock& block) -> Status {
    if (distinct.insert(block.cid).second) ++count.blocks;
    if (!block.left_out) return {};
    ++count.blocks_left;
    if (block.leaf) count.bytes_left += block.size;
    return {};
  }));
  return count;
}

Result<std::set<Cid>> blocks_of_files(repo::Repository& repository, const std::vector<Cid>& roots) {
  std::set<Cid> blocks;
  const std::set<Cid> none;
  for (const auto& root : roots) {
    if (blocks.contains(root)) continue;
    MLCHAIN_TRY(const auto whole, repository.contents().whole_file(root));
    if (!whole) {  // stored as blocks: listed without reading the leaves
      MLCHAIN_TRY(const auto stored, repository.contents().stored_blocks(root));
      blocks.insert(stored.begin(), stored.end());
      continue;
    }
    MLCHAIN_TRY(const auto size, repository.contents().size(root));
    MLCHAIN_TRY_STATUS(walk_stored_file(repository, root, size, none, [&](const FileBlock& block) -> Status {
      blocks.insert(block.cid);
      return {};
    }));
  }
  return blocks;
}

Result<ipfs::ByteSource> file_blocks_car(repo::Repository& repository, const Cid& root,
                                         const ipfs::ProgressCallback& progress, const std::set<Cid>& left_out) {
  MLCHAIN_TRY(auto reader, repository.contents().open(root));
  std::vector<Section> sections;
  std::set<Cid> listed;  // each block goes once, however often the file repeats it
  MLCHAIN_TRY_STATUS(walk_stored_file(repository, root, reader.size(), left_out, [&](const FileBlock& block) -> Status {
    if (block.left_out) return {};
    if (!listed.insert(block.cid).second) {
      if (!block.stored) sections.emplace_back(Repeated{block.size});
      return {};
    }
    if (block.stored)
      sections.emplace_back(StoredBlock{block.cid, *block.stored});
    else
      sections.emplace_back(Leaf{block.cid, block.offset, block.size});
    return {};
  }));
  auto car = std::make_shared<FileBlocksCar>(std::move(sections), std::move(reader), root, progress);
  return ipfs::ByteSource([car](std::span<std::uint8_t> buffer) { return car->read(buffer); });
}

}  // namespace mlchain::remote
