#include "path_arguments.hpp"

#include <CLI/CLI.hpp>
#include <memory>

#include "context.hpp"

namespace mlchain::cli {

namespace {

// Shows the arguments as "[REV] [--] [PATH…]" in the usage line, instead of CLI11's listing of the
// positionals (the hidden one below among them).
class UsageFormatter : public CLI::Formatter {
 public:
  explicit UsageFormatter(std::string synopsis) : synopsis_(std::move(synopsis)) {}
  std::string make_usage(const CLI::App*, std::string name) const override {
    return get_label("Usage") + ": " + name + " [" + get_label("OPTIONS") + "] " + synopsis_ + "\n";
  }

 private:
  std::string synopsis_;
};

}  // namespace

void add_revisions_and_paths(CLI::App& command, std::vector<std::string>& arguments, const std::string& synopsis,
                             const std::string& description) {
  command.add_option("REV_AND_PATHS", arguments, synopsis + ": " + description);
  command.formatter(std::make_shared<UsageFormatter>(synopsis));
  // CLI11 hands "--" and what follows it back to the parent app once no positional still wants values,
  // and the parent has none: `log HEAD -- model` would be refused. A positional that always wants values
  // (and never gets any, as REV_AND_PATHS takes them all first) keeps "--" here. It is hidden from help.
  command.add_option("KEEPS_SEPARATOR")->expected(1 << 20)->group("");
}

std::optional<std::size_t> first_path_argument(const std::vector<std::string>& arguments, const Context& context) {
  if (!context.arguments_after_separator || *context.arguments_after_separator > arguments.size()) return std::nullopt;
  return arguments.size() - *context.arguments_after_separator;
}

}  // namespace mlchain::cli
