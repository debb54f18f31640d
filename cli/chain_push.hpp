#pragma once
// The chain step of `mlchain push`: after cmd_push has uploaded and pinned, one transaction moves
// the branch head on the remote's registry; --speed-up replaces a stuck one instead.

#include <optional>
#include <string>

#include "chain_support.hpp"
#include "mlchain/remote/remotes.hpp"

namespace mlchain::cli {

struct Context;

struct ChainPushOptions {
  std::optional<std::string> key;
  bool speed_up = false;
  WaitOptions wait;
};
// --key NAME, --speed-up, --confirmations N, --timeout SECONDS.
void add_chain_push_options(CLI::App& command, ChainPushOptions& options);

// Anchors `head` as `branch` on the remote's chain (its objects must be pinned) and prints the
// transaction, its block and gas, and the clone URL. Errors go through context.fail.
void anchor_pushed_branch(repo::Repository& repository, const remote::Remote& remote, const std::string& branch,
                          const codec::Cid& head, const ChainPushOptions& options, Context& context);

// push --speed-up: replaces the remote's stuck push transaction and waits for it.
void speed_up_stuck_push(repo::Repository& repository, const remote::Remote& remote, const ChainPushOptions& options,
                         Context& context);

}  // namespace mlchain::cli
