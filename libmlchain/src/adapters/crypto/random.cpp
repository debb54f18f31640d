#include "mlchain/crypto/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace mlchain::crypto {

Status fill_random(std::span<std::uint8_t> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    const ssize_t n = ::getrandom(out.data() + filled, out.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorKind::internal, std::string("the OS random source failed: ") + std::strerror(errno));
    }
    filled += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace mlchain::crypto
