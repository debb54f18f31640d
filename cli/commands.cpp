#include "commands.hpp"

namespace mlchain::cli {

void register_commands(CLI::App& app, Context& context) {
  (void)app;
  (void)context;
}

}  // namespace mlchain::cli
