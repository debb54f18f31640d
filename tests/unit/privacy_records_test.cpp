// The two dag-cbor records of a private model (privacy/records.hpp, docs/format.md §8.2): access pages and
// the owner's content key records. Round trips, every rule the decoders enforce, and one page pinned to the
// bytes and CID the IPLD reference codec @ipld/dag-cbor builds (tests/vectors/README.md, "Access pages").

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "hex_bytes.hpp"
#include "mlchain/codec/dag_cbor.hpp"
#include "mlchain/privacy/records.hpp"

using namespace mlchain;
using namespace mlchain::privacy;
namespace cbor = codec::dag_cbor;

namespace {

Bytes text_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

codec::Cid cid_of(std::string_view text, std::uint64_t codec = codec::multicodec::raw) {
  return codec::Cid::of_block(1, codec, text_bytes(text));
}

codec::Cid parsed(std::string_view text) {
  auto cid = codec::Cid::parse(text);
  REQUIRE(cid.ok());
  return *cid;
}

Bytes recipient_bytes(std::uint8_t fill = 0x11) {
  Bytes key(encryption_key_size, fill);
  key[0] = 0x02;
  return key;
}

// `count` files, sorted by the bytes of their plaintext CIDs as a page keeps them.
std::vector<SealedFile> sorted_files(std::size_t count) {
  std::vector<SealedFile> files;
  for (std::size_t i = 0; i < count; ++i)
    files.push_back(SealedFile{cid_of("plain " + std::to_string(i)), cid_of("cipher " + std::to_string(i)),
                               text_bytes("header " + std::to_string(i))});
  std::sort(files.begin(), files.end(),
            [](const SealedFile& a, const SealedFile& b) { return a.plain.to_bytes() < b.plain.to_bytes(); });
  return files;
}

AccessPage sample_page(std::size_t files = 3, bool with_next = true) {
  AccessPage page{cid_of("a commit", codec::multicodec::dag_cbor), recipient_bytes(), sorted_files(files),
                  std::nullopt};
  if (with_next) page.next = cid_of("the next page", codec::multicodec::dag_cbor);
  return page;
}

// The page as a dag-cbor value, to be broken one rule at a time.
cbor::Map page_map(const AccessPage& page) {
  auto encoded = encode_access_page(page);
  REQUIRE(encoded.ok());
  auto decoded = cbor::decode(*encoded);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->get_if<cbor::Map>());
  return *decoded->get_if<cbor::Map>();
}

cbor::Map& file_entry(cbor::Map& page, std::size_t index) {
  auto* files = page.at("files").get_if<cbor::List>();
  REQUIRE(files);
  REQUIRE(index < files->size());
  auto* entry = (*files)[index].get_if<cbor::Map>();
  REQUIRE(entry);
  return *entry;
}

Bytes encoded(const cbor::Value& value) {
  auto bytes = cbor::encode(value);
  REQUIRE(bytes.ok());
  return *bytes;
}

void check_page_refused(const cbor::Value& value, const std::string& expected) {
  const auto decoded = decode_access_page(encoded(value));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().kind == ErrorKind::invalid_input);
  CHECK_THAT(decoded.error().message, Catch::Contains("access page") && Catch::Contains(expected));
}

ContentKey sample_key() {
  return ContentKey{cid_of("content"), parsed("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"), Bytes(16, 0x5a)};
}

cbor::Map key_map() {
  auto bytes = encode_content_key(sample_key());
  REQUIRE(bytes.ok());
  auto decoded = cbor::decode(*bytes);
  REQUIRE(decoded.ok());
  return *decoded->get_if<cbor::Map>();
}

void check_key_refused(const cbor::Value& value, const std::string& expected) {
  const auto decoded = decode_content_key(encoded(value));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().kind == ErrorKind::invalid_input);
  CHECK_THAT(decoded.error().message, Catch::Contains("content key record") && Catch::Contains(expected));
}

