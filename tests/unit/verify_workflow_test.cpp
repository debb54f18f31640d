#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "fakes/memory_node.hpp"
#include "mlchain/core/history.hpp"
#include "mlchain/keys/signers.hpp"
#include "mlchain/remote/car_transfer.hpp"
#include "mlchain/remote/remotes.hpp"
#include "mlchain/repo/commit_work_tree.hpp"
#include "mlchain/repo/repository.hpp"
#include "mlchain/workflow/verify.hpp"
#include "temporary_directory.hpp"
#include "unsigned_commit.hpp"

using namespace mlchain;
using mlchain::testing::TemporaryDirectory;
namespace stdfs = std::filesystem;

namespace {

void write_file(const stdfs::path& path, const std::string& text) {
  stdfs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

keys::PrivateKeySigner test_signer() {
  auto key = crypto::PrivateKey::from_hex("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d");
  REQUIRE(key.ok());
  return keys::PrivateKeySigner(std::move(key).value());
}

// A repository in `work` whose HEAD commits model.bin and config/params.json, signed by test_signer().
codec::Cid committed_repository(const stdfs::path& work) {
  auto repository = repo::init_repository(work);
  REQUIRE(repository.ok());
  write_file(work / "model.bin", "weights");
  write_file(work / "config" / "params.json", "{\"lr\": 0.1}");
  auto signer = test_signer();
  repo::CommitRequest request;
  request.message = "first";
  request.time = 1000;
  auto outcome = repo::commit_work_tree(*repository, signer, request);
  REQUIRE(outcome.ok());
  REQUIRE(outcome->commit);
  return *outcome->commit;
}

workflow::VerifyRequest request_in(const stdfs::path& work) {
  workflow::VerifyRequest request;
  request.start = work;
  return request;
}

// What a CI runner has: the commit on a node (its commit and tree blocks, as push leaves them there) and
// the bundle's files in a directory of their own, outside any repository.
struct Published {
  codec::Cid commit;
  stdfs::path deploy;
};

Published publish(const stdfs::path& work, const stdfs::path& elsewhere, testing::MemoryNode& node) {
  const auto head = committed_repository(work);
  auto repository = repo::discover_repository(work);
  REQUIRE(repository.ok());
  const auto car = elsewhere / "head.car";
  REQUIRE(remote::export_car(*repository, head, std::nullopt, car).ok());
  std::ifstream in(car, std::ios::binary);
  REQUIRE(node.import_car([&in](std::span<std::uint8_t> buffer) -> Result<std::size_t> {
                in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer.size()));
                return static_cast<std::size_t>(in.gcount());
              })
              .ok());
  const auto deploy = elsewhere / "deploy";
  write_file(deploy / "model.bin", "weights");
  write_file(deploy / "config" / "params.json", "{\"lr\": 0.1}");
  return {head, deploy};
}

workflow::VerifyRequest request_on(testing::MemoryNode& node, const Published& published, const stdfs::path& start) {
  workflow::VerifyRequest request;
  request.revision = published.commit.to_string();
  request.node = &node;
  request.directory = published.deploy;
  request.start = start;
  return request;
}

bool has_problem(const workflow::VerifyReport& report, repo::ProblemKind kind, const std::string& path) {
  return std::any_of(report.problems.begin(), report.problems.end(),
                     [&](const repo::VerifyProblem& problem) { return problem.kind == kind && problem.path == path; });
}

}  // namespace

TEST_CASE("verify workflow: a committed work tree verifies", "[verify-workflow]") {
  TemporaryDirectory work;
  const auto head = committed_repository(work.path);
  auto report = workflow::verify(request_in(work.path));
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->commit == head);
  CHECK(report->commits == 1);
  CHECK(report->signatures == 1);
  CHECK(report->signer == test_signer().address());
  CHECK(report->files == 2);
  CHECK(report->directory_compared);
  CHECK_FALSE(report->anchoring);
}

