#include "mlchain/core/proof.hpp"

#include <algorithm>

#include "../unixfs/hamt.hpp"
#include "mlchain/codec/car.hpp"
#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"
#include "mlchain/core/memory_object_store.hpp"
#include "mlchain/core/tree.hpp"

namespace mlchain::core {
namespace {

namespace cbor = codec::dag_cbor;
using codec::Cid;
using codec::UnixfsType;

constexpr std::string_view proof_type = "mlchain/file-proof";

Error malformed(const std::string& why) { return make_error(ErrorKind::corrupt, "malformed proof block: " + why); }

Error bad_node(const Cid& cid, std::string_view why) {
  return make_error(ErrorKind::corrupt, "tree node " + cid.to_string() + " " + std::string(why));
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    names.emplace_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return names;
    start = slash + 1;
  }
}

Bytes fixed_bytes(const auto& array) { return Bytes(array.begin(), array.end()); }

cbor::Map anchor_map(const AnchorFacts& anchor) {
  cbor::Map out;
  out.emplace("repo", anchor.repo);
  out.emplace("block", anchor.block);
  out.emplace("chain", anchor.chain_id);
  out.emplace("branch", anchor.branch);
  out.emplace("logIndex", anchor.log_index);
  out.emplace("registry", fixed_bytes(anchor.registry.bytes));
  out.emplace("blockHash", fixed_bytes(anchor.block_hash));
  out.emplace("transaction", fixed_bytes(anchor.transaction));
  return out;
}

Status only_keys(const cbor::Map& map, std::initializer_list<std::string_view> allowed, std::string_view what) {
  for (const auto& [key, value] : map)
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return malformed(std::string(what) + " has an unknown key '" + key + "'");
  return {};
}

Result<std::string> text_of(const cbor::Map& map, const std::string& key) {
  const auto* value = map.count(key) ? map.at(key).get_if<std::string>() : nullptr;
  if (value == nullptr) return malformed("'" + key + "' is missing or not text");
  return *value;
}

Result<std::uint64_t> number_of(const cbor::Map& map, const std::string& key) {
  const auto value = map.count(key) ? map.at(key).as_uint64() : std::nullopt;
  if (!value) return malformed("'" + key + "' is missing or not a non-negative integer");
  return *value;
}

template <std::size_t N>
Result<std::array<std::uint8_t, N>> bytes_of(const cbor::Map& map, const std::string& key) {
  const auto* value = map.count(key) ? map.at(key).get_if<Bytes>() : nullptr;
  if (value == nullptr || value->size() != N)
    return malformed("'" + key + "' is missing or not " + std::to_string(N) + " bytes");
  std::array<std::uint8_t, N> out{};
  std::copy(value->begin(), value->end(), out.begin());
  return out;
}

Result<AnchorFacts> read_anchor(const cbor::Value& value) {
  const auto* map = value.get_if<cbor::Map>();
  if (map == nullptr) return malformed("'anchor' is not a map");
  MLCHAIN_TRY_STATUS(only_keys(
      *map, {"repo", "block", "chain", "branch", "logIndex", "registry", "blockHash", "transaction"}, "'anchor'"));
  AnchorFacts anchor;
  MLCHAIN_TRY(anchor.repo, text_of(*map, "repo"));
  MLCHAIN_TRY(anchor.block, number_of(*map, "block"));
  MLCHAIN_TRY(anchor.chain_id, number_of(*map, "chain"));
  MLCHAIN_TRY(anchor.branch, text_of(*map, "branch"));
  MLCHAIN_TRY(anchor.log_index, number_of(*map, "logIndex"));
  MLCHAIN_TRY(anchor.registry.bytes, bytes_of<20>(*map, "registry"));
  MLCHAIN_TRY(anchor.block_hash, bytes_of<32>(*map, "blockHash"));
  MLCHAIN_TRY(anchor.transaction, bytes_of<32>(*map, "transaction"));
  return anchor;
}

struct Node {
  codec::PbNode pb;
  codec::UnixfsData data;
};

Result<Node> load_node(ObjectStore& objects, const Cid& cid) {
  if (cid.codec() != codec::multicodec::dag_pb) return bad_node(cid, "is linked as a directory but is not dag-pb");
  MLCHAIN_TRY(auto block, objects.get(cid));
  auto pb = codec::PbNode::decode(block);
  if (!pb) return bad_node(cid, "is not valid dag-pb: " + pb.error().message);
  if (!pb->data) return bad_node(cid, "has no UnixFS data");
  auto data = codec::UnixfsData::decode(*pb->data);
  if (!data) return bad_node(cid, "has invalid UnixFS data: " + data.error().message);
  return Node{std::move(pb).value(), std::move(data).value()};
}

// The HAMT's hex slot labels are this wide; its fanout a power of two from 2 to 1024, hashed with murmur3.
Result<std::pair<unsigned, std::size_t>> shard_shape(const Cid& cid, const codec::UnixfsData& data) {
  if (!data.fanout || *data.fanout < 2 || *data.fanout > 1024 || (*data.fanout & (*data.fanout - 1)) != 0)
    return bad_node(cid, "is a HAMT shard without a valid fanout");
  if (data.hash_type != codec::hamt_hash_murmur3_x64_64)
    return bad_node(cid, "is a HAMT shard not hashed with murmur3");
  unsigned bits = 0;
  while ((std::uint64_t{1} << bits) < *data.fanout) ++bits;
  std::size_t digits = 0;
  for (std::uint64_t rest = *data.fanout - 1; rest != 0; rest >>= 4) ++digits;
  return std::pair{bits, digits};
}

std::string slot_label(unsigned slot, std::size_t width) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string text(width, '0');
  for (auto i = width; i > 0 && slot > 0; --i, slot /= 16) text[i - 1] = digits[slot % 16];
  return text;
}

