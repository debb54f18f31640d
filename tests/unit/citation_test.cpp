// The citation formats (core/citation.hpp): values in, text out, with and without a chain anchor.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "mlchain/core/citation.hpp"

using namespace mlchain;

namespace {

codec::Cid cid(std::string_view text) { return codec::Cid::parse(text).value(); }

// The EIP-55 example address (its checksum spelling is the EIP's).
codec::Address author() { return codec::parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").value(); }

core::ChainWord word(std::uint8_t fill) {
  core::ChainWord result{};
  result.fill(fill);
  return result;
}

core::Citation unanchored() {
  return core::Citation{.commit = cid("bafyreigzvytwjgu2cpjlxw7u4bqrppnvhzmvhf6gizgiqisgfntg4p4bqe"),
                        .tree = cid("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am"),
                        .message = "ResNet {tiny} 50% & more_\n\nTrained on \"cats\"\x01 \xc2\x85.",
                        .author = author(),
                        .author_chain_id = 1,
                        .license = "MIT",
                        .time = 1767225600,  // 2026-01-01T00:00:00Z
                        .anchor = std::nullopt,
                        .governance = std::nullopt,
                        .deployments = {},
                        .fetch_command = "mlchain clone X --ipfs http://127.0.0.1:5001",
                        .verify_command = "mlchain verify X --ipfs http://127.0.0.1:5001 --path X"};
}

core::Citation anchored() {
  auto citation = unanchored();
  citation.author_chain_id = 31337;
  citation.anchor =
      core::CitationAnchor{.chain_id = 31337,
                           .registry = codec::parse_address("0x5FbDB2315678afecb367f032d93F642f64180aa3").value(),
                           .repo = "my_model.v2",
                           .branch = "main",
                           .head = citation.commit,
                           .transaction = word(0xab),
                           .block = 42,
                           .block_time = 1780000000,  // 2026-05-28T20:26:40Z
                           .confirmations = 3};
  citation.governance =
      core::CitationGovernance{.contract = codec::parse_address("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512").value(),
                               .stages = {core::CitationStage{"production", 40, {word(0x11), word(0x22)}}}};
  return citation;
}

// BibTeX counts every brace, escaped or not: a field whose braces do not balance breaks the entry.
bool braces_balance(const std::string& text) {
  int depth = 0;
  for (const char c : text) {
    depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth == 0;
}

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("did:pkh names the author's EIP-55 address on a chain", "[citation]") {
  CHECK(core::did_pkh(1, author()) == "did:pkh:eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  CHECK(core::did_pkh(31337, author()) == "did:pkh:eip155:31337:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
}

TEST_CASE("LaTeX's special characters are escaped, braces balanced", "[citation]") {
  CHECK(core::latex_escape("50% of A&B_c #1 $x$ ^ ~ \\") ==
        "50\\% of A\\&B\\_c \\#1 \\$x\\$ \\^{} \\~{} \\textbackslash{}");
  CHECK(core::latex_escape("}{") == "\\textbraceright{}\\textbraceleft{}");
  CHECK(core::latex_escape("a\tb\x01") == "a b ");
  CHECK(core::latex_escape("Ünïcode stays") == "Ünïcode stays");
}

TEST_CASE("title, key and licence checks", "[citation]") {
  auto citation = unanchored();
  CHECK(core::citation_title(citation) == "ResNet {tiny} 50% & more_");
  CHECK(core::citation_key(citation) == "model-tg4p4bqe");
  CHECK(core::citation_key(anchored()) == "my_modelv2-tg4p4bqe");
  citation.message = "  \n body";
  CHECK(core::citation_title(citation) == citation.commit.to_string());
  CHECK(core::is_cff_license("MIT"));
  CHECK(core::is_cff_license("Apache-2.0"));
  CHECK_FALSE(core::is_cff_license("mit"));
  CHECK_FALSE(core::is_cff_license("MIT OR Apache-2.0"));
  CHECK_FALSE(core::is_cff_license(""));
}

TEST_CASE("JSON without an anchor: anchor null, the author's claim said", "[citation]") {
  const auto citation = unanchored();
  const auto document = nlohmann::json::parse(core::citation_json(citation));
  CHECK(document["cid"] == citation.commit.to_string());
  CHECK(document["tree"] == citation.tree.to_string());
  CHECK(document["message"] == citation.message);  // every byte back, control characters included
  CHECK(document["title"] == "ResNet {tiny} 50% & more_");
  CHECK(document["author"]["did"] == "did:pkh:eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  CHECK(document["author"]["address"] == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  CHECK(document["license"] == "MIT");
  CHECK(document["time"] == 1767225600);
  CHECK(document["time_utc"] == "2026-01-01T00:00:00Z");
  CHECK(document["dated_by"] == "author");
  CHECK(document["anchor"].is_null());
  CHECK(document["governance"].is_null());
  CHECK(document["fetch"] == citation.fetch_command);
  CHECK(document["verify"] == citation.verify_command);
  CHECK(has(document["notice"].get<std::string>(), "author's claim only"));
  // No raw control character, C0 or C1, reaches the text.
  const auto text = core::citation_json(citation);
  CHECK_FALSE(has(text, "\x01"));
  CHECK_FALSE(has(text, "\xc2\x85"));
  CHECK(has(text, "\\u0001"));
  CHECK(has(text, "\\u0085"));
}

TEST_CASE("JSON with an anchor and a stage", "[citation]") {
  const auto citation = anchored();
  const auto document = nlohmann::json::parse(core::citation_json(citation));
  const auto& anchor = document["anchor"];
  CHECK(anchor["chain_id"] == 31337);
  CHECK(anchor["registry"] == "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  CHECK(anchor["repo"] == "my_model.v2");
  CHECK(anchor["branch"] == "main");
  CHECK(anchor["head"] == citation.commit.to_string());
  CHECK(anchor["commit_is_head"] == true);
  CHECK(anchor["transaction"] == "0xabababababababababababababababababababababababababababababababab");
  CHECK(anchor["block"] == 42);
  CHECK(anchor["block_time"] == 1780000000);
  CHECK(anchor["block_time_utc"] == "2026-05-28T20:26:40Z");
  CHECK(anchor["confirmations"] == 3);
  CHECK(document["dated_by"] == "block");
  CHECK(document["author"]["did"] == "did:pkh:eip155:31337:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  CHECK(document["governance"]["contract"] == "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
  const auto& stage = document["governance"]["stages"].at(0);
  CHECK(stage["stage"] == "production");
  CHECK(stage["since_block"] == 40);
  CHECK(stage["attestations"].size() == 2);
  CHECK(stage["attestations"][1] == "0x" + std::string(64, '2'));
  CHECK_FALSE(has(document["notice"].get<std::string>(), "claim only"));

  auto descendant = anchored();
  descendant.anchor->head = cid("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
  descendant.governance->stages.clear();
  const auto later = nlohmann::json::parse(core::citation_json(descendant));
  CHECK(later["anchor"]["commit_is_head"] == false);
  CHECK(later["governance"]["stages"].empty());
  CHECK(has(later["notice"].get<std::string>(), "in the history of head " + descendant.anchor->head.to_string()));
}

TEST_CASE("BibTeX without an anchor: dated by the author, who alone claims it", "[citation]") {
  const auto text = core::citation_bibtex(unanchored());
  CHECK(text.starts_with("@misc{model-tg4p4bqe,\n"));
  CHECK(braces_balance(text));
  CHECK(has(text, "  author = {{did:pkh:eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed}},\n"));
  CHECK(has(text, "  title = {{ResNet \\textbraceleft{}tiny\\textbraceright{} 50\\% \\& more\\_}},\n"));
  CHECK(has(text, "  year = {2026},\n  month = jan,\n  date = {2026-01-01},\n"));
  CHECK(has(text, "  url = {ipfs://bafyreigzvytwjgu2cpjlxw7u4bqrppnvhzmvhf6gizgiqisgfntg4p4bqe},\n"));
  CHECK(has(text, "the date is the author's claim only"));
  CHECK(has(text, "licence MIT"));
  CHECK_FALSE(has(text, "Anchored"));
}

TEST_CASE("BibTeX with an anchor: the block's date, the transaction, the stage", "[citation]") {
  const auto text = core::citation_bibtex(anchored());
  CHECK(text.starts_with("@misc{my_modelv2-tg4p4bqe,\n"));
  CHECK(braces_balance(text));
  CHECK(has(text, "  year = {2026},\n  month = may,\n  date = {2026-05-28},\n"));
  CHECK(has(text, "did:pkh:eip155:31337:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
  CHECK(has(text,
            "transaction 0xabababababababababababababababababababababababababababababababab in block 42 at "
            "2026-05-28T20:26:40Z"));
  CHECK(has(text, "repository my\\_model.v2"));
  CHECK(has(text, "Holds stage production since block 40"));
  CHECK_FALSE(has(text, "claim only"));
}

TEST_CASE("CFF: required keys, quoted values, licence only when CFF knows it", "[citation]") {
  auto citation = unanchored();
  auto text = core::citation_cff(citation);
  CHECK(text.starts_with("cff-version: 1.2.0\nmessage: \""));
  CHECK(has(text, "title: \"ResNet {tiny} 50% & more_\"\n"));
  CHECK(has(text, "authors:\n  - name: \"did:pkh:eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"\n"));
  CHECK(has(text, "date-released: \"2026-01-01\"\n"));
  CHECK(has(text, "license: \"MIT\"\n"));
  CHECK(has(text, "commit: \"bafyreigzvytwjgu2cpjlxw7u4bqrppnvhzmvhf6gizgiqisgfntg4p4bqe\"\n"));
  CHECK(has(text, "author's claim only"));
  CHECK(has(text, "abstract: \"ResNet {tiny} 50% & more_\\n\\nTrained on \\\"cats\\\"\\u0001 \\u0085.\"\n"));
  citation.license = "MIT OR Apache-2.0";
  CHECK_FALSE(has(core::citation_cff(citation), "license:"));

  text = core::citation_cff(anchored());
  CHECK(has(text, "date-released: \"2026-05-28\"\n"));
  CHECK(has(text, "    value: \"0xabababababababababababababababababababababababababababababababab\"\n"));
  CHECK(has(text, "    value: \"0x" + std::string(64, '1') + "\"\n"));
  CHECK_FALSE(has(text, "claim only"));
}

TEST_CASE("a commit time outside years 0000-9999 gives no date rather than a wrong one", "[citation]") {
  auto citation = unanchored();
  citation.time = 400000000000;  // year 14645
  CHECK_FALSE(has(core::citation_cff(citation), "date-released"));
  CHECK_FALSE(has(core::citation_bibtex(citation), "year ="));
}
