#include <catch2/catch.hpp>

#include <bit>
#include <cstdio>
#include <map>
#include <string>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"
#include "mlchain/unixfs/directory_builder.hpp"

using namespace mlchain;
using namespace mlchain::unixfs;
using codec::Cid;
using codec::UnixfsType;

// Reference CIDs: ipfs-unixfs-importer 17.1.1 through tests/peers/unixfs-cid.mjs on the trees that
// tests/interop/cid_directories.sh builds (tests/vectors/README.md has the commands).

namespace {

class RecordingSink final : public BlockSink {
 public:
  Status put(const Cid& cid, ByteView block) override {
    order.push_back(cid);
    blocks[cid] = Bytes(block.begin(), block.end());
    return {};
  }
  codec::PbNode node(const Cid& cid) const { return codec::PbNode::decode(blocks.at(cid)).value(); }
  UnixfsType type(const Cid& cid) const { return codec::UnixfsData::decode(*node(cid).data).value().type; }

  std::vector<Cid> order;
  std::map<Cid, Bytes> blocks;
};

// A one-chunk file as each profile stores it: a raw leaf, or a dag-pb UnixFS File leaf.
ImportedNode file_node(const Profile& profile, std::string_view content) {
  if (profile.raw_leaves)
    return {Cid::of_block(1, codec::multicodec::raw, as_bytes(content)), content.size(), content.size()};
  codec::UnixfsData data;
  data.type = UnixfsType::file;
  if (!content.empty()) data.data = Bytes(content.begin(), content.end());
  data.filesize = content.size();
  codec::PbNode node;
  node.data = data.encode();
  const Bytes block = node.encode();
  return {Cid::of_block(0, codec::multicodec::dag_pb, block), block.size(), content.size()};
}

// `count` empty files with 200-byte names, file-000001-xxx…, and one more empty file whose name is
// `last_name_size` bytes: g, then x's.
std::vector<DirectoryEntry> empty_files(const Profile& profile, int count, std::size_t last_name_size) {
  std::vector<DirectoryEntry> entries;
  for (int i = 1; i <= count; ++i) {
    char prefix[24];
    std::snprintf(prefix, sizeof prefix, "file-%06d-", i);
    entries.push_back({prefix + std::string(188, 'x'), file_node(profile, "")});
  }
  entries.push_back({"g" + std::string(last_name_size - 1, 'x'), file_node(profile, "")});
  return entries;
}

ImportedNode build(const Profile& profile, std::vector<DirectoryEntry> entries, RecordingSink& sink) {
  auto node = build_directory(profile, std::move(entries), sink);
  REQUIRE(node);
  return node.value();
}

}  // namespace

TEST_CASE("the fixture leaves are the reference's empty files", "[unixfs][directory]") {
  CHECK(file_node(unixfs_v1_2025, "").cid.to_string() == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
  CHECK(file_node(unixfs_v0_2015, "").cid.to_string() == "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");
}

TEST_CASE("an empty directory is the well-known empty UnixFS directory", "[unixfs][directory]") {
  RecordingSink sink;
  const auto v1 = build(unixfs_v1_2025, {}, sink);
  CHECK(v1.cid.to_string() == "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354");
  CHECK(v1.tsize == 4);
  CHECK(v1.kind == NodeKind::directory);
  CHECK(v1.entry_count == 0);
  CHECK(build(unixfs_v0_2015, {}, sink).cid.to_string() == "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");
}

TEST_CASE("a symlink is a UnixFS Symlink node holding its target", "[unixfs][symlink]") {
  RecordingSink sink;
  const auto v1 = build_symlink(unixfs_v1_2025, "hello.txt", sink);
  REQUIRE(v1);
  CHECK(v1->cid.to_string() == "bafybeiar537gtgwbfdxiqzybddgre3qnehtxmegnc573cpzs3lza53a4la");
  CHECK(v1->kind == NodeKind::symlink);
  CHECK(v1->tsize == sink.blocks.at(v1->cid).size());
  const auto data = codec::UnixfsData::decode(*sink.node(v1->cid).data).value();
  CHECK(data.type == UnixfsType::symlink);
  CHECK(*data.data == Bytes{'h', 'e', 'l', 'l', 'o', '.', 't', 'x', 't'});
  CHECK_FALSE(data.mode);
  CHECK_FALSE(data.mtime);

  const auto v0 = build_symlink(unixfs_v0_2015, "hello.txt", sink);
  REQUIRE(v0);
  CHECK(v0->cid.to_string() == "QmPYf1QFHozJBBDAws6mzy3kzMPmtSuSc4iCwJS5GMYaSK");
}

TEST_CASE("a flat directory's links are sorted bytewise whatever order the entries come in", "[unixfs][directory]") {
  RecordingSink sink;
  auto entries = [&] {
    return std::vector<DirectoryEntry>{{"\xc3\xa9", file_node(unixfs_v1_2025, "e")},
                                       {"a", file_node(unixfs_v1_2025, "a")},
                                       {"B", file_node(unixfs_v1_2025, "b")},
                                       {"ab", file_node(unixfs_v1_2025, "ab")}};
  };
  const auto forward = build(unixfs_v1_2025, entries(), sink);
  auto reversed_entries = entries();
  std::reverse(reversed_entries.begin(), reversed_entries.end());
  CHECK(build(unixfs_v1_2025, reversed_entries, sink).cid == forward.cid);

  const auto node = sink.node(forward.cid);
  REQUIRE(node.links.size() == 4);
  CHECK(*node.links[0].name == "B");
  CHECK(*node.links[1].name == "a");
  CHECK(*node.links[2].name == "ab");
  CHECK(*node.links[3].name == "\xc3\xa9");
  CHECK(*node.links[3].tsize == 1);
  CHECK(forward.tsize == sink.blocks.at(forward.cid).size() + 1 + 1 + 1 + 2);
  CHECK(sink.type(forward.cid) == UnixfsType::directory);
}

TEST_CASE("entry names must be single, distinct path components", "[unixfs][directory]") {
  RecordingSink sink;
  const auto file = file_node(unixfs_v1_2025, "x");
  for (const char* bad : {"", ".", "..", "a/b"}) {
    INFO(bad);
    const auto result = build_directory(unixfs_v1_2025, {{bad, file}}, sink);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::invalid_input);
  }
  const auto twice = build_directory(unixfs_v1_2025, {{"same", file}, {"same", file}}, sink);
  REQUIRE_FALSE(twice);
  CHECK(twice.error().message.find("same") != std::string::npos);
}

