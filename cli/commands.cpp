#include "commands.hpp"

namespace mlchain::cli {

void register_commands(CLI::App& app, Context& context) {
  register_cid(app, context);
  register_key(app, context);
}

}  // namespace mlchain::cli
