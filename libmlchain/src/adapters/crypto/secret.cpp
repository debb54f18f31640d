#include "mlchain/crypto/secret.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <utility>

namespace mlchain::crypto {

void secure_wipe(void* data, std::size_t size) {
  if (data != nullptr && size > 0) OPENSSL_cleanse(data, size);
}

SecretBytes::SecretBytes(std::size_t capacity) : buffer_(capacity), size_(capacity) {}

SecretBytes::SecretBytes(ByteView data) : buffer_(data.begin(), data.end()), size_(data.size()) {}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : buffer_(std::move(other.buffer_)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    secure_wipe(buffer_.data(), buffer_.size());
    buffer_ = std::move(other.buffer_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() { secure_wipe(buffer_.data(), buffer_.size()); }

void SecretBytes::truncate(std::size_t size) { size_ = std::min(size, size_); }

}  // namespace mlchain::crypto