// unixfs-v1-2025 estimates the encoded flat block: 4 bytes of Data, 246 per 200-byte name linking an
// empty raw leaf, 150 for a 105-byte one; 4 + 1065 × 246 + 150 = 262144 is not past the threshold, one
// byte more is.
TEST_CASE("unixfs-v1-2025 shards once the flat block would pass 256 KiB", "[unixfs][hamt]") {
  RecordingSink sink;
  const auto at = build(unixfs_v1_2025, empty_files(unixfs_v1_2025, 1065, 105), sink);
  CHECK(sink.type(at.cid) == UnixfsType::directory);
  CHECK(sink.blocks.at(at.cid).size() == 262144);
  CHECK(at.cid.to_string() == "bafybeierfrxb4qqfyinqdnsqawviwpn5zu72qtiky43yf567we4os6wtfm");

  const auto past = build(unixfs_v1_2025, empty_files(unixfs_v1_2025, 1065, 106), sink);
  CHECK(sink.type(past.cid) == UnixfsType::hamt_shard);
  CHECK(past.cid.to_string() == "bafybeietxooqoj3g5b37uguoz7hxe5gwmpgki6cgja5wnkgid3fd2nqyui");
  CHECK(past.entry_count == 1066);

  // 1066 names over 256 slots: one link per taken slot (a bit in the big-endian bit field), labelled by
  // two uppercase hex digits, alone for a sub-shard and followed by the name for an entry.
  const auto root = sink.node(past.cid);
  const auto data = codec::UnixfsData::decode(*root.data).value();
  CHECK(*data.fanout == 256);
  CHECK(*data.hash_type == 0x22);
  std::size_t taken = 0;
  for (auto byte : *data.data) taken += static_cast<std::size_t>(std::popcount(byte));
  CHECK(root.links.size() == taken);
  std::size_t sub_shards = 0;
  for (const auto& link : root.links) {
    const std::string& name = *link.name;
    REQUIRE(name.size() >= 2);
    CHECK(name.find_first_not_of("0123456789ABCDEF") >= 2);
    const unsigned slot = static_cast<unsigned>(std::stoul(name.substr(0, 2), nullptr, 16));
    CHECK((((*data.data)[data.data->size() - 1 - slot / 8] >> (slot % 8)) & 1) == 1);
    if (name.size() == 2) {
      ++sub_shards;
      CHECK(sink.type(link.hash) == UnixfsType::hamt_shard);
    }
  }
  CHECK(sub_shards > 0);
  // Sub-shards reach the sink before the shard that links them.
  CHECK(sink.order.back() == past.cid);

  std::uint64_t children = 0;
  for (const auto& link : root.links) children += *link.tsize;
  CHECK(past.tsize == sink.blocks.at(past.cid).size() + children);
}

