#include "mlchain/remote/verified_content.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>

#include "mlchain/unixfs/file_builder.hpp"

namespace mlchain::remote {
namespace {

// Chunks in flight between the thread that receives the bytes and the one that hashes and stores them:
// enough for either to run ahead while the other waits on the network or the disk, few enough that
// memory stays a handful of chunks whatever the file size.
constexpr std::size_t chunk_slots = 4;

}  // namespace

// The bytes are received on the caller's thread and chunked into slots; full chunks are framed, hashed
// and written on a thread of their own, in file order, so the receiving, the hashing and the writing
// overlap. The thread starts with the second chunk: a file of one chunk is handled where it arrives.
struct VerifiedContentWriter::State {
  State(repo::ContentWriter content_writer, const codec::Cid& root, const unixfs::Profile& p,
        std::optional<repo::PrestagedFile> work_tree_copy)
      : writer(std::move(content_writer)),
        expected(root),
        profile(p),
        builder(p, writer),
        copy(std::move(work_tree_copy)) {
    for (std::size_t i = 0; i < chunk_slots; ++i) {
      slots.push_back(std::make_unique<unixfs::LeafBuffer>(p));
      free_slots.push_back(i);
    }
    current = take_free_slot();
  }

  ~State() { stop_worker(); }

  // A chunk full or last: to the worker once there is one, else sealed here.
  Status hand_over(std::size_t length) {
    const std::size_t slot = current;
    if (!worker.joinable() && sealed_once && !alone) {
      try {
        worker = std::thread([this] { work(); });
      } catch (const std::system_error&) {
        alone = true;  // out of threads (a process limit): every chunk is sealed here, one after another
      }
    }
    if (!worker.joinable()) {
      sealed_once = true;
      return seal(slot, length);
    }
    {
      std::lock_guard lock(mutex);
      queue.emplace_back(slot, length);
    }
    wake_worker.notify_one();
    std::unique_lock lock(mutex);
    slot_freed.wait(lock, [&] { return !free_slots.empty() || !failure.ok(); });
    if (!failure.ok()) return failure;
    current = free_slots.front();
    free_slots.pop_front();
    return {};
  }

  // Waits until every chunk handed over is sealed; the worker's first error, if any.
  Status drain() {
    if (!worker.joinable()) return {};
    std::unique_lock lock(mutex);
    slot_freed.wait(lock, [&] { return (queue.empty() && !busy) || !failure.ok(); });
    return failure;
  }

  void stop_worker() {
    if (!worker.joinable()) return;
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    wake_worker.notify_one();
    worker.join();
  }

  std::size_t take_free_slot() {
    const auto slot = free_slots.front();
    free_slots.pop_front();
    return slot;
  }

  Result<std::optional<std::filesystem::path>> finish(std::string_view source, repo::ContentWriter& batch) {
    if (filled > 0) {
      const auto length = filled;
      filled = 0;
      MLCHAIN_TRY_STATUS(hand_over(length));
    }
    MLCHAIN_TRY_STATUS(drain());
    stop_worker();
    MLCHAIN_TRY(const auto root, builder.finish());
    if (root.cid != expected)
      return make_error(ErrorKind::corrupt, "the contents " + std::string(source) + " served for " +
                                                expected.to_string() + " re-import to " + root.cid.to_string() +
                                                " under " + std::string(profile.name) + "; nothing stored");
    std::optional<std::filesystem::path> copied;
    if (copy) {
      MLCHAIN_TRY(copied, copy->keep());
    }
    auto absorbed = batch.absorb(std::move(writer));
    if (!absorbed.ok()) {
      if (copied) ::unlink(copied->c_str());
      return std::move(absorbed).error();
    }
    return copied;
  }

  Status seal(std::size_t slot, std::size_t length) {
    MLCHAIN_TRY_STATUS(builder.add_leaf(slots[slot]->seal(length)));
    if (copy) return copy->append(slots[slot]->chunk_space().first(length));  // the chunk is intact after seal
    return {};
  }

  void work() {
    std::unique_lock lock(mutex);
    for (;;) {
      wake_worker.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;
      const auto [slot, length] = queue.front();
      queue.pop_front();
      busy = true;
      Status sealed;
      if (failure.ok()) {
        lock.unlock();
        sealed = seal(slot, length);
        lock.lock();
      }
      busy = false;
      if (failure.ok() && !sealed.ok()) failure = sealed;
      free_slots.push_back(slot);
      slot_freed.notify_one();
    }
  }

  repo::ContentWriter writer;
  codec::Cid expected;
  unixfs::Profile profile;
  unixfs::FileBuilder builder;
  std::optional<repo::PrestagedFile> copy;
  std::vector<std::unique_ptr<unixfs::LeafBuffer>> slots;
  std::size_t current = 0;
  std::size_t filled = 0;
  std::uint64_t size = 0;
  bool sealed_once = false;
  bool alone = false;

  std::thread worker;
  std::mutex mutex;
  std::condition_variable wake_worker;
  std::condition_variable slot_freed;
  std::deque<std::size_t> free_slots;
  std::deque<std::pair<std::size_t, std::size_t>> queue;  // (slot, length) in file order
  bool busy = false;
  bool stopping = false;
  Status failure;
};

VerifiedContentWriter::VerifiedContentWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
VerifiedContentWriter::VerifiedContentWriter(VerifiedContentWriter&&) noexcept = default;
VerifiedContentWriter::~VerifiedContentWriter() = default;

Result<VerifiedContentWriter> VerifiedContentWriter::begin(const repo::ContentStore& contents,
                                                           const codec::Cid& expected, const unixfs::Profile& profile,
                                                           std::optional<repo::PrestagedFile> copy) {
  MLCHAIN_TRY(auto writer, contents.begin_write());
  return VerifiedContentWriter(std::make_unique<State>(std::move(writer), expected, profile, std::move(copy)));
}

Status VerifiedContentWriter::append(ByteView bytes) {
  auto& state = *state_;
  state.size += bytes.size();
  while (!bytes.empty()) {
    auto space = state.slots[state.current]->chunk_space();
    const std::size_t take = std::min(bytes.size(), space.size() - state.filled);
    std::copy_n(bytes.begin(), take, space.begin() + static_cast<std::ptrdiff_t>(state.filled));
    state.filled += take;
    bytes = bytes.subspan(take);
    if (state.filled == space.size()) {
      state.filled = 0;
      MLCHAIN_TRY_STATUS(state.hand_over(space.size()));
    }
  }
  return {};
}

std::uint64_t VerifiedContentWriter::size() const { return state_->size; }

Result<std::optional<std::filesystem::path>> VerifiedContentWriter::finish(std::string_view source,
                                                                           repo::ContentWriter& batch) {
  auto finished = state_->finish(source, batch);
  if (!finished.ok()) {
    state_->writer.abort();
    state_->copy.reset();  // removes the copy
  }
  return finished;
}

}  // namespace mlchain::remote
