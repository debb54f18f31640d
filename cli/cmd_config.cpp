// mlchain config get KEY | set KEY VALUE: the repository's settings in .mlchain/config.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/repo/config.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::cli {
namespace {

struct ConfigOptions {
  std::string key;
  std::string value;
};

std::string known_keys_help() {
  std::string help;
  for (const auto& key : repo::known_config_keys())
    help += "\n  " + std::string(key.pattern) + ": " + std::string(key.meaning);
  return help;
}

Result<repo::Config> load_config() {
  MLCHAIN_TRY(auto repository, repo::discover_repository(std::filesystem::current_path()));
  return repo::Config::load(repository.paths().config());
}

void run_get(const ConfigOptions& options, Context& context) {
  if (auto valid = repo::check_config_key(options.key); !valid) return context.fail(valid.error());
  auto config = load_config();
  if (!config) return context.fail(config.error());
  auto value = config->get(options.key);
  if (!value)
    return context.fail(ErrorKind::not_found,
                        options.key + " is not set (mlchain config set " + options.key + " VALUE)");
  context.out << *value << '\n';
}

void run_set(const ConfigOptions& options, Context& context) {
  auto config = load_config();
  if (!config) return context.fail(config.error());
  if (auto set = config->set(options.key, options.value); !set) return context.fail(set.error());
  if (auto saved = config->save(); !saved) return context.fail(saved.error());
}

}  // namespace

void register_config(CLI::App& app, Context& context) {
  auto options = std::make_shared<ConfigOptions>();
  auto* command = app.add_subcommand("config", "Read or change the repository's settings (.mlchain/config)");
  command->footer("Settings:" + known_keys_help());
  command->require_subcommand(1);

  auto* get = command->add_subcommand("get", "Print a setting's value (exit 3 when it is not set)");
  get->add_option("KEY", options->key, "Setting name, e.g. user.name")->required();
  get->callback([options, &context] { run_get(*options, context); });

  auto* set = command->add_subcommand("set", "Set a setting (the file is rewritten atomically)");
  set->add_option("KEY", options->key, "Setting name, e.g. user.name")->required();
  set->add_option("VALUE", options->value, "New value (one line)")->required();
  set->callback([options, &context] { run_set(*options, context); });
}

}  // namespace mlchain::cli