TEST_CASE("verify workflow: a changed, a removed and an added file are problems of their kind", "[verify-workflow]") {
  TemporaryDirectory work;
  committed_repository(work.path);
  write_file(work.path / "model.bin", "tampered weights");
  stdfs::remove_all(work.path / "config");
  write_file(work.path / "extra.txt", "not committed");
  auto report = workflow::verify(request_in(work.path));
  REQUIRE(report.ok());
  CHECK_FALSE(report->ok());
  CHECK(report->problems.size() == 3);
  CHECK(has_problem(*report, repo::ProblemKind::modified, "model.bin"));
  CHECK(has_problem(*report, repo::ProblemKind::missing, "config/params.json"));
  CHECK(has_problem(*report, repo::ProblemKind::extra, "extra.txt"));
}

TEST_CASE("verify workflow: stored file contents that changed are corrupt, naming where they are stored",
          "[verify-workflow]") {
  TemporaryDirectory work;
  committed_repository(work.path);
  auto repository = repo::discover_repository(work.path);
  REQUIRE(repository.ok());
  const auto model = codec::Cid::of_block(1, codec::multicodec::raw, as_bytes("weights"));
  const auto stored = repository->objects().path_of(model);
  REQUIRE(stdfs::is_regular_file(stored));
  stdfs::permissions(stored, stdfs::perms::owner_write, stdfs::perm_options::add);
  write_file(stored, "other!!");
  auto report = workflow::verify(request_in(work.path));
  REQUIRE(report.ok());
  CHECK(has_problem(*report, repo::ProblemKind::corrupt, stored.string()));
}

TEST_CASE("verify workflow: an author who is not among the signers asked for is untrusted", "[verify-workflow]") {
  TemporaryDirectory work;
  committed_repository(work.path);
  auto request = request_in(work.path);
  const auto other = codec::parse_address("0x000000000000000000000000000000000000dEaD");
  REQUIRE(other.ok());
  request.signers = {*other};
  auto report = workflow::verify(request);
  REQUIRE(report.ok());
  REQUIRE(report->problems.size() == 1);
  const auto& problem = report->problems.front();
  CHECK(problem.kind == repo::ProblemKind::untrusted_signer);
  CHECK(problem.expected == codec::to_checksum_address(*other));
  CHECK(problem.actual == codec::to_checksum_address(test_signer().address()));

  request.signers.push_back(test_signer().address());
  auto trusted = workflow::verify(request);
  REQUIRE(trusted.ok());
  CHECK(trusted->ok());
}

