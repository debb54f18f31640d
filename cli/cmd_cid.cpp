// mlchain cid [--profile P] [--json] [--dereference] PATH...: the IPFS CID of files, directory trees and
// symlinks, one "<cid>  <path>" line each, like sha256sum ("-": standard input). Nothing is stored.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "mlchain/core/display_text.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/unixfs/profile.hpp"

namespace mlchain::cli {
namespace {

struct CidOptions {
  std::string profile{unixfs::default_profile.name};
  bool json = false;
  bool dereference = false;
  std::vector<std::string> paths;
};

std::string known_profiles() {
  return std::string(unixfs::unixfs_v1_2025.name) + ", " + std::string(unixfs::unixfs_v0_2015.name);
}

void run_cid(const CidOptions& options, Context& context) {
  const auto profile = unixfs::find_profile(options.profile);
  if (!profile) {
    context.fail(ErrorKind::invalid_argument,
                 "unknown profile '" + options.profile + "' (known: " + known_profiles() + ")");
    return;
  }
  auto report = nlohmann::ordered_json::array();
  // Like sha256sum, one unreadable path does not hide the others: each failure is reported and the exit
  // code is the last failure's.
  fs::ImportOptions import_options;
  import_options.dereference_symlinks = options.dereference;
  for (const auto& path : options.paths) {
    auto node = path == "-" ? fs::cid_of_stream(STDIN_FILENO, "standard input", *profile)
                            : fs::cid_of_path(path, *profile, import_options);
    if (!node) {
      context.fail(node.error());
      continue;
    }
    const std::string cid = node->cid.to_string();
    if (options.json)
      report.push_back({{"path", path}, {"cid", cid}, {"size", node->content_size}});
    else
      context.out << cid << "  " << mlchain::core::quote_path(path) << '\n';
  }
  if (options.json) context.out << report.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace

void register_cid(CLI::App& app, Context& context) {
  auto options = std::make_shared<CidOptions>();
  auto* command =
      app.add_subcommand("cid", "Print the IPFS CID of files, directories and symlinks (nothing is stored)");
  command->add_option(
      "--profile", options->profile,
      "Import profile (IPIP-499): " + known_profiles() + "; default " + std::string(unixfs::default_profile.name));
  command->add_flag("--json", options->json, "Print a JSON array of {path, cid, size}");
  command->add_flag("--dereference", options->dereference,
                    "Take each symlink for what it points to (file or directory), as commit --dereference does");
  command->add_option("PATH", options->paths, "Files, directories or symlinks; '-' reads standard input")->required();
  command->callback([options, &context] { run_cid(*options, context); });
}

}  // namespace mlchain::cli
