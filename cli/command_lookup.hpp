#pragma once
// Finding a command by the words that name it ("remote", "show"), for `mlchain help CMD` and for the
// errors about a mistyped or missing command.

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mlchain::cli {

struct CommandLookup {
  CLI::App* command;                   // the deepest command the words named (the root app for none)
  std::string path;                    // its words joined by spaces: "remote show", "" for the root
  std::optional<std::string> unknown;  // "remote foo" when "foo" names no command of "remote"
};

// Follows `words` down through the command groups; words after a command that has no subcommands of its
// own are its arguments and are not looked at.
CommandLookup find_command(CLI::App& root, const std::vector<std::string>& words);

bool has_subcommands(CLI::App& command);
// "add, list, remove".
std::string subcommand_names(CLI::App& command);
// "see 'mlchain remote --help'".
std::string see_help(const std::string& path);

}  // namespace mlchain::cli
