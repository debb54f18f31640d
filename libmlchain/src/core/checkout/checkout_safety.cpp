#include "mlchain/core/checkout_safety.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string_view>

#include "mlchain/core/ignore_rules.hpp"

namespace mlchain::core {
namespace {

constexpr std::string_view repository_component = ".mlchain";

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return parts;
    start = slash + 1;
  }
}

std::string join(const std::vector<std::string_view>& parts, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out;
}

// A tree from a clone may name `.git/hooks/…`: writing it would hand code execution to whoever made the
// tree, so version-control metadata is refused as `.mlchain` is, in any letter case (case-insensitive file
// systems open `.GIT` as `.git`).
bool is_metadata_directory(std::string_view part) {
  std::string lower(part);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return is_never_in_bundle(part) || is_never_in_bundle(lower);
}

std::optional<std::string> unsafe_component(std::string_view path) {
  if (path.empty()) return "the path is empty";
  if (path.front() == '/') return "the path is absolute";
  for (const auto part : split(path)) {
    if (part.empty()) return "the path has an empty component";
    if (part == "." || part == "..") return "the path has a '" + std::string(part) + "' component";
    if (part == repository_component) return "the path has a '.mlchain' component, the repository's own directory";
    if (is_metadata_directory(part))
      return "the path has a '" + std::string(part) + "' component, version-control metadata that no bundle holds";
  }
  return std::nullopt;
}

// Resolves `target` lexically from the directory of the symlink at `path`. Every ".." must stay inside the
// work tree, and none may follow a component that is a symlink of the tree: past one, the real parent is
// not the lexical one.
std::optional<std::string> unsafe_target(std::string_view path, std::string_view target,
                                         const std::set<std::string, std::less<>>& symlinks) {
  if (target.empty()) return "the symlink's target is empty";
  if (target.front() == '/') return "the symlink points at the absolute path '" + std::string(target) + "'";
  auto resolved = split(path);
  resolved.pop_back();
  for (const auto part : split(target)) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (resolved.empty()) return "the symlink's target '" + std::string(target) + "' climbs out of the work tree";
      for (std::size_t count = 1; count <= resolved.size(); ++count)
        if (symlinks.contains(join(resolved, count)))
          return "the symlink's target '" + std::string(target) + "' climbs ('..') after passing through '" +
                 join(resolved, count) + "', which is a symlink";
      resolved.pop_back();
      continue;
    }
    if (part == repository_component) return "the symlink's target '" + std::string(target) + "' reaches into .mlchain";
    resolved.push_back(part);
  }
  return std::nullopt;
}

}  // namespace

std::optional<UnsafeEntry> find_unsafe_entry(const std::vector<TreeEntry>& entries) {
  std::set<std::string, std::less<>> leaves;  // files, symlinks and empty directories: nothing may lie below them
  std::set<std::string, std::less<>> symlinks;
  for (const auto& entry : entries) {
    if (entry.path.empty()) return UnsafeEntry{entry.path, "the tree is a single file or symlink, not a directory"};
    if (auto why = unsafe_component(entry.path)) return UnsafeEntry{entry.path, *why};
    if (!leaves.insert(entry.path).second) return UnsafeEntry{entry.path, "the path appears twice"};
    if (entry.kind == unixfs::NodeKind::symlink) symlinks.insert(entry.path);
  }
  for (const auto& entry : entries) {
    const auto parts = split(entry.path);
    for (std::size_t count = 1; count < parts.size(); ++count) {
      const auto ancestor = join(parts, count);
      if (leaves.contains(ancestor))
        return UnsafeEntry{entry.path, "it lies below '" + ancestor + "', which is not a directory with contents"};
    }
    if (entry.kind != unixfs::NodeKind::symlink) continue;
    if (!entry.symlink_target) return UnsafeEntry{entry.path, "the symlink has no target"};
    if (auto why = unsafe_target(entry.path, *entry.symlink_target, symlinks))
      return UnsafeEntry{entry.path, *why, true};
  }
  return std::nullopt;
}

Status check_checkout_safety(const std::vector<TreeEntry>& entries, const codec::Cid& tree) {
  const auto unsafe = find_unsafe_entry(entries);
  if (!unsafe) return {};
  return make_error(ErrorKind::corrupt,
                    "unsafe path '" + unsafe->path + "' in tree " + tree.to_string() + ": " + unsafe->why);
}

}  // namespace mlchain::core
