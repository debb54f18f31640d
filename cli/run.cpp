#include "run.hpp"

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "command_lookup.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "mlchain/version.hpp"

namespace mlchain::cli {
namespace {

std::optional<std::size_t> arguments_after_separator(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--") return static_cast<std::size_t>(argc - i - 1);
  return std::nullopt;
}

// CLI11 answers a mistyped or missing command with "A subcommand is required" or a list of unexpected
// arguments; this says which word is wrong. Only the words that choose commands are looked at.
std::string usage_message(CLI::App& app, int argc, char** argv, const CLI::ParseError& error) {
  std::vector<std::string> words;
  std::optional<std::string> first_flag;
  for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i) {
    if (!std::string_view(argv[i]).starts_with('-'))
      words.emplace_back(argv[i]);
    else if (!first_flag)
      first_flag = argv[i];
  }
  const auto found = find_command(app, words);
  if (found.unknown) return "unknown command '" + *found.unknown + "' (" + see_help(found.path) + ")";
  if (has_subcommands(*found.command)) {
    // A command group takes no flag but --help (answered before this): `mlchain --bogus` is a wrong flag,
    // not a missing command.
    if (first_flag) return "unknown option '" + *first_flag + "' (" + see_help(found.path) + ")";
    if (found.path.empty()) return "no command given (" + see_help("") + ")";
    return "'mlchain " + found.path + "' needs a command: " + subcommand_names(*found.command) + " (" +
           see_help(found.path) + ")";
  }
  return std::string(error.what()) + " (" + see_help(found.path) + ")";
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  Context context{out, err, 0, arguments_after_separator(argc, argv)};
  CLI::App app{"mlchain: versioned, content-addressed, signed and anchored ML model bundles", "mlchain"};
  app.set_version_flag("--version", std::string("mlchain ") + version_string);
  app.require_subcommand(1);
  app.fallthrough(false);

  register_commands(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << '\n';
    return 0;
  } catch (const CLI::ParseError& e) {
    context.fail(ErrorKind::invalid_argument, usage_message(app, argc, argv, e));
    return context.exit_code;
  } catch (const std::bad_alloc&) {
    context.fail(ErrorKind::internal, "out of memory");
  } catch (const std::exception& e) {
    context.fail(ErrorKind::internal, std::string("unexpected failure: ") + e.what());
  }
  return context.exit_code;
}

}  // namespace mlchain::cli
