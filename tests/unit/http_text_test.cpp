#include <catch2/catch.hpp>

#include "mlchain/net/http.hpp"

using namespace mlchain;
using net::body_excerpt;
using net::redact_url;
using net::url_encode;

TEST_CASE("redact_url drops userinfo and secret query values, keeps the rest", "[http]") {
  CHECK(redact_url("http://127.0.0.1:5001/api/v0/add?cid-version=1") ==
        "http://127.0.0.1:5001/api/v0/add?cid-version=1");
  CHECK(redact_url("https://user:secret@rpc.example/v1") == "https://rpc.example/v1");
  CHECK(redact_url("https://token@rpc.example") == "https://rpc.example");
  CHECK(redact_url("https://rpc.example/x?apikey=abc&arg=bafy&access_token=t#frag") ==
        "https://rpc.example/x?apikey=***&arg=bafy&access_token=***#frag");
  CHECK(redact_url("https://rpc.example/x?Signature=s&X-Amz-Credential=c&flag") ==
        "https://rpc.example/x?Signature=***&X-Amz-Credential=***&flag");
  CHECK(redact_url("https://rpc.example/x?") == "https://rpc.example/x?");
}

TEST_CASE("redact_url hides API keys in the path, not CIDs or API routes", "[http]") {
  // Infura and Alchemy carry the project key as the last path segment.
  CHECK(redact_url("https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161") ==
        "https://mainnet.infura.io/v3/***");
  CHECK(redact_url("https://eth-mainnet.g.alchemy.com/v2/Ab_cD-eF0123456789xyzQRST/?x=1#f") ==
        "https://eth-mainnet.g.alchemy.com/v2/***/?x=1#f");
  CHECK(
      redact_url("http://127.0.0.1:8080/ipfs/bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am?format=raw") ==
      "http://127.0.0.1:8080/ipfs/bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am?format=raw");
  CHECK(redact_url("http://127.0.0.1:5001/api/v0/block/stat") == "http://127.0.0.1:5001/api/v0/block/stat");
  CHECK(redact_url("http://127.0.0.1:8545") == "http://127.0.0.1:8545");
}

TEST_CASE("body_excerpt is one short line of printable ASCII", "[http]") {
  CHECK(body_excerpt(as_bytes("{\"Message\":\"not found\"}\n")) == "{\"Message\":\"not found\"}");
  CHECK(body_excerpt(as_bytes("a\r\n\tb\x07\x1b[31mc")) == "a b [31mc");
  CHECK(body_excerpt(as_bytes("\xc3\xa9t\xc3\xa9")) == "t");
  CHECK(body_excerpt(as_bytes("abcdef"), 3) == "abc...");
  CHECK(body_excerpt({}).empty());
}

TEST_CASE("url_encode keeps unreserved characters only", "[http]") {
  CHECK(url_encode("bafy-._~09AZaz") == "bafy-._~09AZaz");
  CHECK(url_encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
}