// unixfs-v0-2015 estimates name bytes + 34 CID bytes per link: 1120 × 234 + (30 + 34) = 262144.
TEST_CASE("unixfs-v0-2015 shards once names and CIDs pass 256 KiB", "[unixfs][hamt]") {
  RecordingSink sink;
  const auto at = build(unixfs_v0_2015, empty_files(unixfs_v0_2015, 1120, 30), sink);
  CHECK(sink.type(at.cid) == UnixfsType::directory);
  CHECK(at.cid.to_string() == "QmcqzuNr8TYF6C6mEtqitZ17uCHKwrs4XixFpwV3MzxgWR");

  const auto past = build(unixfs_v0_2015, empty_files(unixfs_v0_2015, 1120, 31), sink);
  CHECK(sink.type(past.cid) == UnixfsType::hamt_shard);
  CHECK(past.cid.to_string() == "QmSebXx8ddeKDbJgD2EkkP5YJZmJfzBsjEmzPPFhzt4wSs");
}

// The reference adds a subdirectory before its contents, so for that moment the parent holds an empty
// directory's link; once the subdirectory has an entry it counts for nothing. Files just under the
// threshold with a non-empty subdirectory added last ("zsub") shard; added first ("asub"), they do not.
TEST_CASE("a non-empty subdirectory counts only for the moment it is added", "[unixfs][hamt]") {
  struct Case {
    const Profile* profile;
    int count;
    std::size_t name_size;
    const char* sub;
    UnixfsType type;
    const char* cid;
  };
  const Case cases[] = {
      {&unixfs_v1_2025, 1065, 100, "asub", UnixfsType::directory,
       "bafybeiaecbgjppecres4lze7fxtz5j3oymgh7sjzmxdgzbgt6n33ne5sj4"},
      {&unixfs_v1_2025, 1065, 100, "zsub", UnixfsType::hamt_shard,
       "bafybeifidkw6ro3mxu2wep64tk3gicl3wugvyjeswg3plp53p6atsu276e"},
      {&unixfs_v0_2015, 1120, 20, "asub", UnixfsType::directory, "QmWhgF8s2FWAyvb5BeaX2PKQwQXdrr578Jb2xJ7nmVUMi6"},
      {&unixfs_v0_2015, 1120, 20, "zsub", UnixfsType::hamt_shard, "QmXK5XMqMi9qUcDhyK5XTU8Y7rRZB9AkApQb3GaovYwue9"},
  };
  for (const auto& c : cases) {
    INFO(c.profile->name << " " << c.sub);
    RecordingSink sink;
    auto entries = empty_files(*c.profile, c.count, c.name_size);
    entries.push_back({c.sub, build(*c.profile, {{"file", file_node(*c.profile, "inside")}}, sink)});
    const auto root = build(*c.profile, std::move(entries), sink);
    CHECK(sink.type(root.cid) == c.type);
    CHECK(root.cid.to_string() == c.cid);
  }
}

// The reference's other fanouts (its shardFanoutBits option) take slices that straddle hash bytes and
// labels of one hex digit; a 100-byte links-bytes threshold shards a handful of empty files.
TEST_CASE("HAMT slots and labels follow the reference for fanouts other than 256", "[unixfs][hamt]") {
  struct Case {
    unsigned bits;
    int count;
    const char* cid;
    std::uint64_t tsize;
  };
  const Case cases[] = {
      {3, 40, "bafybeif76rdqxb6agho7xssixmlv244ez66udv7fsehtjhk655vyoh6utu", 3252},
      {4, 100, "bafybeiht2vpr6bbn5qugktavybqusxgqdnarqduzzzypt6d4byn4qzxsji", 7138},
      {5, 300, "bafybeidzkvf5v3wmjqzxo6lwtsjnyllzxakmeh6dkdkoxky45wdnxbg2ba", 20316},
      {8, 3, "bafybeiddg3gnuur2stvjwfvmvqcni2eycibc7g7csaedngeuyjgxwxkkli", 275},
  };
  for (const auto& c : cases) {
    INFO("fanout bits " << c.bits);
    const Profile profile{"test", 1, true, 1024 * 1024, 1024, ShardSplitStrategy::links_bytes, 100, c.bits};
    std::vector<DirectoryEntry> entries;
    for (int i = 0; i < c.count; ++i) entries.push_back({"entry-" + std::to_string(i), file_node(profile, "")});
    RecordingSink sink;
    const auto root = build(profile, std::move(entries), sink);
    CHECK(sink.type(root.cid) == UnixfsType::hamt_shard);
    CHECK(root.cid.to_string() == c.cid);
    CHECK(root.tsize == c.tsize);
  }
}
