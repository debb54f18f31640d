#include "mlchain/ipfs/node.hpp"

namespace mlchain::ipfs {

Status check_block(const codec::Cid& cid, ByteView block, std::string_view source) {
  if (cid.matches(block)) return {};
  return make_error(ErrorKind::corrupt,
                    "block " + cid.to_string() + " from " + std::string(source) + " does not hash to its CID");
}

}  // namespace mlchain::ipfs
