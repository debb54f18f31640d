#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/repo/maintenance.hpp"
#include "mlchain/repo/object_store.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/unixfs/file_builder.hpp"
#include "temporary_directory.hpp"
#include "test_files.hpp"

using namespace mlchain;
using mlchain::testing::read_text;
using mlchain::testing::TemporaryDirectory;
namespace stdfs = std::filesystem;

namespace {

// Bytes that repeat no chunk, so that only chunks changed on purpose differ.
Bytes pattern(std::size_t size, std::uint32_t seed) {
  Bytes bytes(size);
  std::uint32_t state = seed * 2654435761u + 1;
  for (auto& byte : bytes) {
    state = state * 1664525u + 1013904223u;
    byte = static_cast<std::uint8_t>(state >> 24);
  }
  return bytes;
}

void write_bytes(const stdfs::path& path, ByteView bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

Bytes read_bytes(const stdfs::path& path) {
  const auto text = read_text(path);
  return Bytes(text.begin(), text.end());
}

struct StoreUsage {
  std::size_t files = 0;
  std::uintmax_t bytes = 0;
};

StoreUsage usage(const stdfs::path& root) {
  StoreUsage found;
  if (!stdfs::exists(root)) return found;
  for (const auto& entry : stdfs::recursive_directory_iterator(root))
    if (entry.is_regular_file()) {
      ++found.files;
      found.bytes += entry.file_size();
    }
  return found;
}

Bytes read_all(const repo::ContentStore& contents, const codec::Cid& cid) {
  auto reader = contents.open(cid);
  REQUIRE(reader.ok());
  Bytes bytes(static_cast<std::size_t>(reader->size()));
  // Odd-sized reads that straddle leaves.
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t step = std::min<std::size_t>(bytes.size() - done, 300 * 1024 + 7);
    auto read = reader->read_at(done, std::span<std::uint8_t>(bytes).subspan(done, step));
    REQUIRE(read.ok());
    REQUIRE(*read == step);
    done += step;
  }
  return bytes;
}

struct TwoVersions {
  Bytes first;
  Bytes second;
  codec::Cid first_cid;
  codec::Cid second_cid;
  codec::Cid changed_leaf;  // the first version's leaf that the second changed
};

// A file of `chunks` full chunks and a short tail, then the same with chunk 2 changed in place.
TwoVersions store_two_versions(repo::Repository& repository, const stdfs::path& scratch, const unixfs::Profile& profile,
                               std::size_t chunks) {
  TwoVersions versions;
  versions.first = pattern(chunks * profile.chunk_size + 100, 1);
  versions.second = versions.first;
  for (std::size_t i = 0; i < 64; ++i) versions.second[2 * profile.chunk_size + i * 97] ^= 0x5a;
  unixfs::DiscardingBlockSink nowhere;
  const auto file = scratch / "model.safetensors";
  write_bytes(file, versions.first);
  versions.first_cid = fs::import_file(file, profile, nowhere).value().cid;
  REQUIRE(repository.contents().store_copy(file, versions.first_cid, profile));
  write_bytes(file, versions.second);
  versions.second_cid = fs::import_file(file, profile, nowhere).value().cid;
  REQUIRE(repository.contents().store_copy(file, versions.second_cid, profile));
  versions.changed_leaf =
      unixfs::make_leaf(profile, ByteView(versions.first).subspan(2 * profile.chunk_size, profile.chunk_size)).cid;
  return versions;
}

}  // namespace

