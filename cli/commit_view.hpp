#pragma once
// How log and show present a commit: the JSON object man/mlchain-show.1 documents and the text people read.

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "mlchain/core/commit.hpp"
#include "mlchain/core/tree.hpp"
#include "mlchain/repo/commit_signature.hpp"

namespace mlchain::cli {

struct CommitView {
  codec::Cid cid;
  core::Commit commit;
  repo::CommitSignatureCheck signature;
};

Result<CommitView> view_of(const codec::Cid& cid, core::Commit commit);

// {cid, tree, parents, author, time, message, metrics, params, tags, license, code, data, env, profile,
//  signature: {scheme, digest, value, signer}} and, when given, files: [{path, cid, size, kind}].
nlohmann::ordered_json commit_json(const CommitView& view, const std::vector<core::TreeEntry>* files = nullptr);

// "Signature: good, by 0x…" or "Signature: BAD (…)".
std::string signature_line(const CommitView& view);

// The message, each line indented four spaces, its control characters escaped (core/display_text.hpp).
void print_message(std::ostream& out, const std::string& message);

// The shortest round-trip text of a double.
std::string number_text(double value);
// A param's value as text output shows it (a string's control characters escaped).
std::string param_text(const core::ParamValue& value);

}  // namespace mlchain::cli