// The link named `name` in the directory `cid`, descending into the HAMT's sub-shards as the name's hash
// says (each one appended to `blocks`); nothing when the directory has no such entry.
Result<std::optional<codec::PbLink>> find_entry(ObjectStore& objects, const Cid& cid, const Node& node,
                                                const std::string& name, std::vector<Cid>& blocks) {
  if (node.data.type == UnixfsType::directory) {
    for (const auto& link : node.pb.links)
      if (link.name == name) return std::optional<codec::PbLink>(link);
    return std::optional<codec::PbLink>();
  }
  Cid shard_cid = cid;
  Node shard = node;
  for (unsigned level = 0; level <= max_tree_depth; ++level) {
    MLCHAIN_TRY(const auto shape, shard_shape(shard_cid, shard.data));
    const std::string label = slot_label(unixfs::hamt_slot(name, level, shape.first), shape.second);
    const codec::PbLink* next = nullptr;
    for (const auto& link : shard.pb.links) {
      if (!link.name || !link.name->starts_with(label)) continue;
      if (link.name->size() == label.size()) {
        next = &link;
        break;
      }
      if (std::string_view(*link.name).substr(label.size()) == name) return std::optional<codec::PbLink>(link);
    }
    if (next == nullptr) return std::optional<codec::PbLink>();
    const Cid next_cid = next->hash;
    MLCHAIN_TRY(shard, load_node(objects, next_cid));
    if (shard.data.type != UnixfsType::hamt_shard)
      return bad_node(next_cid, "is linked as a HAMT shard but is not one");
    shard_cid = next_cid;
    blocks.push_back(shard_cid);
  }
  return bad_node(cid, "lies deeper than " + std::to_string(max_tree_depth) + " levels");
}

bool is_directory(const Node& node) {
  return node.data.type == UnixfsType::directory || node.data.type == UnixfsType::hamt_shard;
}

}  // namespace

Status check_proof_path(std::string_view path) {
  for (const auto& name : split_path(path))
    if (name.empty() || name == "." || name == ".." || name.find('\0') != std::string::npos)
      return make_error(ErrorKind::invalid_argument,
                        "'" + std::string(path) +
                            "' is not a path in a tree: names separated by '/', none empty, "
                            "'.' or '..'");
  return {};
}

