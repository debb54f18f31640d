#include "mlchain/core/citation.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "mlchain/codec/hex.hpp"
#include "mlchain/util/text.hpp"
#include "mlchain/util/utc_time.hpp"
#include "spdx_licenses.hpp"

namespace mlchain::core {
namespace {

std::string word_hex(const ChainWord& word) { return codec::to_0x_hex(ByteView(word.data(), word.size())); }

std::string utc(std::int64_t seconds) { return util::utc_timestamp(seconds); }

// The date a citation carries: the block's when anchored, else the author's claim.
std::int64_t dated_at(const Citation& citation) {
  return citation.anchor ? static_cast<std::int64_t>(citation.anchor->block_time) : citation.time;
}

// "YYYY-MM-DD", or nothing for a time outside years 0000-9999 (CFF's date pattern).
std::optional<std::string> iso_date(std::int64_t seconds) {
  const std::string stamp = utc(seconds);
  if (stamp.size() != 20 || stamp[4] != '-' || stamp[10] != 'T') return std::nullopt;
  return stamp.substr(0, 10);
}

// A double-quoted string as JSON writes it, which YAML's double-quoted scalars read the same way. Control
// characters, C0 and C1, are \u escapes: neither format may carry them raw.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    char escape[8];
    switch (byte) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\r':
        out += "\\r";
        continue;
      default:
        break;
    }
    if (byte < 0x20 || byte == 0x7f) {
      std::snprintf(escape, sizeof escape, "\\u%04x", byte);
      out += escape;
    } else if (byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned char>(text[i + 1]));
      out += escape;
      ++i;
    } else {
      out += static_cast<char>(byte);
    }
  }
  return out + "\"";
}

std::string notice(const Citation& citation) {
  if (!citation.anchor)
    return "Not anchored on any chain: the date is the author's claim only, signed by the author's key but "
           "checked by nobody.";
  const auto& anchor = *citation.anchor;
  return "Anchored on chain " + std::to_string(anchor.chain_id) + " in block " + std::to_string(anchor.block) + " at " +
         utc(static_cast<std::int64_t>(anchor.block_time)) +
         (anchor.head == citation.commit ? "" : " (in the history of head " + anchor.head.to_string() + ")") +
         "; the commit's own time is the author's claim.";
}

std::string attestation_list(const std::vector<ChainWord>& attestations) {
  std::string out;
  for (const auto& uid : attestations) out += (out.empty() ? "" : ", ") + word_hex(uid);
  return out.empty() ? "none" : out;
}

constexpr std::array<std::string_view, 12> month_macros = {"jan", "feb", "mar", "apr", "may", "jun",
                                                           "jul", "aug", "sep", "oct", "nov", "dec"};

}  // namespace

std::string did_pkh(std::uint64_t chain_id, const codec::Address& address) {
  return "did:pkh:eip155:" + std::to_string(chain_id) + ":" + codec::to_checksum_address(address);
}

std::string citation_title(const Citation& citation) {
  const auto end = citation.message.find('\n');
  std::string title(util::trim(std::string_view(citation.message).substr(0, end)));
  return title.empty() ? citation.commit.to_string() : title;
}

std::string citation_key(const Citation& citation) {
  std::string key;
  if (citation.anchor)
    for (const char c : citation.anchor->repo)
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') key += c;
  if (key.empty()) key = "model";
  const std::string cid = citation.commit.to_string();
  return key + "-" + cid.substr(cid.size() >= 8 ? cid.size() - 8 : 0);
}

std::string latex_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '{':
        out += "\\textbraceleft{}";
        break;
      case '}':
        out += "\\textbraceright{}";
        break;
      case '#':
        out += "\\#";
        break;
      case '$':
        out += "\\$";
        break;
      case '%':
        out += "\\%";
        break;
      case '&':
        out += "\\&";
        break;
      case '_':
        out += "\\_";
        break;
      case '^':
        out += "\\^{}";
        break;
      case '~':
        out += "\\~{}";
        break;
      case '<':
        out += "\\textless{}";
        break;
      case '>':
        out += "\\textgreater{}";
        break;
      case '|':
        out += "\\textbar{}";
        break;
      default:
        out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
    }
  }
  return out;
}

bool is_cff_license(std::string_view text) {
  return std::binary_search(cff_licenses.begin(), cff_licenses.end(), text);
}

