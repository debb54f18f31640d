#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

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
  for (std::uint64_t index = 0; index < plan.count; ++index) {
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
      : reader_(reader), plan_(plan) {
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
    for (std::uint64_t index = 0; index < plan_.count; ++index) {
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
  std::uint64_t next_chunk_ = 0;
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
  const ChunkPlan plan{(reader.size() + chunk_size - 1) / chunk_size, profile.chunk_size, reader.size()};
  FileBuilder builder(profile, sink);
  const unsigned workers = worker_count(options, plan.count);
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
