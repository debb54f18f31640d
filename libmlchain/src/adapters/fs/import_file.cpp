#include <algorithm>
#include <array>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "mlchain/codec/sha256_lanes.hpp"
#include "mlchain/fs/file_reader.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/unixfs/file_builder.hpp"

namespace mlchain::fs {
namespace {

using unixfs::FileBuilder;
using unixfs::LeafBuffer;
using unixfs::LeafView;

struct ChunkPlan {
  std::uint64_t count;
  std::size_t chunk_size;
  std::uint64_t file_size;
  std::uint64_t first;  // chunks before it are someone else's (LaneImport's)

  std::uint64_t offset(std::uint64_t index) const { return index * chunk_size; }
  std::size_t length(std::uint64_t index) const {
    return static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, file_size - offset(index)));
  }
};

Result<LeafView> read_leaf(const FileReader& reader, const ChunkPlan& plan, std::uint64_t index, LeafBuffer& buffer) {
  const std::size_t length = plan.length(index);
  MLCHAIN_TRY(auto filled, reader.read_at(plan.offset(index), buffer.chunk_space().first(length)));
  if (filled != length)
    return make_error(ErrorKind::changed_concurrently, reader.path().string() + " shrank while it was being read");
  return buffer.seal(length);
}

// Hands one leaf to the builder, after the caller's chunk hook has seen the chunk's content.
Status hand_over(const LeafView& leaf, LeafBuffer& buffer, const ImportOptions& options, FileBuilder& builder) {
  if (options.on_chunk)
    MLCHAIN_TRY_STATUS(options.on_chunk(buffer.chunk_space().first(static_cast<std::size_t>(leaf.content_size))));
  return builder.add_leaf(leaf);
}

Status import_sequentially(const FileReader& reader, const ChunkPlan& plan, const unixfs::Profile& profile,
                           const ImportOptions& options, FileBuilder& builder) {
  LeafBuffer buffer(profile);
  for (std::uint64_t index = plan.first; index < plan.count; ++index) {
    MLCHAIN_TRY(auto leaf, read_leaf(reader, plan, index, buffer));
    MLCHAIN_TRY_STATUS(hand_over(leaf, buffer, options, builder));
  }
  return {};
}

// Workers read and hash chunks into a ring of slots while this thread hands the finished leaves to the
// builder in file order. A worker may only start chunk i once chunk i - slots has been handed over, so
// memory stays at `slots` chunks whatever the file size, and the reads, though spread over threads,
// move through the file front to back.
class ParallelImport {
 public:
  ParallelImport(const FileReader& reader, const ChunkPlan& plan, const unixfs::Profile& profile, unsigned workers)
      : reader_(reader), plan_(plan), next_chunk_(plan.first), handed_over_(plan.first) {
    const std::size_t slot_count = 2 * static_cast<std::size_t>(workers);
    slots_.reserve(slot_count);
    for (std::size_t i = 0; i < slot_count; ++i) slots_.emplace_back(profile);
    threads_.reserve(workers);
    // Out of threads (a process limit), the import goes on with those it has, or on this thread alone.
    try {
      for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
    }
  }

  ~ParallelImport() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    slot_freed_.notify_all();
    for (auto& thread : threads_) thread.join();
  }

  ParallelImport(const ParallelImport&) = delete;
  ParallelImport& operator=(const ParallelImport&) = delete;

  bool has_workers() const { return !threads_.empty(); }

  Status run(const ImportOptions& options, FileBuilder& builder) {
    for (std::uint64_t index = plan_.first; index < plan_.count; ++index) {
      Slot& slot = slot_of(index);
      std::unique_lock lock(mutex_);
      leaf_ready_.wait(lock, [&] { return slot.ready_chunk == index; });
      if (!slot.leaf.ok()) return slot.leaf.error();
      const LeafView leaf = slot.leaf.value();
      lock.unlock();
      // The slot cannot be reused before handed_over moves past it, so the view stays valid here.
      MLCHAIN_TRY_STATUS(hand_over(leaf, slot.buffer, options, builder));
      lock.lock();
      handed_over_ = index + 1;
      lock.unlock();
      slot_freed_.notify_all();
    }
    return {};
  }

 private:
  struct Slot {
    explicit Slot(const unixfs::Profile& profile) : buffer(profile) {}
    LeafBuffer buffer;
    Result<LeafView> leaf = make_error(ErrorKind::internal, "no chunk read yet");
    std::optional<std::uint64_t> ready_chunk;
  };

  Slot& slot_of(std::uint64_t index) { return slots_[static_cast<std::size_t>(index % slots_.size())]; }

  void work() {
    for (;;) {
      std::unique_lock lock(mutex_);
      const std::uint64_t index = next_chunk_;
      if (index >= plan_.count) return;
      ++next_chunk_;
      slot_freed_.wait(lock, [&] { return stopping_ || index < handed_over_ + slots_.size(); });
      if (stopping_) return;
      lock.unlock();

      Slot& slot = slot_of(index);
      auto leaf = read_leaf(reader_, plan_, index, slot.buffer);

      lock.lock();
      slot.leaf = std::move(leaf);
      slot.ready_chunk = index;
      lock.unlock();
      leaf_ready_.notify_one();
    }
  }

  const FileReader& reader_;
  const ChunkPlan plan_;
  std::vector<Slot> slots_;
  std::vector<std::thread> threads_;

  std::mutex mutex_;
  std::condition_variable leaf_ready_;
  std::condition_variable slot_freed_;
  std::uint64_t next_chunk_;
  std::uint64_t handed_over_;
  bool stopping_ = false;
};

