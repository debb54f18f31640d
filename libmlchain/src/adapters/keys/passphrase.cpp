#include "mlchain/keys/passphrase.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace mlchain::keys {
namespace {

constexpr std::size_t max_passphrase_bytes = 4096;

// The length of the first line, without its "\n" or "\r\n".
std::size_t first_line_length(const crypto::SecretBytes& text) {
  const auto view = text.text();
  std::size_t end = view.find('\n');
  if (end == std::string_view::npos) end = view.size();
  if (end > 0 && view[end - 1] == '\r') --end;
  return end;
}

Result<crypto::SecretBytes> from_file(const std::filesystem::path& path) {
  MLCHAIN_TRY(crypto::SecretBytes buffer, read_secret_file(path));
  buffer.truncate(first_line_length(buffer));
  return buffer;
}

// Restores the terminal's settings however the prompt ends.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      quiet.c_lflag |= ECHONL;
      active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

Result<crypto::SecretBytes> prompt(int tty, std::string_view text) {
  // Echo goes off before the prompt appears: switching it flushes typeahead, which must not eat an answer
  // typed (or piped by a terminal emulator) right after the prompt.
  const EchoOff echo_off(tty);
  if (::write(tty, text.data(), text.size()) < 0)
    return make_error(ErrorKind::internal, std::string("cannot write to the terminal: ") + std::strerror(errno));
  crypto::SecretBytes buffer(max_passphrase_bytes);
  std::size_t filled = 0;
  while (true) {
    char c = 0;
    const ssize_t n = ::read(tty, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    if (filled == buffer.size()) return make_error(ErrorKind::invalid_input, "the passphrase is longer than 4 KiB");
    buffer.data()[filled++] = static_cast<std::uint8_t>(c);
  }
  buffer.truncate(filled);
  if (filled > 0 && buffer.text().back() == '\r') buffer.truncate(filled - 1);
  return buffer;
}

Result<crypto::SecretBytes> from_terminal(const PassphraseRequest& request) {
  const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (tty < 0) return make_error(ErrorKind::invalid_input, "cannot open the terminal to ask for the passphrase");
  const std::string label = request.key_name.empty() ? "" : " for key " + request.key_name;
  auto first = prompt(tty, (request.new_key ? "New passphrase" : "Passphrase") + label + ": ");
  if (first && request.new_key) {
    auto second = prompt(tty, "Repeat the passphrase: ");
    if (!second)
      first = std::move(second).error();
    else if (second->text() != first->text())
      first = make_error(ErrorKind::invalid_input, "the two passphrases differ; nothing was written");
  }
  ::close(tty);
  return first;
}

}  // namespace

Result<crypto::SecretBytes> read_secret_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const auto kind = errno == ENOENT ? ErrorKind::not_found : ErrorKind::invalid_input;
    return make_error(kind, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  crypto::SecretBytes buffer(max_passphrase_bytes + 1);
  std::size_t filled = 0;
  while (filled < buffer.size()) {
    const ssize_t n = ::read(fd, buffer.data() + filled, buffer.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    filled += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (filled > max_passphrase_bytes)
    return make_error(ErrorKind::invalid_input, path.string() + " is larger than 4 KiB");
  buffer.truncate(filled);
  return buffer;
}

Result<bool> confirm_on_terminal(const std::string& question) {
  if (::isatty(STDIN_FILENO) != 1) return false;
  const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (tty < 0) return false;
  const std::string text = question + " Type yes to continue: ";
  std::string answer;
  if (::write(tty, text.data(), text.size()) >= 0) {
    char c = 0;
    while (answer.size() < 16) {
      const ssize_t n = ::read(tty, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || c == '\n') break;
      answer.push_back(c);
    }
  }
  ::close(tty);
  return answer == "yes";
}

Result<crypto::SecretBytes> read_passphrase(const PassphraseRequest& request) {
  Result<crypto::SecretBytes> passphrase = make_error(ErrorKind::internal, "no passphrase read");
  if (request.password_file) {
    passphrase = from_file(*request.password_file);
  } else if (const char* variable = std::getenv("MLCHAIN_PASSWORD"); variable != nullptr) {
    const std::string_view text(variable);
    passphrase = crypto::SecretBytes(as_bytes(text));
  } else if (::isatty(STDIN_FILENO) == 1) {
    passphrase = from_terminal(request);
  } else {
    return make_error(ErrorKind::invalid_argument, "a passphrase is needed for key " + request.key_name +
                                                       " and stdin is not a terminal: use --password-file FILE or set "
                                                       "MLCHAIN_PASSWORD");
  }
  if (passphrase && request.new_key && passphrase->empty())
    return make_error(ErrorKind::invalid_input,
                      "refusing an empty passphrase: it would leave key " + request.key_name + " unprotected");
  return passphrase;
}

}  // namespace mlchain::keys
