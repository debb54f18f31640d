#pragma once
// The [REV…] [--] [PATH…] arguments of log and diff.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mlchain::cli {

struct Context;

// Adds the REV_AND_PATHS positional that collects every argument, before and after "--"; `synopsis` is
// how the usage line shows them ("[REV] [--] [PATH…]").
void add_revisions_and_paths(CLI::App& command, std::vector<std::string>& arguments, const std::string& synopsis,
                             const std::string& description);

// The index in `arguments` of the first one that followed "--", when there was one.
std::optional<std::size_t> first_path_argument(const std::vector<std::string>& arguments, const Context& context);

}  // namespace mlchain::cli
