#pragma once
// An ipfs::Node held in memory, for unit tests of the workflows that talk to IPFS (push, fetch, clone,
// remote verify): it keeps the contract of ipfs/node.hpp as the Kubo client does, built from the
// library's own importer, CAR codec and file walk, and adds controls that make it misbehave the ways a
// real node does (lies, loses blocks, drops the connection, goes away). Not thread-safe: the workflows
// call a node from one thread.

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "mlchain/ipfs/node.hpp"

namespace mlchain::testing {

class MemoryNode final : public ipfs::Node {
 public:
  // A read-only node behaves as the trustless gateway client does: reads only, and no has_block.
  explicit MemoryNode(bool writable = true, std::string url = "memory://node");
  // A read-only node at `url` serving this node's blocks, as a daemon's gateway serves its blockstore:
  // what either holds, stores, loses or is tampered with, both see.
  MemoryNode read_only_view(std::string url) const;

  const std::string& url() const override { return url_; }
  bool writable() const override { return writable_; }

  Result<bool> has_block(const codec::Cid& cid) override;
  Result<Bytes> get_block(const codec::Cid& cid) override;
  // Walks the file's DAG block by block (as the gateway client does), so any layout is read.
  Status read_file(const codec::Cid& root, const unixfs::Profile& profile,
                   const std::function<Status(ByteView)>& on_bytes,
                   const ipfs::ProgressCallback& progress = {}) override;
  // Every block under `root` once, depth first, parents before children (as Kubo's dag/export), passed
  // through the CAR codec so that each one is re-hashed. A block missing below the root ends the stream
  // with remote_unavailable, after the blocks before it.
  Status read_dag(const codec::Cid& root, const ipfs::BlockCallback& on_block,
                  const ipfs::ProgressCallback& progress = {}) override;

  Status put_block(const codec::Cid& cid, ByteView block) override;
  Result<codec::Cid> add_file(const std::filesystem::path& path, const unixfs::Profile& profile,
                              const ipfs::ProgressCallback& progress = {}) override;
  Status import_car(const ipfs::ByteSource& car, const ipfs::ProgressCallback& progress = {}) override;
  // remote_unavailable when a block below `root` is missing (a node that holds only part of a DAG).
  Status pin(const codec::Cid& root) override;
  Status pin_blocks(const std::vector<codec::Cid>& blocks) override;
  // false when a block below `root` is missing or does not decode.
  Result<bool> holds_dag(const codec::Cid& root, std::uint64_t blocks) override;
  Status unpin(const codec::Cid& root) override;

  // Test controls.
  // Serves `bytes` under `cid` from now on (a lying node); has_block then says it holds the block.
  void tamper(const codec::Cid& cid, Bytes bytes);
  // Forgets the block (a node that lost data, or a garbage-collected one); its pin goes too.
  void drop(const codec::Cid& cid);
  // After `successful_writes` more blocks are stored, every write is remote_unavailable (a connection
  // cut in the middle of an upload): blocks stored before the cut stay.
  void fail_writes_after(std::size_t successful_writes);
  // While offline, every call is remote_unavailable naming url().
  void go_offline(bool offline);

  // Blocks stored by put_block, add_file and import_car so far, counting a block stored twice twice.
  std::size_t blocks_written() const { return blocks_written_; }
  bool holds(const codec::Cid& cid) const;
  bool pinned(const codec::Cid& cid) const;

 private:
  Status check_reachable(const std::string& what) const;
  Status refuse_if_read_only(const std::string& what) const;
  // Every write of a block goes through here, so fail_writes_after counts them all.
  Status store(const codec::Cid& cid, ByteView block);
  const Bytes* find(const codec::Cid& cid) const;
  // Visits every block under `root` once, depth first, a parent before its children; remote_unavailable
  // naming the first block that is missing or does not decode.
  Status walk_dag(const codec::Cid& root, const std::string& what,
                  const std::function<Status(const codec::Cid&, const Bytes&)>& visit) const;

  // Keyed by multihash, as IPFS blockstores are: a CIDv0 and a CIDv1 of the same dag-pb block are one block.
  struct Blockstore {
    std::map<codec::Multihash, Bytes> blocks;
    std::set<codec::Multihash> pins;
  };
  MemoryNode(bool writable, std::string url, std::shared_ptr<Blockstore> blockstore);

  bool writable_;
  std::string url_;
  std::shared_ptr<Blockstore> blockstore_;
  std::optional<std::size_t> writes_left_;
  bool offline_ = false;
  std::size_t blocks_written_ = 0;
};

}  // namespace mlchain::testing
