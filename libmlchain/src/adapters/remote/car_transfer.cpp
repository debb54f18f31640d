#include "mlchain/remote/car_transfer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <set>

#include "history_transfer.hpp"
#include "mlchain/codec/car.hpp"
#include "mlchain/codec/dag_pb.hpp"
#include "mlchain/codec/unixfs.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/fs/file_reader.hpp"
#include "mlchain/fs/importer.hpp"
#include "mlchain/remote/history_reach.hpp"
#include "mlchain/repo/object_store.hpp"

namespace mlchain::remote {
namespace {

namespace stdfs = std::filesystem;
using codec::Cid;

Error system_error(std::string_view what, const stdfs::path& path, int error) {
  return make_error(ErrorKind::internal,
                    "cannot " + std::string(what) + " " + path.string() + ": " + std::strerror(error));
}

std::string unique_suffix() {
  static unsigned counter = 0;
  return std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

// A file written front to back under a temporary name beside its target, renamed into place by commit().
class StreamingFile {
 public:
  static Result<StreamingFile> create(const stdfs::path& target) {
    const auto directory = target.parent_path().empty() ? stdfs::path(".") : target.parent_path();
    auto temporary = directory / ("." + target.filename().string() + ".tmp-" + unique_suffix());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return system_error("create", temporary, errno);
    return StreamingFile(target, std::move(temporary), fd);
  }
  StreamingFile(StreamingFile&& other) noexcept
      : target_(std::move(other.target_)), temporary_(std::move(other.temporary_)), fd_(std::exchange(other.fd_, -1)) {}
  StreamingFile& operator=(StreamingFile&&) = delete;
  ~StreamingFile() {
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink(temporary_.c_str());
  }

  Status write(ByteView bytes) {
    while (!bytes.empty()) {
      const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        return system_error("write", temporary_, errno);
      }
      bytes = bytes.subspan(static_cast<std::size_t>(written));
      written_ += static_cast<std::uint64_t>(written);
    }
    return {};
  }
  std::uint64_t written() const { return written_; }

  Status commit() {
    if (::fsync(fd_) != 0) return system_error("flush", temporary_, errno);
    ::close(std::exchange(fd_, -1));
    if (::rename(temporary_.c_str(), target_.c_str()) != 0) {
      const int error = errno;
      ::unlink(temporary_.c_str());
      return system_error("rename into place", target_, error);
    }
    return fs::sync_directory(target_.parent_path().empty() ? stdfs::path(".") : target_.parent_path());
  }

 private:
  StreamingFile(stdfs::path target, stdfs::path temporary, int fd)
      : target_(std::move(target)), temporary_(std::move(temporary)), fd_(fd) {}
  stdfs::path target_;
  stdfs::path temporary_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
};

// Buffers sections into large writes; each CID is written once.
class SectionWriter final : public unixfs::BlockSink {
 public:
  explicit SectionWriter(StreamingFile& file) : file_(file) {}

  Status put(const Cid& cid, ByteView block) override {
    if (!written_.insert(cid).second) return {};
    append(buffer_, codec::encode_car_section(cid, block));
    if (buffer_.size() >= (4u << 20)) return flush();
    return {};
  }
  Status write_raw(ByteView bytes) {
    append(buffer_, bytes);
    return {};
  }
  Status flush() {
    MLCHAIN_TRY_STATUS(file_.write(buffer_));
    buffer_.clear();
    return {};
  }
  std::uint64_t sections() const { return written_.size(); }

 private:
  StreamingFile& file_;
  Bytes buffer_;
  std::set<Cid> written_;
};

// The CAR's file leaves (raw blocks, dag-pb leaves) and every dag-pb block, by storage key, for as long as
// the import runs: files are reassembled from them once the whole CAR was read and checked.
class LeafDirectory {
 public:
  static Result<LeafDirectory> create(const repo::Repository& repository) {
    auto path = repository.paths().dir / ("import.tmp-" + unique_suffix());
    std::error_code error;
    stdfs::create_directory(path, error);
    if (error) return make_error(ErrorKind::internal, "cannot create " + path.string() + ": " + error.message());
    return LeafDirectory(std::move(path));
  }
  LeafDirectory(LeafDirectory&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  LeafDirectory& operator=(LeafDirectory&&) = delete;
  ~LeafDirectory() {
    std::error_code ignored;
    if (!path_.empty()) stdfs::remove_all(path_, ignored);
  }

  Status put(const Cid& cid, ByteView block) {
    const auto path = path_ / repo::storage_key(cid);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return system_error("create", path, errno);
    std::size_t done = 0;
    while (done < block.size()) {
      const ssize_t written = ::write(fd, block.data() + done, block.size() - done);
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) {
        const int error = errno;
        ::close(fd);
        return system_error("write", path, error);
      }
      done += static_cast<std::size_t>(written);
    }
    ::close(fd);
    return {};
  }

  Result<Bytes> get(const Cid& cid) const {
    const auto path = path_ / repo::storage_key(cid);
    auto reader = fs::FileReader::open(path);
    if (!reader) return make_error(ErrorKind::not_found, "block " + cid.to_string() + " is not in the CAR");
    Bytes block(reader->size());
    MLCHAIN_TRY(const auto read, reader->read_at(0, block));
    if (read != block.size() || !cid.matches(block))
      return make_error(ErrorKind::internal,
                        "the import's copy of block " + cid.to_string() + " changed on disk: " + path.string());
    return block;
  }

