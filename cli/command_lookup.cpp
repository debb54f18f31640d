#include "command_lookup.hpp"

#include <CLI/CLI.hpp>

namespace mlchain::cli {

bool has_subcommands(CLI::App& command) { return !command.get_subcommands(std::function<bool(CLI::App*)>()).empty(); }

std::string subcommand_names(CLI::App& command) {
  std::string names;
  for (auto* sub : command.get_subcommands(std::function<bool(CLI::App*)>()))
    names += (names.empty() ? "" : ", ") + sub->get_name();
  return names;
}

std::string see_help(const std::string& path) { return "see 'mlchain " + (path.empty() ? "" : path + " ") + "--help'"; }

CommandLookup find_command(CLI::App& root, const std::vector<std::string>& words) {
  CommandLookup found{&root, "", std::nullopt};
  for (const auto& word : words) {
    if (!has_subcommands(*found.command)) break;
    const auto named = found.command->get_subcommands([&](CLI::App* sub) { return sub->check_name(word); });
    const std::string path = found.path.empty() ? word : found.path + " " + word;
    if (named.empty()) {
      found.unknown = path;
      break;
    }
    found.command = named.front();
    found.path = path;
  }
  return found;
}

}  // namespace mlchain::cli
