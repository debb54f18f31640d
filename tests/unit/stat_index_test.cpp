#include <catch2/catch.hpp>

#include "mlchain/codec/sha256.hpp"
#include "mlchain/core/stat_index.hpp"

using namespace mlchain;
using namespace mlchain::core;

namespace {

std::vector<StatEntry> sample() {
  const auto hello = codec::Cid::parse("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am").value();
  const auto v0 = codec::Cid::parse("QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN").value();
  return {{"a/b.txt", {6, 1700000000123456789, 1700000000987654321, 42, 2049}, hello, 6},
          {"weights.bin", {3000000, -5, 7, 1ull << 40, 1}, v0, 3000150}};
}

Bytes with_checksum(Bytes body) {
  const auto digest = codec::sha256(body);
  append(body, digest);
  return body;
}

}  // namespace

TEST_CASE("the stat index round-trips", "[stat-index]") {
  const auto entries = sample();
  const auto bytes = encode_stat_index(entries).value();
  CHECK(decode_stat_index(bytes).value() == entries);
  const auto empty = encode_stat_index({}).value();
  CHECK(empty.size() == 12 + 32);
  CHECK(decode_stat_index(empty).value().empty());
}

TEST_CASE("the stat index has the documented layout", "[stat-index]") {
  const auto entries = sample();
  const auto bytes = encode_stat_index({entries[0]}).value();
  const Bytes header{'M', 'L', 'C', 'I', 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7};
  CHECK(Bytes(bytes.begin(), bytes.begin() + 16) == header);
  CHECK(std::string(bytes.begin() + 16, bytes.begin() + 23) == "a/b.txt");
  // size 6, then mtime, ctime, inode 42, dev 2049, tsize 6, CID length 36
  CHECK(Bytes(bytes.begin() + 23, bytes.begin() + 31) == Bytes{0, 0, 0, 0, 0, 0, 0, 6});
  CHECK(Bytes(bytes.begin() + 63, bytes.begin() + 71) == Bytes{0, 0, 0, 0, 0, 0, 0, 6});
  CHECK(Bytes(bytes.begin() + 71, bytes.begin() + 73) == Bytes{0, 36});
  CHECK(bytes.size() == 73 + 36 + 32);
  const auto digest = codec::sha256(ByteView(bytes).first(bytes.size() - 32));
  CHECK(Bytes(bytes.end() - 32, bytes.end()) == Bytes(digest.begin(), digest.end()));
}

TEST_CASE("a damaged stat index is refused", "[stat-index]") {
  const auto bytes = encode_stat_index(sample()).value();
  const auto refused = [](const Bytes& candidate) {
    auto decoded = decode_stat_index(candidate);
    return !decoded && decoded.error().kind == ErrorKind::corrupt;
  };
  for (std::size_t i = 0; i < bytes.size(); i += 7) {
    Bytes flipped = bytes;
    flipped[i] ^= 0x01;
    INFO("byte " << i);
    CHECK(refused(flipped));
  }
  for (const std::size_t length : {std::size_t{0}, std::size_t{11}, std::size_t{43}, bytes.size() - 1})
    CHECK(refused(Bytes(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length))));

  const Bytes body(bytes.begin(), bytes.end() - 32);
  Bytes version_two = body;
  version_two[7] = 2;
  CHECK(refused(with_checksum(version_two)));
  Bytes more_entries = body;
  more_entries[11] = 3;
  CHECK(refused(with_checksum(more_entries)));
  Bytes trailing = body;
  trailing.push_back(0);
  CHECK(refused(with_checksum(trailing)));
  Bytes wrong_magic = body;
  wrong_magic[0] = 'X';
  CHECK(refused(with_checksum(wrong_magic)));
}

TEST_CASE("stat index entries must be sorted and unique", "[stat-index]") {
  auto entries = sample();
  std::swap(entries[0], entries[1]);
  CHECK(encode_stat_index(entries).error().kind == ErrorKind::internal);
  auto twice = sample();
  twice[1].path = twice[0].path;
  CHECK_FALSE(encode_stat_index(twice));
}

TEST_CASE("racily clean entries cannot vouch for a file", "[stat-index]") {
  const auto entry = sample()[0];
  CHECK(can_vouch(entry, entry.stat, entry.stat.mtime_ns + 1));
  CHECK_FALSE(can_vouch(entry, entry.stat, entry.stat.mtime_ns));
  CHECK_FALSE(can_vouch(entry, entry.stat, entry.stat.mtime_ns - 1));
  auto touched = entry.stat;
  touched.ctime_ns += 1;
  CHECK_FALSE(can_vouch(entry, touched, entry.stat.mtime_ns + 1));
  auto replaced = entry.stat;
  replaced.inode += 1;
  CHECK_FALSE(can_vouch(entry, replaced, entry.stat.mtime_ns + 1));
}
