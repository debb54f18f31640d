#include "run.hpp"

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/version.hpp"

namespace mlchain::cli {

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  Context context{out, err};
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
    context.fail(ErrorCode::usage, std::string(e.what()) + " (see 'mlchain --help')");
    return context.exit_code;
  } catch (const std::bad_alloc&) {
    context.fail(ErrorCode::internal, "out of memory");
  } catch (const std::exception& e) {
    context.fail(ErrorCode::internal, std::string("unexpected failure: ") + e.what());
  }
  return context.exit_code;
}

}  // namespace mlchain::cli
