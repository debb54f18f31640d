#pragma once
// `mlchain cite` as one call: the values of a citation of one commit (core/citation.hpp), gathered from the
// repository and, when it has a chain remote, from that chain: the push that anchors the commit
// (chain/anchoring.hpp, as `verify --chain` finds it) with its block's time, and the stages the commit
// holds on the repository's governance with the attestations behind them.

#include <filesystem>
#include <optional>
#include <string>

#include "mlchain/core/citation.hpp"
#include "mlchain/result.hpp"

namespace mlchain::workflow {

struct CiteRequest {
  std::string revision = "HEAD";
  // The remote whose chain anchors the commit; nothing: origin when it is configured with a chain.
  std::optional<std::string> remote;
  bool offline = false;         // ask no chain: the citation says the date is the author's claim only
  std::filesystem::path start;  // where the repository is looked for; empty: the current directory
};

// A commit no chain anchors is still cited (citation.anchor empty), never an error. Errors: bad_signature
// (a commit whose signature does not recover to its author), not_found (no repository, an unknown
// revision, a named remote that is not configured), invalid_argument (a remote with only part of the chain
// settings), remote_unavailable (the chain remote's node cannot be asked: a citation that silently lacked
// its anchor would mislead), and corrupt or invalid_input for a registry or node that answers what it
// must not.
Result<core::Citation> cite(const CiteRequest& request);

}  // namespace mlchain::workflow