TEST_CASE("chunk store: two versions that share chunks share their storage", "[repo][chunks]") {
  for (const auto* profile : {&unixfs::unixfs_v1_2025, &unixfs::unixfs_v0_2015}) {
    INFO(profile->name);
    TemporaryDirectory dir;
    auto repository = repo::init_repository(dir.path / "w").value();
    const std::size_t chunks = 6;
    unixfs::DiscardingBlockSink nowhere;

    const auto file = dir.path / "model.safetensors";
    const auto first = pattern(chunks * profile->chunk_size + 100, 1);
    write_bytes(file, first);
    const auto first_cid = fs::import_file(file, *profile, nowhere).value().cid;
    REQUIRE(repository.contents().store_copy(file, first_cid, *profile));
    const auto after_first = usage(repository.paths().objects());
    // Every leaf (six full chunks and the tail) and the root; nothing whole in files/.
    CHECK(after_first.files == chunks + 2);
    CHECK(usage(repository.paths().files()).files == 0);
    CHECK(after_first.bytes >= first.size());
    CHECK(after_first.bytes < first.size() + 64 * 1024);

    auto second = first;
    second[2 * profile->chunk_size + 5] ^= 0xff;
    write_bytes(file, second);
    const auto second_cid = fs::import_file(file, *profile, nowhere).value().cid;
    REQUIRE(second_cid != first_cid);
    REQUIRE(repository.contents().store_copy(file, second_cid, *profile));
    const auto after_second = usage(repository.paths().objects());
    // One new leaf and one new root: the second version costs its changed chunk.
    CHECK(after_second.files == after_first.files + 2);
    CHECK(after_second.bytes - after_first.bytes < profile->chunk_size + 64 * 1024);

    // Both read back whole, at any offset and by checkout's copy.
    CHECK(read_all(repository.contents(), first_cid) == first);
    CHECK(read_all(repository.contents(), second_cid) == second);
    CHECK(repository.contents().size(second_cid).value() == second.size());
    REQUIRE(repository.contents().materialize(first_cid, *profile, dir.path / "first.out"));
    CHECK(read_bytes(dir.path / "first.out") == first);
    REQUIRE(repository.contents().check(second_cid, *profile));

    // The leaves are ordinary blocks: the object store serves them (push, export, prove).
    const auto leaf =
        unixfs::make_leaf(*profile, ByteView(second).subspan(2 * profile->chunk_size, profile->chunk_size));
    CHECK(repository.objects().contains(leaf.cid).value());
    CHECK(repository.objects().get(leaf.cid).value() == leaf.block);

    // export_blocks gives every block of the DAG, children before parents, the root last.
    struct Collect final : unixfs::BlockSink {
      std::vector<codec::Cid> cids;
      Status put(const codec::Cid& cid, ByteView block) override {
        if (!cid.matches(block)) return make_error(ErrorKind::corrupt, "bad block");
        cids.push_back(cid);
        return {};
      }
    } collected;
    REQUIRE(repository.contents().export_blocks(second_cid, collected));
    CHECK(collected.cids.size() == chunks + 2);
    CHECK(collected.cids.back() == second_cid);
  }
}

TEST_CASE("chunk store: a one-chunk file is a single block", "[repo][chunks]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path / "w").value();
  for (const auto* profile : {&unixfs::unixfs_v1_2025, &unixfs::unixfs_v0_2015}) {
    for (const std::string& text : {std::string("tokenizer contents"), std::string()}) {
      mlchain::testing::write_text(dir.path / "small.txt", text);
      unixfs::DiscardingBlockSink nowhere;
      const auto cid = fs::import_file(dir.path / "small.txt", *profile, nowhere).value().cid;
      const auto before = usage(repository.paths().objects()).files;
      REQUIRE(repository.contents().store_copy(dir.path / "small.txt", cid, *profile));
      CHECK(usage(repository.paths().objects()).files == before + 1);
      CHECK(repository.contents().contains(cid).value());
      CHECK(repository.contents().size(cid).value() == text.size());
      const auto out = dir.path / ("small-" + std::string(profile->name) + std::to_string(text.size()));
      REQUIRE(repository.contents().materialize(cid, *profile, out, 0640));
      CHECK(read_text(out) == text);
    }
  }
}

