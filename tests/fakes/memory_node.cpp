#include "memory_node.hpp"

#include <array>

#include "mlchain/codec/car.hpp"
#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/ipfs/file_walk.hpp"

namespace mlchain::testing {
namespace {

// The CIDs a block links to, in the order they appear: dag-pb links, every link anywhere in a dag-cbor
// value; a raw block links nothing.
Result<std::vector<codec::Cid>> links_of(const codec::Cid& cid, ByteView block) {
  std::vector<codec::Cid> links;
  if (cid.codec() == codec::multicodec::dag_pb) {
    MLCHAIN_TRY(auto node, codec::PbNode::decode(block));
    for (auto& link : node.links) links.push_back(std::move(link.hash));
  } else if (cid.codec() == codec::multicodec::dag_cbor) {
    MLCHAIN_TRY(auto value, codec::dag_cbor::decode(block));
    std::vector<const codec::dag_cbor::Value*> pending{&value};
    while (!pending.empty()) {
      const auto* next = pending.back();
      pending.pop_back();
      if (const auto* link = next->get_if<codec::Cid>()) links.push_back(*link);
      if (const auto* list = next->get_if<codec::dag_cbor::List>()) {
        for (auto item = list->rbegin(); item != list->rend(); ++item) pending.push_back(&*item);
      }
      if (const auto* map = next->get_if<codec::dag_cbor::Map>()) {
        for (auto entry = map->rbegin(); entry != map->rend(); ++entry) pending.push_back(&entry->second);
      }
    }
  }
  return links;
}

// Blocks of an imported file go to the node as add does it: each stored as it is made.
class NodeSink final : public unixfs::BlockSink {
 public:
  explicit NodeSink(std::function<Status(const codec::Cid&, ByteView)> store) : store_(std::move(store)) {}
  Status put(const codec::Cid& cid, ByteView block) override { return store_(cid, block); }

