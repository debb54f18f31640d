#include <catch2/catch.hpp>

#include <stdlib.h>

#include "mlchain/chain/registry_admin.hpp"
#include "mlchain/repo/repository.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;
using mlchain::testing::TemporaryDirectory;

TEST_CASE("a deploy is journaled in its repository, and outside any in $MLCHAIN_HOME", "[registry]") {
  TemporaryDirectory work, home;
  auto repository = repo::init_repository(work.path);
  REQUIRE(repository.ok());
  auto inside = chain::deploy_journal(&*repository);
  REQUIRE(inside.ok());
  CHECK(inside->dir() == repository->paths().journal());

  const char* before = ::getenv("MLCHAIN_HOME");
  const std::string saved = before != nullptr ? before : "";
  ::setenv("MLCHAIN_HOME", home.path.c_str(), 1);
  auto outside = chain::deploy_journal(nullptr);
  if (before != nullptr)
    ::setenv("MLCHAIN_HOME", saved.c_str(), 1);
  else
    ::unsetenv("MLCHAIN_HOME");
  REQUIRE(outside.ok());
  CHECK(outside->dir() == home.path / "journal");
}