TEST_CASE("chunk store: an uncommitted writer leaves nothing, a committed one every block", "[repo][chunks]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path / "w").value();
  const auto profile = unixfs::unixfs_v1_2025;
  const auto contents = pattern(3 * profile.chunk_size, 7);
  {
    auto writer = repository.contents().begin_write().value();
    unixfs::FileBuilder builder(profile, writer);
    REQUIRE(builder.add_leaf(unixfs::make_leaf(profile, ByteView(contents).first(profile.chunk_size))));
    CHECK(writer.bytes_written() == profile.chunk_size);
  }  // dropped: the temporary is gone, nothing stored
  CHECK(usage(repository.paths().objects()).files == 0);

  auto writer = repository.contents().begin_write().value();
  unixfs::FileBuilder builder(profile, writer);
  for (std::size_t i = 0; i < 3; ++i)
    REQUIRE(builder.add_leaf(
        unixfs::make_leaf(profile, ByteView(contents).subspan(i * profile.chunk_size, profile.chunk_size))));
  const auto root = builder.finish().value().cid;
  CHECK_FALSE(repository.contents().contains(root).value());
  REQUIRE(writer.commit());
  CHECK(repository.contents().contains(root).value());
  CHECK(usage(repository.paths().objects()).files == 4);
  for (const auto& entry : stdfs::recursive_directory_iterator(repository.paths().objects()))
    if (entry.is_regular_file()) CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("chunk store: gc keeps a shared leaf while either version is reachable", "[repo][chunks][gc]") {
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path / "w").value();
  const auto& profile = unixfs::unixfs_v1_2025;
  const auto versions = store_two_versions(repository, dir.path, profile, 4);
  const auto shared_leaf = unixfs::make_leaf(profile, ByteView(versions.first).first(profile.chunk_size)).cid;
  const auto shared_path = repository.objects().path_of(shared_leaf);
  const auto changed_path = repository.objects().path_of(versions.changed_leaf);
  REQUIRE(stdfs::exists(shared_path));
  REQUIRE(stdfs::exists(changed_path));

  repo::GcOptions options;
  options.extra_roots = {versions.first_cid, versions.second_cid};
  auto kept = repo::gc(repository, options).value();
  CHECK(kept.objects_removed == 0);

  // Only the second version is reachable: the first's own leaf and root go, the shared leaves stay.
  options.extra_roots = {versions.second_cid};
  auto first_gone = repo::gc(repository, options).value();
  CHECK(first_gone.objects_removed == 2);
  CHECK_FALSE(stdfs::exists(changed_path));
  CHECK_FALSE(stdfs::exists(repository.objects().path_of(versions.first_cid)));
  CHECK(stdfs::exists(shared_path));
  CHECK_FALSE(repository.contents().contains(versions.first_cid).value());
  CHECK(read_all(repository.contents(), versions.second_cid) == versions.second);

  // Neither: every leaf goes.
  options.extra_roots = {};
  auto all_gone = repo::gc(repository, options).value();
  CHECK(all_gone.objects_removed == 6);
  CHECK_FALSE(stdfs::exists(shared_path));
  CHECK(usage(repository.paths().objects()).files == 0);
}

TEST_CASE("chunk store: a damaged leaf is corruption naming its CID", "[repo][chunks]") {
  for (const auto* profile : {&unixfs::unixfs_v1_2025, &unixfs::unixfs_v0_2015}) {
    INFO(profile->name);
    TemporaryDirectory dir;
    auto repository = repo::init_repository(dir.path / "w").value();
    const auto versions = store_two_versions(repository, dir.path, *profile, 4);
    const auto leaf_path = repository.objects().path_of(versions.changed_leaf);
    stdfs::permissions(leaf_path, stdfs::perms::owner_write, stdfs::perm_options::add);
    {
      std::fstream damage(leaf_path, std::ios::in | std::ios::out | std::ios::binary);
      damage.seekp(static_cast<std::streamoff>(stdfs::file_size(leaf_path) - 10));
      damage.put('\x01');
    }

    auto checked = repository.contents().check(versions.first_cid, *profile);
    REQUIRE_FALSE(checked);
    CHECK(checked.error().kind == ErrorKind::corrupt);
    CHECK_THAT(checked.error().message, Catch::Contains(versions.first_cid.to_string()));
    CHECK_THAT(checked.error().message, Catch::Contains(versions.changed_leaf.to_string()));

    auto copied = repository.contents().materialize(versions.first_cid, *profile, dir.path / "out");
    REQUIRE_FALSE(copied);
    CHECK(copied.error().kind == ErrorKind::corrupt);
    CHECK_THAT(copied.error().message, Catch::Contains(versions.changed_leaf.to_string()));
    CHECK_FALSE(stdfs::exists(dir.path / "out"));

    // The second version does not use that leaf and stays whole.
    REQUIRE(repository.contents().check(versions.second_cid, *profile));

    auto report = repo::fsck(repository).value();
    bool named = false;
    for (const auto& problem : report.problems)
      named = named || (problem.kind == repo::FsckProblem::Kind::corrupt &&
                        problem.subject == repo::storage_key(versions.changed_leaf));
    CHECK(named);
  }
}

