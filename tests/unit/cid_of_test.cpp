#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include "mlchain/fs/importer.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;
using mlchain::testing::TemporaryDirectory;

TEST_CASE("cid_of_path and cid_of_stream give the CID an import stores", "[cid-of]") {
  TemporaryDirectory work;
  std::filesystem::create_directories(work.path / "bundle" / "config");
  std::ofstream(work.path / "bundle" / "model.bin", std::ios::binary) << "weights";
  std::ofstream(work.path / "bundle" / "config" / "params.json", std::ios::binary) << "{}";

  const auto file = fs::cid_of_path(work.path / "bundle" / "model.bin", unixfs::default_profile);
  REQUIRE(file.ok());
  CHECK(file->cid == codec::Cid::of_block(1, codec::multicodec::raw, as_bytes("weights")));
  CHECK(file->content_size == 7);

  const auto directory = fs::cid_of_path(work.path / "bundle", unixfs::default_profile);
  REQUIRE(directory.ok());
  unixfs::DiscardingBlockSink sink;
  const auto imported = fs::import_path(work.path / "bundle", unixfs::default_profile, sink);
  REQUIRE(imported.ok());
  CHECK(directory->cid == imported->cid);
  CHECK(directory->content_size == 9);

  const int fd = ::open((work.path / "bundle" / "model.bin").c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  const auto stream = fs::cid_of_stream(fd, "model.bin", unixfs::default_profile);
  ::close(fd);
  REQUIRE(stream.ok());
  CHECK(stream->cid == file->cid);
}
