#pragma once
// A buffer for keys and passphrases: allocated once at its final size (so no stray copies are left by
// reallocation), never copied, and wiped when it dies.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "mlchain/bytes.hpp"

namespace mlchain::crypto {

// Overwrites memory in a way the compiler may not optimise away.
void secure_wipe(void* data, std::size_t size);

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t capacity);  // zero-filled, size() == capacity
  explicit SecretBytes(ByteView data);
  SecretBytes(SecretBytes&&) noexcept;
  SecretBytes& operator=(SecretBytes&&) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  std::uint8_t* data() { return buffer_.data(); }
  const std::uint8_t* data() const { return buffer_.data(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return {buffer_.data(), size_}; }
  std::string_view text() const { return {reinterpret_cast<const char*>(buffer_.data()), size_}; }
  // Shortens the visible contents; the bytes beyond stay in the buffer until it is wiped.
  void truncate(std::size_t size);

 private:
  std::vector<std::uint8_t> buffer_;
  std::size_t size_ = 0;
};

}  // namespace mlchain::crypto