TEST_CASE("chunk store: a file node with bytes of its own is refused, never written without them", "[repo][chunks]") {
  // Valid UnixFS that no importer of ours writes: a file node holding "head" before its two leaves. Its
  // contents are "head" and the leaves; writing the leaves alone would be a file that does not hash to it.
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path / "w").value();
  std::vector<codec::PbLink> links;
  std::vector<std::uint64_t> sizes;
  for (std::uint32_t seed : {1u, 2u}) {
    const auto leaf = pattern(1000, seed);
    const auto cid = codec::Cid::of_block(1, codec::multicodec::raw, leaf);
    REQUIRE(repository.objects().put(cid, leaf).ok());
    links.push_back({cid, std::string(), leaf.size()});
    sizes.push_back(leaf.size());
  }
  const std::string head = "head";
  codec::UnixfsData data{codec::UnixfsType::file, Bytes(head.begin(), head.end()), 2004, sizes, {}, {}, {}, {}};
  const auto block = codec::PbNode{links, data.encode()}.encode();
  const auto root = codec::Cid::of_block(1, codec::multicodec::dag_pb, block);
  REQUIRE(repository.objects().put(root, block).ok());

  auto copied = repository.contents().materialize(root, unixfs::unixfs_v1_2025, dir.path / "out");
  REQUIRE_FALSE(copied);
  CHECK(copied.error().kind == ErrorKind::corrupt);
  CHECK_THAT(copied.error().message, Catch::Contains(root.to_string()) && Catch::Contains("bytes of its own"));
  CHECK_FALSE(stdfs::exists(dir.path / "out"));
  CHECK_FALSE(repository.contents().open(root));
}

TEST_CASE("chunk store: a DAG the profile would not make of its bytes is refused, never written", "[repo][chunks]") {
  // Every block hashes to its CID, but the file's CID is not what unixfs-v1-2025 makes of its bytes: a
  // written file would then not verify. Each variant is the profile's own DAG with one thing changed.
  const auto& profile = unixfs::unixfs_v1_2025;
  const auto contents = pattern(2 * profile.chunk_size + 7, 9);
  struct Blocks final : unixfs::BlockSink {
    std::vector<std::pair<codec::Cid, Bytes>> all;
    Status put(const codec::Cid& cid, ByteView block) override {
      all.emplace_back(cid, Bytes(block.begin(), block.end()));
      return {};
    }
  };
  struct Variant {
    std::string name;
    std::string reason;
    std::function<Bytes(codec::PbNode&, codec::UnixfsData&, repo::Repository&)> change;  // the new root
  };
  const auto encode = [](codec::PbNode& node, const codec::UnixfsData& data) {
    node.data = data.encode();
    return node.encode();
  };
  const std::vector<Variant> variants{
      {"a file size that lies", "are not the DAG",
       [&](codec::PbNode& node, codec::UnixfsData& data, repo::Repository&) {
         data.filesize = 5;
         return encode(node, data);
       }},
      {"chunks cut at other sizes", "cuts",
       [&](codec::PbNode& node, codec::UnixfsData& data, repo::Repository& repository) {
         // The first two chunks' bytes as one chunk of 1 MiB - 1 and one of 1 MiB + 1 would not fit a leaf;
         // instead three small leaves of the first 3,000 bytes stand in front of the rest.
         std::vector<codec::PbLink> links;
         std::vector<std::uint64_t> sizes;
         for (std::size_t i = 0; i < 3; ++i) {
           const auto leaf = ByteView(contents).subspan(i * 1000, 1000);
           const auto cid = codec::Cid::of_block(1, codec::multicodec::raw, leaf);
           REQUIRE(repository.objects().put(cid, leaf).ok());
           links.push_back({cid, std::string(), 1000});
           sizes.push_back(1000);
         }
         node.links = links;
         data.blocksizes = sizes;
         data.filesize = 3000;
         return encode(node, data);
       }},
      {"a leaf in another format", "makes of its bytes",
       [&](codec::PbNode& node, codec::UnixfsData& data, repo::Repository& repository) {
         const auto leaf = unixfs::make_leaf(unixfs::unixfs_v0_2015, ByteView(contents).first(profile.chunk_size));
         const auto cid = codec::Cid::of_block(1, codec::multicodec::dag_pb, leaf.block);
         REQUIRE(repository.objects().put(cid, leaf.block).ok());
         node.links[0].hash = cid;
         node.links[0].tsize = leaf.block.size();
         return encode(node, data);
       }},
  };
  for (const auto& variant : variants) {
    INFO(variant.name);
    TemporaryDirectory dir;
    auto repository = repo::init_repository(dir.path / "w").value();
    Blocks blocks;
    unixfs::FileBuilder builder(profile, blocks);
    unixfs::LeafBuffer chunk(profile);
    for (std::size_t at = 0; at < contents.size(); at += profile.chunk_size) {
      const auto piece = ByteView(contents).subspan(at, std::min(profile.chunk_size, contents.size() - at));
      std::copy(piece.begin(), piece.end(), chunk.chunk_space().begin());
      REQUIRE(builder.add_leaf(chunk.seal(piece.size())).ok());
    }
    const auto canonical = builder.finish().value().cid;
    for (const auto& [cid, block] : blocks.all) REQUIRE(repository.objects().put(cid, block).ok());
    // The canonical DAG checks out; then a changed root over the same store.
    REQUIRE(repository.contents().materialize(canonical, profile, dir.path / "good"));
    CHECK(read_bytes(dir.path / "good") == contents);

    auto root = codec::PbNode::decode(blocks.all.back().second).value();
    auto data = codec::UnixfsData::decode(*root.data).value();
    const auto changed = variant.change(root, data, repository);
    const auto changed_cid = codec::Cid::of_block(1, codec::multicodec::dag_pb, changed);
    REQUIRE(repository.objects().put(changed_cid, changed).ok());

    auto copied = repository.contents().materialize(changed_cid, profile, dir.path / "out");
    REQUIRE_FALSE(copied);
    CHECK(copied.error().kind == ErrorKind::corrupt);
    CHECK_THAT(copied.error().message, Catch::Contains(changed_cid.to_string()) && Catch::Contains(variant.reason));
    CHECK_FALSE(stdfs::exists(dir.path / "out"));
  }
}

