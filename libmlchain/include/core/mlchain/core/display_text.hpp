#pragma once
// Text from a repository (file names, commit messages, names and values of metrics, params, tags) as the
// text output of a command shows it. Anyone can write any byte into a bundle; a terminal must not take
// them for commands: an ESC in a file name would recolour, move the cursor or retitle the window, and a
// newline would forge a line of `status` or `log`. JSON output needs none of this (JSON escapes them).

#include <string>
#include <string_view>

namespace mlchain::core {

// A path as git shows one (core.quotePath): unchanged when every byte is printable, otherwise in double
// quotes with C escapes ("\t", "\n", "\"", "\\", "\033" for other bytes), so a quoted path reads back
// exactly. Printable UTF-8 beyond ASCII stays as it is.
std::string quote_path(std::string_view path);

// Free text (a message, a name, a value) with each control character, each invalid UTF-8 byte and each
// bidirectional override written as a C escape, as in quote_path ("\r", "\033", "\342\200\256"); tabs
// stay, and newlines stay when `keep_newlines` (a message's lines). No quotes are added and backslashes
// stay as typed: free text is read, not parsed back.
std::string escape_text(std::string_view text, bool keep_newlines = false);

// A commit message's first line, escaped as escape_text does: the subject that one-line outputs show.
std::string message_subject(std::string_view message);

}  // namespace mlchain::core
