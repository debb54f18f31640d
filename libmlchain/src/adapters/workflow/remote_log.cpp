#include "mlchain/workflow/remote_log.hpp"

#include "mlchain/chain/anchor.hpp"
#include "mlchain/repo/repository.hpp"

namespace mlchain::workflow {

Result<std::vector<chain::TimedUpdate>> remote_log(const std::filesystem::path& start, std::string_view remote_name,
                                                   std::optional<std::size_t> limit) {
  MLCHAIN_TRY(auto repository, repo::discover_repository(start.empty() ? std::filesystem::current_path() : start));
  MLCHAIN_TRY(auto remote, chain::find_chain_remote(repository, remote_name));
  MLCHAIN_TRY(auto history, chain::remote_history(remote));
  if (limit && history.size() > *limit) history.resize(*limit);
  return history;
}

}  // namespace mlchain::workflow
