// dag-pb blocks: a block the strict decoder accepts re-encodes to the same bytes.

#include "mlchain/codec/dag_pb.hpp"
#include "round_trip.hpp"

using namespace mlchain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = fuzz::input(data, size);
  if (auto node = codec::PbNode::decode(in)) fuzz::require_same(in, node->encode(), "dag-pb node");
  return 0;
}
