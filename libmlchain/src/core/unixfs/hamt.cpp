#include "hamt.hpp"

#include <algorithm>
#include <span>
#include <string>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/murmur3.hpp"
#include "mlchain/codec/unixfs.hpp"

namespace mlchain::unixfs {
namespace {

// Where an entry lands at each level: successive `fanout_bits`-bit slices of an endless bit string, most
// significant bit first. Its first 64 bits are h1 of murmur3-x64-128 of the name; each further 64 are
// h1 of the name followed by one byte counting the rehash (1, 2, …), as hamt-sharding's InfiniteHash does.
class SlotStream {
 public:
  explicit SlotStream(const std::string& name) : name_(&name), first_word_(word(0)) {}

  unsigned slot(unsigned level, unsigned fanout_bits) const {
    unsigned result = 0;
    std::uint64_t offset = std::uint64_t{level} * fanout_bits;
    unsigned pending = fanout_bits;
    while (pending > 0) {
      const std::uint64_t word_index = offset / 64;
      const auto bit_in_word = static_cast<unsigned>(offset % 64);
      const unsigned taking = std::min(pending, 64 - bit_in_word);
      const std::uint64_t bits = word_index == 0 ? first_word_ : word(word_index);
      const std::uint64_t value = (bits << bit_in_word) >> (64 - taking);
      result = (result << taking) | static_cast<unsigned>(value);
      offset += taking;
      pending -= taking;
    }
    return result;
  }

 private:
  std::uint64_t word(std::uint64_t index) const {
    if (index == 0) return codec::murmur3_x64_128(as_bytes(*name_)).h1;
    Bytes input(name_->begin(), name_->end());
    input.push_back(static_cast<std::uint8_t>(index));
    return codec::murmur3_x64_128(input).h1;
  }

  const std::string* name_;
  std::uint64_t first_word_;
};

struct Member {
  DirectoryEntry* entry;
  SlotStream slots;
  unsigned slot = 0;
};

class ShardBuilder {
 public:
  ShardBuilder(const Profile& profile, BlockSink& sink)
      : profile_(profile),
        sink_(sink),
        fanout_(std::uint64_t{1} << profile.shard_fanout_bits),
        label_width_(hex_digits(fanout_ - 1)) {}

  Result<ImportedNode> build(std::span<Member> members, unsigned level) {
    for (auto& member : members) member.slot = member.slots.slot(level, profile_.shard_fanout_bits);
    std::stable_sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.slot < b.slot; });

    codec::PbNode node;
    std::vector<bool> occupied(fanout_, false);
    std::uint64_t children_tsize = 0;
    for (std::size_t begin = 0; begin < members.size();) {
      std::size_t end = begin + 1;
      while (end < members.size() && members[end].slot == members[begin].slot) ++end;
      const unsigned slot = members[begin].slot;
      occupied[slot] = true;
      if (end - begin == 1) {
        DirectoryEntry& entry = *members[begin].entry;
        node.links.push_back({entry.node.cid, label(slot) + entry.name, entry.node.tsize});
        children_tsize += entry.node.tsize;
      } else {
        MLCHAIN_TRY(auto shard, build(members.subspan(begin, end - begin), level + 1));
        node.links.push_back({shard.cid, label(slot), shard.tsize});
        children_tsize += shard.tsize;
      }
      begin = end;
    }

    codec::UnixfsData data;
    data.type = codec::UnixfsType::hamt_shard;
    data.data = bitfield(occupied);
    data.hash_type = codec::hamt_hash_murmur3_x64_64;
    data.fanout = fanout_;
    node.data = data.encode();
    const Bytes block = node.encode();
    const auto cid = codec::Cid::of_block(profile_.cid_version, codec::multicodec::dag_pb, block);
    MLCHAIN_TRY_STATUS(sink_.put(cid, block));
    return ImportedNode{cid, block.size() + children_tsize, 0, NodeKind::directory, members.size()};
  }

 private:
  static unsigned hex_digits(std::uint64_t value) {
    unsigned digits = 1;
    while (value >= 16) {
      value /= 16;
      ++digits;
    }
    return digits;
  }

  // Two uppercase hex digits for fanout 256: the slot as the reference spells it.
  std::string label(unsigned slot) const {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string text(label_width_, '0');
    for (auto i = label_width_; i > 0 && slot > 0; --i, slot /= 16) text[i - 1] = digits[slot % 16];
    return text;
  }

  // Slot i is bit i % 8 of byte i / 8 counted from the end: a big-endian number with bit i set, without
  // leading zero bytes (go's big.Int.Bytes(); the JS reference reverses a little-endian bit field).
  static Bytes bitfield(const std::vector<bool>& occupied) {
    Bytes little_endian((occupied.size() + 7) / 8, 0);
    for (std::size_t i = 0; i < occupied.size(); ++i)
      if (occupied[i]) little_endian[i / 8] = static_cast<std::uint8_t>(little_endian[i / 8] | (1U << (i % 8)));
    while (little_endian.size() > 1 && little_endian.back() == 0) little_endian.pop_back();
    return Bytes(little_endian.rbegin(), little_endian.rend());
  }

  const Profile& profile_;
  BlockSink& sink_;
  std::uint64_t fanout_;
  unsigned label_width_;
};

}  // namespace

Result<ImportedNode> build_hamt_directory(const Profile& profile, std::vector<DirectoryEntry> entries,
                                          BlockSink& sink) {
  std::vector<Member> members;
  members.reserve(entries.size());
  for (auto& entry : entries) members.push_back({&entry, SlotStream(entry.name)});
  ShardBuilder builder(profile, sink);
  return builder.build(members, 0);
}

unsigned hamt_slot(std::string_view name, unsigned level, unsigned fanout_bits) {
  const std::string owned(name);
  return SlotStream(owned).slot(level, fanout_bits);
}

}  // namespace mlchain::unixfs