TEST_CASE("chunk store: contents stored whole by an older version still read, check and copy", "[repo][chunks]") {
  for (const auto* profile : {&unixfs::unixfs_v1_2025, &unixfs::unixfs_v0_2015}) {
    INFO(profile->name);
    TemporaryDirectory dir;
    auto repository = repo::init_repository(dir.path / "w").value();
    // The old layout: inner nodes in objects/, leaves nowhere but inside the whole file in files/.
    struct InnerNodesOnly final : unixfs::BlockSink {
      explicit InnerNodesOnly(repo::DiskObjectStore& objects) : objects_(objects) {}
      Status put(const codec::Cid& cid, ByteView block) override {
        if (cid.codec() == codec::multicodec::raw || block.empty() || block[0] == 0x0a) return {};
        return objects_.put(cid, block);
      }
      repo::DiskObjectStore& objects_;
    } old_sink(repository.objects());
    const auto contents = pattern(3 * profile->chunk_size + 5, 3);
    write_bytes(dir.path / "model.bin", contents);
    const auto root = fs::import_file(dir.path / "model.bin", *profile, old_sink).value().cid;
    const auto whole = repository.contents().path_of(root);
    stdfs::create_directories(whole.parent_path());
    stdfs::copy_file(dir.path / "model.bin", whole);
    stdfs::permissions(whole, stdfs::perms::owner_read | stdfs::perms::group_read | stdfs::perms::others_read);
    REQUIRE(usage(repository.paths().objects()).files == 1);

    CHECK(repository.contents().contains(root).value());
    CHECK(repository.contents().whole_file(root).value() == std::optional<stdfs::path>(whole));
    CHECK(repository.contents().size(root).value() == contents.size());
    CHECK(read_all(repository.contents(), root) == contents);
    REQUIRE(repository.contents().check(root, *profile));
    REQUIRE(repository.contents().materialize(root, *profile, dir.path / "out"));
    CHECK(read_bytes(dir.path / "out") == contents);
    unixfs::DiscardingBlockSink nowhere;
    REQUIRE(repository.contents().export_blocks(root, nowhere));
    // Storing it again writes nothing new: it is there.
    REQUIRE(repository.contents().store_copy(dir.path / "model.bin", root, *profile));
    CHECK(usage(repository.paths().objects()).files == 1);
    CHECK(repository.contents().stored_blocks(root).value().size() == 1);  // the root; leaves are in files/

    // Damage there is still reported, naming the whole file.
    stdfs::permissions(whole, stdfs::perms::owner_write, stdfs::perm_options::add);
    {
      std::fstream damage(whole, std::ios::in | std::ios::out | std::ios::binary);
      damage.put('\x7f');
    }
    auto checked = repository.contents().check(root, *profile);
    REQUIRE_FALSE(checked);
    CHECK(checked.error().kind == ErrorKind::corrupt);
    CHECK_THAT(checked.error().message, Catch::Contains(whole.string()));

    // gc sweeps an unreachable whole file as before.
    auto swept = repo::gc(repository, {}).value();
    CHECK(swept.files_removed == 1);
    CHECK_FALSE(stdfs::exists(whole));
  }
}