// When nothing wants a leaf's bytes (no on_chunk hook, a sink that discards leaves: `mlchain cid`,
// verification), raw leaves are hashed sixteen at a time with codec::Sha256Lanes, which on an AVX-512
// CPU hashes more bytes per core than hashing one chunk at a time. Each worker takes a run of sixteen
// consecutive full chunks and reads them piece by piece, one piece of each chunk at a time, into its own
// buffer of 16 pieces; this thread hands the runs' CIDs to the builder in file order. A worker starts
// run r only once run r - slots has been handed over, so memory stays at 16 pieces per worker.
class LaneImport {
 public:
  static constexpr std::size_t lanes = codec::Sha256Lanes::lanes;
  // A piece of this size costs one read(2) per 256 KiB, as many as whole-chunk reads of 1 MiB chunks
  // cost per byte (smaller pieces cost more system time, measured), and 16 of them fit the L3 cache.
  static constexpr std::size_t piece_size = 256 * 1024;

  static bool fits(const unixfs::Profile& profile, const ImportOptions& options, const unixfs::BlockSink& sink) {
    return profile.raw_leaves && profile.chunk_size % codec::Sha256Lanes::block_size == 0 && !options.on_chunk &&
           !sink.wants_leaf_blocks() && codec::Sha256Lanes::available();
  }

  LaneImport(const FileReader& reader, const ChunkPlan& plan, std::uint64_t runs, unsigned workers)
      : reader_(reader), plan_(plan), runs_(runs), results_(2 * static_cast<std::size_t>(workers)) {
    threads_.reserve(workers);
    try {
      for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
    }
  }

