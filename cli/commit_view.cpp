#include "commit_view.hpp"

#include <charconv>

#include "mlchain/codec/address.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/core/display_text.hpp"

namespace mlchain::cli {
namespace {

using json = nlohmann::ordered_json;

json optional_text(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }

json param_json(const core::ParamValue& value) {
  return std::visit([](const auto& v) { return json(v); }, value);
}

const char* kind_name(unixfs::NodeKind kind) {
  switch (kind) {
    case unixfs::NodeKind::file:
      return "file";
    case unixfs::NodeKind::directory:
      return "directory";
    case unixfs::NodeKind::symlink:
      return "symlink";
  }
  return "file";
}

}  // namespace

Result<CommitView> view_of(const codec::Cid& cid, core::Commit commit) {
  MLCHAIN_TRY(auto signature, repo::check_commit_signature(commit));
  return CommitView{cid, std::move(commit), signature};
}

json commit_json(const CommitView& view, const std::vector<core::TreeEntry>* files) {
  const auto& commit = view.commit;
  const auto& meta = commit.meta;
  json out;
  out["cid"] = view.cid.to_string();
  out["tree"] = commit.tree.to_string();
  auto parents = json::array();
  for (const auto& parent : commit.parents) parents.push_back(parent.to_string());
  out["parents"] = parents;
  out["author"] = codec::to_checksum_address(commit.author);
  out["time"] = commit.time;
  out["message"] = commit.message;
  auto metrics = json::object();
  for (const auto& [name, value] : meta.metrics) metrics[name] = value;
  out["metrics"] = metrics;
  auto params = json::object();
  for (const auto& [name, value] : meta.params) params[name] = param_json(value);
  out["params"] = params;
  auto tags = json::object();
  for (const auto& [name, value] : meta.tags) tags[name] = value;
  out["tags"] = tags;
  out["license"] = optional_text(meta.license);
  if (meta.code) {
    out["code"] = {{"git",
                    {{"commit", optional_text(meta.code->commit)},
                     {"branch", optional_text(meta.code->branch)},
                     {"remote", optional_text(meta.code->remote)},
                     {"dirty", meta.code->dirty}}}};
  } else {
    out["code"] = nullptr;
  }
  auto data = json::array();
  for (const auto& item : meta.data) data.push_back({{"name", item.name}, {"cid", item.cid}, {"role", item.role}});
  out["data"] = data;
  auto env = json::object();
  for (const auto& [name, value] : meta.env) env[name] = value;
  out["env"] = env;
  out["profile"] = commit.profile;
  if (files) {
    auto list = json::array();
    for (const auto& entry : *files) {
      json item{
          {"path", entry.path}, {"cid", entry.cid.to_string()}, {"size", entry.size}, {"kind", kind_name(entry.kind)}};
      if (entry.symlink_target) item["target"] = *entry.symlink_target;
      list.push_back(std::move(item));
    }
    out["files"] = list;
  }
  out["signature"] = {
      {"scheme", "eip191"},
      {"digest", codec::to_0x_hex(view.signature.digest)},
      {"value", commit.signature ? json(codec::to_0x_hex(commit.signature->bytes)) : json(nullptr)},
      {"signer", view.signature.signer ? json(codec::to_checksum_address(*view.signature.signer)) : json(nullptr)},
  };
  return out;
}

std::string signature_line(const CommitView& view) {
  if (view.signature.good) return "Signature: good, by " + codec::to_checksum_address(*view.signature.signer);
  if (view.signature.signer)
    return "Signature: BAD (made by " + codec::to_checksum_address(*view.signature.signer) + ", not the author)";
  return "Signature: BAD (no key can have made it)";
}

void print_message(std::ostream& out, const std::string& message) {
  std::size_t start = 0;
  while (start <= message.size()) {
    const auto end = std::min(message.find('\n', start), message.size());
    out << "    " << core::escape_text(std::string_view(message).substr(start, end - start)) << '\n';
    start = end + 1;
  }
}

std::string number_text(double value) {
  char text[64];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  if (error != std::errc()) return std::to_string(value);
  return std::string(text, end);
}

std::string param_text(const core::ParamValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return core::escape_text(*text);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  return number_text(std::get<double>(value));
}

}  // namespace mlchain::cli
