#include "mlchain/core/ignore_rules.hpp"

#include <algorithm>
#include <array>

namespace mlchain::core {
namespace {

// One '[...]' class starting at pattern[start] == '['. Returns whether it matches `c` and sets `end` to
// just past the ']'; a class that is never closed is no class (end stays 0).
bool class_matches(std::string_view pattern, std::size_t start, char c, std::size_t& end) {
  end = 0;
  std::size_t i = start + 1;
  bool negated = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negated = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  while (i < pattern.size()) {
    if (pattern[i] == ']' && !first) {
      end = i + 1;
      return matched != negated;
    }
    first = false;
    char low = pattern[i];
    if (low == '\\' && i + 1 < pattern.size()) low = pattern[++i];
    ++i;
    char high = low;
    if (i + 1 < pattern.size() && pattern[i] == '-' && pattern[i + 1] != ']') {
      high = pattern[i + 1];
      i += 2;
    }
    const auto u = static_cast<unsigned char>(c);
    if (static_cast<unsigned char>(low) <= u && u <= static_cast<unsigned char>(high)) matched = true;
  }
  return false;
}

bool match_from(std::string_view p, std::size_t pi, std::string_view t, std::size_t ti) {
  while (pi < p.size()) {
    const char c = p[pi];
    if (c == '*') {
      std::size_t pj = pi;
      while (pj < p.size() && p[pj] == '*') ++pj;
      const bool across_directories = pj - pi >= 2 && (pi == 0 || p[pi - 1] == '/') && (pj == p.size() || p[pj] == '/');
      if (across_directories) {
        if (pj == p.size()) return true;
        if (match_from(p, pj + 1, t, ti)) return true;
        for (std::size_t k = ti; k < t.size(); ++k)
          if (t[k] == '/' && match_from(p, pj + 1, t, k + 1)) return true;
        return false;
      }
      for (std::size_t k = ti;; ++k) {
        if (match_from(p, pj, t, k)) return true;
        if (k == t.size() || t[k] == '/') return false;
      }
    }
    if (ti == t.size()) return false;
    if (c == '?') {
      if (t[ti] == '/') return false;
    } else if (c == '[') {
      std::size_t end = 0;
      const bool matched = class_matches(p, pi, t[ti], end);
      if (end != 0) {
        if (!matched || t[ti] == '/') return false;
        pi = end;
        ++ti;
        continue;
      }
      if (t[ti] != '[') return false;
    } else if (c == '\\' && pi + 1 < p.size()) {
      ++pi;
      if (t[ti] != p[pi]) return false;
    } else if (t[ti] != c) {
      return false;
    }
    ++pi;
    ++ti;
  }
  return ti == t.size();
}

// Trailing spaces are dropped unless a backslash escapes them.
std::string_view trim_trailing_spaces(std::string_view line) {
  while (!line.empty() && line.back() == ' ') {
    std::size_t backslashes = 0;
    for (std::size_t i = line.size() - 1; i > 0 && line[i - 1] == '\\'; --i) ++backslashes;
    if (backslashes % 2 == 1) break;
    line.remove_suffix(1);
  }
  return line;
}

std::string_view last_component(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

bool glob_matches(std::string_view pattern, std::string_view text) { return match_from(pattern, 0, text, 0); }

void IgnoreRules::add(std::string_view directory, std::string_view contents) {
  std::size_t start = 0;
  while (start < contents.size()) {
    auto end = contents.find('\n', start);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view line = contents.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim_trailing_spaces(line);
    if (line.empty() || line.front() == '#') continue;

    Pattern pattern;
    pattern.base = std::string(directory);
    if (line.front() == '!') {
      pattern.negated = true;
      line.remove_prefix(1);
    }
    if (!line.empty() && line.back() == '/') {
      pattern.directory_only = true;
      line.remove_suffix(1);
    }
    if (line.find('/') != std::string_view::npos) pattern.anchored = true;
    if (!line.empty() && line.front() == '/') line.remove_prefix(1);
    if (line.empty()) continue;
    pattern.glob = std::string(line);
    patterns_.push_back(std::move(pattern));
  }
}

bool IgnoreRules::ignored(std::string_view path, bool is_directory) const {
  for (auto it = patterns_.rbegin(); it != patterns_.rend(); ++it) {
    const Pattern& pattern = *it;
    if (pattern.directory_only && !is_directory) continue;
    std::string_view below = path;
    if (!pattern.base.empty()) {
      if (path.size() <= pattern.base.size() + 1 || path.substr(0, pattern.base.size()) != pattern.base ||
          path[pattern.base.size()] != '/')
        continue;
      below = path.substr(pattern.base.size() + 1);
    }
    const bool matched =
        pattern.anchored ? glob_matches(pattern.glob, below) : glob_matches(pattern.glob, last_component(below));
    if (matched) return !pattern.negated;
  }
  return false;
}

bool is_never_in_bundle(std::string_view name) {
  static constexpr std::array<std::string_view, 11> names = {
      ".mlchain", ".git", ".hg", ".svn", ".bzr", ".jj", ".pijul", ".sl", "_darcs", ".fslckout", "_FOSSIL_"};
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace mlchain::core
