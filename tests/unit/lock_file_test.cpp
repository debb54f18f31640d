#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "mlchain/fs/lock_file.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;
using mlchain::testing::TemporaryDirectory;
namespace stdfs = std::filesystem;

namespace {}  // namespace

TEST_CASE("a held lock makes the next taker wait, then fail naming the holder", "[lock]") {
  TemporaryDirectory dir;
  const auto target = dir.path / "main";
  auto first = fs::LockFile::acquire(target);
  REQUIRE(first);
  CHECK(stdfs::exists(dir.path / "main.lock"));

  auto second = fs::LockFile::acquire(target, std::chrono::milliseconds(100));
  REQUIRE_FALSE(second);
  CHECK(second.error().kind == ErrorKind::locked);
  CHECK_THAT(second.error().message, Catch::Contains("pid " + std::to_string(::getpid())));
  CHECK_THAT(second.error().message, Catch::Contains("main.lock"));
}

TEST_CASE("a released lock is removed and can be taken again", "[lock]") {
  TemporaryDirectory dir;
  const auto target = dir.path / "main";
  {
    auto lock = fs::LockFile::acquire(target);
    REQUIRE(lock);
  }
  CHECK_FALSE(stdfs::exists(dir.path / "main.lock"));
  CHECK(fs::LockFile::acquire(target, std::chrono::milliseconds(0)));
}

TEST_CASE("a lock file left by a dead process is taken over without waiting", "[lock]") {
  TemporaryDirectory dir;
  const auto target = dir.path / "main";
  std::ofstream(dir.path / "main.lock") << "pid 999999 on some-host\n";
  auto lock = fs::LockFile::acquire(target, std::chrono::milliseconds(0));
  REQUIRE(lock);
}

TEST_CASE("a lock file that is a FIFO, a symlink or a directory is damage, never opened as a lock", "[lock]") {
  TemporaryDirectory dir;
  const auto target = dir.path / "main";
  const auto lock = dir.path / "main.lock";
  auto refused = [&] {
    auto taken = fs::LockFile::acquire(target, std::chrono::milliseconds(100));
    REQUIRE_FALSE(taken);
    CHECK(taken.error().kind == ErrorKind::corrupt);
    CHECK_THAT(taken.error().message, Catch::Contains(lock.string()));
    stdfs::remove_all(lock);
  };
  REQUIRE(::mkfifo(lock.c_str(), 0644) == 0);
  refused();
  stdfs::create_symlink("/dev/zero", lock);
  refused();
  stdfs::create_directory(lock);
  refused();
}
