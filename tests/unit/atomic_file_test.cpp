#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mlchain/fs/atomic_file.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;
using mlchain::testing::TemporaryDirectory;
namespace stdfs = std::filesystem;

namespace {

std::string contents(const stdfs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

unsigned mode_of(const stdfs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

std::size_t entries(const stdfs::path& directory) {
  return static_cast<std::size_t>(std::distance(stdfs::directory_iterator(directory), stdfs::directory_iterator()));
}

}  // namespace

TEST_CASE("atomic writes create, replace and set the mode exactly", "[atomic_file]") {
  TemporaryDirectory directory;
  const auto target = directory.path / "file";
  REQUIRE(fs::write_file_atomically(target, as_bytes("first"), {0600, fs::IfExists::replace}));
  CHECK(contents(target) == "first");
  CHECK(mode_of(target) == 0600);

  REQUIRE(fs::write_file_atomically(target, as_bytes("second"), {0644, fs::IfExists::replace}));
  CHECK(contents(target) == "second");
  CHECK(mode_of(target) == 0644);
  CHECK(entries(directory.path) == 1);  // no temporary file left behind
}

TEST_CASE("atomic writes can refuse to replace", "[atomic_file]") {
  TemporaryDirectory directory;
  const auto target = directory.path / "file";
  REQUIRE(fs::write_file_atomically(target, as_bytes("kept"), {0600, fs::IfExists::fail}));
  const auto again = fs::write_file_atomically(target, as_bytes("lost"), {0600, fs::IfExists::fail});
  REQUIRE_FALSE(again);
  CHECK(again.error().kind == ErrorKind::exists);
  CHECK(contents(target) == "kept");
  CHECK(entries(directory.path) == 1);
}

TEST_CASE("atomic writes into a missing directory fail cleanly", "[atomic_file]") {
  TemporaryDirectory directory;
  const auto result = fs::write_file_atomically(directory.path / "missing" / "file", as_bytes("x"));
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == ErrorKind::not_found);
  CHECK(result.error().message.find("missing") != std::string::npos);
}

TEST_CASE("a failed atomic write leaves the target and no temporary file", "[atomic_file]") {
  TemporaryDirectory directory;
  const auto target = directory.path / "occupied";
  stdfs::create_directory(target);  // rename of a file over a directory fails
  REQUIRE_FALSE(fs::write_file_atomically(target, as_bytes("x")));
  CHECK(stdfs::is_directory(target));
  CHECK(entries(directory.path) == 1);
}
