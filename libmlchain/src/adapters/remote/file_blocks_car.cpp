#include "file_blocks_car.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <variant>

#include "mlchain/codec/car.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"
#include "mlchain/fs/file_reader.hpp"

namespace mlchain::remote {
namespace {

using codec::Cid;

struct InnerNode {
  Cid cid;
  Bytes block;
};
struct Leaf {
  Cid cid;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};
using Section = std::variant<InnerNode, Leaf>;

// Lists the file's sections in DAG order. Inner nodes are small (a few per GiB), so they are kept; leaves
// are only their place in the file, read when their turn comes.
class DagLister {
 public:
  DagLister(core::ObjectStore& objects, std::vector<Section>& sections) : objects_(objects), sections_(sections) {}

  Status list(const Cid& cid, std::uint64_t size, std::size_t depth) {
    if (cid.codec() == codec::multicodec::raw) {
      sections_.push_back(Leaf{cid, offset_, size});
      offset_ += size;
      return {};
    }
    if (depth > 32 || cid.codec() != codec::multicodec::dag_pb)
      return make_error(ErrorKind::corrupt, "file node " + cid.to_string() + " is not a UnixFS file node");
    MLCHAIN_TRY(auto block, objects_.get(cid));
    MLCHAIN_TRY(const auto node, codec::PbNode::decode(block));
    if (!node.data) return make_error(ErrorKind::corrupt, "file node " + cid.to_string() + " has no UnixFS data");
    MLCHAIN_TRY(const auto data, codec::UnixfsData::decode(*node.data));
    if (data.type != codec::UnixfsType::file || data.blocksizes.size() != node.links.size() ||
        (data.data && !data.data->empty()))
      return make_error(ErrorKind::corrupt, "file node " + cid.to_string() + " is not a node of raw leaves");
    sections_.push_back(InnerNode{cid, std::move(block)});
    for (std::size_t i = 0; i < node.links.size(); ++i)
      MLCHAIN_TRY_STATUS(list(node.links[i].hash, data.blocksizes[i], depth + 1));
    return {};
  }

  std::uint64_t size() const { return offset_; }

 private:
  core::ObjectStore& objects_;
  std::vector<Section>& sections_;
  std::uint64_t offset_ = 0;
};

class FileBlocksCar {
 public:
  FileBlocksCar(std::vector<Section> sections, repo::ContentReader reader, const Cid& root,
                ipfs::ProgressCallback progress)
      : sections_(std::move(sections)),
        reader_(std::move(reader)),
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
    if (const auto* inner = std::get_if<InnerNode>(&section)) {
      pending_ = codec::encode_car_section(inner->cid, inner->block);
      return {};
    }
    const auto& leaf = std::get<Leaf>(section);
    leaf_.resize(leaf.size);
    MLCHAIN_TRY(const auto read, reader_.read_at(leaf.offset, leaf_));
    if (read != leaf.size || !leaf.cid.matches(leaf_))
      return make_error(ErrorKind::corrupt, "stored contents " + reader_.path().string() + " no longer hold leaf " +
                                                leaf.cid.to_string() + " at byte " + std::to_string(leaf.offset) +
                                                "; run 'mlchain fsck'");
    pending_ = codec::encode_car_section(leaf.cid, leaf_);
    content_sent_ += leaf.size;
    if (progress_) progress_(content_sent_);
    return {};
  }

  std::vector<Section> sections_;
  repo::ContentReader reader_;
  ipfs::ProgressCallback progress_;
  Bytes pending_;
  std::size_t sent_ = 0;
  std::size_t next_ = 0;
  Bytes leaf_;
  std::uint64_t content_sent_ = 0;
};

}  // namespace

Result<ipfs::ByteSource> file_blocks_car(repo::Repository& repository, const Cid& root,
                                         const ipfs::ProgressCallback& progress) {
  MLCHAIN_TRY(auto reader, repository.contents().open(root));
  std::vector<Section> sections;
  DagLister lister(repository.objects(), sections);
  MLCHAIN_TRY_STATUS(lister.list(root, reader.size(), 0));
  if (lister.size() != reader.size())
    return make_error(ErrorKind::corrupt, "the DAG of " + root.to_string() + " holds " + std::to_string(lister.size()) +
                                              " bytes, its stored contents " + std::to_string(reader.size()));
  auto car = std::make_shared<FileBlocksCar>(std::move(sections), std::move(reader), root, progress);
  return ipfs::ByteSource([car](std::span<std::uint8_t> buffer) { return car->read(buffer); });
}

}  // namespace mlchain::remote
