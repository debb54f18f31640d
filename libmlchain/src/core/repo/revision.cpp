#include "mlchain/core/revision.hpp"

#include <charconv>

namespace mlchain::core {
namespace {

Error bad_revision(std::string_view text, std::string_view why) {
  return make_error(ErrorKind::invalid_argument, "bad revision '" + std::string(text) + "': " + std::string(why));
}

}  // namespace

Result<Revision> parse_revision(std::string_view text) {
  const auto first_step = text.find_first_of("^~");
  Revision revision{std::string(text.substr(0, first_step)), {}};
  if (revision.base.empty()) return bad_revision(text, "it names no branch, tag or CID");
  std::size_t pos = first_step;
  while (pos != std::string_view::npos && pos < text.size()) {
    const char op = text[pos++];
    std::size_t end = pos;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    unsigned count = 1;
    if (end > pos) {
      const auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + end, count);
      if (ec != std::errc() || ptr != text.data() + end || count > 1'000'000)
        return bad_revision(text, "the number after '" + std::string(1, op) + "' is out of range");
    }
    if (op == '^' && end > pos && count == 0) return bad_revision(text, "'^0' is not supported");
    if (end < text.size() && text[end] != '^' && text[end] != '~')
      return bad_revision(text, "unexpected '" + std::string(1, text[end]) + "'");
    revision.steps.push_back(
        {op == '^' ? RevisionStep::Kind::nth_parent : RevisionStep::Kind::first_parent_ancestor, count});
    pos = end;
  }
  return revision;
}

Status check_ref_name(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return make_error(ErrorKind::invalid_argument,
                      "'" + std::string(name) + "' is not a valid name: " + std::string(why));
  };
  if (name.empty()) return bad("it is empty");
  if (name == "@" || name == "HEAD") return bad("it is reserved");
  if (name.back() == '/' || name.front() == '/') return bad("it starts or ends with '/'");
  if (name.front() == '-') return bad("it starts with '-' (it would read as an option)");
  if (name.size() >= 5 && name.substr(name.size() - 5) == ".lock") return bad("it ends with '.lock'");
  if (name.back() == '.') return bad("it ends with '.'");
  if (name.find("..") != std::string_view::npos) return bad("it contains '..'");
  if (name.find("//") != std::string_view::npos) return bad("it has an empty component");
  if (name.find("@{") != std::string_view::npos) return bad("it contains '@{'");
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' || c == '[' ||
        c == '\\')
      return bad("it contains a character git does not allow in a ref name");
    if (c == '.' && (i == 0 || name[i - 1] == '/')) return bad("a component starts with '.'");
  }
  return {};
}

}  // namespace mlchain::core
