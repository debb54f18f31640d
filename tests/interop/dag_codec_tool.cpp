// Drives mlchain's dag-cbor and dag-pb codecs for tests/interop/dag_codecs.sh, one block per line:
//   dag_codec_tool encode cbor|pb   value descriptions on stdin -> "<hex> <CIDv1>" per line
//   dag_codec_tool recode cbor|pb   block hex on stdin -> the hex of decode-then-encode, or "rejected: why"
// A description is the value in prefix order, as tests/peers/dag-codecs.mjs writes it:
//   null | true | false | uint N | nint N (the value -1-N) | float BITS (16 hex digits) | bytes HEX |
//   text HEX | list N <N values> | map N <N times: KEYHEX value> | link CID
//   pbnode N <N times: CID NAMEHEX TSIZE> DATAHEX
// where HEX is "-" when empty, and NAMEHEX, TSIZE and DATAHEX are "~" when absent.

#include <bit>
#include <charconv>
#include <iostream>
#include <sstream>
#include <string>

#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/hex.hpp"

using namespace mlchain;
using namespace mlchain::codec;

namespace {

Error bad(const std::string& what) { return make_error(ErrorKind::invalid_input, "description: " + what); }

class Tokens {
 public:
  explicit Tokens(const std::string& line) : stream_(line) {}

  // The next token, or "" at the end of the line (a token is never empty).
  std::string word() {
    std::string token;
    stream_ >> token;
    return token;
  }
  Result<std::uint64_t> number(int base = 10) {
    const auto token = word();
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value, base);
    if (error != std::errc() || end != token.data() + token.size()) return bad("'" + token + "' is not a number");
    return value;
  }
  Result<Bytes> bytes() {
    const auto token = word();
    if (token.empty()) return bad("ends early");
    if (token == "-") return Bytes{};
    return from_hex(token);
  }
  bool absent() {
    const auto mark = stream_.tellg();
    if (word() == "~") return true;
    stream_.seekg(mark);
    return false;
  }
  bool done() { return word().empty(); }

 private:
  std::istringstream stream_;
};

std::string as_text(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

Result<dag_cbor::Value> read_value(Tokens& tokens) {
  const auto kind = tokens.word();
  if (kind == "null") return dag_cbor::Value();
  if (kind == "true") return dag_cbor::Value(true);
  if (kind == "false") return dag_cbor::Value(false);
  if (kind == "uint" || kind == "nint") {
    MLCHAIN_TRY(auto argument, tokens.number());
    return dag_cbor::Value(dag_cbor::Integer{kind == "nint", argument});
  }
  if (kind == "float") {
    MLCHAIN_TRY(auto bits, tokens.number(16));
    return dag_cbor::Value(std::bit_cast<double>(bits));
  }
  if (kind == "bytes") {
    MLCHAIN_TRY(auto bytes, tokens.bytes());
    return dag_cbor::Value(std::move(bytes));
  }
  if (kind == "text") {
    MLCHAIN_TRY(auto bytes, tokens.bytes());
    return dag_cbor::Value(as_text(bytes));
  }
  if (kind == "list") {
    MLCHAIN_TRY(auto count, tokens.number());
    dag_cbor::List list;
    for (std::uint64_t i = 0; i < count; ++i) {
      MLCHAIN_TRY(auto item, read_value(tokens));
      list.push_back(std::move(item));
    }
    return dag_cbor::Value(std::move(list));
  }
  if (kind == "map") {
    MLCHAIN_TRY(auto count, tokens.number());
    dag_cbor::Map map;
    for (std::uint64_t i = 0; i < count; ++i) {
      MLCHAIN_TRY(auto key, tokens.bytes());
      MLCHAIN_TRY(auto item, read_value(tokens));
      if (!map.emplace(as_text(key), std::move(item)).second) return bad("duplicate map key");
    }
    return dag_cbor::Value(std::move(map));
  }
  if (kind == "link") {
    MLCHAIN_TRY(auto cid, Cid::parse(tokens.word()));
    return dag_cbor::Value(std::move(cid));
  }
  return bad("unknown kind '" + kind + "'");
}

Result<PbNode> read_pb_node(Tokens& tokens) {
  if (tokens.word() != "pbnode") return bad("expected pbnode");
  MLCHAIN_TRY(auto count, tokens.number());
  PbNode node;
  for (std::uint64_t i = 0; i < count; ++i) {
    PbLink link;
    MLCHAIN_TRY(link.hash, Cid::parse(tokens.word()));
    if (!tokens.absent()) {
      MLCHAIN_TRY(auto name, tokens.bytes());
      link.name = as_text(name);
    }
    if (!tokens.absent()) {
      MLCHAIN_TRY(link.tsize, tokens.number());
    }
    node.links.push_back(std::move(link));
  }
  if (!tokens.absent()) {
    MLCHAIN_TRY(node.data, tokens.bytes());
  }
  return node;
}

Result<Bytes> encode_line(const std::string& line, bool cbor) {
  Tokens tokens(line);
  Bytes block;
  if (cbor) {
    MLCHAIN_TRY(auto value, read_value(tokens));
    MLCHAIN_TRY(block, dag_cbor::encode(value));
  } else {
    MLCHAIN_TRY(auto node, read_pb_node(tokens));
    block = node.encode();
  }
  if (!tokens.done()) return bad("trailing tokens");
  return block;
}

Result<Bytes> recode_line(const std::string& line, bool cbor) {
  MLCHAIN_TRY(auto block, line == "-" ? Result<Bytes>(Bytes{}) : from_hex(line));
  if (cbor) {
    MLCHAIN_TRY(auto value, dag_cbor::decode(block));
    return dag_cbor::encode(value);
  }
  MLCHAIN_TRY(auto node, PbNode::decode(block));
  return node.encode();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc == 3 ? argv[1] : "";
  const std::string codec = argc == 3 ? argv[2] : "";
  if ((mode != "encode" && mode != "recode") || (codec != "cbor" && codec != "pb")) {
    std::cerr << "usage: dag_codec_tool encode|recode cbor|pb < lines\n";
    return 2;
  }
  const bool cbor = codec == "cbor";
  const auto multicodec = cbor ? multicodec::dag_cbor : multicodec::dag_pb;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (mode == "encode") {
      auto block = encode_line(line, cbor);
      if (!block) {
        std::cerr << "dag_codec_tool: " << block.error().message << " in: " << line << "\n";
        return 1;
      }
      std::cout << (block->empty() ? "-" : to_hex(*block)) << ' ' << Cid::of_block(1, multicodec, *block).to_string()
                << '\n';
    } else {
      auto block = recode_line(line, cbor);
      if (block) {
        std::cout << (block->empty() ? "-" : to_hex(*block)) << '\n';
      } else {
        std::cout << "rejected: " << block.error().message << '\n';
      }
    }
  }
  return 0;
}