Result<Bytes> encode_proof_block(const ProofBlock& proof) {
  MLCHAIN_TRY_STATUS(check_proof_path(proof.path));
  cbor::Map map;
  map.emplace("v", ProofBlock::schema_version);
  map.emplace("path", proof.path);
  map.emplace("type", std::string(proof_type));
  map.emplace("commit", proof.commit);
  if (proof.anchor) map.emplace("anchor", anchor_map(*proof.anchor));
  return cbor::encode(map);
}

Result<ProofBlock> decode_proof_block(ByteView block) {
  auto value = cbor::decode(block);
  if (!value) return malformed(value.error().message);
  const auto* map = value->get_if<cbor::Map>();
  if (map == nullptr) return malformed("it is not a map");
  MLCHAIN_TRY_STATUS(only_keys(*map, {"v", "path", "type", "commit", "anchor"}, "the proof block"));
  MLCHAIN_TRY(const std::string type, text_of(*map, "type"));
  if (type != proof_type) return malformed("'type' is not '" + std::string(proof_type) + "'");
  MLCHAIN_TRY(const std::uint64_t version, number_of(*map, "v"));
  if (version != ProofBlock::schema_version) return malformed("'v' is not 1 (a newer mlchain may read it)");
  ProofBlock proof;
  MLCHAIN_TRY(proof.path, text_of(*map, "path"));
  if (auto valid = check_proof_path(proof.path); !valid) return malformed(valid.error().message);
  const auto* commit = map->count("commit") ? map->at("commit").get_if<Cid>() : nullptr;
  if (commit == nullptr || commit->codec() != codec::multicodec::dag_cbor)
    return malformed("'commit' is missing or not a link to a dag-cbor block");
  proof.commit = *commit;
  if (map->count("anchor")) {
    MLCHAIN_TRY(proof.anchor, read_anchor(map->at("anchor")));
  }
  return proof;
}

Result<ProvenFile> walk_to_file(ObjectStore& objects, const Cid& tree, std::string_view path) {
  MLCHAIN_TRY_STATUS(check_proof_path(path));
  const auto names = split_path(path);
  if (names.size() > max_tree_depth)
    return make_error(ErrorKind::invalid_argument, "'" + std::string(path) + "' is deeper than any tree may be");
  ProvenFile file;
  Cid directory = tree;
  std::string walked;
  for (std::size_t i = 0; i < names.size(); ++i) {
    MLCHAIN_TRY(const Node node, load_node(objects, directory));
    if (!is_directory(node))
      return make_error(ErrorKind::invalid_argument,
                        "'" + (walked.empty() ? std::string("the tree's root") : walked) + "' is not a directory");
    file.blocks.push_back(directory);
    MLCHAIN_TRY(const auto link, find_entry(objects, directory, node, names[i], file.blocks));
    walked += (walked.empty() ? "" : "/") + names[i];
    if (!link) return make_error(ErrorKind::not_found, "the tree has no '" + walked + "'");
    if (i + 1 < names.size()) {
      if (link->hash.codec() != codec::multicodec::dag_pb)
        return make_error(ErrorKind::invalid_argument, "'" + walked + "' is not a directory");
      directory = link->hash;
      continue;
    }
    file.cid = link->hash;
    if (file.cid.codec() == codec::multicodec::raw) {
      // A raw leaf is the whole file: the directory's link says its size.
      if (!link->tsize) return bad_node(directory, "links the raw file '" + walked + "' without its size");
      file.size = *link->tsize;
      return file;
    }
    MLCHAIN_TRY(const Node root, load_node(objects, file.cid));
    if (root.data.type != UnixfsType::file && root.data.type != UnixfsType::raw)
      return make_error(ErrorKind::invalid_argument, "'" + walked + "' is not a file");
    file.size = root.data.filesize ? *root.data.filesize : (root.data.data ? root.data.data->size() : 0);
    file.blocks.push_back(file.cid);
    return file;
  }
  return make_error(ErrorKind::invalid_argument, "'" + std::string(path) + "' names no file");
}