TEST_CASE("verify workflow: the chain check needs a remote with chain settings", "[verify-workflow]") {
  TemporaryDirectory work;
  committed_repository(work.path);
  auto request = request_in(work.path);
  request.chain = workflow::ChainCheck{};
  auto unknown = workflow::verify(request);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().kind == ErrorKind::not_found);
  CHECK(unknown.error().message.find("origin") != std::string::npos);

  auto repository = repo::discover_repository(work.path);
  REQUIRE(repository.ok());
  remote::Remote ipfs_only;
  ipfs_only.name = "origin";
  ipfs_only.ipfs = "http://127.0.0.1:1";
  REQUIRE(remote::add_remote(*repository, ipfs_only).ok());
  auto chainless = workflow::verify(request);
  REQUIRE_FALSE(chainless.ok());
  CHECK(chainless.error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("verify workflow: a node source needs a directory, a commit CID and one node", "[verify-workflow]") {
  TemporaryDirectory work;
  const auto head = committed_repository(work.path);
  workflow::VerifyRequest request;
  request.start = work.path;
  request.source.ipfs = "http://127.0.0.1:1";
  request.revision = head.to_string();
  auto no_directory = workflow::verify(request);
  REQUIRE_FALSE(no_directory.ok());
  CHECK(no_directory.error().kind == ErrorKind::invalid_argument);
  CHECK(no_directory.error().message.find("--path") != std::string::npos);

  request.directory = work.path;
  request.revision = "HEAD";
  auto not_a_cid = workflow::verify(request);
  REQUIRE_FALSE(not_a_cid.ok());
  CHECK(not_a_cid.error().kind == ErrorKind::invalid_argument);
  CHECK(not_a_cid.error().message.find("'HEAD'") != std::string::npos);

  request.revision = head.to_string();
  request.source.gateway = "http://127.0.0.1:1";
  auto both = workflow::verify(request);
  REQUIRE_FALSE(both.ok());
  CHECK(both.error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("verify workflow: a commit on a node verifies against a directory outside any repository",
          "[verify-workflow]") {
  TemporaryDirectory work, elsewhere;
  testing::MemoryNode node;
  const auto published = publish(work.path, elsewhere.path, node);
  auto report = workflow::verify(request_on(node, published, elsewhere.path));
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->commit == published.commit);
  CHECK(report->signatures == 1);
  CHECK(report->signer == test_signer().address());
  CHECK(report->files == 2);
  CHECK(report->blocks >= 2);
}

TEST_CASE("verify workflow: from a node, a changed file and an untrusted author are problems", "[verify-workflow]") {
  TemporaryDirectory work, elsewhere;
  testing::MemoryNode node;
  const auto published = publish(work.path, elsewhere.path, node);
  write_file(published.deploy / "model.bin", "tampered weights");
  auto request = request_on(node, published, elsewhere.path);
  const auto other = codec::parse_address("0x000000000000000000000000000000000000dEaD");
  REQUIRE(other.ok());
  request.signers = {*other};
  auto report = workflow::verify(request);
  REQUIRE(report.ok());
  REQUIRE(report->problems.size() == 2);
  CHECK(report->problems[0].kind == repo::ProblemKind::untrusted_signer);
  CHECK(has_problem(*report, repo::ProblemKind::modified, "model.bin"));
}

TEST_CASE("verify workflow: a node that lies about the commit or its tree is refused, naming the block",
          "[verify-workflow]") {
  TemporaryDirectory work, elsewhere;
  testing::MemoryNode node;
  const auto published = publish(work.path, elsewhere.path, node);
  auto commit_block = node.get_block(published.commit);
  REQUIRE(commit_block.ok());
  auto commit = core::decode_commit(*commit_block);
  REQUIRE(commit.ok());

  const codec::Cid lied_about = GENERATE_COPY(published.commit, commit->tree);
  auto bytes = node.get_block(lied_about);
  REQUIRE(bytes.ok());
  auto lie = *bytes;
  lie.back() ^= 1;
  node.tamper(lied_about, lie);
  auto report = workflow::verify(request_on(node, published, elsewhere.path));
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().kind == ErrorKind::corrupt);
  CHECK(report.error().message.find(lied_about.to_string()) != std::string::npos);
  CHECK(report.error().message.find("memory://node") != std::string::npos);
}

TEST_CASE("verify workflow: a commit the node lacks is not found", "[verify-workflow]") {
  TemporaryDirectory work, elsewhere;
  testing::MemoryNode node;
  const auto published = publish(work.path, elsewhere.path, node);
  node.drop(published.commit);
  auto report = workflow::verify(request_on(node, published, elsewhere.path));
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().kind == ErrorKind::not_found);
  CHECK(report.error().message.find(published.commit.to_string()) != std::string::npos);
}

TEST_CASE("verify workflow: the chain check of a commit read from a node needs a repository", "[verify-workflow]") {
  TemporaryDirectory work, elsewhere;
  testing::MemoryNode node;
  const auto published = publish(work.path, elsewhere.path, node);
  auto request = request_on(node, published, elsewhere.path);
  request.chain = workflow::ChainCheck{};
  auto report = workflow::verify(request);
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().kind == ErrorKind::not_found);
}

TEST_CASE("verify workflow: a signature not made by the author is bad, and names who made it", "[verify-workflow]") {
  TemporaryDirectory work;
  const auto head = committed_repository(work.path);
  auto repository = repo::discover_repository(work.path);
  REQUIRE(repository.ok());
  auto signed_commit = core::load_commit(repository->objects(), head);
  REQUIRE(signed_commit.ok());
  const auto unsigned_cid = testing::store_unsigned_commit(repository->objects(), signed_commit->tree, {}, 2000);
  auto request = request_in(work.path);
  request.revision = unsigned_cid.to_string();
  auto report = workflow::verify(request);
  REQUIRE(report.ok());
  CHECK(report->commit == unsigned_cid);
  REQUIRE(report->problems.size() == 1);
  const auto& problem = report->problems[0];
  CHECK(problem.kind == repo::ProblemKind::bad_signature);
  REQUIRE(report->signer);
  CHECK(*report->signer != codec::Address{});
  CHECK(problem.expected == codec::to_checksum_address(codec::Address{}));
  CHECK(problem.actual == codec::to_checksum_address(*report->signer));
}
