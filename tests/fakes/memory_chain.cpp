#include "memory_chain.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/eth/governance_abi.hpp"

namespace mlchain::testing {
namespace {

namespace abi = codec::abi;
namespace registry = eth::registry;

// A log the fake builds from values of its own making: failing to encode it is a bug of the test.
template <class T>
T checked(Result<T> result) {
  if (!result) {
    std::cerr << "memory chain: " << result.error().message << "\n";
    std::abort();
  }
  return std::move(result).value();
}

eth::Hash address_topic(const codec::Address& address) {
  eth::Hash topic{};
  std::copy(address.bytes.begin(), address.bytes.end(), topic.begin() + 12);
  return topic;
}

const abi::Signature& head_updated() {
  static const abi::Signature event = checked(abi::parse_signature(
      "HeadUpdated(bytes32 indexed,bytes32 indexed,address indexed,string,string,bytes32,bytes32)"));
  return event;
}
const abi::Signature& governance_set() {
  static const abi::Signature event =
      checked(abi::parse_signature("GovernanceSet(bytes32 indexed,address indexed,address indexed)"));
  return event;
}
const abi::Signature& promoted() {
  static const abi::Signature event = checked(
      abi::parse_signature("Promoted(bytes32 indexed,bytes32 indexed,bytes32 indexed,bytes32,bytes32[],address)"));
  return event;
}

const abi::Signature& purchased() {
  static const abi::Signature event =
      checked(abi::parse_signature("Purchased(bytes32 indexed,address indexed,string,uint256,uint64)"));
  return event;
}

// The data of a log: its parameters that are not indexed, encoded as a tuple.
Bytes log_data(const abi::Signature& event, std::vector<abi::Value> values) {
  std::vector<abi::Type> types;
  for (const auto& parameter : event.parameters)
    if (!parameter.indexed) types.push_back(parameter.type);
  return checked(abi::encode(types, values));
}

const codec::Address pusher{{0x70, 0x99, 0x79, 0x70, 0xc5, 0x18, 0x12, 0xdc, 0x3a, 0x01,
                             0x0c, 0x7d, 0x01, 0xb5, 0x0e, 0x0d, 0x17, 0xdc, 0x79, 0xc8}};

}  // namespace

MemoryChain::MemoryChain(codec::Address registry, std::string repo) : registry_(registry), repo_(std::move(repo)) {
  blocks_.push_back(Block{0, fresh_hash("block"), {}});
}

eth::Hash MemoryChain::fresh_hash(std::string_view what) {
  // Counted across every chain of the process, so two chains never share a block or a transaction.
  static std::uint64_t serial = 0;
  const std::string seed = std::string(what) + " " + std::to_string(++serial);
  return codec::keccak256(as_bytes(seed));
}

eth::Log MemoryChain::push(const std::string& branch, const registry::Head& new_head, const registry::Head& old_head) {
  eth::Log log;
  log.address = registry_;
  log.topics = {head_updated().topic(), registry::repository_id(repo_), registry::branch_id(branch),
                address_topic(pusher)};
  log.data = log_data(head_updated(), {repo_, branch, old_head, new_head});
  log.transaction_hash = fresh_hash("transaction");
  pending_.push_back(log);
  return log;
}

eth::Log MemoryChain::set_governance(const codec::Address& governance) {
  eth::Log log;
  log.address = registry_;
  log.topics = {governance_set().topic(), registry::repository_id(repo_), address_topic(governance),
                address_topic(pusher)};
  log.data = log_data(governance_set(), {});
  log.transaction_hash = fresh_hash("transaction");
  pending_.push_back(log);
  return log;
}

eth::Log MemoryChain::promote(const codec::Address& governance, const std::string& stage,
                              const registry::Head& commit) {
  eth::Log log;
  log.address = governance;
  log.topics = {promoted().topic(), registry::repository_id(repo_), checked(eth::governance::name_word(stage, "stage")),
                commit};
  log.data = log_data(promoted(), {registry::Head{}, abi::List{}, pusher});
  log.transaction_hash = fresh_hash("transaction");
  pending_.push_back(log);
  return log;
}

eth::Log MemoryChain::purchase(const codec::Address& catalogue, const std::string& listing,
                               const codec::Address& buyer, std::uint64_t price, std::uint64_t access_until) {
  eth::Log log;
  log.address = catalogue;
  log.topics = {purchased().topic(), codec::keccak256(as_bytes(listing)), address_topic(buyer)};
  log.data = log_data(purchased(), {listing, price, access_until});
  log.transaction_hash = fresh_hash("transaction");
  pending_.push_back(log);
  return log;
}

void MemoryChain::include(const eth::Log& log) { pending_.push_back(log); }

std::uint64_t MemoryChain::mine() {
  Block block{blocks_.size(), fresh_hash("block"), std::move(pending_)};
  pending_.clear();
  for (std::size_t index = 0; index < block.logs.size(); ++index) {
    auto& log = block.logs[index];
    log.block_number = block.number;
    log.block_hash = block.hash;
    log.log_index = index;
    log.transaction_index = index;
    log.removed = false;
  }
  blocks_.push_back(std::move(block));
  return blocks_.back().number;
}

std::vector<eth::Log> MemoryChain::reorganize(std::uint64_t depth) {
  std::vector<eth::Log> dropped;
  for (std::uint64_t count = 0; count < depth && blocks_.size() > 1; ++count) {
    auto& block = blocks_.back();
    dropped.insert(dropped.begin(), block.logs.begin(), block.logs.end());
    blocks_.pop_back();
  }
  return dropped;
}

Status MemoryChain::reachable() {
  ++calls_;
  if (offline_) return make_error(ErrorKind::remote_unavailable, describe() + " is unreachable (connection refused)");
  return {};
}

Result<std::uint64_t> MemoryChain::head() {
  MLCHAIN_TRY_STATUS(reachable());
  return blocks_.back().number;
}

Result<std::optional<eth::Hash>> MemoryChain::block_hash(std::uint64_t block) {
  MLCHAIN_TRY_STATUS(reachable());
  if (block >= blocks_.size()) return std::optional<eth::Hash>{};
  return std::optional<eth::Hash>{blocks_[block].hash};
}

Result<std::vector<eth::Log>> MemoryChain::logs(std::span<const codec::Address> contracts,
                                                const std::vector<std::vector<eth::Hash>>& topics, std::uint64_t from,
                                                std::uint64_t to) {
  MLCHAIN_TRY_STATUS(reachable());
  ++log_queries_;
  std::vector<eth::Log> found;
  for (std::uint64_t number = from; number <= to && number < blocks_.size(); ++number) {
    for (const auto& log : blocks_[number].logs) {
      if (std::find(contracts.begin(), contracts.end(), log.address) == contracts.end()) continue;
      bool matches = true;
      for (std::size_t position = 0; position < topics.size() && matches; ++position) {
        if (topics[position].empty()) continue;
        matches = position < log.topics.size() &&
                  std::find(topics[position].begin(), topics[position].end(), log.topics[position]) !=
                      topics[position].end();
      }
      if (matches) found.push_back(log);
    }
  }
  if (after_logs_query) after_logs_query();
  return found;
}

}  // namespace mlchain::testing