std::string citation_json(const Citation& citation) {
  const std::string did = did_pkh(citation.author_chain_id, citation.author);
  std::string out = "{\n";
  auto field = [&out](std::string_view indent, std::string_view key, const std::string& value, bool last = false) {
    out += std::string(indent) + quoted(key) + ": " + value + (last ? "\n" : ",\n");
  };
  field("  ", "cid", quoted(citation.commit.to_string()));
  field("  ", "tree", quoted(citation.tree.to_string()));
  field("  ", "title", quoted(citation_title(citation)));
  field("  ", "message", quoted(citation.message));
  out += "  \"author\": {\n";
  field("    ", "address", quoted(codec::to_checksum_address(citation.author)));
  field("    ", "did", quoted(did), true);
  out += "  },\n";
  field("  ", "license", citation.license ? quoted(*citation.license) : "null");
  field("  ", "time", std::to_string(citation.time));
  field("  ", "time_utc", quoted(utc(citation.time)));
  field("  ", "dated_by", quoted(citation.anchor ? "block" : "author"));
  if (const auto& anchor = citation.anchor) {
    out += "  \"anchor\": {\n";
    field("    ", "chain_id", std::to_string(anchor->chain_id));
    field("    ", "registry", quoted(codec::to_checksum_address(anchor->registry)));
    field("    ", "repo", quoted(anchor->repo));
    field("    ", "branch", quoted(anchor->branch));
    field("    ", "head", quoted(anchor->head.to_string()));
    field("    ", "commit_is_head", anchor->head == citation.commit ? "true" : "false");
    field("    ", "transaction", quoted(word_hex(anchor->transaction)));
    field("    ", "block", std::to_string(anchor->block));
    field("    ", "block_time", std::to_string(anchor->block_time));
    field("    ", "block_time_utc", quoted(utc(static_cast<std::int64_t>(anchor->block_time))));
    field("    ", "confirmations", std::to_string(anchor->confirmations), true);
    out += "  },\n";
  } else {
    field("  ", "anchor", "null");
  }
  if (const auto& governance = citation.governance) {
    out += "  \"governance\": {\n";
    field("    ", "contract", quoted(codec::to_checksum_address(governance->contract)));
    out += "    \"stages\": [";
    for (std::size_t i = 0; i < governance->stages.size(); ++i) {
      const auto& stage = governance->stages[i];
      out += i == 0 ? "\n" : ",\n";
      out += "      {\"stage\": " + quoted(stage.stage) + ", \"since_block\": " + std::to_string(stage.since_block) +
             ", \"attestations\": [";
      for (std::size_t j = 0; j < stage.attestations.size(); ++j)
        out += (j == 0 ? "" : ", ") + quoted(word_hex(stage.attestations[j]));
      out += "]}";
    }
    out += governance->stages.empty() ? "]\n" : "\n    ]\n";
    out += "  },\n";
  } else {
    field("  ", "governance", "null");
  }
  out += "  \"deployments\": [";
  for (std::size_t i = 0; i < citation.deployments.size(); ++i) {
    const auto& deployment = citation.deployments[i];
    out += i == 0 ? "\n" : ",\n";
    out += "    {\"environment\": " + quoted(deployment.environment) +
           ", \"attester\": " + quoted(codec::to_checksum_address(deployment.attester)) +
           ", \"uid\": " + quoted(word_hex(deployment.uid)) +
           ", \"transaction\": " + quoted(word_hex(deployment.transaction)) +
           ", \"block\": " + std::to_string(deployment.block) + ", \"time\": " + std::to_string(deployment.time) + "}";
  }
  out += citation.deployments.empty() ? "],\n" : "\n  ],\n";
  field("  ", "fetch", quoted(citation.fetch_command));
  field("  ", "verify", quoted(citation.verify_command));
  field("  ", "notice", quoted(notice(citation)), true);
  return out + "}\n";
}