 private:
  explicit LeafDirectory(stdfs::path path) : path_(std::move(path)) {}
  stdfs::path path_;
};

class CarSource final : public BlockSource {
 public:
  CarSource(const LeafDirectory& leaves, std::string where) : leaves_(leaves), where_(std::move(where)) {}
  std::string where() const override { return where_; }
  Result<Bytes> get(const Cid& cid) override { return leaves_.get(cid); }

  Status read_file(const Cid& root, const unixfs::Profile&, const std::function<Status(ByteView)>& on_bytes) override {
    return emit(root, on_bytes, 0);
  }

 private:
  // In DAG order: a node's own data, then its children's.
  Status emit(const Cid& cid, const std::function<Status(ByteView)>& on_bytes, std::size_t depth) {
    if (depth > 64)
      return make_error(ErrorKind::corrupt, "file DAG at " + cid.to_string() + " " + where_ + " is too deep");
    auto block = leaves_.get(cid);
    if (!block) return make_error(ErrorKind::not_found, "block " + cid.to_string() + " of a file is not " + where_);
    if (cid.codec() == codec::multicodec::raw) return on_bytes(*block);
    if (cid.codec() != codec::multicodec::dag_pb)
      return make_error(ErrorKind::corrupt, "block " + cid.to_string() + " " + where_ + " is not part of a file");
    MLCHAIN_TRY(const auto node, codec::PbNode::decode(*block));
    if (!node.data)
      return make_error(ErrorKind::corrupt, "file node " + cid.to_string() + " " + where_ + " has no UnixFS data");
    MLCHAIN_TRY(const auto data, codec::UnixfsData::decode(*node.data));
    if (data.type != codec::UnixfsType::file && data.type != codec::UnixfsType::raw)
      return make_error(ErrorKind::corrupt, "node " + cid.to_string() + " " + where_ + " is not a UnixFS file");
    if (data.data && !data.data->empty()) MLCHAIN_TRY_STATUS(on_bytes(*data.data));
    for (const auto& link : node.links) MLCHAIN_TRY_STATUS(emit(link.hash, on_bytes, depth + 1));
    return {};
  }

  const LeafDirectory& leaves_;
  std::string where_;
};

}  // namespace

Result<CarExport> export_car(repo::Repository& repository, const Cid& commit, std::optional<std::uint64_t> depth,
                             const stdfs::path& destination) {
  MLCHAIN_TRY(const auto reach, reach_of_history(repository.objects(), commit, depth));
  MLCHAIN_TRY(auto file, StreamingFile::create(destination));
  SectionWriter sections(file);
  MLCHAIN_TRY_STATUS(sections.write_raw(codec::encode_car_header({commit})));
  for (const auto& cid : reach.commits) {
    MLCHAIN_TRY(const auto block, repository.objects().get(cid));
    MLCHAIN_TRY_STATUS(sections.put(cid, block));
  }
  for (const auto& cid : reach.tree_blocks) {
    MLCHAIN_TRY(const auto block, repository.objects().get(cid));
    MLCHAIN_TRY_STATUS(sections.put(cid, block));
  }
  for (const auto& root : reach.file_roots) MLCHAIN_TRY_STATUS(repository.contents().export_blocks(root, sections));
  MLCHAIN_TRY_STATUS(sections.flush());
  CarExport exported{.root = commit,
                     .commits = reach.commits.size(),
                     .blocks = sections.sections(),
                     .bytes = file.written(),
                     .cut_parents = reach.cut_parents};
  MLCHAIN_TRY_STATUS(file.commit());
  return exported;
}

Result<CarImport> import_car(repo::Repository& repository, const stdfs::path& car) {
  MLCHAIN_TRY(const auto input, fs::FileReader::open(car));
  MLCHAIN_TRY(const auto lock, repo::lock_for_writing(repository));
  MLCHAIN_TRY(auto leaves, LeafDirectory::create(repository));
  CarImport imported;
  codec::CarReader reader([&](const Cid& cid, ByteView block) -> Status {
    ++imported.blocks;
    switch (cid.codec()) {
      case codec::multicodec::dag_cbor:
        return repository.objects().put(cid, block);
      case codec::multicodec::raw:
        return leaves.put(cid, block);
      case codec::multicodec::dag_pb:
        MLCHAIN_TRY_STATUS(leaves.put(cid, block));
        return repository.objects().put(cid, block);
      default:
        return make_error(ErrorKind::corrupt,
                          "block " + cid.to_string() + " in " + car.string() + " is neither dag-cbor, dag-pb nor raw");
    }
  });
  std::vector<std::uint8_t> buffer(1u << 20);
  for (std::uint64_t offset = 0; offset < input.size();) {
    MLCHAIN_TRY(const auto read, input.read_at(offset, buffer));
    if (read == 0) break;
    auto fed = reader.feed(ByteView(buffer.data(), read));
    if (!fed) return make_error(fed.error().kind, car.string() + ": " + fed.error().message);
    offset += read;
  }
  if (auto finished = reader.finish(); !finished)
    return make_error(finished.error().kind, car.string() + ": " + finished.error().message);
  imported.roots = reader.roots();
  CarSource source(leaves, "in " + car.string());
  for (const auto& root : imported.roots) {
    TransferOptions options;
    options.missing_parents_are_cut = true;
    MLCHAIN_TRY(const auto transfer, complete_history(repository, source, root, options));
    imported.commits.insert(imported.commits.end(), transfer.commits.begin(), transfer.commits.end());
    imported.cut_parents.insert(imported.cut_parents.end(), transfer.cut_parents.begin(), transfer.cut_parents.end());
    imported.files += transfer.files;
    imported.file_bytes += transfer.file_bytes;
  }
  return imported;
}

}  // namespace mlchain::remote
