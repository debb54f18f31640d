#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "mlchain/fs/importer.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;
namespace stdfs = std::filesystem;

namespace {

Bytes pseudo_random_bytes(std::size_t size) {
  Bytes out(size);
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (auto& b : out) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    b = static_cast<std::uint8_t>(state >> 56);
  }
  return out;
}

}  // namespace

// The one-pass commit stores a file from these chunks: they must be exactly the file, in order, and the
// CID must not depend on whether anyone listens.
TEST_CASE("on_chunk sees the whole file in order, on one thread or many", "[importer]") {
  testing::TemporaryDirectory directory;
  const auto path = directory.path / "input.bin";
  const auto content = pseudo_random_bytes(5 * 1024 * 1024 + 123);
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(content.size()));

  for (const auto& profile : {unixfs::unixfs_v1_2025, unixfs::unixfs_v0_2015}) {
    for (unsigned threads : {1u, 3u}) {
      INFO(profile.name << " with " << threads << " threads");
      unixfs::DiscardingBlockSink sink;
      const auto plain = fs::import_file(path, profile, sink, {threads, {}});
      REQUIRE(plain);

      Bytes seen;
      std::size_t calls = 0;
      fs::ImportOptions options{threads, [&](ByteView chunk) {
                                  append(seen, chunk);
                                  ++calls;
                                  return Status{};
                                }};
      const auto listened = fs::import_file(path, profile, sink, options);
      REQUIRE(listened);
      CHECK(listened->cid == plain->cid);
      CHECK(seen == content);
      CHECK(calls == (content.size() + profile.chunk_size - 1) / profile.chunk_size);
    }
  }

  fs::ImportOptions failing{2, [](ByteView) { return Status(make_error(ErrorKind::internal, "disk full")); }};
  unixfs::DiscardingBlockSink sink;
  const auto stopped = fs::import_file(path, unixfs::unixfs_v1_2025, sink, failing);
  REQUIRE_FALSE(stopped);
  CHECK(stopped.error().message == "disk full");
}
