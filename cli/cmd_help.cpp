// mlchain help [CMD…]: the help of a command, as `mlchain CMD… --help` prints it; alone, the main help.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "command_lookup.hpp"
#include "commands.hpp"
#include "context.hpp"

namespace mlchain::cli {
namespace {

void run_help(CLI::App& root, const std::vector<std::string>& words, Context& context) {
  const auto found = find_command(root, words);
  if (found.unknown)
    return context.fail(ErrorKind::invalid_argument, "unknown command '" + *found.unknown + "' (" + see_help("") + ")");
  if (found.command == &root) {
    // The root's own help would delegate to the command being run, which is `help` itself.
    context.out << root.get_formatter()->make_help(&root, root.get_name(), CLI::AppFormatMode::Normal);
    return;
  }
  // `mlchain remote show --help` prints show's help under the name "mlchain remote show".
  const auto last_space = found.path.rfind(' ');
  const auto parent_path = last_space == std::string::npos ? std::string() : " " + found.path.substr(0, last_space);
  context.out << found.command->help(root.get_name() + parent_path);
}

}  // namespace

void register_help(CLI::App& app, Context& context) {
  auto words = std::make_shared<std::vector<std::string>>();
  auto* command = app.add_subcommand("help", "Show the help of a command (mlchain help remote show), or this help");
  command->add_option("CMD", *words, "The command, and its subcommand if it has them");
  command->callback([&app, words, &context] { run_help(app, *words, context); });
}

}  // namespace mlchain::cli
