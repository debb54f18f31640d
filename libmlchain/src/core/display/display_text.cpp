#include "mlchain/core/display_text.hpp"

#include <cstdint>

namespace mlchain::core {
namespace {

// The length of the valid UTF-8 sequence at `at` (overlong forms, surrogates and code points above
// U+10FFFF are invalid), or 0; its code point goes to `code_point`.
std::size_t utf8_sequence(std::string_view text, std::size_t at, char32_t& code_point) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if ((lead & 0xe0) == 0xc0) {
    length = 2, minimum = 0x80, code_point = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, minimum = 0x800, code_point = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, minimum = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() - at < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[at + i]);
    if ((next & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (next & 0x3f);
  }
  if (code_point < minimum || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) return 0;
  return length;
}

// What a terminal may act on instead of printing: C0 and C1 controls, DEL, and the bidirectional
// embeddings, overrides and isolates that make text read in another order than it is stored.
bool is_control(char32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7f && code_point <= 0x9f) ||
         (code_point >= 0x202a && code_point <= 0x202e) || (code_point >= 0x2066 && code_point <= 0x2069);
}

void append_escape(std::string& out, unsigned char byte) {
  switch (byte) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\v':
      out += "\\v";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      break;
  }
  out += '\\';
  out += static_cast<char>('0' + (byte >> 6));
  out += static_cast<char>('0' + ((byte >> 3) & 7));
  out += static_cast<char>('0' + (byte & 7));
}

// Calls `on_plain(sequence)` for each printable character and `on_escape(sequence)` for the rest
// (one byte when it is not valid UTF-8).
template <class OnPlain, class OnEscape>
void classify(std::string_view text, OnPlain&& on_plain, OnEscape&& on_escape) {
  for (std::size_t at = 0; at < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = utf8_sequence(text, at, code_point);
    if (length == 0) {
      on_escape(text.substr(at, 1));
      ++at;
      continue;
    }
    const auto sequence = text.substr(at, length);
    if (is_control(code_point))
      on_escape(sequence);
    else
      on_plain(sequence);
    at += length;
  }
}

}  // namespace

std::string quote_path(std::string_view path) {
  bool needs_quotes = false;
  classify(
      path, [&](std::string_view plain) { needs_quotes |= plain == "\"" || plain == "\\"; },
      [&](std::string_view) { needs_quotes = true; });
  if (!needs_quotes) return std::string(path);
  std::string out = "\"";
  classify(
      path,
      [&](std::string_view plain) {
        if (plain == "\"" || plain == "\\") out += '\\';
        out += plain;
      },
      [&](std::string_view escaped) {
        for (const char byte : escaped) append_escape(out, static_cast<unsigned char>(byte));
      });
  out += '"';
  return out;
}

std::string escape_text(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  classify(
      text, [&](std::string_view plain) { out += plain; },
      [&](std::string_view escaped) {
        if (escaped == "\t" || (keep_newlines && escaped == "\n")) {
          out += escaped;
          return;
        }
        for (const char byte : escaped) append_escape(out, static_cast<unsigned char>(byte));
      });
  return out;
}

std::string message_subject(std::string_view message) { return escape_text(message.substr(0, message.find('\n'))); }

}  // namespace mlchain::core
