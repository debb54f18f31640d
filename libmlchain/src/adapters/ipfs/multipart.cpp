#include "multipart.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include "mlchain/codec/hex.hpp"
#include "mlchain/crypto/random.hpp"

namespace mlchain::ipfs {

Result<MultipartUpload> MultipartUpload::make() {
  std::array<std::uint8_t, 16> nonce{};
  MLCHAIN_TRY_STATUS(crypto::fill_random(nonce));
  return MultipartUpload("mlchain-" + codec::to_hex(nonce));
}

MultipartUpload::MultipartUpload(std::string boundary)
    : boundary_(std::move(boundary)),
      head_("--" + boundary_ +
            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"),
      tail_("\r\n--" + boundary_ + "--\r\n") {}

std::string MultipartUpload::content_type() const { return "multipart/form-data; boundary=" + boundary_; }

std::uint64_t MultipartUpload::body_length(std::uint64_t content_length) const {
  return head_.size() + content_length + tail_.size();
}

net::BodyReader MultipartUpload::body(net::BodyReader part) const {
  enum class Part { head, content, tail, done };
  struct State {
    Part part = Part::head;
    std::size_t offset = 0;  // in head or tail
  };
  auto state = std::make_shared<State>();
  return [state, content = std::move(part), head = head_,
          tail = tail_](std::span<std::uint8_t> buffer) -> Result<std::size_t> {
    auto copy_text = [&](const std::string& text, Part next) -> std::size_t {
      const auto n = std::min(buffer.size(), text.size() - state->offset);
      std::memcpy(buffer.data(), text.data() + state->offset, n);
      state->offset += n;
      if (state->offset == text.size()) {
        state->part = next;
        state->offset = 0;
      }
      return n;
    };
    while (true) {
      switch (state->part) {
        case Part::head:
          return copy_text(head, Part::content);
        case Part::content: {
          MLCHAIN_TRY(auto n, content(buffer));
          if (n > 0) return n;
          state->part = Part::tail;
          continue;
        }
        case Part::tail:
          return copy_text(tail, Part::done);
        case Part::done:
          return std::size_t{0};
      }
    }
  };
}

}  // namespace mlchain::ipfs
