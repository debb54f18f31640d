#include "mlchain/core/commit.hpp"

#include <algorithm>
#include <cmath>

#include "mlchain/codec/dag_cbor.hpp"

namespace mlchain::core {
namespace {

namespace cbor = codec::dag_cbor;

Error malformed(const std::string& why) { return make_error(ErrorKind::corrupt, "malformed commit: " + why); }

template <class T>
cbor::Map to_text_map(const std::map<std::string, T>& entries) {
  cbor::Map out;
  for (const auto& [key, value] : entries) out.emplace(key, cbor::Value(value));
  return out;
}

cbor::Value param_value(const ParamValue& value) {
  return std::visit([](const auto& v) { return cbor::Value(v); }, value);
}

cbor::Map meta_map(const CommitMeta& meta) {
  cbor::Map out;
  if (!meta.metrics.empty()) out.emplace("metrics", to_text_map(meta.metrics));
  if (!meta.params.empty()) {
    cbor::Map params;
    for (const auto& [key, value] : meta.params) params.emplace(key, param_value(value));
    out.emplace("params", std::move(params));
  }
  if (!meta.tags.empty()) out.emplace("tags", to_text_map(meta.tags));
  if (meta.license) out.emplace("license", *meta.license);
  if (meta.code) {
    cbor::Map git;
    if (meta.code->commit) git.emplace("commit", *meta.code->commit);
    if (meta.code->branch) git.emplace("branch", *meta.code->branch);
    if (meta.code->remote) git.emplace("remote", *meta.code->remote);
    git.emplace("dirty", meta.code->dirty);
    out.emplace("code", cbor::Map{{"git", std::move(git)}});
  }
  if (!meta.data.empty()) {
    cbor::List data;
    for (const auto& d : meta.data) data.emplace_back(cbor::Map{{"name", d.name}, {"cid", d.cid}, {"role", d.role}});
    out.emplace("data", std::move(data));
  }
  if (!meta.env.empty()) out.emplace("env", to_text_map(meta.env));
  return out;
}

cbor::Map unsigned_map(const Commit& commit) {
  cbor::List parents(commit.parents.begin(), commit.parents.end());
  cbor::Map map{{"v", cbor::Value(Commit::schema_version)},
                {"tree", commit.tree},
                {"parents", std::move(parents)},
                {"profile", commit.profile},
                {"author", Bytes(commit.author.bytes.begin(), commit.author.bytes.end())},
                {"time", cbor::Value(commit.time)},
                {"message", commit.message}};
  auto meta = meta_map(commit.meta);
  if (!meta.empty()) map.emplace("meta", std::move(meta));
  return map;
}

// Reading: each helper takes the value found under a key and checks its type.

Result<const cbor::Map*> as_map(const cbor::Value* value, const std::string& what) {
  const auto* map = value ? value->get_if<cbor::Map>() : nullptr;
  if (!map) return malformed(what + " is not a map");
  return map;
}

Result<std::string> as_text(const cbor::Value& value, const std::string& what) {
  const auto* text = value.get_if<std::string>();
  if (!text) return malformed(what + " is not text");
  return *text;
}

Status only_keys(const cbor::Map& map, std::initializer_list<std::string_view> allowed, const std::string& what) {
  for (const auto& [key, value] : map)
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return malformed(what + " has an unknown key '" + key + "'");
  return {};
}

Result<std::map<std::string, std::string>> read_text_map(const cbor::Value& value, const std::string& what) {
  MLCHAIN_TRY(const cbor::Map* map, as_map(&value, what));
  std::map<std::string, std::string> out;
  for (const auto& [key, entry] : *map) {
    MLCHAIN_TRY(auto text, as_text(entry, what + "." + key));
    out.emplace(key, std::move(text));
  }
  return out;
}

Result<GitProvenance> read_git(const cbor::Value& value) {
  MLCHAIN_TRY(const cbor::Map* code, as_map(&value, "meta.code"));
  MLCHAIN_TRY_STATUS(only_keys(*code, {"git"}, "meta.code"));
  MLCHAIN_TRY(const cbor::Map* git, as_map(code->count("git") ? &code->at("git") : nullptr, "meta.code.git"));
  MLCHAIN_TRY_STATUS(only_keys(*git, {"commit", "branch", "remote", "dirty"}, "meta.code.git"));
  GitProvenance out;
  for (auto [key, field] : {std::pair{"commit", &out.commit}, {"branch", &out.branch}, {"remote", &out.remote}}) {
    if (const auto* v = git->count(key) ? &git->at(key) : nullptr) {
      MLCHAIN_TRY(auto text, as_text(*v, std::string("meta.code.git.") + key));
      *field = std::move(text);
    }
  }
  const auto* dirty = git->count("dirty") ? git->at("dirty").get_if<bool>() : nullptr;
  if (!dirty) return malformed("meta.code.git.dirty is missing or not a boolean");
  out.dirty = *dirty;
  return out;
}

Result<CommitMeta> read_meta(const cbor::Value& value) {
  MLCHAIN_TRY(const cbor::Map* map, as_map(&value, "meta"));
  MLCHAIN_TRY_STATUS(only_keys(*map, {"metrics", "params", "tags", "license", "code", "data", "env"}, "meta"));
  CommitMeta meta;
  if (const auto* v = map->count("metrics") ? &map->at("metrics") : nullptr) {
    MLCHAIN_TRY(const cbor::Map* metrics, as_map(v, "meta.metrics"));
    for (const auto& [key, entry] : *metrics) {
      const auto* number = entry.get_if<double>();
      if (!number) return malformed("metric '" + key + "' is not a float");
      meta.metrics.emplace(key, *number);
    }
  }
  if (const auto* v = map->count("params") ? &map->at("params") : nullptr) {
    MLCHAIN_TRY(const cbor::Map* params, as_map(v, "meta.params"));
    for (const auto& [key, entry] : *params) {
      if (const auto* text = entry.get_if<std::string>())
        meta.params.emplace(key, *text);
      else if (const auto* number = entry.get_if<double>())
        meta.params.emplace(key, *number);
      else if (auto integer = entry.as_int64())
        meta.params.emplace(key, *integer);
      else
        return malformed("param '" + key + "' is not text, an integer or a float");
    }
  }
  if (const auto* v = map->count("tags") ? &map->at("tags") : nullptr) {
    MLCHAIN_TRY(meta.tags, read_text_map(*v, "meta.tags"));
  }
  if (const auto* v = map->count("license") ? &map->at("license") : nullptr) {
    MLCHAIN_TRY(meta.license, as_text(*v, "meta.license"));
  }
  if (const auto* v = map->count("code") ? &map->at("code") : nullptr) {
    MLCHAIN_TRY(meta.code, read_git(*v));
  }
  if (const auto* v = map->count("data") ? &map->at("data") : nullptr) {
    const auto* list = v->get_if<cbor::List>();
    if (!list) return malformed("meta.data is not a list");
    for (const auto& item : *list) {
      MLCHAIN_TRY(const cbor::Map* entry, as_map(&item, "meta.data entry"));
      MLCHAIN_TRY_STATUS(only_keys(*entry, {"name", "cid", "role"}, "meta.data entry"));
      DataReference ref;
      for (auto [key, field] : {std::pair{"name", &ref.name}, {"cid", &ref.cid}, {"role", &ref.role}}) {
        if (!entry->count(key)) return malformed(std::string("meta.data entry has no '") + key + "'");
        MLCHAIN_TRY(*field, as_text(entry->at(key), std::string("meta.data.") + key));
      }
      meta.data.push_back(std::move(ref));
    }
  }
  if (const auto* v = map->count("env") ? &map->at("env") : nullptr) {
    MLCHAIN_TRY(meta.env, read_text_map(*v, "meta.env"));
  }
  if (meta == CommitMeta{}) return malformed("meta is present but empty (it is omitted when empty)");
  return meta;
}

Result<const Bytes*> sized_bytes(const cbor::Map& map, const char* key, std::size_t size) {
  const auto* bytes = map.count(key) ? map.at(key).get_if<Bytes>() : nullptr;
  if (!bytes || bytes->size() != size)
    return malformed(std::string("'") + key + "' must be " + std::to_string(size) + " bytes");
  return bytes;
}

}  // namespace

Result<Bytes> encode_unsigned(const Commit& commit) { return cbor::encode(unsigned_map(commit)); }

codec::Sha256Digest signing_digest(ByteView unsigned_block) { return codec::sha256(unsigned_block); }

Result<Bytes> encode_commit(const Commit& commit) {
  if (!commit.signature) return make_error(ErrorKind::internal, "a commit cannot be stored unsigned");
  auto map = unsigned_map(commit);
  map.emplace("sig", Bytes(commit.signature->bytes.begin(), commit.signature->bytes.end()));
  return cbor::encode(map);
}

Result<Commit> decode_commit(ByteView block) {
  auto value = cbor::decode(block);
  if (!value) return malformed(value.error().message);
  MLCHAIN_TRY(const cbor::Map* map, as_map(&*value, "the commit"));
  MLCHAIN_TRY_STATUS(
      only_keys(*map, {"v", "tree", "parents", "profile", "author", "time", "message", "meta", "sig"}, "the commit"));

  const auto version = map->count("v") ? map->at("v").as_uint64() : std::nullopt;
  if (version != Commit::schema_version) return malformed("'v' is not 1 (a newer mlchain may read it)");

  Commit commit;
  const auto* tree = map->count("tree") ? map->at("tree").get_if<codec::Cid>() : nullptr;
  if (!tree) return malformed("'tree' is missing or not a link");
  commit.tree = *tree;

  const auto* parents = map->count("parents") ? map->at("parents").get_if<cbor::List>() : nullptr;
  if (!parents) return malformed("'parents' is missing or not a list");
  for (const auto& parent : *parents) {
    const auto* cid = parent.get_if<codec::Cid>();
    if (!cid) return malformed("a parent is not a link");
    commit.parents.push_back(*cid);
  }

  if (!map->count("profile")) return malformed("'profile' is missing");
  MLCHAIN_TRY(commit.profile, as_text(map->at("profile"), "'profile'"));
  MLCHAIN_TRY(const Bytes* author, sized_bytes(*map, "author", 20));
  std::copy(author->begin(), author->end(), commit.author.bytes.begin());
  const auto time = map->count("time") ? map->at("time").as_int64() : std::nullopt;
  if (!time) return malformed("'time' is missing or not an integer");
  commit.time = *time;
  if (!map->count("message")) return malformed("'message' is missing");
  MLCHAIN_TRY(commit.message, as_text(map->at("message"), "'message'"));
  if (map->count("meta")) {
    MLCHAIN_TRY(commit.meta, read_meta(map->at("meta")));
  }

  MLCHAIN_TRY(const Bytes* sig, sized_bytes(*map, "sig", 65));
  auto signature = codec::parse_signature(*sig);
  if (!signature) return malformed(signature.error().message);
  commit.signature = *signature;
  return commit;
}

}  // namespace mlchain::core