std::string citation_bibtex(const Citation& citation) {
  const std::string cid = citation.commit.to_string();
  const std::string did = did_pkh(citation.author_chain_id, citation.author);
  std::string note = "mlchain commit " + cid + " (files: tree " + citation.tree.to_string() + "), signed by " + did;
  if (citation.license) note += ", licence " + *citation.license;
  note += ". ";
  if (const auto& anchor = citation.anchor) {
    note += "Anchored on chain " + std::to_string(anchor->chain_id) + " by transaction " +
            word_hex(anchor->transaction) + " in block " + std::to_string(anchor->block) + " at " +
            utc(static_cast<std::int64_t>(anchor->block_time)) + " (registry " +
            codec::to_checksum_address(anchor->registry) + ", repository " + anchor->repo + ", branch " +
            anchor->branch + (anchor->head == citation.commit ? "" : ", head " + anchor->head.to_string()) + "). ";
  } else {
    note += "Not anchored on any chain: the date is the author's claim only. ";
  }
  if (citation.governance)
    for (const auto& stage : citation.governance->stages)
      note += "Holds stage " + stage.stage + " since block " + std::to_string(stage.since_block) + " (governance " +
              codec::to_checksum_address(citation.governance->contract) + ", attestations " +
              attestation_list(stage.attestations) + "). ";
  for (const auto& deployment : citation.deployments)
    note += "Attested deployed to " + deployment.environment + " by " +
            codec::to_checksum_address(deployment.attester) + " at " + utc(static_cast<std::int64_t>(deployment.time)) +
            " (EAS attestation " + word_hex(deployment.uid) + "). ";
  std::string out = "@misc{" + citation_key(citation) + ",\n";
  out += "  author = {{" + latex_escape(did) + "}},\n";
  out += "  title = {{" + latex_escape(citation_title(citation)) + "}},\n";
  if (const auto date = iso_date(dated_at(citation))) {
    out += "  year = {" + date->substr(0, 4) + "},\n";
    out +=
        "  month = " + std::string(month_macros[static_cast<std::size_t>(std::stoi(date->substr(5, 2))) - 1]) + ",\n";
    out += "  date = {" + *date + "},\n";
  }
  out += "  howpublished = {IPFS, mlchain commit " + cid + "},\n";
  out += "  url = {ipfs://" + cid + "},\n";
  out += "  note = {" + latex_escape(note) + "Fetch: \\texttt{" + latex_escape(citation.fetch_command) +
         "}; verify: \\texttt{" + latex_escape(citation.verify_command) + "}},\n";
  return out + "}\n";
}

std::string citation_cff(const Citation& citation) {
  const std::string cid = citation.commit.to_string();
  std::string out = "cff-version: 1.2.0\n";
  out += "message: " +
         quoted("If you use this model, please cite it using these metadata. Fetch it with: " + citation.fetch_command +
                " -- and verify it with: " + citation.verify_command + ". " + notice(citation)) +
         "\n";
  out += "title: " + quoted(citation_title(citation)) + "\n";
  out += "type: software\n";
  out += "authors:\n";
  out += "  - name: " + quoted(did_pkh(citation.author_chain_id, citation.author)) + "\n";
  out += "    alias: " + quoted(codec::to_checksum_address(citation.author)) + "\n";
  if (citation.message.find('\n') != std::string::npos) out += "abstract: " + quoted(citation.message) + "\n";
  out += "version: " + quoted(cid) + "\n";
  out += "commit: " + quoted(cid) + "\n";
  if (const auto date = iso_date(dated_at(citation))) out += "date-released: " + quoted(*date) + "\n";
  if (citation.license && is_cff_license(*citation.license)) out += "license: " + quoted(*citation.license) + "\n";
  auto identifier = [&out](const std::string& value, const std::string& description) {
    out += "  - type: other\n    value: " + quoted(value) + "\n    description: " + quoted(description) + "\n";
  };
  out += "identifiers:\n";
  identifier(cid, "IPFS CID of the signed mlchain commit: the one identifier to fetch, verify and cite");
  identifier(citation.tree.to_string(), "IPFS CID of the commit's tree: the model's files");
  if (const auto& anchor = citation.anchor)
    identifier(word_hex(anchor->transaction),
               "Transaction on chain " + std::to_string(anchor->chain_id) + " that anchored " +
                   (anchor->head == citation.commit ? "the commit" : "head " + anchor->head.to_string()) +
                   " in block " + std::to_string(anchor->block) + " at " +
                   utc(static_cast<std::int64_t>(anchor->block_time)) + " (registry " +
                   codec::to_checksum_address(anchor->registry) + ", repository " + anchor->repo + ", branch " +
                   anchor->branch + ")");
  if (citation.governance)
    for (const auto& stage : citation.governance->stages)
      for (const auto& uid : stage.attestations)
        identifier(word_hex(uid), "EAS attestation behind stage " + stage.stage + " (governance " +
                                      codec::to_checksum_address(citation.governance->contract) + ")");
  for (const auto& deployment : citation.deployments)
    identifier(word_hex(deployment.uid), "EAS attestation that the commit was deployed to " + deployment.environment +
                                             " by " + codec::to_checksum_address(deployment.attester) + " at " +
                                             utc(static_cast<std::int64_t>(deployment.time)));
  return out;
}

}  // namespace mlchain::core
