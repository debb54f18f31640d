#pragma once
// multipart/form-data with one file part, streamed: the Kubo RPC API takes file bodies (add, block/put,
// dag/import) only in this form. The part's bytes come from a reader, so a file or a CAR being written
// is sent without ever being held in memory.

#include <optional>
#include <string>

#include "mlchain/net/http.hpp"

namespace mlchain::ipfs {

class MultipartUpload {
 public:
  // A random boundary: 128 bits, so no file's bytes can be made to contain it by chance.
  static Result<MultipartUpload> make();

  std::string content_type() const;
  // The whole body: the part's head, what `content` reads, the closing boundary.
  net::BodyReader body(net::BodyReader content) const;
  // The body's length when the content's length is known.
  std::uint64_t body_length(std::uint64_t content_length) const;

 private:
  explicit MultipartUpload(std::string boundary);
  std::string boundary_;
  std::string head_;
  std::string tail_;
};

}  // namespace mlchain::ipfs
