#include "mlchain/privacy/records.hpp"

#include <algorithm>
#include <string>

#include "mlchain/codec/dag_cbor.hpp"

namespace mlchain::privacy {
namespace {

namespace cbor = codec::dag_cbor;

Error malformed(std::string_view what, std::string_view detail) {
  return make_error(ErrorKind::invalid_input, std::string(what) + ": " + std::string(detail));
}

Status only_keys(const cbor::Map& map, std::initializer_list<std::string_view> allowed, std::string_view what) {
  for (const auto& [key, value] : map)
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return malformed(what, "unknown key \"" + key + "\"");
  return {};
}

Result<const cbor::Value*> required(const cbor::Map& map, const std::string& key, std::string_view what) {
  const auto found = map.find(key);
  if (found == map.end()) return malformed(what, "no \"" + key + "\"");
  return &found->second;
}

Result<Bytes> bytes_field(const cbor::Map& map, const std::string& key, std::string_view what) {
  MLCHAIN_TRY(const auto* value, required(map, key, what));
  const auto* bytes = value->get_if<Bytes>();
  if (!bytes) return malformed(what, "\"" + key + "\" is not bytes");
  return *bytes;
}

Result<codec::Cid> cid_bytes_field(const cbor::Map& map, const std::string& key, std::string_view what) {
  MLCHAIN_TRY(const auto bytes, bytes_field(map, key, what));
  auto cid = codec::Cid::from_bytes(bytes);
  if (!cid) return malformed(what, "\"" + key + "\" is not a CID");
  return std::move(cid).value();
}

Result<codec::Cid> link_field(const cbor::Map& map, const std::string& key, std::string_view what) {
  MLCHAIN_TRY(const auto* value, required(map, key, what));
  const auto* cid = value->get_if<codec::Cid>();
  if (!cid) return malformed(what, "\"" + key + "\" is not a link");
  return *cid;
}

Status check_version(const cbor::Map& map, std::string_view what) {
  MLCHAIN_TRY(const auto* version, required(map, "v", what));
  if (version->as_uint64() != 1u) return malformed(what, "unknown version (mlchain reads version 1)");
  return {};
}

bool plain_order(const SealedFile& a, const SealedFile& b) { return a.plain.to_bytes() < b.plain.to_bytes(); }

}  // namespace

Result<Bytes> encode_access_page(const AccessPage& page) {
  if (page.recipient.size() != encryption_key_size)
    return make_error(ErrorKind::invalid_argument, "an access page's recipient is a 33-byte encryption key");
  if (page.files.size() > files_per_page)
    return make_error(ErrorKind::invalid_argument, "an access page holds at most 1024 files");
  cbor::List files;
  for (std::size_t i = 0; i < page.files.size(); ++i) {
    const auto& file = page.files[i];
    if (i > 0 && !plain_order(page.files[i - 1], file))
      return make_error(ErrorKind::invalid_argument, "an access page's files are sorted and unique");
    if (file.header.empty() || file.header.size() > max_header_size)
      return make_error(ErrorKind::invalid_argument, "an age header of " + std::to_string(file.header.size()) +
                                                         " bytes does not fit an access page");
    files.emplace_back(cbor::Map{{"plain", file.plain.to_bytes()}, {"cipher", file.cipher}, {"header", file.header}});
  }
  cbor::Map map{
      {"v", 1}, {"commit", page.commit.to_bytes()}, {"recipient", page.recipient}, {"files", std::move(files)}};
  if (page.next) map.emplace("next", *page.next);
  return cbor::encode(map);
}

Result<AccessPage> decode_access_page(ByteView block) {
  constexpr std::string_view what = "access page";
  auto value = cbor::decode(block);
  if (!value) return malformed(what, value.error().message);
  const auto* map = value->get_if<cbor::Map>();
  if (!map) return malformed(what, "not a map");
  MLCHAIN_TRY_STATUS(only_keys(*map, {"v", "commit", "recipient", "files", "next"}, what));
  MLCHAIN_TRY_STATUS(check_version(*map, what));
  AccessPage page;
  MLCHAIN_TRY(page.commit, cid_bytes_field(*map, "commit", what));
  MLCHAIN_TRY(page.recipient, bytes_field(*map, "recipient", what));
  if (page.recipient.size() != encryption_key_size) return malformed(what, "the recipient is not a 33-byte key");
  MLCHAIN_TRY(const auto* files_value, required(*map, "files", what));
  const auto* files = files_value->get_if<cbor::List>();
  if (!files) return malformed(what, "\"files\" is not a list");
  if (files->size() > files_per_page) return malformed(what, "more than 1024 files");
  for (const auto& entry : *files) {
    const auto* file = entry.get_if<cbor::Map>();
    if (!file) return malformed(what, "a file entry is not a map");
    MLCHAIN_TRY_STATUS(only_keys(*file, {"plain", "cipher", "header"}, what));
    SealedFile sealed;
    MLCHAIN_TRY(sealed.plain, cid_bytes_field(*file, "plain", what));
    MLCHAIN_TRY(sealed.cipher, link_field(*file, "cipher", what));
    MLCHAIN_TRY(sealed.header, bytes_field(*file, "header", what));
    if (sealed.header.empty() || sealed.header.size() > max_header_size)
      return malformed(what, "an age header of " + std::to_string(sealed.header.size()) + " bytes");
    if (!page.files.empty() && !plain_order(page.files.back(), sealed))
      return malformed(what, "files are not sorted by plaintext CID, or one is repeated");
    page.files.push_back(std::move(sealed));
  }
  if (map->contains("next")) {
    MLCHAIN_TRY(page.next, link_field(*map, "next", what));
  }
  return page;
}

codec::Cid access_page_cid(ByteView block) { return codec::Cid::of_block(1, codec::multicodec::dag_cbor, block); }

Result<Bytes> encode_content_key(const ContentKey& record) {
  if (record.key.size() != 16) return make_error(ErrorKind::invalid_argument, "a file key is 16 bytes");
  return cbor::encode(cbor::Map{
      {"v", 1}, {"plain", record.plain.to_bytes()}, {"cipher", record.cipher.to_bytes()}, {"key", record.key}});
}

Result<ContentKey> decode_content_key(ByteView bytes) {
  constexpr std::string_view what = "content key record";
  auto value = cbor::decode(bytes);
  if (!value) return malformed(what, value.error().message);
  const auto* map = value->get_if<cbor::Map>();
  if (!map) return malformed(what, "not a map");
  MLCHAIN_TRY_STATUS(only_keys(*map, {"v", "plain", "cipher", "key"}, what));
  MLCHAIN_TRY_STATUS(check_version(*map, what));
  ContentKey record;
  MLCHAIN_TRY(record.plain, cid_bytes_field(*map, "plain", what));
  MLCHAIN_TRY(record.cipher, cid_bytes_field(*map, "cipher", what));
  MLCHAIN_TRY(record.key, bytes_field(*map, "key", what));
  if (record.key.size() != 16) return malformed(what, "the file key is not 16 bytes");
  return record;
}

}  // namespace mlchain::privacy
