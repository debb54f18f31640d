#pragma once
// A commit (docs/format.md): one canonical dag-cbor block naming a bundle's tree, its parents, who signed
// it and what was measured. The unsigned form (the same map without "sig") is what the author signs:
// its sha2-256 digest, through EIP-191 personal_sign over the 32 raw bytes.

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/codec/sha256.hpp"
#include "mlchain/codec/signature.hpp"

namespace mlchain::core {

struct GitProvenance {
  std::optional<std::string> commit;  // hex object id
  std::optional<std::string> branch;
  std::optional<std::string> remote;  // URL with any credentials removed
  bool dirty = false;
  friend bool operator==(const GitProvenance&, const GitProvenance&) = default;
};

// A dataset or data manifest the model was made from. Its CID is recorded as text, not as an IPLD
// link, so that fetching or pinning a commit's DAG never pulls in data that mlchain does not store.
struct DataReference {
  std::string name;
  std::string cid;
  std::string role;
  friend bool operator==(const DataReference&, const DataReference&) = default;
};

using ParamValue = std::variant<std::string, std::int64_t, double>;

struct CommitMeta {
  std::map<std::string, double> metrics;
  std::map<std::string, ParamValue> params;
  std::map<std::string, std::string> tags;
  std::optional<std::string> license;  // SPDX expression
  std::optional<GitProvenance> code;
  std::vector<DataReference> data;
  std::map<std::string, std::string> env;
  friend bool operator==(const CommitMeta&, const CommitMeta&) = default;
};

struct Commit {
  static constexpr std::uint64_t schema_version = 1;

  codec::Cid tree;
  std::vector<codec::Cid> parents;
  std::string profile;
  codec::Address author;
  std::int64_t time = 0;  // seconds since the epoch, as the author claims it
  std::string message;
  CommitMeta meta;
  std::optional<codec::RecoverableSignature> signature;

  friend bool operator==(const Commit&, const Commit&) = default;
};

// The block without "sig": the bytes whose sha2-256 digest is signed.
Result<Bytes> encode_unsigned(const Commit& commit);
codec::Sha256Digest signing_digest(ByteView unsigned_block);

// The whole block; the commit must carry a signature.
Result<Bytes> encode_commit(const Commit& commit);

// Strict: canonical dag-cbor, exactly the schema's keys and types, version 1, a signature whose v is
// 27 or 28 and whose s is in the lower half of the curve order. Says nothing about who signed it:
// recovering and checking the signer is the caller's job, with the signing digest.
Result<Commit> decode_commit(ByteView block);

}  // namespace mlchain::core
