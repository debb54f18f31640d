#include <catch2/catch.hpp>

#include "mlchain/core/revision.hpp"

using namespace mlchain;
using namespace mlchain::core;
using Kind = RevisionStep::Kind;

TEST_CASE("revisions parse into a base and ancestry steps", "[revision]") {
  CHECK(parse_revision("main").value() == Revision{"main", {}});
  CHECK(parse_revision("main^").value() == Revision{"main", {{Kind::nth_parent, 1}}});
  CHECK(parse_revision("main^2").value() == Revision{"main", {{Kind::nth_parent, 2}}});
  CHECK(parse_revision("HEAD~3").value() == Revision{"HEAD", {{Kind::first_parent_ancestor, 3}}});
  CHECK(parse_revision("v1~").value() == Revision{"v1", {{Kind::first_parent_ancestor, 1}}});
  CHECK(parse_revision("bafyrei^2~2^").value() ==
        Revision{"bafyrei", {{Kind::nth_parent, 2}, {Kind::first_parent_ancestor, 2}, {Kind::nth_parent, 1}}});
  CHECK(parse_revision("HEAD~0").value() == Revision{"HEAD", {{Kind::first_parent_ancestor, 0}}});
}

TEST_CASE("malformed revisions are invalid arguments", "[revision]") {
  for (const char* text : {"", "^", "~2", "main^x", "main~2x", "main^0", "main~99999999999"}) {
    auto parsed = parse_revision(text);
    INFO(text);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::invalid_argument);
  }
}

TEST_CASE("branch and tag names follow git's rules", "[revision]") {
  for (const char* good : {"main", "feature/x", "v1.0", "release-2026.11", "ünïcode"}) {
    INFO(good);
    CHECK(check_ref_name(good));
  }
  for (const char* bad :
       {"",       "HEAD", "@",   "a..b", ".hidden", "x/.y", "end.", "end/", "/start",      "a//b", "x.lock",
        "sp ace", "-f",   "t~1", "c^",   "a:b",     "q?",   "st*r", "br[",  "back\\slash", "at@{", "tab\t"}) {
    INFO(bad);
    CHECK_FALSE(check_ref_name(bad));
  }
}
