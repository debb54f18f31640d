#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "mlchain/fs/importer.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/remote/verified_content.hpp"
#include "mlchain/repo/config.hpp"
#include "mlchain/repo/prestaged_file.hpp"
#include "mlchain/repo/repository.hpp"
#include "temporary_directory.hpp"

using namespace mlchain;
namespace stdfs = std::filesystem;

namespace {

struct TempRepository {
  testing::TemporaryDirectory directory;
  stdfs::path path = directory.path;
  std::optional<repo::Repository> repository;
  TempRepository() {
    auto created = repo::init_repository(path);
    REQUIRE(created.ok());
    repository.emplace(std::move(created).value());
  }
};

Bytes pattern(std::size_t size) {
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>((i * 131) ^ (i >> 11));
  return bytes;
}

codec::Cid cid_of(const stdfs::path& directory, const Bytes& contents, const unixfs::Profile& profile) {
  const auto path = directory / "probe.bin";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(contents.data()), static_cast<std::streamsize>(contents.size()));
  unixfs::DiscardingBlockSink nowhere;
  auto imported = fs::import_file(path, profile, nowhere);
  REQUIRE(imported.ok());
  stdfs::remove(path);
  return imported->cid;
}

// Files in the store, temporaries included: a refused write leaves none behind.
std::size_t stored_files(const repo::Repository& repository) {
  std::size_t count = 0;
  for (const auto& entry : stdfs::recursive_directory_iterator(repository.paths().objects()))
    if (entry.is_regular_file()) ++count;
  return count;
}

// Hands the file's blocks to a batch of its own and commits it, as a fetch does with all the files it receives.
Result<std::optional<stdfs::path>> finish_alone(remote::VerifiedContentWriter& writer, repo::Repository& repository) {
  MLCHAIN_TRY(auto batch, repository.contents().begin_write());
  MLCHAIN_TRY(auto copied, writer.finish("from a test", batch));
  MLCHAIN_TRY_STATUS(batch.commit());
  return copied;
}

}  // namespace

TEST_CASE("remote URLs and names are checked") {
  CHECK(remote::check_remote_url("--ipfs", "http://127.0.0.1:5001").ok());
  CHECK(remote::check_remote_url("--ipfs", "https://user:token@pin.example/api").ok());
  for (const auto* bad :
       {"127.0.0.1:5001", "http://", "ftp://host", "http://:5001", "http://host name", "https:///x"}) {
    INFO(bad);
    const auto checked = remote::check_remote_url("--ipfs", bad);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().kind == ErrorKind::invalid_argument);
    CHECK(checked.error().message.find("--ipfs") != std::string::npos);
  }
  CHECK(remote::check_remote_name("origin").ok());
  CHECK(remote::check_remote_name("backup-2_b").ok());
  for (const auto* bad : {"", "Origin", "a.b", "-x", "a/b"}) CHECK_FALSE(remote::check_remote_name(bad).ok());
}

TEST_CASE("remotes are added and listed; a taken name is refused; removal takes their refs") {
  TempRepository temp;
  auto& repository = *temp.repository;
  remote::Remote origin;
  origin.name = "origin";
  origin.ipfs = "http://127.0.0.1:5001";
  REQUIRE(remote::add_remote(repository, origin).ok());
  const auto again = remote::add_remote(repository, origin);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::exists);

  remote::Remote chain;
  chain.name = "chain";
  chain.rpc = "http://127.0.0.1:8545";
  const auto incomplete = remote::add_remote(repository, chain);
  REQUIRE_FALSE(incomplete.ok());
  CHECK(incomplete.error().kind == ErrorKind::invalid_argument);
  chain.registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  chain.repo = "model";
  chain.chain_id = 31337;
  chain.confirmations = 2;
  REQUIRE(remote::add_remote(repository, chain).ok());

  auto listed = remote::list_remotes(repository);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].name == "chain");
  CHECK((*listed)[0].chain_id == std::optional<std::uint64_t>(31337));
  CHECK((*listed)[0].confirmations == std::optional<std::uint64_t>(2));
  CHECK((*listed)[1].ipfs == origin.ipfs);
  auto config = repo::Config::load(repository.paths().config());
  REQUIRE(config.ok());
  CHECK(config->get("remote.chain.registry") == chain.registry);

  const auto head = codec::Cid::of_block(1, codec::multicodec::dag_cbor, as_bytes("a commit"));
  REQUIRE(repository.refs().compare_and_swap("refs/remotes/origin/main", std::nullopt, head).ok());
  REQUIRE(repository.refs().compare_and_swap("refs/remotes/origin-2/main", std::nullopt, head).ok());
  auto tracking = remote::tracking_branches(repository, "origin");
  REQUIRE(tracking.ok());
  REQUIRE(tracking->size() == 1);
  CHECK((*tracking)[0].branch == "main");
  CHECK((*tracking)[0].commit == head);
  REQUIRE(remote::remove_remote(repository, "origin").ok());
  auto ref = repository.refs().read("refs/remotes/origin/main");
  REQUIRE(ref.ok());
  CHECK_FALSE(ref->has_value());
  const auto gone = remote::find_remote(repository, "origin");
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().kind == ErrorKind::not_found);
  CHECK(remote::remove_remote(repository, "origin").error().kind == ErrorKind::not_found);
}