  ~LaneImport() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    slot_freed_.notify_all();
    for (auto& thread : threads_) thread.join();
  }

  LaneImport(const LaneImport&) = delete;
  LaneImport& operator=(const LaneImport&) = delete;

  Status run(FileBuilder& builder) {
    PieceBuffer buffer;  // only used without workers
    for (std::uint64_t run = 0; run < runs_; ++run) {
      Result<RunCids> cids = make_error(ErrorKind::internal, "no run hashed yet");
      if (threads_.empty()) {
        cids = hash_run(run, buffer);
      } else {
        Slot& slot = results_[static_cast<std::size_t>(run % results_.size())];
        std::unique_lock lock(mutex_);
        run_ready_.wait(lock, [&] { return slot.ready_run == run; });
        cids = std::move(slot.cids);
        handed_over_ = run + 1;
        lock.unlock();
        slot_freed_.notify_all();
      }
      if (!cids) return cids.error();
      for (const auto& cid : *cids) MLCHAIN_TRY_STATUS(builder.add_hashed_leaf(cid, plan_.chunk_size));
    }
    return {};
  }

 private:
  using RunCids = std::array<codec::Cid, lanes>;
  struct Slot {
    Result<RunCids> cids = make_error(ErrorKind::internal, "no run hashed yet");
    std::optional<std::uint64_t> ready_run;
  };
  // 16 pieces, page-aligned: the kernel copies into a page-aligned buffer fastest (file_builder.cpp).
  class PieceBuffer {
   public:
    PieceBuffer() : storage_(lanes * piece_size + page_size) {}
    std::uint8_t* piece(std::size_t lane) {
      const auto address = reinterpret_cast<std::uintptr_t>(storage_.data());
      return storage_.data() + ((page_size - address % page_size) % page_size) + lane * piece_size;
    }

   private:
    static constexpr std::size_t page_size = 4096;
    Bytes storage_;
  };

  Result<RunCids> hash_run(std::uint64_t run, PieceBuffer& buffer) const {
    codec::Sha256Lanes hashes;
    std::array<const std::uint8_t*, lanes> pieces;
    for (std::size_t lane = 0; lane < lanes; ++lane) pieces[lane] = buffer.piece(lane);
    for (std::size_t offset = 0; offset < plan_.chunk_size; offset += piece_size) {
      const std::size_t length = std::min(piece_size, plan_.chunk_size - offset);
      for (std::size_t lane = 0; lane < lanes; ++lane) {
        const std::uint64_t at = plan_.offset(run * lanes + lane) + offset;
        MLCHAIN_TRY(const auto filled, reader_.read_at(at, {buffer.piece(lane), length}));
        if (filled != length)
          return make_error(ErrorKind::changed_concurrently,
                            reader_.path().string() + " shrank while it was being read");
      }
      hashes.update(pieces, length);
    }
    const auto digests = hashes.finish();
    RunCids cids;
    for (std::size_t lane = 0; lane < lanes; ++lane)
      cids[lane] = codec::Cid(
          1, codec::multicodec::raw,
          codec::Multihash{codec::multihash_code::sha2_256, Bytes(digests[lane].begin(), digests[lane].end())});
    return cids;
  }

  void work() {
    PieceBuffer buffer;
    for (;;) {
      std::unique_lock lock(mutex_);
      const std::uint64_t run = next_run_;
      if (run >= runs_) return;
      ++next_run_;
      slot_freed_.wait(lock, [&] { return stopping_ || run < handed_over_ + results_.size(); });
      if (stopping_) return;
      lock.unlock();

      auto cids = hash_run(run, buffer);

      lock.lock();
      Slot& slot = results_[static_cast<std::size_t>(run % results_.size())];
      slot.cids = std::move(cids);
      slot.ready_run = run;
      lock.unlock();
      run_ready_.notify_all();
    }
  }

  const FileReader& reader_;
  const ChunkPlan plan_;
  const std::uint64_t runs_;
  std::vector<Slot> results_;
  std::vector<std::thread> threads_;

  std::mutex mutex_;
  std::condition_variable run_ready_;
  std::condition_variable slot_freed_;
  std::uint64_t next_run_ = 0;
  std::uint64_t handed_over_ = 0;
  bool stopping_ = false;
};

unsigned worker_count(const ImportOptions& options, std::uint64_t chunks) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned wanted = options.threads == 0 ? cores : options.threads;
  return static_cast<unsigned>(std::min<std::uint64_t>(wanted, chunks));
}

}  // namespace

Result<unixfs::ImportedNode> import_file(const std::filesystem::path& path, const unixfs::Profile& profile,
                                         unixfs::BlockSink& sink, const ImportOptions& options) {
  MLCHAIN_TRY(auto reader, FileReader::open(path));
  const std::uint64_t chunk_size = profile.chunk_size;
  ChunkPlan plan{(reader.size() + chunk_size - 1) / chunk_size, profile.chunk_size, reader.size(), 0};
  FileBuilder builder(profile, sink);
  const std::uint64_t lane_runs = reader.size() / chunk_size / LaneImport::lanes;
  if (lane_runs > 0 && LaneImport::fits(profile, options, sink)) {
    LaneImport import(reader, plan, lane_runs, worker_count(options, lane_runs));
    MLCHAIN_TRY_STATUS(import.run(builder));
    plan.first = lane_runs * LaneImport::lanes;
  }
  const unsigned workers = worker_count(options, plan.count - plan.first);
  if (workers <= 1) {
    MLCHAIN_TRY_STATUS(import_sequentially(reader, plan, profile, options, builder));
  } else {
    ParallelImport import(reader, plan, profile, workers);
    if (import.has_workers())
      MLCHAIN_TRY_STATUS(import.run(options, builder));
    else
      MLCHAIN_TRY_STATUS(import_sequentially(reader, plan, profile, options, builder));
  }
  return builder.finish();
}

}  // namespace mlchain::fs