Bytes read_vector(const std::string& name) {
  std::ifstream in(std::string(MLCHAIN_VECTORS_DIR) + "/privacy/" + name, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("access pages round-trip: with and without a next page, empty and full", "[privacy]") {
  for (const auto& page : {sample_page(), sample_page(1, false), sample_page(0, false), sample_page(files_per_page)}) {
    INFO(page.files.size() << " files, next " << page.next.has_value());
    const auto bytes = encode_access_page(page);
    REQUIRE(bytes.ok());
    const auto decoded = decode_access_page(*bytes);
    REQUIRE(decoded.ok());
    CHECK(*decoded == page);
    const auto again = encode_access_page(*decoded);
    REQUIRE(again.ok());
    CHECK(*again == *bytes);
    CHECK(access_page_cid(*bytes) == codec::Cid::of_block(1, codec::multicodec::dag_cbor, *bytes));
  }
}

TEST_CASE("an access page's header may be 1 to 1024 bytes", "[privacy]") {
  for (const std::size_t size : {std::size_t{1}, max_header_size}) {
    auto page = sample_page(1);
    page.files[0].header = Bytes(size, 'h');
    const auto bytes = encode_access_page(page);
    REQUIRE(bytes.ok());
    const auto decoded = decode_access_page(*bytes);
    REQUIRE(decoded.ok());
    CHECK(decoded->files[0].header.size() == size);
  }
}

TEST_CASE("the access page of the vector is the bytes and CID @ipld/dag-cbor gives", "[privacy]") {
  const AccessPage page{
      cid_of("mlchain commit", codec::multicodec::dag_cbor),
      testing::hex_bytes("0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
      {SealedFile{parsed("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am"),
                  parsed("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"),
                  text_bytes("age-encryption.org/v1\n-> mlchain.dev/ecies-secp256k1\nAAAA\n--- first\n")},
       SealedFile{parsed("QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN"),
                  parsed("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"),
                  text_bytes("age-encryption.org/v1\n-> mlchain.dev/ecies-secp256k1\nBBBB\n--- second\n")}},
      cid_of("next page", codec::multicodec::dag_cbor)};
  const auto vector = read_vector("access-page.cbor");
  const auto bytes = encode_access_page(page);
  REQUIRE(bytes.ok());
  CHECK(*bytes == vector);
  CHECK(access_page_cid(vector).to_string() == "bafyreie54cuijek375ozwn63rzgtd7exld73plazojshyylumz44f4yhfa");
  const auto decoded = decode_access_page(vector);
  REQUIRE(decoded.ok());
  CHECK(*decoded == page);
}

TEST_CASE("decode_access_page refuses every page the format does not allow", "[privacy]") {
  const auto page = sample_page();
  const auto commit_bytes = page.commit.to_bytes();

  SECTION("not a map, or not dag-cbor at all") {
    check_page_refused(cbor::List{}, "not a map");
    const Bytes garbage{0xa1, 0x61};  // a map whose key is cut off
    const auto decoded = decode_access_page(garbage);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().kind == ErrorKind::invalid_input);
  }
  SECTION("an unknown key, at the top or in a file") {
    auto map = page_map(page);
    map.emplace("extra", 1);
    check_page_refused(map, "unknown key \"extra\"");
    map = page_map(page);
    file_entry(map, 1).emplace("size", 7);
    check_page_refused(map, "unknown key \"size\"");
  }
  SECTION("a version other than 1, or none") {
    for (const auto& version : {cbor::Value(2), cbor::Value(0), cbor::Value("1"), cbor::Value(-1)}) {
      auto map = page_map(page);
      map.at("v") = version;
      check_page_refused(map, "unknown version");
    }
    auto map = page_map(page);
    map.erase("v");
    check_page_refused(map, "no \"v\"");
  }
  SECTION("a required field missing") {
    for (const std::string key : {"commit", "recipient", "files"}) {
      auto map = page_map(page);
      map.erase(key);
      check_page_refused(map, "no \"" + key + "\"");
    }
    for (const std::string key : {"plain", "cipher", "header"}) {
      auto map = page_map(page);
      file_entry(map, 0).erase(key);
      check_page_refused(map, "no \"" + key + "\"");
    }
  }
  SECTION("files out of order, or one repeated") {
    auto map = page_map(page);
    auto& files = *map.at("files").get_if<cbor::List>();
    std::swap(files[0], files[2]);
    check_page_refused(map, "not sorted");
    map = page_map(page);
    auto& repeated = *map.at("files").get_if<cbor::List>();
    repeated[1] = repeated[0];
    check_page_refused(map, "not sorted");
    // Same plaintext twice with different ciphertexts is still one file twice.
    map = page_map(page);
    file_entry(map, 1).at("plain") = file_entry(map, 0).at("plain");
    check_page_refused(map, "not sorted");
  }
  SECTION("CID bytes that are not a CID") {
    Bytes trailing = commit_bytes;
    trailing.push_back(0x00);
    Bytes cut(commit_bytes.begin(), commit_bytes.end() - 1);
    for (const auto& bad : {Bytes{}, Bytes{0x01, 0x71}, cut, trailing, text_bytes("bafyreie54cuijek375")}) {
      auto map = page_map(page);
      map.at("commit") = bad;
      check_page_refused(map, "\"commit\" is not a CID");
      map = page_map(page);
      file_entry(map, 2).at("plain") = bad;
      check_page_refused(map, "\"plain\" is not a CID");
    }
  }
  SECTION("a recipient that is not 33 bytes") {
    for (const std::size_t size : {std::size_t{0}, std::size_t{32}, std::size_t{34}, std::size_t{65}}) {
      auto map = page_map(page);
      map.at("recipient") = Bytes(size, 0x02);
      check_page_refused(map, "33-byte");
    }
  }
  SECTION("an empty header, or one over 1024 bytes") {
    for (const std::size_t size : {std::size_t{0}, max_header_size + 1, std::size_t{64 * 1024}}) {
      auto map = page_map(page);
      file_entry(map, 0).at("header") = Bytes(size, 'h');
      check_page_refused(map, "an age header of " + std::to_string(size) + " bytes");
    }
  }
  SECTION("more than 1024 files") {
    // Sorted and otherwise valid, so the count is the only thing wrong.
    auto map = page_map(page);
    cbor::List files;
    for (const auto& file : sorted_files(files_per_page + 1))
      files.emplace_back(cbor::Map{{"plain", file.plain.to_bytes()}, {"cipher", file.cipher}, {"header", file.header}});
    map.at("files") = std::move(files);
    check_page_refused(map, "more than 1024 files");
  }
  SECTION("a link where bytes belong") {
    for (const std::string key : {"commit", "recipient"}) {
      auto map = page_map(page);
      map.at(key) = page.commit;
      check_page_refused(map, "\"" + key + "\" is not bytes");
    }
    for (const std::string key : {"plain", "header"}) {
      auto map = page_map(page);
      file_entry(map, 0).at(key) = page.commit;
      check_page_refused(map, "\"" + key + "\" is not bytes");
    }
  }
  SECTION("bytes where a link belongs") {
    auto map = page_map(page);
    file_entry(map, 0).at("cipher") = page.files[0].cipher.to_bytes();
    check_page_refused(map, "\"cipher\" is not a link");
    map = page_map(page);
    map.at("next") = page.next->to_bytes();
    check_page_refused(map, "\"next\" is not a link");
    map = page_map(page);
    map.at("next") = nullptr;
    check_page_refused(map, "\"next\" is not a link");
  }
  SECTION("files that are not a list of maps") {
    auto map = page_map(page);
    map.at("files") = cbor::Map{};
    check_page_refused(map, "\"files\" is not a list");
    map = page_map(page);
    map.at("files").get_if<cbor::List>()->push_back(Bytes{1});
    check_page_refused(map, "a file entry is not a map");
  }
}

TEST_CASE("encode_access_page refuses a page it could not decode again", "[privacy]") {
  const auto check_refused = [](const AccessPage& page, const std::string& expected) {
    const auto bytes = encode_access_page(page);
    REQUIRE_FALSE(bytes.ok());
    CHECK(bytes.error().kind == ErrorKind::invalid_argument);
    CHECK_THAT(bytes.error().message, Catch::Contains(expected));
  };
  auto page = sample_page();
  page.recipient.pop_back();
  check_refused(page, "33-byte");
  page = sample_page();
  std::swap(page.files[0], page.files[1]);
  check_refused(page, "sorted and unique");
  page = sample_page();
  page.files[1] = page.files[0];
  check_refused(page, "sorted and unique");
  page = sample_page();
  page.files[2].header.clear();
  check_refused(page, "age header of 0 bytes");
  page = sample_page();
  page.files[2].header = Bytes(max_header_size + 1, 'h');
  check_refused(page, "age header of 1025 bytes");
  page = sample_page(files_per_page + 1);
  check_refused(page, "at most 1024 files");
}

TEST_CASE("content key records round-trip and refuse what the format does not allow", "[privacy]") {
  const auto record = sample_key();
  const auto bytes = encode_content_key(record);
  REQUIRE(bytes.ok());
  const auto decoded = decode_content_key(*bytes);
  REQUIRE(decoded.ok());
  CHECK(decoded->plain == record.plain);
  CHECK(decoded->cipher == record.cipher);
  CHECK(decoded->key == record.key);

  for (const std::size_t size : {std::size_t{0}, std::size_t{15}, std::size_t{17}, std::size_t{32}}) {
    auto wrong = record;
    wrong.key = Bytes(size, 1);
    const auto refused = encode_content_key(wrong);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::invalid_argument);
  }

  SECTION("not a map") { check_key_refused(cbor::List{}, "not a map"); }
  SECTION("an unknown key") {
    auto map = key_map();
    map.emplace("note", "x");
    check_key_refused(map, "unknown key \"note\"");
  }
  SECTION("a version other than 1") {
    auto map = key_map();
    map.at("v") = 2;
    check_key_refused(map, "unknown version");
    map.erase("v");
    check_key_refused(map, "no \"v\"");
  }
  SECTION("a field missing") {
    for (const std::string key : {"plain", "cipher", "key"}) {
      auto map = key_map();
      map.erase(key);
      check_key_refused(map, "no \"" + key + "\"");
    }
  }
  SECTION("CID bytes that are not a CID") {
    for (const std::string key : {"plain", "cipher"}) {
      auto map = key_map();
      map.at(key) = Bytes{0x01, 0x55, 0x12, 0x20, 0x00};
      check_key_refused(map, "\"" + key + "\" is not a CID");
    }
  }
  SECTION("a link where bytes belong") {
    for (const std::string key : {"plain", "cipher", "key"}) {
      auto map = key_map();
      map.at(key) = record.plain;
      check_key_refused(map, "\"" + key + "\" is not bytes");
    }
  }
  SECTION("a key that is not 16 bytes") {
    for (const std::size_t size : {std::size_t{0}, std::size_t{15}, std::size_t{17}}) {
      auto map = key_map();
      map.at("key") = Bytes(size, 7);
      check_key_refused(map, "not 16 bytes");
    }
  }
}
