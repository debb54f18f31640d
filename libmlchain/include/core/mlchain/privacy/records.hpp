#pragma once
// The two records a private model keeps beside its public commits (docs/format.md §8.2), as dag-cbor:
//
//   access page  (on IPFS, one recipient, one version):
//     { "v": 1, "commit": bytes, "recipient": bytes(33), "files": [{"plain": bytes, "cipher": link,
//       "header": bytes}…], "next"?: link }
//   content key  (in .mlchain/private/keys/, sealed to the owner's encryption key):
//     { "v": 1, "plain": bytes, "cipher": bytes, "key": bytes(16) }
//
// Plaintext CIDs and the commit are bytes, never links, so pinning a page recursively pins the ciphertexts
// it names and nothing a node must not hold. Decoders are strict: unknown keys, unsorted or repeated files,
// a CID that is not one, a header over max_header_size are invalid_input.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/result.hpp"

namespace mlchain::privacy {

inline constexpr std::size_t max_header_size = 1024;
// At most this many files per page keeps a page well under IPFS's 1 MiB block size.
inline constexpr std::size_t files_per_page = 1024;
inline constexpr std::size_t encryption_key_size = 33;  // compressed secp256k1 point

struct SealedFile {
  codec::Cid plain;   // the file's root CID in the signed tree
  codec::Cid cipher;  // the root CID of its age payload on IPFS
  Bytes header;       // the age header that opens it for the page's recipient
  bool operator==(const SealedFile&) const = default;
};

struct AccessPage {
  codec::Cid commit;
  Bytes recipient;                // encryption_key_size bytes
  std::vector<SealedFile> files;  // sorted by the bytes of `plain`, each once
  std::optional<codec::Cid> next;
  bool operator==(const AccessPage&) const = default;
};

Result<Bytes> encode_access_page(const AccessPage& page);
Result<AccessPage> decode_access_page(ByteView block);

// The CID an access page is stored under: CIDv1 dag-cbor sha2-256.
codec::Cid access_page_cid(ByteView block);

struct ContentKey {
  codec::Cid plain;
  codec::Cid cipher;
  Bytes key;  // the age file key (16 bytes); the caller keeps it in secret memory after decoding
};

Result<Bytes> encode_content_key(const ContentKey& record);
Result<ContentKey> decode_content_key(ByteView bytes);

}  // namespace mlchain::privacy
