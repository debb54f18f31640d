#include "mlchain/repo/repository.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>
#include <utility>

#include "disk.hpp"
#include "mlchain/fs/atomic_file.hpp"
#include "mlchain/fs/lock_file.hpp"

namespace mlchain::repo {
namespace {

namespace stdfs = std::filesystem;

bool holds_repository(const stdfs::path& directory) {
  struct stat info {};
  return ::stat((directory / repository_directory_name).c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

std::optional<stdfs::path> enclosing_repository(stdfs::path directory) {
  for (;;) {
    if (holds_repository(directory)) return directory;
    if (!directory.has_parent_path() || directory.parent_path() == directory) return std::nullopt;
    directory = directory.parent_path();
  }
}

Result<stdfs::path> absolute_path(const stdfs::path& path) {
  std::error_code error;
  auto absolute = stdfs::weakly_canonical(stdfs::absolute(path, error), error);
  if (error) return make_error(ErrorKind::invalid_argument, "cannot resolve " + path.string() + ": " + error.message());
  return absolute;
}

RepositoryPaths paths_for(const stdfs::path& work_tree) { return {work_tree, work_tree / repository_directory_name}; }

// Builds the layout in a temporary directory beside its final place and renames it there, so an
// interrupted init leaves no half-made repository that discovery would find.
Status create_layout(const stdfs::path& work_tree) {
  const stdfs::path staging = work_tree / disk::temporary_name(repository_directory_name);
  const RepositoryPaths staged{work_tree, staging};
  auto build = [&]() -> Status {
    for (const auto& directory : {staged.objects(), staged.files(), staged.refs() / "heads", staged.refs() / "tags",
                                  staged.refs() / "remotes", staged.journal()})
      MLCHAIN_TRY_STATUS(disk::make_directories(directory));
    MLCHAIN_TRY_STATUS(
        fs::write_file_atomically(staged.head(), as_bytes(std::string("ref: refs/heads/") + initial_branch + "\n")));
    MLCHAIN_TRY_STATUS(fs::write_file_atomically(
        staged.config(), as_bytes("# mlchain repository settings: `mlchain config set KEY VALUE`\n")));
    return disk::sync_directory(staging);
  };
  Status status = build();
  if (status.ok() && ::rename(staging.c_str(), (work_tree / repository_directory_name).c_str()) != 0)
    status = disk::system_error(errno, "create", work_tree / repository_directory_name);
  if (!status.ok()) {
    std::error_code ignored;
    stdfs::remove_all(staging, ignored);
    return status;
  }
  return disk::sync_directory(work_tree);
}

Result<int> acquire_flock(const stdfs::path& path, int operation, std::chrono::milliseconds patience,
                          const std::string& busy_message) {
  MLCHAIN_TRY(const int fd, fs::open_lock_file(path));
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    if (::flock(fd, operation | LOCK_NB) == 0) return fd;
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int error = errno;
      ::close(fd);
      return disk::system_error(error, "lock", path);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return make_error(ErrorKind::locked,
                        busy_message + " (" + path.string() + " is held); try again when it has finished");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

Repository::Repository(RepositoryPaths paths)
    : paths_(std::move(paths)),
      contents_(paths_.files(), paths_.objects()),
      objects_(paths_.objects(), contents_),
      refs_(paths_.dir) {}

Result<Repository> discover_repository(const stdfs::path& start) {
  MLCHAIN_TRY(auto absolute, absolute_path(start));
  auto work_tree = enclosing_repository(absolute);
  if (!work_tree)
    return make_error(ErrorKind::not_found, "not in an mlchain repository (no .mlchain/ in " + absolute.string() +
                                                " or any parent); run 'mlchain init' first");
  return Repository(paths_for(*work_tree));
}

Result<Repository> init_repository(const stdfs::path& work_tree) {
  MLCHAIN_TRY(auto absolute, absolute_path(work_tree));
  if (auto existing = enclosing_repository(absolute))
    return make_error(ErrorKind::exists, absolute.string() + " is already inside the mlchain repository at " +
                                             (*existing / repository_directory_name).string());
  std::error_code error;
  stdfs::create_directories(absolute, error);
  if (error)
    return make_error(ErrorKind::invalid_argument, "cannot create " + absolute.string() + ": " + error.message());
  MLCHAIN_TRY_STATUS(create_layout(absolute));
  return Repository(paths_for(absolute));
}

RepositoryLock::RepositoryLock(RepositoryLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

RepositoryLock::~RepositoryLock() {
  if (fd_ >= 0) ::close(fd_);
}

Result<RepositoryLock> lock_for_writing(const Repository& repository, std::chrono::milliseconds patience) {
  MLCHAIN_TRY(const int fd, acquire_flock(repository.paths().writers_lock(), LOCK_SH, patience,
                                          "mlchain gc is running in this repository"));
  return RepositoryLock(fd);
}

Result<RepositoryLock> lock_for_gc(const Repository& repository, std::chrono::milliseconds patience) {
  MLCHAIN_TRY(const int fd, acquire_flock(repository.paths().writers_lock(), LOCK_EX, patience,
                                          "another mlchain command is writing to this repository"));
  return RepositoryLock(fd);
}

}  // namespace mlchain::repo
