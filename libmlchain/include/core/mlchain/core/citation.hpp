#pragma once
// A citation of one commit (`mlchain cite`, man/mlchain-cite.1): the values a reader needs to fetch the
// model and check it without trusting whoever cites it, and their three text forms (JSON, BibTeX, a
// CITATION.cff of CFF 1.2.0). Pure: gathering the values is workflow/cite.hpp's job.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"

namespace mlchain::core {

using ChainWord = std::array<std::uint8_t, 32>;  // a transaction hash or an attestation UID

// The push that anchors the commit: the earliest head update of the registry whose head is the commit
// itself or a descendant of it (the commit is then in that head's signed history).
struct CitationAnchor {
  std::uint64_t chain_id = 0;
  codec::Address registry;
  std::string repo;
  std::string branch;
  codec::Cid head;  // the anchored head: the commit, or the descendant whose history holds it
  ChainWord transaction{};
  std::uint64_t block = 0;
  std::uint64_t block_time = 0;  // the block header's timestamp: seconds since the epoch
  std::uint64_t confirmations = 0;
};

// A stage of the repository's governance that the commit holds now, and the evaluations (EAS attestation
// UIDs) its promotion rests on.
struct CitationStage {
  std::string stage;
  std::uint64_t since_block = 0;
  std::vector<ChainWord> attestations;
};

struct CitationGovernance {
  codec::Address contract;
  std::vector<CitationStage> stages;  // empty: the commit holds no stage
};

// A deployment attestation naming the commit (docs/format.md §7.11): by a writer of the repository, not
// revoked. It says where the commit ran; the attester's claim, signed on EAS.
struct CitationDeployment {
  std::string environment;
  codec::Address attester;
  ChainWord uid{};
  ChainWord transaction{};
  std::uint64_t block = 0;
  std::uint64_t time = 0;  // EAS's timestamp: seconds since the epoch
};

struct Citation {
  codec::Cid commit;
  codec::Cid tree;
  std::string message;
  codec::Address author;
  // The chain id in the author's did:pkh: the anchor's chain; else the chain remote's; else 1 (an
  // Ethereum key signs the same on every chain, and eip155:1 is how did:pkh names such an account).
  std::uint64_t author_chain_id = 1;
  std::optional<std::string> license;  // the commit's SPDX expression
  std::int64_t time = 0;               // the commit's time: the author's claim, seconds since the epoch
  std::optional<CitationAnchor> anchor;
  std::optional<CitationGovernance> governance;  // set when the repository's owner chose a governance
  std::vector<CitationDeployment> deployments;   // oldest first
  std::string fetch_command;                     // the mlchain commands that fetch and verify the commit
  std::string verify_command;
};

// "did:pkh:eip155:<chain id>:<EIP-55 address>".
std::string did_pkh(std::uint64_t chain_id, const codec::Address& address);
// The message's first line, trimmed; the commit CID when that line is empty.
std::string citation_title(const Citation& citation);
// "<repo or model>-<last 8 characters of the CID>", only [A-Za-z0-9_-]: the same for the same commit and
// repository.
std::string citation_key(const Citation& citation);

// Text as a BibTeX field value may hold it: LaTeX's special characters as commands that the default OT1
// fonts typeset (no TS1 font to generate), control characters as spaces, braces as \textbraceleft{} /
// \textbraceright{} so that every field's braces balance (BibTeX counts escaped braces too).
std::string latex_escape(std::string_view text);
// Whether `text` is one SPDX licence identifier that CFF 1.2.0's schema lists.
bool is_cff_license(std::string_view text);

// One JSON document, keys in snake_case (man/mlchain-cite.1), "anchor": null without an anchor.
std::string citation_json(const Citation& citation);
// One biblatex- and BibTeX-compatible @misc entry.
std::string citation_bibtex(const Citation& citation);
// A CITATION.cff (YAML) valid under the CFF 1.2.0 schema.
std::string citation_cff(const Citation& citation);

}  // namespace mlchain::core
