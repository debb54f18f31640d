#include "mlchain/watch/shell_handler.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>

extern char** environ;

namespace mlchain::watch {
namespace {

// Variables the watcher sets for an event; inherited ones of these names are dropped first, so a handler
// never reads a stage or commit that belongs to no event of its own.
bool is_event_variable(std::string_view entry) {
  static const std::set<std::string_view> names{"MLCHAIN_EVENT",  "MLCHAIN_EVENT_ID", "MLCHAIN_REPO",
                                                "MLCHAIN_BRANCH", "MLCHAIN_STAGE",    "MLCHAIN_COMMIT",
                                                "MLCHAIN_BLOCK",  "MLCHAIN_TX",       "MLCHAIN_ATTEMPT"};
  const auto equals = entry.find('=');
  return equals != std::string_view::npos && names.contains(entry.substr(0, equals));
}

std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& added) {
  std::vector<std::string> entries;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    const bool replaced = equals != std::string_view::npos && [&] {
      for (const auto& [name, value] : added)
        if (text.substr(0, equals) == name) return true;
      return false;
    }();
    if (!replaced && !is_event_variable(text)) entries.emplace_back(text);
  }
  for (const auto& [name, value] : added) entries.push_back(name + "=" + value);
  return entries;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended with status " + std::to_string(status);
}

constexpr std::size_t max_line_bytes = 64 * 1024;

// The process group of the command running now (0: none), for kill_running_command in a signal handler.
volatile sig_atomic_t running_group = 0;

void close_descriptor(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

// The read end of one of the handler's output pipes, and what becomes of the bytes read from it.
struct Stream {
  int fd = -1;
  std::function<void(std::string_view)> take;
};

Result<HandlerOutcome> run_command(const Command& command, const std::function<void(std::string_view)>& on_line) {
  int input[2] = {-1, -1};
  int output[2] = {-1, -1};
  int collected[2] = {-1, -1};
  const bool collect = command.standard_output != nullptr;
  if (::pipe2(input, O_CLOEXEC) != 0 || ::pipe2(output, O_CLOEXEC) != 0 ||
      (collect && ::pipe2(collected, O_CLOEXEC) != 0)) {
    for (int* fd : {&input[0], &input[1], &output[0], &output[1]}) close_descriptor(*fd);
    return make_error(ErrorKind::internal, std::string("cannot make a pipe for a handler: ") + std::strerror(errno));
  }
  const auto environment = child_environment(command.environment);
  std::vector<char*> envp;
  for (const auto& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  const std::string directory = command.directory.string();
  // posix_spawn, not fork: glibc starts the child without copying the watcher's page tables, so starting
  // a handler costs the same however much memory the watcher holds.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, collect ? collected[1] : output[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output[1], STDERR_FILENO);
  posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group, so a Ctrl-C meant for the watcher lets it finish; and the signals the watcher
  // ignores (SIGPIPE) or catches back at their defaults, with none blocked.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal_number : {SIGPIPE, SIGTERM, SIGINT, SIGUSR1, SIGHUP}) sigaddset(&defaults, signal_number);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  const char* argv[] = {"sh", "-c", command.text.c_str(), nullptr};
  pid_t child = -1;
  const int spawned = ::posix_spawn(&child, "/bin/sh", &actions, &attributes, const_cast<char* const*>(argv),
                                    envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    for (int* fd : {&input[0], &input[1], &output[0], &output[1], &collected[0], &collected[1]}) close_descriptor(*fd);
    return make_error(ErrorKind::invalid_input,
                      "cannot start a handler in " + directory + ": " + std::strerror(spawned));
  }
  // Also here, not only in the child: the group must exist before anyone is told to kill it.
  ::setpgid(child, child);
  running_group = child;
  close_descriptor(input[0]);
  close_descriptor(output[1]);
  close_descriptor(collected[1]);
  // The handler may not read its input at all: what does not fit the pipe is dropped rather than waited for.
  ::fcntl(input[1], F_SETFL, O_NONBLOCK);
  std::string_view pending_input = command.input;
  while (!pending_input.empty()) {
    const ssize_t written = ::write(input[1], pending_input.data(), pending_input.size());
    if (written <= 0) break;
    pending_input.remove_prefix(static_cast<std::size_t>(written));
  }
  close_descriptor(input[1]);

  HandlerOutcome outcome;
  bool overflow = false;
  std::string line;
  std::vector<Stream> streams;
  streams.push_back({output[0], [&](std::string_view bytes) {
                       outcome.output.append(bytes);
                       if (outcome.output.size() > kept_output_bytes)
                         outcome.output.erase(0, outcome.output.size() - kept_output_bytes);
                       for (char c : bytes) {
                         // A handler printing without end of line must not grow the watcher without bound:
                         // a line longer than this is logged in pieces.
                         if (c != '\n' && line.size() < max_line_bytes) {
                           line.push_back(c);
                           continue;
                         }
                         if (c != '\n') {
                           on_line(line);
                           line.assign(1, c);
                           continue;
                         }
                         on_line(line);
                         line.clear();
                       }
                     }});
  if (collect) {
    command.standard_output->clear();
    streams.push_back({collected[0], [&](std::string_view bytes) {
                         if (command.standard_output->size() + bytes.size() > kept_output_bytes)
                           overflow = true;
                         else
                           command.standard_output->append(bytes);
                       }});
  }
  int status = 0;
  bool exited = false;
  char buffer[8192];
  // Reads until the handler has exited and its output is drained; a process it left behind holding a
  // pipe open does not keep the watcher waiting.
  for (;;) {
    std::vector<pollfd> descriptors;
    for (const auto& stream : streams) descriptors.push_back({stream.fd, POLLIN, 0});
    if (descriptors.empty()) {
      if (!exited) {
        while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
      }
      break;
    }
    const int ready = ::poll(descriptors.data(), descriptors.size(), exited ? 0 : 100);
    if (ready > 0) {
      for (std::size_t i = descriptors.size(); i-- > 0;) {
        if (descriptors[i].revents == 0) continue;
        const ssize_t count = ::read(streams[i].fd, buffer, sizeof buffer);
        if (count > 0) {
          streams[i].take(std::string_view(buffer, static_cast<std::size_t>(count)));
        } else if (count == 0 || errno != EINTR) {
          ::close(streams[i].fd);
          streams.erase(streams.begin() + static_cast<std::ptrdiff_t>(i));
        }
      }
      continue;
    }
    if (exited) break;
    if (::waitpid(child, &status, WNOHANG) == child) exited = true;
  }
  running_group = 0;
  for (const auto& stream : streams) ::close(stream.fd);
  if (!line.empty()) on_line(line);
  outcome.succeeded = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!outcome.succeeded) {
    outcome.failure = describe_status(status);
  } else if (overflow) {
    outcome.succeeded = false;
    outcome.failure = "printed more than " + std::to_string(kept_output_bytes / 1024) + " KiB on stdout";
  }
  return outcome;
}

void kill_running_command() {
  const pid_t group = running_group;
  if (group > 0) ::kill(-group, SIGKILL);
}

Result<HandlerOutcome> ShellHandler::run(const WatchEvent& event, unsigned attempt, WatchLog& log) {
  Command command;
  command.text = command_;
  command.directory = directory_;
  command.environment = environment_;
  for (auto& variable : event_environment(event)) command.environment.push_back(std::move(variable));
  command.environment.emplace_back("MLCHAIN_ATTEMPT", std::to_string(attempt));
  command.input = event.json + "\n";
  return run_command(command, [&](std::string_view line) { log.output(event.id, line); });
}

}  // namespace mlchain::watch
