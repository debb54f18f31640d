#include "mlchain/watch/event.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "mlchain/codec/hex.hpp"
#include "mlchain/eth/catalogue_abi.hpp"
#include "mlchain/eth/governance_abi.hpp"
#include "mlchain/eth/registry_abi.hpp"

namespace mlchain::watch {
namespace {

namespace catalogue = eth::catalogue;
namespace gov = eth::governance;
namespace registry = eth::registry;
using json = nlohmann::ordered_json;

std::string hex(const eth::Hash& word) { return codec::to_0x_hex(word); }
std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

// A commit word of either contract as its CID; the zero word (no commit) as nothing.
Result<std::optional<codec::Cid>> commit_cid(const registry::Head& word) {
  if (registry::is_empty(word)) return std::optional<codec::Cid>{};
  MLCHAIN_TRY(auto cid, registry::commit_of(word));
  return std::optional<codec::Cid>{std::move(cid)};
}

json cid_json(const std::optional<codec::Cid>& cid) { return cid ? json(cid->to_string()) : json(nullptr); }

struct Builder {
  WatchEvent event;
  json document;

  Builder(const eth::Log& log, const WatchTarget& target, std::string_view name) {
    event.name = name;
    event.id = event_id(log.transaction_hash, log.log_index);
    event.block = log.block_number;
    event.block_hash = log.block_hash;
    event.transaction = log.transaction_hash;
    event.log_index = log.log_index;
    event.repo = target.repo;
    document = json{{"event", event.name},
                    {"id", event.id},
                    {"chain_id", target.chain_id},
                    {"contract", address_text(log.address)},
                    {"repo", target.repo},
                    {"block", log.block_number},
                    {"block_hash", hex(log.block_hash)},
                    {"tx", hex(log.transaction_hash)},
                    {"log_index", log.log_index}};
  }
  Builder& branch(const std::string& name) {
    event.branch = name;
    document["branch"] = name;
    return *this;
  }
  Builder& stage(const std::string& name) {
    event.stage = name;
    document["stage"] = name;
    return *this;
  }
  Status commit(const registry::Head& word) {
    MLCHAIN_TRY(event.commit, commit_cid(word));
    document["commit"] = cid_json(event.commit);
    return {};
  }
  Status cid_field(std::string_view key, const registry::Head& word) {
    MLCHAIN_TRY(const auto cid, commit_cid(word));
    document[std::string(key)] = cid_json(cid);
    return {};
  }
  LogMeaning done() {
    event.json = document.dump();
    return LogMeaning{std::move(event)};
  }
};

Result<std::string> stage_name(const std::string& stage) {
  // The contract keeps stage names as the caller gave them; one that would not pass name_word is no stage
  // mlchain can name, and a handler must not get it in an environment variable.
  MLCHAIN_TRY(const auto checked, gov::name_word(stage, "stage"));
  static_cast<void>(checked);
  return stage;
}

Result<LogMeaning> registry_meaning(const eth::Log& log, const WatchTarget& target) {
  MLCHAIN_TRY(const auto decoded, registry::decode_event(log.topics, log.data));
  if (const auto* moved = std::get_if<registry::GovernanceSet>(&decoded)) {
    if (moved->repo_id != registry::repository_id(target.repo))
      return make_error(ErrorKind::invalid_input, "a GovernanceSet log of another repository");
    return LogMeaning{GovernanceMoved{moved->governance}};
  }
  const auto* update = std::get_if<registry::HeadUpdated>(&decoded);
  if (update == nullptr) return LogMeaning{};
  if (update->repo != target.repo)
    return make_error(ErrorKind::invalid_input, "a HeadUpdated log of repository '" + update->repo + "'");
  Builder builder(log, target, "pushed");
  builder.branch(update->branch);
  MLCHAIN_TRY_STATUS(builder.commit(update->new_head));
  MLCHAIN_TRY_STATUS(builder.cid_field("previous", update->old_head));
  builder.document["pusher"] = address_text(update->pusher);
  return builder.done();
}

Result<LogMeaning> governance_meaning(const eth::Log& log, const WatchTarget& target) {
  MLCHAIN_TRY(const auto decoded, gov::decode_event(log.topics, log.data));
  const auto repo_id = std::visit([](const auto& event) { return event.repo_id; }, decoded);
  if (repo_id != registry::repository_id(target.repo))
    return make_error(ErrorKind::invalid_input, "a governance log of another repository");
  return std::visit(
      [&](const auto& event) -> Result<LogMeaning> {
        using Event = std::decay_t<decltype(event)>;
        if constexpr (std::is_same_v<Event, gov::Evaluated>) {
          Builder builder(log, target, "evaluated");
          MLCHAIN_TRY_STATUS(builder.commit(event.commit));
          builder.document["evaluator"] = address_text(event.evaluator);
          builder.document["uid"] = hex(event.uid);
          builder.document["round"] = event.round;
          builder.document["suite_digest"] = hex(event.suite);
          return builder.done();
        } else if constexpr (std::is_same_v<Event, gov::Promoted>) {
          Builder builder(log, target, "promoted");
          MLCHAIN_TRY(const auto stage, stage_name(event.stage));
          builder.stage(stage);
          MLCHAIN_TRY_STATUS(builder.commit(event.commit));
          MLCHAIN_TRY_STATUS(builder.cid_field("previous", event.previous));
          auto attestations = json::array();
          for (const auto& uid : event.attestations) attestations.push_back(hex(uid));
          builder.document["attestations"] = std::move(attestations);
          builder.document["by"] = address_text(event.by);
          return builder.done();
        } else if constexpr (std::is_same_v<Event, gov::Approved>) {
          Builder builder(log, target, "approved");
          MLCHAIN_TRY(const auto stage, stage_name(event.stage));
          builder.stage(stage);
          MLCHAIN_TRY_STATUS(builder.commit(event.commit));
          builder.document["approver"] = address_text(event.approver);
          return builder.done();
        } else if constexpr (std::is_same_v<Event, gov::RetrainRequested>) {
          Builder builder(log, target, "retrain");
          MLCHAIN_TRY(const auto stage, stage_name(event.stage));
          builder.stage(stage);
          MLCHAIN_TRY_STATUS(builder.commit(event.commit));
          builder.document["rule"] = event.rule;
          return builder.done();
        } else if constexpr (std::is_same_v<Event, gov::RolledBack>) {
          Builder builder(log, target, "rolled-back");
          MLCHAIN_TRY(const auto stage, stage_name(event.stage));
          builder.stage(stage);
          MLCHAIN_TRY_STATUS(builder.commit(event.to));
          MLCHAIN_TRY_STATUS(builder.cid_field("from", event.from));
          builder.document["rule"] = event.rule;
          return builder.done();
        } else {
          return LogMeaning{};
        }
      },
      decoded);
}

Result<LogMeaning> purchase_meaning(const eth::Log& log, const WatchTarget& target,
                                    const ListingRepository& repository_of) {
  MLCHAIN_TRY(const auto decoded, catalogue::decode_event(log.topics, log.data));
  const auto* purchase = std::get_if<catalogue::Purchased>(&decoded);
  if (purchase == nullptr) return LogMeaning{};
  MLCHAIN_TRY(const std::string repo, repository_of(purchase->name));
  if (repo != target.repo) return LogMeaning{};
  Builder builder(log, target, "purchased");
  builder.event.listing = purchase->name;
  builder.event.buyer = purchase->buyer;
  builder.event.price = purchase->price.to_decimal();
  if (purchase->access_until != catalogue::forever) builder.event.access_until = purchase->access_until;
  builder.document["listing"] = purchase->name;
  builder.document["buyer"] = address_text(purchase->buyer);
  builder.document["price"] = *builder.event.price;
  builder.document["access_until"] = builder.event.access_until ? json(*builder.event.access_until) : json(nullptr);
  return builder.done();
}

Result<eth::Hash> hash_field(const json& document, const char* key) {
  const auto found = document.find(key);
  if (found == document.end() || !found->is_string())
    return make_error(ErrorKind::invalid_input, std::string("a watch event without \"") + key + "\"");
  MLCHAIN_TRY(const Bytes bytes, codec::from_0x_hex(found->get<std::string>()));
  eth::Hash hash{};
  if (bytes.size() != hash.size())
    return make_error(ErrorKind::invalid_input, std::string("a watch event's \"") + key + "\" is not 32 bytes");
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

Result<std::uint64_t> number_field(const json& document, const char* key) {
  const auto found = document.find(key);
  if (found == document.end() || !found->is_number_unsigned())
    return make_error(ErrorKind::invalid_input, std::string("a watch event without a number \"") + key + "\"");
  return found->get<std::uint64_t>();
}

std::optional<std::string> text_field(const json& document, const char* key) {
  const auto found = document.find(key);
  if (found == document.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

}  // namespace

const std::vector<std::string_view>& event_names() {
  static const std::vector<std::string_view> names{"pushed",  "evaluated",   "promoted",  "approved",
                                                   "retrain", "rolled-back", "purchased", reverted_event_name};
  return names;
}

bool is_event_name(std::string_view name) {
  const auto& names = event_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string event_id(const eth::Hash& transaction, std::uint64_t log_index) {
  return hex(transaction) + ":" + std::to_string(log_index);
}

Result<LogMeaning> interpret_log(const eth::Log& log, const WatchTarget& target) {
  auto meaning = log.address == target.registry ? registry_meaning(log, target) : governance_meaning(log, target);
  if (!meaning)
    return make_error(ErrorKind::invalid_input, "log " + event_id(log.transaction_hash, log.log_index) + " of " +
                                                    address_text(log.address) + ": " + meaning.error().message);
  return meaning;
}

Result<LogMeaning> interpret_catalogue_log(const eth::Log& log, const WatchTarget& target,
                                           const ListingRepository& repository_of) {
  auto meaning = purchase_meaning(log, target, repository_of);
  if (!meaning && meaning.error().kind == ErrorKind::invalid_input)
    return make_error(ErrorKind::invalid_input, "log " + event_id(log.transaction_hash, log.log_index) + " of " +
                                                    address_text(log.address) + ": " + meaning.error().message);
  return meaning;
}

std::vector<std::vector<eth::Hash>> catalogue_watch_topics() { return {{catalogue::purchased_topic()}}; }

std::vector<std::vector<eth::Hash>> watch_topics(std::string_view repo) {
  std::vector<eth::Hash> first{registry::head_updated_topic(), registry::governance_set_topic()};
  for (const auto& topic : gov::event_topics()) first.push_back(topic);
  return {std::move(first), {registry::repository_id(repo)}};
}

WatchEvent reverted_event(const WatchEvent& original) {
  WatchEvent event = original;
  event.name = std::string(reverted_event_name);
  event.json = json{{"event", event.name}, {"id", original.id}, {"reverted", json::parse(original.json)}}.dump();
  return event;
}

Result<WatchEvent> event_from_json(std::string_view text) {
  const json document = json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object())
    return make_error(ErrorKind::invalid_input, "a watch event that is not a JSON object");
  const auto name = text_field(document, "event");
  if (!name || !is_event_name(*name) || *name == reverted_event_name)
    return make_error(ErrorKind::invalid_input, "a watch event without a known \"event\"");
  WatchEvent event;
  event.name = *name;
  MLCHAIN_TRY(event.block, number_field(document, "block"));
  MLCHAIN_TRY(event.log_index, number_field(document, "log_index"));
  MLCHAIN_TRY(event.block_hash, hash_field(document, "block_hash"));
  MLCHAIN_TRY(event.transaction, hash_field(document, "tx"));
  event.id = event_id(event.transaction, event.log_index);
  if (text_field(document, "id") != event.id)
    return make_error(ErrorKind::invalid_input, "a watch event whose \"id\" is not its tx and log index");
  event.repo = text_field(document, "repo").value_or("");
  event.branch = text_field(document, "branch");
  event.stage = text_field(document, "stage");
  if (const auto commit = text_field(document, "commit")) {
    MLCHAIN_TRY(event.commit, codec::Cid::parse(*commit));
  }
  event.listing = text_field(document, "listing");
  if (const auto buyer = text_field(document, "buyer")) {
    MLCHAIN_TRY(event.buyer, codec::parse_address(*buyer));
  }
  event.price = text_field(document, "price");
  if (const auto until = document.find("access_until"); until != document.end() && until->is_number_unsigned())
    event.access_until = until->get<std::uint64_t>();
  event.json = document.dump();
  return event;
}

std::vector<std::pair<std::string, std::string>> event_environment(const WatchEvent& event) {
  std::vector<std::pair<std::string, std::string>> variables{{"MLCHAIN_EVENT", event.name},
                                                             {"MLCHAIN_EVENT_ID", event.id},
                                                             {"MLCHAIN_REPO", event.repo},
                                                             {"MLCHAIN_BLOCK", std::to_string(event.block)},
                                                             {"MLCHAIN_TX", hex(event.transaction)}};
  if (event.branch) variables.emplace_back("MLCHAIN_BRANCH", *event.branch);
  if (event.stage) variables.emplace_back("MLCHAIN_STAGE", *event.stage);
  if (event.commit) variables.emplace_back("MLCHAIN_COMMIT", event.commit->to_string());
  if (event.listing) variables.emplace_back("MLCHAIN_LISTING", *event.listing);
  if (event.buyer) variables.emplace_back("MLCHAIN_BUYER", address_text(*event.buyer));
  if (event.price) variables.emplace_back("MLCHAIN_PRICE", *event.price);
  if (event.access_until) variables.emplace_back("MLCHAIN_ACCESS_UNTIL", std::to_string(*event.access_until));
  return variables;
}

}  // namespace mlchain::watch