 private:
  std::function<Status(const codec::Cid&, ByteView)> store_;
};

}  // namespace

MemoryNode::MemoryNode(bool writable, std::string url)
    : MemoryNode(writable, std::move(url), std::make_shared<Blockstore>()) {}

MemoryNode::MemoryNode(bool writable, std::string url, std::shared_ptr<Blockstore> blockstore)
    : writable_(writable), url_(std::move(url)), blockstore_(std::move(blockstore)) {}

MemoryNode MemoryNode::read_only_view(std::string url) const { return MemoryNode(false, std::move(url), blockstore_); }

Status MemoryNode::check_reachable(const std::string& what) const {
  if (!offline_) return {};
  return make_error(ErrorKind::remote_unavailable, what + ": IPFS node " + url_ + " is unreachable");
}

Status MemoryNode::refuse_if_read_only(const std::string& what) const {
  MLCHAIN_TRY_STATUS(check_reachable(what));
  if (writable_) return {};
  return make_error(ErrorKind::unsupported, "cannot " + what + ": " + url_ + " is a read-only gateway");
}

Status MemoryNode::store(const codec::Cid& cid, ByteView block) {
  if (writes_left_) {
    if (*writes_left_ == 0) {
      return make_error(ErrorKind::remote_unavailable,
                        "storing block " + cid.to_string() + ": the connection to IPFS node " + url_ + " was cut");
    }
    --*writes_left_;
  }
  blockstore_->blocks[cid.hash()] = Bytes(block.begin(), block.end());
  ++blocks_written_;
  return {};
}

const Bytes* MemoryNode::find(const codec::Cid& cid) const {
  const auto found = blockstore_->blocks.find(cid.hash());
  return found == blockstore_->blocks.end() ? nullptr : &found->second;
}

Result<bool> MemoryNode::has_block(const codec::Cid& cid) {
  MLCHAIN_TRY_STATUS(check_reachable("block/stat " + cid.to_string()));
  if (!writable_) {
    return make_error(ErrorKind::unsupported,
                      "gateway " + url_ + " cannot say whether it holds " + cid.to_string() + " without fetching it");
  }
  return find(cid) != nullptr;
}

Result<Bytes> MemoryNode::get_block(const codec::Cid& cid) {
  const auto what = "block/get " + cid.to_string();
  MLCHAIN_TRY_STATUS(check_reachable(what));
  const auto* block = find(cid);
  if (!block) return make_error(ErrorKind::remote_unavailable, what + ": IPFS node " + url_ + " does not hold it");
  MLCHAIN_TRY_STATUS(ipfs::check_block(cid, *block, "IPFS node " + url_));
  return *block;
}

Status MemoryNode::read_file(const codec::Cid& root, const unixfs::Profile&,
                             const std::function<Status(ByteView)>& on_bytes, const ipfs::ProgressCallback& progress) {
  MLCHAIN_TRY_STATUS(check_reachable("cat " + root.to_string()));
  return ipfs::walk_file(
      root, [this](const codec::Cid& cid) { return get_block(cid); }, on_bytes, progress, url_);
}

Status MemoryNode::walk_dag(const codec::Cid& root, const std::string& what,
                            const std::function<Status(const codec::Cid&, const Bytes&)>& visit) const {
  std::set<codec::Multihash> seen;
  std::vector<codec::Cid> pending{root};
  while (!pending.empty()) {
    auto cid = std::move(pending.back());
    pending.pop_back();
    if (!seen.insert(cid.hash()).second) continue;
    const auto* block = find(cid);
    if (!block) {
      return make_error(ErrorKind::remote_unavailable,
                        what + ": IPFS node " + url_ + " does not hold block " + cid.to_string());
    }
    MLCHAIN_TRY_STATUS(visit(cid, *block));
    auto links = links_of(cid, *block);
    if (!links) {
      return make_error(ErrorKind::remote_unavailable, what + ": IPFS node " + url_ + " cannot decode block " +
                                                           cid.to_string() + ": " + links.error().message);
    }
    pending.insert(pending.end(), links->rbegin(), links->rend());
  }
  return {};
}

Status MemoryNode::read_dag(const codec::Cid& root, const ipfs::BlockCallback& on_block,
                            const ipfs::ProgressCallback& progress) {
  const auto what = "dag/export " + root.to_string();
  MLCHAIN_TRY_STATUS(check_reachable(what));
  codec::CarReader reader(on_block, root);
  std::uint64_t sent = 0;
  auto send = [&](ByteView bytes) -> Status {
    sent += bytes.size();
    if (progress) progress(sent);
    auto fed = reader.feed(bytes);
    if (!fed.ok()) return make_error(fed.error().kind, what + " from IPFS node " + url_ + ": " + fed.error().message);
    return fed;
  };
  MLCHAIN_TRY_STATUS(send(codec::encode_car_header({root})));
  // Blocks go out as the walk reaches them, so a block missing deep in the DAG fails the stream after the
  // ones before it were delivered, as a streamed export does.
  MLCHAIN_TRY_STATUS(walk_dag(root, what, [&](const codec::Cid& cid, const Bytes& block) {
    return send(codec::encode_car_section(cid, block));
  }));
  auto finished = reader.finish();
  if (!finished.ok()) {
    return make_error(finished.error().kind, what + " from IPFS node " + url_ + ": " + finished.error().message);
  }
  return {};
}

Status MemoryNode::put_block(const codec::Cid& cid, ByteView block) {
  const auto what = "block/put " + cid.to_string();
  MLCHAIN_TRY_STATUS(refuse_if_read_only("store block " + cid.to_string()));
  const auto codec = cid.codec();
  if ((codec != codec::multicodec::raw && codec != codec::multicodec::dag_pb && codec != codec::multicodec::dag_cbor) ||
      cid.hash().code != codec::multihash_code::sha2_256) {
    return make_error(ErrorKind::unsupported, what + ": only sha2-256 raw, dag-pb and dag-cbor blocks are stored");
  }
  if (!cid.matches(block)) {
    return make_error(ErrorKind::internal, what + ": the block to store does not hash to its CID");
  }
  return store(cid, block);
}

Result<codec::Cid> MemoryNode::add_file(const std::filesystem::path& path, const unixfs::Profile& profile,
                                        const ipfs::ProgressCallback& progress) {
  MLCHAIN_TRY_STATUS(refuse_if_read_only("upload " + path.string()));
  NodeSink sink([this](const codec::Cid& cid, ByteView block) { return store(cid, block); });
  fs::ImportOptions options;
  options.threads = 1;
  std::uint64_t read = 0;
  if (progress) {
    options.on_chunk = [&](ByteView chunk) -> Status {
      read += chunk.size();
      progress(read);
      return {};
    };
  }
  MLCHAIN_TRY(auto imported, fs::import_file(path, profile, sink, options));
  return imported.cid;
}

Status MemoryNode::import_car(const ipfs::ByteSource& car, const ipfs::ProgressCallback& progress) {
  const std::string what = "dag/import";
  MLCHAIN_TRY_STATUS(refuse_if_read_only("import a CAR"));
  // The node re-hashes every block as the CAR codec reads it; a CAR it cannot read is the node's error
  // answer, as Kubo's dag/import gives one.
  std::optional<Error> store_failure;
  codec::CarReader reader([&](const codec::Cid& cid, ByteView block) -> Status {
    auto stored = store(cid, block);
    if (!stored.ok()) store_failure = stored.error();
    return stored;
  });
  auto refused = [&](const Error& error) -> Error {
    if (store_failure) return *store_failure;
    return make_error(ErrorKind::remote_unavailable,
                      what + ": IPFS node " + url_ + " refused the CAR: " + error.message);
  };
  std::array<std::uint8_t, 64 * 1024> buffer{};
  std::uint64_t sent = 0;
  while (true) {
    MLCHAIN_TRY(const auto n, car(buffer));
    if (n == 0) break;
    sent += n;
    if (progress) progress(sent);
    auto fed = reader.feed(ByteView(buffer.data(), n));
    if (!fed.ok()) return refused(fed.error());
  }
  auto finished = reader.finish();
  if (!finished.ok()) return refused(finished.error());
  return {};
}

Status MemoryNode::pin(const codec::Cid& root) {
  const auto what = "pin/add " + root.to_string();
  MLCHAIN_TRY_STATUS(refuse_if_read_only("pin " + root.to_string()));
  MLCHAIN_TRY_STATUS(walk_dag(root, what, [](const codec::Cid&, const Bytes&) -> Status { return {}; }));
  blockstore_->pins.insert(root.hash());
  return {};
}

Result<bool> MemoryNode::holds_dag(const codec::Cid& root, std::uint64_t) {
  const auto what = "refs " + root.to_string();
  MLCHAIN_TRY_STATUS(refuse_if_read_only(what));
  return walk_dag(root, what, [](const codec::Cid&, const Bytes&) -> Status { return {}; }).ok();
}

Status MemoryNode::pin_blocks(const std::vector<codec::Cid>& blocks) {
  for (const auto& cid : blocks) {
    MLCHAIN_TRY_STATUS(refuse_if_read_only("pin " + cid.to_string()));
    if (!holds(cid)) return make_error(ErrorKind::not_found, "pin/add " + cid.to_string() + ": block not held");
    blockstore_->pins.insert(cid.hash());
  }
  return {};
}

Status MemoryNode::unpin(const codec::Cid& root) {
  MLCHAIN_TRY_STATUS(refuse_if_read_only("unpin " + root.to_string()));
  blockstore_->pins.erase(root.hash());
  return {};
}

void MemoryNode::tamper(const codec::Cid& cid, Bytes bytes) { blockstore_->blocks[cid.hash()] = std::move(bytes); }

void MemoryNode::drop(const codec::Cid& cid) {
  blockstore_->blocks.erase(cid.hash());
  blockstore_->pins.erase(cid.hash());
}

void MemoryNode::fail_writes_after(std::size_t successful_writes) { writes_left_ = successful_writes; }

void MemoryNode::go_offline(bool offline) { offline_ = offline; }

bool MemoryNode::holds(const codec::Cid& cid) const { return find(cid) != nullptr; }

bool MemoryNode::pinned(const codec::Cid& cid) const { return blockstore_->pins.contains(cid.hash()); }

}  // namespace mlchain::testing