TEST_CASE("chunk store: importing into a content writer stores every leaf, never only its hash", "[repo][chunks]") {
  // Two runs of sixteen full 1 MiB chunks and a tail: what fs::import_file hashes sixteen at a time when
  // its sink does not want the leaves' bytes. The content writer stores leaves, so it must get them all.
  TemporaryDirectory dir;
  auto repository = repo::init_repository(dir.path / "w").value();
  const auto& profile = unixfs::unixfs_v1_2025;
  const std::size_t chunks = 2 * 16 + 2;
  const auto contents = pattern(chunks * profile.chunk_size + 17, 11);
  const auto file = dir.path / "model.safetensors";
  write_bytes(file, contents);

  auto writer = repository.contents().begin_write().value();
  CHECK(writer.wants_leaf_blocks());
  const auto imported = fs::import_file(file, profile, writer);
  REQUIRE(imported.ok());
  REQUIRE(writer.commit());
  unixfs::DiscardingBlockSink nowhere;
  CHECK(imported->cid == fs::import_file(file, profile, nowhere).value().cid);
  const auto blocks = repository.contents().stored_blocks(imported->cid);
  REQUIRE(blocks.ok());
  CHECK(blocks->size() == chunks + 1 + 1);  // every leaf, the tail's leaf, the root
  for (std::size_t i = 0; i < chunks; ++i) {
    const auto leaf =
        unixfs::make_leaf(profile, ByteView(contents).subspan(i * profile.chunk_size, profile.chunk_size));
    CHECK(repository.objects().contains(leaf.cid).value());
  }
  CHECK(read_all(repository.contents(), imported->cid) == contents);
}

TEST_CASE("chunk store: a lost or short leaf stops gc, is named by fsck, and storing the file again mends it",
          "[repo][chunks][gc]") {
  for (const auto* profile : {&unixfs::unixfs_v1_2025, &unixfs::unixfs_v0_2015}) {
    INFO(profile->name);
    TemporaryDirectory dir;
    auto repository = repo::init_repository(dir.path / "w").value();
    const auto versions = store_two_versions(repository, dir.path, *profile, 4);
    const auto leaf_path = repository.objects().path_of(versions.changed_leaf);
    const Bytes good_leaf = read_bytes(leaf_path);
    repo::GcOptions options;
    options.extra_roots = {versions.first_cid};  // the second version is unreachable: gc would remove it

    // Gone: gc removes nothing, exit not_found naming the leaf; fsck names it too.
    stdfs::remove(leaf_path);
    auto refused = repo::gc(repository, options);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::not_found);
    CHECK_THAT(refused.error().message, Catch::Contains(versions.changed_leaf.to_string()));
    CHECK_THAT(refused.error().message, Catch::Contains("gc removed nothing"));
    CHECK(stdfs::exists(repository.objects().path_of(versions.second_cid)));
    const auto missing = repository.contents().check(versions.first_cid, *profile);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().kind == ErrorKind::not_found);
    CHECK_THAT(missing.error().message, Catch::Contains(versions.changed_leaf.to_string()));

    // Short: gc stops as corrupt naming it.
    write_bytes(leaf_path, ByteView(good_leaf).first(good_leaf.size() - 1));
    auto short_leaf = repo::gc(repository, options);
    REQUIRE_FALSE(short_leaf.ok());
    CHECK(short_leaf.error().kind == ErrorKind::corrupt);
    CHECK_THAT(short_leaf.error().message, Catch::Contains(versions.changed_leaf.to_string()));

    // A symlink in its place: fsck reports it and still checks the rest (the summary is there).
    stdfs::remove(leaf_path);
    stdfs::create_symlink(dir.path / "elsewhere", leaf_path);
    auto report = repo::fsck(repository);
    REQUIRE(report.ok());
    CHECK_FALSE(report->problems.empty());
    CHECK(report->objects_checked > 0);

    // Storing the first version again replaces whatever stands under the leaf's name.
    const auto file = dir.path / "again.bin";
    write_bytes(file, versions.first);
    REQUIRE(repository.contents().store_copy(file, versions.first_cid, *profile));
    CHECK_FALSE(stdfs::is_symlink(leaf_path));
    CHECK(read_bytes(leaf_path) == good_leaf);
    CHECK(repository.contents().check(versions.first_cid, *profile).ok());
    CHECK(repo::gc(repository, options).ok());
  }
}
