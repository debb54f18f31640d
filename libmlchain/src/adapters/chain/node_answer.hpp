#pragma once
// What a node answered a contract call with, once decoded: data that does not decode is that node's fault
// (remote_unavailable naming it), never a wrong value and never the caller's mistake.

#include <string>
#include <string_view>

#include "mlchain/eth/rpc_client.hpp"
#include "mlchain/result.hpp"

namespace mlchain::chain {

template <class T>
Result<T> from_node(Result<T> decoded, const eth::RpcClient& rpc, std::string_view what) {
  if (!decoded)
    return make_error(ErrorKind::remote_unavailable, rpc.display_url() + " answered " + std::string(what) +
                                                         " with malformed data: " + decoded.error().message);
  return decoded;
}

}  // namespace mlchain::chain
