// The cases of gitignore(5) (git 2.39 documentation, "PATTERN FORMAT" and "EXAMPLES"), in our matcher.
#include <catch2/catch.hpp>

#include "mlchain/core/ignore_rules.hpp"

using mlchain::core::glob_matches;
using mlchain::core::IgnoreRules;

namespace {

IgnoreRules rules_of(const char* contents) {
  IgnoreRules rules;
  rules.add("", contents);
  return rules;
}

}  // namespace

TEST_CASE("glob: '*', '?' and classes stay within one component", "[ignore]") {
  CHECK(glob_matches("hello.*", "hello.c"));
  CHECK(glob_matches("hello.*", "hello."));
  CHECK_FALSE(glob_matches("hello.*", "hello"));
  CHECK(glob_matches("?.txt", "a.txt"));
  CHECK_FALSE(glob_matches("?.txt", "ab.txt"));
  CHECK(glob_matches("[a-c].txt", "b.txt"));
  CHECK_FALSE(glob_matches("[a-c].txt", "d.txt"));
  CHECK(glob_matches("[!a-c].txt", "d.txt"));
  CHECK_FALSE(glob_matches("[!a-c].txt", "a.txt"));
  CHECK(glob_matches("[]x].txt", "].txt"));
  CHECK(glob_matches("[abc", "[abc"));  // never closed: no class, a literal '['
  CHECK_FALSE(glob_matches("foo/*", "foo/bar/hello.c"));
  CHECK(glob_matches("foo/*", "foo/test.json"));
  CHECK_FALSE(glob_matches("a?b", "a/b"));
  CHECK_FALSE(glob_matches("a[/]b", "a/b"));
  CHECK(glob_matches("\\*", "*"));
  CHECK_FALSE(glob_matches("\\*", "x"));
}

TEST_CASE("glob: '**' across directories", "[ignore]") {
  CHECK(glob_matches("**/foo", "foo"));
  CHECK(glob_matches("**/foo", "a/b/foo"));
  CHECK(glob_matches("**/foo/bar", "x/foo/bar"));
  CHECK_FALSE(glob_matches("**/foo/bar", "x/foo/y/bar"));
  CHECK(glob_matches("abc/**", "abc/x"));
  CHECK(glob_matches("abc/**", "abc/x/y"));
  CHECK_FALSE(glob_matches("abc/**", "abc"));
  CHECK(glob_matches("a/**/b", "a/b"));
  CHECK(glob_matches("a/**/b", "a/x/b"));
  CHECK(glob_matches("a/**/b", "a/x/y/b"));
  CHECK_FALSE(glob_matches("a/**/b", "a/xb"));
  // Other runs of stars are ordinary '*'.
  CHECK(glob_matches("a**b", "axxb"));
  CHECK_FALSE(glob_matches("a**b", "a/b"));
}

TEST_CASE("a pattern without a slash matches a name at any depth", "[ignore]") {
  const auto rules = rules_of("*.log\nbuild\n");
  CHECK(rules.ignored("x.log", false));
  CHECK(rules.ignored("deep/down/x.log", false));
  CHECK(rules.ignored("build", true));
  CHECK(rules.ignored("src/build", false));
  CHECK_FALSE(rules.ignored("x.log.txt", false));
}

TEST_CASE("a leading or inner slash anchors the pattern", "[ignore]") {
  const auto rules = rules_of("/*.c\ndoc/frotz/\n");
  CHECK(rules.ignored("cat-file.c", false));
  CHECK_FALSE(rules.ignored("mozilla-sha1/sha1.c", false));
  CHECK(rules.ignored("doc/frotz", true));
  CHECK_FALSE(rules.ignored("a/doc/frotz", true));
}

TEST_CASE("a trailing slash matches directories only", "[ignore]") {
  const auto rules = rules_of("frotz/\n");
  CHECK(rules.ignored("frotz", true));
  CHECK(rules.ignored("a/frotz", true));
  CHECK_FALSE(rules.ignored("frotz", false));
}

TEST_CASE("negation: the last matching pattern decides", "[ignore]") {
  const auto rules = rules_of("*.log\n!important.log\n");
  CHECK(rules.ignored("debug.log", false));
  CHECK_FALSE(rules.ignored("important.log", false));
  CHECK_FALSE(rules.ignored("logs/important.log", false));

  // gitignore(5): everything except foo/bar.
  const auto only_foo_bar = rules_of("/*\n!/foo\n/foo/*\n!/foo/bar\n");
  CHECK(only_foo_bar.ignored("other", true));
  CHECK(only_foo_bar.ignored("file.txt", false));
  CHECK_FALSE(only_foo_bar.ignored("foo", true));
  CHECK(only_foo_bar.ignored("foo/baz", false));
  CHECK_FALSE(only_foo_bar.ignored("foo/bar", true));
}

TEST_CASE("comments, blank lines, escapes and trailing spaces", "[ignore]") {
  const auto rules = rules_of("# a comment\n\n\\#hash\n\\!bang\nspaced   \nkept\\ \r\n");
  CHECK_FALSE(rules.ignored("# a comment", false));
  CHECK(rules.ignored("#hash", false));
  CHECK(rules.ignored("!bang", false));
  CHECK(rules.ignored("spaced", false));
  CHECK_FALSE(rules.ignored("spaced   ", false));
  CHECK(rules.ignored("kept ", false));
  CHECK_FALSE(rules.ignored("kept", false));
}

TEST_CASE("an ignore file applies to its directory and below, after its parents' files", "[ignore]") {
  IgnoreRules rules;
  rules.add("", "*.bin\n");
  rules.add("sub", "!keep.bin\n/only\n*.tmp\n");
  CHECK(rules.ignored("keep.bin", false));
  CHECK_FALSE(rules.ignored("sub/keep.bin", false));
  CHECK(rules.ignored("sub/other.bin", false));
  CHECK(rules.ignored("sub/only", false));
  CHECK_FALSE(rules.ignored("sub/deeper/only", false));
  CHECK_FALSE(rules.ignored("only", false));
  CHECK(rules.ignored("sub/deeper/x.tmp", false));
  CHECK_FALSE(rules.ignored("x.tmp", false));
  CHECK_FALSE(rules.ignored("subway/x.tmp", false));
}

TEST_CASE("the repository and version-control metadata are never in a bundle", "[ignore]") {
  for (const char* name :
       {".mlchain", ".git", ".hg", ".svn", ".bzr", ".jj", ".pijul", ".sl", "_darcs", ".fslckout", "_FOSSIL_"}) {
    INFO(name);
    CHECK(mlchain::core::is_never_in_bundle(name));
  }
  for (const char* name : {".gitignore", ".github", "git", ".mlchainignore", ".GIT", "x.git", ".hgignore"}) {
    INFO(name);
    CHECK_FALSE(mlchain::core::is_never_in_bundle(name));
  }
}
