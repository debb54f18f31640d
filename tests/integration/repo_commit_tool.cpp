// Test-only: writes a signed commit of a directory into the repository around the current directory,
// through the library, so the repository commands (log, show, branch, fsck, gc…) can be tested from
// the shell with histories shaped at will: chosen parents and times, a stranger's signature, a commit
// no ref reaches. Prints the commit's CID. Not installed; `mlchain commit` is the real command.
//
//   repo_commit_tool --tree DIR [-m MSG] [--time T] [--parent CID]... [--no-parent] [--metric K=V]...
//                    [--key HEX] [--author ADDR] [--no-ref]

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "exit_code.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/core/commit.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/keys/signers.hpp"
#include "mlchain/repo/repository.hpp"

namespace {

using namespace mlchain;

// A well-known test key (the example key of the Web3 Secret Storage definition); never holds value.
constexpr const char* default_key = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

struct Options {
  std::string tree;
  std::string message = "test commit";
  std::optional<std::int64_t> time;
  std::vector<std::string> parents;
  bool no_parent = false;
  std::vector<std::string> metrics;
  std::string key = default_key;
  std::string author;
  bool no_ref = false;
};

Result<codec::Cid> make_commit(const Options& options) {
  MLCHAIN_TRY(auto repository, repo::discover_repository(std::filesystem::current_path()));
  MLCHAIN_TRY(auto lock, repo::lock_for_writing(repository));
  const auto& profile = unixfs::default_profile;
  MLCHAIN_TRY(auto tree, fs::import_path(options.tree, profile, repository.objects()));
  MLCHAIN_TRY(auto files, core::list_files(repository.objects(), tree.cid));
  for (const auto& entry : files) {
    if (entry.kind != unixfs::NodeKind::file) continue;
    const auto source =
        entry.path.empty() ? std::filesystem::path(options.tree) : std::filesystem::path(options.tree) / entry.path;
    MLCHAIN_TRY_STATUS(repository.contents().store_copy(source, entry.cid, profile));
  }

  MLCHAIN_TRY(auto head, repository.refs().head_commit());
  core::Commit commit;
  commit.tree = tree.cid;
  commit.profile = std::string(profile.name);
  commit.time = options.time.value_or(static_cast<std::int64_t>(::time(nullptr)));
  commit.message = options.message;
  if (!options.parents.empty()) {
    for (const auto& text : options.parents) {
      MLCHAIN_TRY(auto parent, codec::Cid::parse(text));
      commit.parents.push_back(parent);
    }
  } else if (head && !options.no_parent) {
    commit.parents.push_back(*head);
  }
  for (const auto& metric : options.metrics) {
    const auto equals = metric.find('=');
    if (equals == std::string::npos) return make_error(ErrorKind::invalid_argument, "--metric wants K=V");
    commit.meta.metrics[metric.substr(0, equals)] = std::stod(metric.substr(equals + 1));
  }

  MLCHAIN_TRY(auto key, crypto::PrivateKey::from_hex(options.key));
  keys::PrivateKeySigner signer(std::move(key));
  commit.author = signer.address();
  if (!options.author.empty()) {
    MLCHAIN_TRY(auto author, codec::parse_address(options.author));
    commit.author = author;
  }
  MLCHAIN_TRY(auto unsigned_block, core::encode_unsigned(commit));
  const auto digest = core::signing_digest(unsigned_block);
  MLCHAIN_TRY(auto signature, signer.sign_message(digest));
  commit.signature = signature;
  MLCHAIN_TRY(auto block, core::encode_commit(commit));
  const auto cid = codec::Cid::of_block(1, codec::multicodec::dag_cbor, block);
  MLCHAIN_TRY_STATUS(repository.objects().put(cid, block));
  // A commit moves the branch only from the commit it was built on, as `mlchain commit` does; racing
  // tools that both name the same --parent must not both win.
  const std::optional<codec::Cid> expected = commit.parents.empty() ? head : std::optional(commit.parents.front());
  if (!options.no_ref) MLCHAIN_TRY_STATUS(repository.refs().advance_head(expected, cid));
  return cid;
}

Result<Options> parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-parent") {
      options.no_parent = true;
      continue;
    }
    if (flag == "--no-ref") {
      options.no_ref = true;
      continue;
    }
    if (i + 1 >= argc) return make_error(ErrorKind::invalid_argument, "unknown flag or missing value: " + flag);
    const std::string value = argv[++i];
    if (flag == "--tree")
      options.tree = value;
    else if (flag == "-m")
      options.message = value;
    else if (flag == "--time")
      options.time = std::stoll(value);
    else if (flag == "--parent")
      options.parents.push_back(value);
    else if (flag == "--metric")
      options.metrics.push_back(value);
    else if (flag == "--key")
      options.key = value;
    else if (flag == "--author")
      options.author = value;
    else
      return make_error(ErrorKind::invalid_argument, "unknown flag: " + flag);
  }
  if (options.tree.empty()) return make_error(ErrorKind::invalid_argument, "--tree DIR is required");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse(argc, argv);
  auto cid = options ? make_commit(*options) : Result<codec::Cid>(options.error());
  if (!cid) {
    std::cerr << "repo_commit_tool: " << cid.error().message << '\n';
    return cli::exit_code(cid.error().kind);
  }
  std::cout << cid->to_string() << '\n';
  return 0;
}
