#include "mlchain/codec/cid.hpp"

#include <cstring>

#include "mlchain/codec/multibase.hpp"
#include "mlchain/codec/varint.hpp"

namespace mlchain::codec {
namespace {

bool is_v0_shape(std::uint64_t codec, const Multihash& hash) {
  return codec == multicodec::dag_pb && hash.code == multihash_code::sha2_256 && hash.digest.size() == 32;
}

}  // namespace

Cid::Cid(std::uint64_t version, std::uint64_t codec, Multihash hash)
    : version_(version), codec_(codec), hash_(std::move(hash)) {}

Cid Cid::of_block(std::uint64_t version, std::uint64_t codec, ByteView block) {
  return Cid(version, codec, Multihash::sha2_256_of(block));
}

Result<Cid> Cid::read(ByteView input, std::size_t& consumed) {
  if (input.size() >= 2 && input[0] == multihash_code::sha2_256 && input[1] == 32) {
    std::size_t used = 0;
    MLCHAIN_TRY(auto hash, Multihash::read(input, used));
    consumed = used;
    return Cid(0, multicodec::dag_pb, std::move(hash));
  }
  auto version = read_varint(input);
  if (!version) return make_error(ErrorKind::invalid_input, "CID version: " + version.error().message);
  if (version->value != 1)
    return make_error(ErrorKind::unsupported, "unsupported CID version " + std::to_string(version->value));
  auto codec = read_varint(input.subspan(version->length));
  if (!codec) return make_error(ErrorKind::invalid_input, "CID codec: " + codec.error().message);
  const std::size_t header = version->length + codec->length;
  std::size_t used = 0;
  MLCHAIN_TRY(auto hash, Multihash::read(input.subspan(header), used));
  consumed = header + used;
  return Cid(1, codec->value, std::move(hash));
}

Result<Cid> Cid::from_bytes(ByteView bytes) {
  std::size_t consumed = 0;
  MLCHAIN_TRY(auto cid, read(bytes, consumed));
  if (consumed != bytes.size()) return make_error(ErrorKind::invalid_input, "CID has trailing bytes");
  return cid;
}

Result<Cid> Cid::parse(std::string_view text) {
  if (text.size() == 46 && text.substr(0, 2) == "Qm") {
    auto bytes = base58btc_decode(text);
    if (!bytes)
      return make_error(ErrorKind::invalid_input, "CIDv0 '" + std::string(text) + "': " + bytes.error().message);
    auto cid = from_bytes(*bytes);
    if (!cid || cid->version() != 0)
      return make_error(ErrorKind::invalid_input, "'" + std::string(text) + "' is not a valid CIDv0");
    return cid;
  }
  auto bytes = multibase_decode(text);
  if (!bytes)
    return make_error(ErrorKind::invalid_input, "'" + std::string(text) + "' is not a CID: " + bytes.error().message);
  auto cid = from_bytes(*bytes);
  if (!cid)
    return make_error(ErrorKind::invalid_input, "'" + std::string(text) + "' is not a CID: " + cid.error().message);
  if (cid->version() == 0)
    return make_error(ErrorKind::invalid_input,
                      "'" + std::string(text) + "': a CIDv0 is written bare in base58btc (Qm…), not in multibase");
  return cid;
}

Bytes Cid::to_bytes() const {
  Bytes out;
  if (version_ == 0 && is_v0_shape(codec_, hash_)) return hash_.to_bytes();
  append_varint(out, version_);
  append_varint(out, codec_);
  hash_.append_to(out);
  return out;
}

std::string Cid::to_string() const {
  if (version_ == 0) return base58btc_encode(to_bytes());
  return multibase_encode(Multibase::base32, to_bytes());
}

}  // namespace mlchain::codec

std::size_t std::hash<mlchain::codec::Cid>::operator()(const mlchain::codec::Cid& cid) const noexcept {
  const auto& digest = cid.hash().digest;
  std::size_t h = cid.codec() * 31 + cid.version();
  std::size_t prefix = 0;
  std::memcpy(&prefix, digest.data(), std::min(sizeof prefix, digest.size()));
  return h ^ prefix;
}
