#include <catch2/catch.hpp>

#include <limits>

#include "mlchain/core/commit_fields.hpp"
#include "mlchain/core/tree_diff.hpp"
#include "mlchain/core/url_credentials.hpp"

using namespace mlchain;
using namespace mlchain::core;

TEST_CASE("params: integer, else number, else text", "[commit-fields]") {
  CHECK(parse_param_value("p", "42").value() == ParamValue(std::int64_t{42}));
  CHECK(parse_param_value("p", "-7").value() == ParamValue(std::int64_t{-7}));
  CHECK(parse_param_value("p", "+7").value() == ParamValue(std::int64_t{7}));
  CHECK(parse_param_value("p", "9223372036854775807").value() == ParamValue(std::int64_t{9223372036854775807}));
  CHECK(parse_param_value("p", "0.001").value() == ParamValue(0.001));
  CHECK(parse_param_value("p", "1e-3").value() == ParamValue(0.001));
  CHECK(parse_param_value("p", "3.").value() == ParamValue(3.0));
  CHECK(parse_param_value("p", "adamw").value() == ParamValue(std::string("adamw")));
  CHECK(parse_param_value("p", "12abc").value() == ParamValue(std::string("12abc")));
  CHECK(parse_param_value("p", "").value() == ParamValue(std::string()));
  CHECK(parse_param_value("p", " 1").value() == ParamValue(std::string(" 1")));
  CHECK(parse_param_value("p", "nan").value() == ParamValue(std::string("nan")));
  CHECK(parse_param_value("p", "inf").value() == ParamValue(std::string("inf")));
  CHECK(parse_param_value("p", "1e999").value() == ParamValue(std::string("1e999")));
}

TEST_CASE("params: a whole integer that int64 cannot hold is refused, not rounded to a float", "[commit-fields]") {
  for (const char* big :
       {"9223372036854775808", "-9223372036854775809", "+18446744073709551616", "123456789012345678901234"}) {
    auto parsed = parse_param_value("seed", big);
    INFO(big);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::invalid_argument);
    CHECK(parsed.error().message.find("param 'seed'") != std::string::npos);
    CHECK(parsed.error().message.find(big) != std::string::npos);
  }
  CHECK(parse_param_value("p", "-9223372036854775808").value() == ParamValue(std::numeric_limits<std::int64_t>::min()));
  CHECK(parse_param_value("p", "9223372036854775808.0").value() == ParamValue(9223372036854775808.0));
}

TEST_CASE("metrics are finite numbers; anything else names the metric", "[commit-fields]") {
  CHECK(parse_metric_value("acc", "0.93").value() == 0.93);
  CHECK(parse_metric_value("loss", "2").value() == 2.0);
  CHECK(parse_metric_value("tiny", "-1.5e-9").value() == -1.5e-9);
  for (const char* bad : {"", "high", "0.9x", "nan", "inf", "-inf", "1e999", " 1"}) {
    auto parsed = parse_metric_value("acc", bad);
    INFO(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::invalid_argument);
    CHECK(parsed.error().message.find("'acc'") != std::string::npos);
  }
}

TEST_CASE("K=V arguments split at the first '='", "[commit-fields]") {
  const auto pair = parse_assignment("note=a=b", "--tag").value();
  CHECK(pair.key == "note");
  CHECK(pair.value == "a=b");
  CHECK(parse_assignment("empty=", "--tag").value().value.empty());
  CHECK(parse_assignment("novalue", "--tag").error().kind == ErrorKind::invalid_argument);
  CHECK(parse_assignment("=v", "--metric").error().message.find("--metric") != std::string::npos);
}

TEST_CASE("data references: --data NAME=PATH and NAME:ROLE=PATH", "[commit-fields]") {
  const auto plain = parse_data_argument("train=/data/train").value();
  CHECK(plain.name == "train");
  CHECK(plain.role == "data");
  CHECK(plain.path == "/data/train");
  const auto role = parse_data_argument("eval:manifest=eval.json").value();
  CHECK(role.name == "eval");
  CHECK(role.role == "manifest");
  CHECK(role.path == "eval.json");
  for (const char* bad : {"train", "train=", ":role=x", "name:=x", "=x"}) {
    INFO(bad);
    CHECK(parse_data_argument(bad).error().kind == ErrorKind::invalid_argument);
  }
}

TEST_CASE("remote URLs lose their credentials", "[commit-fields]") {
  CHECK(strip_url_credentials("https://user:secret@github.com/org/repo.git") == "https://github.com/org/repo.git");
  CHECK(strip_url_credentials("https://ghp_token@github.com/org/repo.git") == "https://github.com/org/repo.git");
  CHECK(strip_url_credentials("https://github.com/org/repo.git") == "https://github.com/org/repo.git");
  CHECK(strip_url_credentials("ssh://git@host:22/repo") == "ssh://host:22/repo");
  CHECK(strip_url_credentials("https://host/path@not-userinfo") == "https://host/path@not-userinfo");
  CHECK(strip_url_credentials("git@github.com:org/repo.git") == "git@github.com:org/repo.git");
  CHECK(strip_url_credentials("/srv/git/repo.git") == "/srv/git/repo.git");
}

TEST_CASE("tree and value diffs", "[commit-fields]") {
  const auto a = codec::Cid::parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am").value();
  const auto b = codec::Cid::parse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku").value();
  const auto file = [](const char* path, const codec::Cid& cid, std::uint64_t size) {
    return TreeEntry{path, cid, size, unixfs::NodeKind::file, std::nullopt};
  };
  const std::vector<TreeEntry> before{file("gone", a, 6), file("same", a, 6), file("x", a, 6)};
  const std::vector<TreeEntry> after{file("new", b, 1), file("same", a, 6), file("x", b, 1)};
  const auto changes = diff_trees(before, after);
  REQUIRE(changes.size() == 3);
  CHECK((changes[0].kind == ChangeKind::deleted && changes[0].path == "gone" && !changes[0].after));
  CHECK((changes[1].kind == ChangeKind::added && changes[1].path == "new" && !changes[1].before));
  CHECK((changes[2].kind == ChangeKind::modified && changes[2].before->cid == a && changes[2].after->cid == b));
  CHECK(diff_trees(before, before).empty());

  CommitMeta old_meta;
  old_meta.metrics = {{"acc", 0.9}, {"loss", 1.0}};
  old_meta.params = {{"lr", ParamValue(0.1)}};
  CommitMeta new_meta;
  new_meta.metrics = {{"acc", 0.95}, {"f1", 0.5}, {"loss", 1.0}};
  const auto metrics = diff_metrics(old_meta, new_meta);
  REQUIRE(metrics.size() == 2);
  CHECK((metrics[0].name == "acc" && *metrics[0].before == 0.9 && *metrics[0].after == 0.95));
  CHECK((metrics[1].name == "f1" && !metrics[1].before));
  const auto params = diff_params(old_meta, new_meta);
  REQUIRE(params.size() == 1);
  CHECK((params[0].name == "lr" && !params[0].after));
}