Result<ProofCar> build_proof_car(ObjectStore& objects, const Cid& commit, std::string_view path,
                                 const std::optional<AnchorFacts>& anchor) {
  MLCHAIN_TRY(const Bytes commit_block, objects.get(commit));
  MLCHAIN_TRY(const Commit decoded, decode_commit(commit_block));
  MLCHAIN_TRY(auto file, walk_to_file(objects, decoded.tree, path));
  MLCHAIN_TRY(const Bytes proof_block,
              encode_proof_block(ProofBlock{.commit = commit, .path = std::string(path), .anchor = anchor}));
  const Cid root = Cid::of_block(1, codec::multicodec::dag_cbor, proof_block);
  ProofCar car{.bytes = codec::encode_car_header({root}), .root = root, .file = std::move(file), .blocks = 2};
  append(car.bytes, codec::encode_car_section(root, proof_block));
  append(car.bytes, codec::encode_car_section(commit, commit_block));
  for (const auto& cid : car.file.blocks) {
    MLCHAIN_TRY(const Bytes block, objects.get(cid));
    append(car.bytes, codec::encode_car_section(cid, block));
    ++car.blocks;
  }
  return car;
}

Result<OpenedProof> open_proof_car(ByteView car_bytes) {
  MLCHAIN_TRY(const auto car, codec::decode_car(car_bytes));
  if (car.roots.size() != 1)
    return make_error(ErrorKind::corrupt, "the proof has " + std::to_string(car.roots.size()) + " roots, not one");
  if (car.blocks.size() < 3 || car.blocks[0].cid != car.roots[0])
    return make_error(ErrorKind::corrupt, "the proof does not begin with its root block " + car.roots[0].to_string());
  if (car.roots[0].codec() != codec::multicodec::dag_cbor)
    return make_error(ErrorKind::corrupt, "the proof's root " + car.roots[0].to_string() + " is not dag-cbor");
  OpenedProof opened;
  MLCHAIN_TRY(opened.proof, decode_proof_block(car.blocks[0].block));
  if (car.blocks[1].cid != opened.proof.commit)
    return make_error(ErrorKind::corrupt,
                      "the proof's second block is not its commit " + opened.proof.commit.to_string());
  MLCHAIN_TRY(opened.commit, decode_commit(car.blocks[1].block));

  MemoryObjectStore path_blocks;
  for (std::size_t i = 2; i < car.blocks.size(); ++i) {
    MLCHAIN_TRY(const bool repeated, path_blocks.contains(car.blocks[i].cid));
    if (repeated)
      return make_error(ErrorKind::corrupt, "the proof holds block " + car.blocks[i].cid.to_string() + " twice");
    MLCHAIN_TRY_STATUS(path_blocks.put(car.blocks[i].cid, car.blocks[i].block));
  }
  auto walked = walk_to_file(path_blocks, opened.commit.tree, opened.proof.path);
  if (!walked)
    return make_error(ErrorKind::corrupt, "the proof's blocks do not lead to '" + opened.proof.path + "' in tree " +
                                              opened.commit.tree.to_string() + ": " + walked.error().message);
  opened.file = std::move(walked).value();
  // Exactly the blocks walked, in the order walked: nothing left over, nothing elsewhere in the tree.
  const bool exact =
      opened.file.blocks.size() == car.blocks.size() - 2 &&
      std::equal(opened.file.blocks.begin(), opened.file.blocks.end(), car.blocks.begin() + 2,
                 [](const Cid& walked_cid, const codec::CarBlock& block) { return walked_cid == block.cid; });
  if (!exact)
    return make_error(ErrorKind::corrupt, "the proof holds " + std::to_string(car.blocks.size() - 2) +
                                              " tree blocks where the path to '" + opened.proof.path + "' takes " +
                                              std::to_string(opened.file.blocks.size()) + ", or in another order");
  opened.blocks = car.blocks.size();
  return opened;
}

}  // namespace mlchain::core
