#pragma once
// `mlchain log --remote [REMOTE]` as one call: the head updates the remote's chain records for its
// repository (chain/anchoring.hpp), newest first.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "mlchain/chain/anchoring.hpp"

namespace mlchain::workflow {

// The repository is looked for from `start` (empty: the current directory); `limit` keeps the newest that
// many. Errors: not_found (no repository, no such remote), invalid_argument (the remote lacks a chain
// setting), remote_unavailable.
Result<std::vector<chain::TimedUpdate>> remote_log(const std::filesystem::path& start, std::string_view remote_name,
                                                   std::optional<std::size_t> limit);

}  // namespace mlchain::workflow