TEST_CASE("verified content is stored only when it re-imports to its CID") {
  TempRepository temp;
  auto& repository = *temp.repository;
  for (const auto* profile : {&unixfs::unixfs_v1_2025, &unixfs::unixfs_v0_2015}) {
    INFO(profile->name);
    const Bytes contents = pattern(3 * profile->chunk_size + 12345);
    const auto root = cid_of(temp.path, contents, *profile);

    // Served in uneven pieces: kept as its blocks, the root among them.
    auto writer = remote::VerifiedContentWriter::begin(repository.contents(), root, *profile);
    REQUIRE(writer.ok());
    for (std::size_t at = 0; at < contents.size(); at += 100'003)
      REQUIRE(
          writer->append(ByteView(contents).subspan(at, std::min<std::size_t>(100'003, contents.size() - at))).ok());
    REQUIRE(finish_alone(*writer, repository).ok());
    CHECK(repository.contents().contains(root).value());
    CHECK(repository.objects().contains(root).value());
    CHECK(repository.contents().check(root, *profile).ok());
  }
  const std::size_t before = stored_files(repository);

  // One byte different: corrupt naming the CID, nothing stored.
  const auto& profile = unixfs::unixfs_v1_2025;
  Bytes contents = pattern(2 * profile.chunk_size);
  const auto root = cid_of(temp.path, contents, profile);
  contents[contents.size() / 2] ^= 1;
  auto writer = remote::VerifiedContentWriter::begin(repository.contents(), root, profile);
  REQUIRE(writer.ok());
  REQUIRE(writer->append(contents).ok());
  const auto finished = finish_alone(*writer, repository);
  REQUIRE_FALSE(finished.ok());
  CHECK(finished.error().kind == ErrorKind::corrupt);
  CHECK(finished.error().message.find(root.to_string()) != std::string::npos);
  CHECK_FALSE(repository.contents().contains(root).value());
  CHECK(stored_files(repository) == before);

  // With a copy in the work tree: written from the same bytes, given back on success (flushed with the
  // blocks), removed on a mismatch.
  const Bytes good = pattern(2 * profile.chunk_size + 7);
  const auto good_root = cid_of(temp.path, good, profile);
  for (const bool lying : {false, true}) {
    INFO(lying);
    auto copy = repo::PrestagedFile::create(repository, good_root);
    REQUIRE(copy.ok());
    auto copying = remote::VerifiedContentWriter::begin(repository.contents(), lying ? root : good_root, profile,
                                                        std::move(copy).value());
    REQUIRE(copying.ok());
    for (std::size_t at = 0; at < good.size(); at += 300'007)
      REQUIRE(copying->append(ByteView(good).subspan(at, std::min<std::size_t>(300'007, good.size() - at))).ok());
    const auto copied = finish_alone(*copying, repository);
    std::size_t in_work_tree = 0;
    for (const auto& entry : stdfs::directory_iterator(temp.path)) in_work_tree += entry.is_regular_file() ? 1u : 0u;
    if (lying) {
      REQUIRE_FALSE(copied.ok());
      CHECK(in_work_tree == 0);
      continue;
    }
    REQUIRE(copied.ok());
    REQUIRE(copied->has_value());
    CHECK(in_work_tree == 1);
    CHECK(stdfs::file_size(**copied) == good.size());
    std::ifstream in(**copied, std::ios::binary);
    const Bytes read((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(read == good);
    stdfs::remove(**copied);
  }

  // The empty file.
  const auto empty = cid_of(temp.path, {}, profile);
  auto empty_writer = remote::VerifiedContentWriter::begin(repository.contents(), empty, profile);
  REQUIRE(empty_writer.ok());
  REQUIRE(finish_alone(*empty_writer, repository).ok());
  CHECK(repository.contents().contains(empty).value());
}
