#include <catch2/catch.hpp>

#include "mlchain/core/path_filter.hpp"

using namespace mlchain;
using core::PathFilter;

TEST_CASE("PathFilter selects a path and what lies below it, not a sibling sharing its prefix", "[path_filter]") {
  const PathFilter filter({"model", "config.json"});
  CHECK(filter.selects("model"));
  CHECK(filter.selects("model/weights.bin"));
  CHECK(filter.selects("model/sub/deep.bin"));
  CHECK(filter.selects("config.json"));
  CHECK_FALSE(filter.selects("modelcard.md"));
  CHECK_FALSE(filter.selects("model.bin"));
  CHECK_FALSE(filter.selects("config.json.bak"));
  CHECK_FALSE(filter.selects("other/model"));
  CHECK_FALSE(filter.selects_everything());
}

TEST_CASE("PathFilter of no paths, or of the root, selects everything", "[path_filter]") {
  CHECK(PathFilter().selects_everything());
  CHECK(PathFilter({"model", ""}).selects_everything());
  CHECK(PathFilter({""}).selects("anything/at/all"));
}

TEST_CASE("work_tree_path resolves arguments lexically against the current directory", "[path_filter]") {
  const std::filesystem::path root = "/w/bundle";
  CHECK(core::work_tree_path(root, root, "model/").value() == "model");
  CHECK(core::work_tree_path(root, root, "./model//weights.bin").value() == "model/weights.bin");
  CHECK(core::work_tree_path(root, root / "model", "weights.bin").value() == "model/weights.bin");
  CHECK(core::work_tree_path(root, root / "model", "..").value() == "");
  CHECK(core::work_tree_path(root, root, ".").value() == "");
  CHECK(core::work_tree_path(root, root / "model", "/w/bundle/config.json").value() == "config.json");
  const auto outside = core::work_tree_path(root, root, "../other");
  REQUIRE_FALSE(outside.ok());
  CHECK(outside.error().kind == ErrorKind::invalid_argument);
  CHECK_FALSE(core::work_tree_path(root, root / "model", "/etc/passwd").ok());
  CHECK_FALSE(core::work_tree_path(root, root, "/w/bundle-other/x").ok());
}

TEST_CASE("selected_changes keeps the changes at the selected paths, in order", "[path_filter]") {
  const auto cid = codec::Cid::parse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku").value();
  const core::TreeEntry entry{"x", cid, 1, unixfs::NodeKind::file, std::nullopt};
  std::vector<core::TreeChange> changes{{core::ChangeKind::added, "a.txt", std::nullopt, entry},
                                        {core::ChangeKind::deleted, "model/w.bin", entry, std::nullopt},
                                        {core::ChangeKind::modified, "modelcard.md", entry, entry},
                                        {core::ChangeKind::added, "model/z.bin", std::nullopt, entry}};
  const auto selected = core::selected_changes(changes, PathFilter({"model"}));
  REQUIRE(selected.size() == 2);
  CHECK(selected[0].path == "model/w.bin");
  CHECK(selected[1].path == "model/z.bin");
  CHECK(core::selected_changes(changes, PathFilter()).size() == 4);
}
