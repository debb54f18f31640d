// The transaction journal and the transactor's fault paths against a scripted JSON-RPC node: the signed
// bytes are journaled before the first broadcast; "nonce too low" and a lost answer lead to a receipt
// lookup of the same transaction, never a second one; a chain id mismatch or a revert found by
// eth_estimateGas signs nothing; a replacement raises both fees by at least 10%. Time is a manual clock:
// waits and backoffs are read back from it, and cost no real time.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "fakes/manual_clock.hpp"
#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/journal.hpp"
#include "mlchain/chain/transactor.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/keys/signers.hpp"
#include "temporary_directory.hpp"

namespace {

using nlohmann::json;
using namespace mlchain;

constexpr std::uint64_t chain_id = 31337;
const std::string zero_hash = "0x" + std::string(64, '0');
const std::string block_hash = "0x" + std::string(64, 'b');

// A node whose answers the test scripts per method; every request is recorded.
struct ScriptedNode final : eth::RpcTransport {
  std::function<json(const std::string& method, const json& params)> answer;
  std::vector<json> requests;
  unsigned drop_sends = 0;  // answers to eth_sendRawTransaction lost in transit (the node still got them)

  Result<Answer> post(std::string_view body) override {
    json request = json::parse(body);
    requests.push_back(request);
    json reply = answer(request["method"].get<std::string>(), request["params"]);
    if (request["method"] == "eth_sendRawTransaction" && drop_sends > 0) {
      --drop_sends;
      return make_error(ErrorKind::remote_unavailable, "connection reset (test)");
    }
    reply["jsonrpc"] = "2.0";
    reply["id"] = request["id"];
    return Answer{200, reply.dump()};
  }

  std::set<std::string> raw_sent() const {
    std::set<std::string> raws;
    for (const auto& request : requests)
      if (request["method"] == "eth_sendRawTransaction") raws.insert(request["params"][0].get<std::string>());
    return raws;
  }
  std::size_t count(const std::string& method) const {
    std::size_t n = 0;
    for (const auto& request : requests)
      if (request["method"] == method) ++n;
    return n;
  }
};

json result(json value) { return json{{"result", std::move(value)}}; }
json rpc_error(int code, const std::string& message, const std::string& data = "") {
  json error{{"code", code}, {"message", message}};
  if (!data.empty()) error["data"] = data;
  return json{{"error", error}};
}
std::string quantity(std::uint64_t value) { return codec::U256(value).to_quantity(); }

// A chain with EIP-1559 where a transaction, once sent, is mined in block 7 (the latest).
struct Chain {
  std::uint64_t served_chain = chain_id;
  std::string mined_hash;  // whose receipt the node gives
  std::function<json(const json& params)> on_send;

  json answer(const std::string& method, const json& params) {
    if (method == "eth_chainId") return result(quantity(served_chain));
    if (method == "eth_getTransactionCount") return result("0x5");
    if (method == "eth_blockNumber") return result("0x7");
    if (method == "eth_getBlockByNumber")
      return result({{"number", "0x7"},
                     {"hash", block_hash},
                     {"parentHash", zero_hash},
                     {"timestamp", "0x64"},
                     {"baseFeePerGas", "0x3b9aca00"}});
    if (method == "eth_feeHistory")
      return result({{"oldestBlock", "0x4"},
                     {"baseFeePerGas", {"0x3b9aca00", "0x3b9aca00", "0x3b9aca00", "0x3b9aca00", "0x3b9aca00"}},
                     {"gasUsedRatio", {0.5, 0.5, 0.5, 0.5}}});
    if (method == "eth_maxPriorityFeePerGas") return result("0x3b9aca00");
    if (method == "eth_estimateGas") return result("0xc350");
    if (method == "eth_sendRawTransaction") return on_send(params);
    if (method == "eth_getTransactionReceipt") {
      if (params[0] != mined_hash) return result(nullptr);
      return result({{"transactionHash", mined_hash},
                     {"transactionIndex", "0x0"},
                     {"blockHash", block_hash},
                     {"blockNumber", "0x7"},
                     {"from", "0x" + std::string(40, '1')},
                     {"to", "0x" + std::string(40, '2')},
                     {"contractAddress", nullptr},
                     {"status", "0x1"},
                     {"gasUsed", "0xb000"},
                     {"cumulativeGasUsed", "0xb000"},
                     {"effectiveGasPrice", "0x77359400"},
                     {"logs", json::array()}});
    }
    return rpc_error(-32601, "method not found: " + method);
  }
};

std::string keccak_hex(const std::string& raw_hex) {
  return codec::to_0x_hex(codec::keccak256(*codec::from_0x_hex(raw_hex)));
}

struct Fixture {
  testing::TemporaryDirectory dir;
  chain::Journal journal{dir.path / "journal"};
  testing::ManualClock clock;
  Chain chain;
  ScriptedNode* node = nullptr;
  std::unique_ptr<eth::RpcClient> rpc;
  keys::PrivateKeySigner signer{
      std::move(crypto::PrivateKey::from_hex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"))
          .value()};
  bool explained = false;

  Fixture() {
    auto transport = std::make_unique<ScriptedNode>();
    node = transport.get();
    node->answer = [this](const std::string& method, const json& params) { return chain.answer(method, params); };
    eth::RpcOptions options;
    options.url = "http://node.test";
    rpc = std::make_unique<eth::RpcClient>(options, std::move(transport), clock);
  }

  // The default settings: a manual clock makes their minutes free.
  chain::Transactor transactor(std::optional<std::uint64_t> expected = chain_id, chain::ChainSettings settings = {}) {
    settings.chain_id = expected;
    return chain::Transactor(
        *rpc, journal, settings,
        [this](ByteView) {
          explained = true;
          return make_error(ErrorKind::not_fast_forward, "the remote moved: fetch first (test)");
        },
        clock);
  }

  chain::Intent intent() const {
    chain::Intent intent;
    intent.entry.purpose = chain::Purpose::push;
    intent.entry.remote = "origin";
    intent.entry.rpc = "http://node.test";
    intent.entry.repo = "model";
    intent.entry.branch = "main";
    intent.entry.new_head = *codec::Cid::parse("bafyreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
    intent.to = codec::Address{};
    intent.data = {0x01, 0x02};
    return intent;
  }
};

}  // namespace

TEST_CASE("the signed transaction is journaled before its first broadcast, and settled out of the journal") {
  Fixture f;
  std::size_t journaled_at_send = 0;
  f.chain.on_send = [&](const json& params) {
    journaled_at_send = f.journal.entries()->size();
    f.chain.mined_hash = keccak_hex(params[0].get<std::string>());
    return result(f.chain.mined_hash);
  };
  auto transactor = f.transactor();
  auto sent = transactor.submit(f.intent(), f.signer);
  REQUIRE(sent.ok());
  CHECK(journaled_at_send == 1);
  CHECK(sent->state == chain::JournalState::sent);
  CHECK(sent->transaction.nonce == 5);
  CHECK(sent->transaction.max_fee_per_gas == codec::U256(3'000'000'000));  // 2 × base 1 gwei + tip 1 gwei
  CHECK(sent->transaction.gas_limit == 50'000 + 12'500);
  auto settled = transactor.settle(chain::OpenTransaction{{*sent}});
  REQUIRE(settled.ok());
  CHECK(settled->receipt.block_number == 7);
  CHECK(f.journal.entries()->empty());
}

TEST_CASE("nonce too low: the receipt of the journaled transaction is looked up, nothing is signed again") {
  Fixture f;
  f.chain.on_send = [&](const json& params) {
    f.chain.mined_hash = keccak_hex(params[0].get<std::string>());  // it was mined by an earlier broadcast
    return rpc_error(-32003, "nonce too low");
  };
  auto transactor = f.transactor();
  auto sent = transactor.submit(f.intent(), f.signer);
  REQUIRE(sent.ok());
  auto settled = transactor.settle(chain::OpenTransaction{{*sent}});
  REQUIRE(settled.ok());
  CHECK(f.node->raw_sent().size() == 1);
  CHECK(settled->entry.hash() == sent->hash());
}

TEST_CASE("a lost answer to eth_sendRawTransaction: the same bytes again, then the receipt; one transaction") {
  Fixture f;
  f.node->drop_sends = 2;
  f.chain.on_send = [&](const json& params) {
    f.chain.mined_hash = keccak_hex(params[0].get<std::string>());
    return rpc_error(-32003, "transaction already imported");
  };
  auto transactor = f.transactor();
  auto sent = transactor.submit(f.intent(), f.signer);
  REQUIRE(sent.ok());
  REQUIRE(transactor.settle(chain::OpenTransaction{{*sent}}).ok());
  CHECK(f.node->count("eth_sendRawTransaction") >= 3);
  CHECK(f.node->raw_sent().size() == 1);
}

TEST_CASE("a broadcast whose answers are all lost is tried 4 times, 250, 500 and 1000 ms apart, and stays journaled") {
  Fixture f;
  f.node->drop_sends = 4;
  f.chain.on_send = [&](const json& params) { return result(keccak_hex(params[0].get<std::string>())); };
  auto transactor = f.transactor();
  auto sent = transactor.submit(f.intent(), f.signer);
  REQUIRE(sent.ok());  // it may have arrived: settle() looks for it
  CHECK(f.node->count("eth_sendRawTransaction") == 4);
  using std::chrono::milliseconds;
  CHECK(f.clock.sleeps() == std::vector<milliseconds>{milliseconds(250), milliseconds(500), milliseconds(1000)});
  CHECK(f.journal.entries()->size() == 1);
}

TEST_CASE("a transaction not mined within the wait is a timeout after the polls that fit, without sleeping") {
  Fixture f;
  f.chain.on_send = [&](const json& params) { return result(keccak_hex(params[0].get<std::string>())); };
  chain::ChainSettings settings;  // poll every 250 ms for 5 minutes, re-broadcast every 8 polls
  auto transactor = f.transactor(chain_id, settings);
  auto sent = transactor.submit(f.intent(), f.signer);
  REQUIRE(sent.ok());
  const auto sends_before = f.node->count("eth_sendRawTransaction");

  const auto started = std::chrono::steady_clock::now();
  auto settled = transactor.settle(chain::OpenTransaction{{*sent}});
  const auto took = std::chrono::steady_clock::now() - started;

  REQUIRE_FALSE(settled.ok());
  CHECK(settled.error().kind == ErrorKind::timeout);
  CHECK_THAT(settled.error().message, Catch::Contains("is not mined yet") && Catch::Contains("stays in the journal"));
  // Polls at 0, 250 ms, …, 5 min: the last one at the deadline, then no sleep.
  const auto polls = static_cast<std::size_t>(settings.receipt_timeout / settings.poll_interval) + 1;
  CHECK(f.node->count("eth_getTransactionReceipt") == polls);
  CHECK(f.clock.sleeps().size() == polls - 1);
  CHECK(f.clock.slept() == settings.receipt_timeout);
  CHECK(f.node->count("eth_sendRawTransaction") - sends_before ==
        (polls + settings.rebroadcast_every - 1) / settings.rebroadcast_every);
  CHECK(f.journal.entries()->size() == 1);
  CHECK(took < std::chrono::seconds(30));
}

TEST_CASE("a receipt is settled once the chain has the confirmations asked for, one poll interval apart") {
  Fixture f;
  f.chain.on_send = [&](const json& params) {
    f.chain.mined_hash = keccak_hex(params[0].get<std::string>());
    return result(f.chain.mined_hash);
  };
  chain::ChainSettings settings;
  settings.confirmations = 3;  // the receipt's block 7, then 8 and 9
  auto transactor = f.transactor(chain_id, settings);
  auto sent = transactor.submit(f.intent(), f.signer);
  REQUIRE(sent.ok());
  std::vector<std::string> heads{"0x7", "0x7", "0x8", "0x9"};
  std::size_t head_polls = 0;
  f.node->answer = [&](const std::string& method, const json& params) {
    if (method == "eth_blockNumber") return result(heads.at(std::min(head_polls++, heads.size() - 1)));
    return f.chain.answer(method, params);
  };
  auto settled = transactor.settle(chain::OpenTransaction{{*sent}});
  REQUIRE(settled.ok());
  CHECK(settled->confirmations == 3);
  CHECK(head_polls == 4);
  CHECK(f.clock.sleeps() == std::vector<std::chrono::milliseconds>(3, settings.poll_interval));
  CHECK(f.journal.entries()->empty());
}

TEST_CASE("a node on another chain: nothing is signed, nothing journaled") {
  Fixture f;
  f.chain.served_chain = 1;
  f.chain.on_send = [](const json&) { return rpc_error(-32000, "unexpected"); };
  auto transactor = f.transactor();
  auto sent = transactor.submit(f.intent(), f.signer);
  REQUIRE_FALSE(sent.ok());
  CHECK(sent.error().kind == ErrorKind::invalid_input);
  CHECK(f.node->count("eth_sendRawTransaction") == 0);
  CHECK(f.journal.entries()->empty());
}

TEST_CASE("a revert found by eth_estimateGas is explained before anything is signed") {
  Fixture f;
  f.node->answer = [&](const std::string& method, const json& params) {
    if (method == "eth_estimateGas") return rpc_error(3, "execution reverted", "0x12345678");
    return f.chain.answer(method, params);
  };
  auto transactor = f.transactor();
  auto sent = transactor.submit(f.intent(), f.signer);
  REQUIRE_FALSE(sent.ok());
  CHECK(sent.error().kind == ErrorKind::not_fast_forward);
  CHECK(f.explained);
  CHECK(f.node->count("eth_sendRawTransaction") == 0);
  CHECK(f.journal.entries()->empty());
}

TEST_CASE("a speed-up replaces at the same nonce with both fees at least 10% higher, journaled with 'replaces'") {
  Fixture f;
  f.chain.on_send = [&](const json& params) { return result(keccak_hex(params[0].get<std::string>())); };
  auto transactor = f.transactor();
  auto stuck = transactor.submit(f.intent(), f.signer);
  REQUIRE(stuck.ok());
  auto replacement = transactor.speed_up(chain::OpenTransaction{{*stuck}}, f.signer);
  REQUIRE(replacement.ok());
  CHECK(replacement->transaction.nonce == stuck->transaction.nonce);
  CHECK(replacement->replaces == stuck->hash());
  CHECK(replacement->transaction.max_fee_per_gas == codec::U256(3'300'000'000));
  CHECK(replacement->transaction.max_priority_fee_per_gas == codec::U256(1'100'000'000));
  CHECK(f.journal.entries()->size() == 2);
  auto open = chain::open_transactions(*f.journal.entries());
  REQUIRE(open.size() == 1);
  CHECK(open.front().latest().hash() == replacement->hash());
}

TEST_CASE("raised fees: +10% rounded up, never below the market") {
  codec::Transaction stuck;
  stuck.max_priority_fee_per_gas = 7;
  stuck.max_fee_per_gas = 101;
  codec::Transaction market;
  market.max_priority_fee_per_gas = 2;
  market.max_fee_per_gas = 500;
  const auto raised = chain::raised_fees(stuck, market);
  CHECK(raised.max_priority_fee_per_gas == codec::U256(8));  // ⌈7.7⌉
  CHECK(raised.max_fee_per_gas == codec::U256(500));         // the market is above ⌈111.1⌉
  codec::Transaction legacy;
  legacy.type = codec::TransactionType::legacy;
  legacy.gas_price = 10;
  CHECK(chain::raised_fees(legacy, codec::Transaction{}).gas_price == codec::U256(11));
}

TEST_CASE("journal entries decode strictly: a changed field or a raw transaction of another signer is refused") {
  Fixture f;
  f.chain.on_send = [&](const json& params) { return result(keccak_hex(params[0].get<std::string>())); };
  auto transactor = f.transactor();
  auto sent = transactor.submit(f.intent(), f.signer);
  REQUIRE(sent.ok());
  const Bytes file = chain::encode_journal_entry(*sent);
  auto decoded = chain::decode_journal_entry(file);
  REQUIRE(decoded.ok());
  CHECK(chain::encode_journal_entry(*decoded) == file);

  json document = json::parse(file.begin(), file.end());
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{{"nonce", 6},
                                                                              {"max_fee_per_gas", "1"},
                                                                              {"branch", json(nullptr)},
                                                                              {"extra", 1},
                                                                              {"from", "0x" + std::string(40, '3')}}) {
    json changed = document;
    changed[field] = value;
    const std::string text = changed.dump();
    INFO(field);
    CHECK_FALSE(chain::decode_journal_entry(as_bytes(text)).ok());
  }
  CHECK_FALSE(chain::decode_journal_entry(as_bytes(std::string("{\"version\": 1}"))).ok());
  CHECK_FALSE(chain::decode_journal_entry(as_bytes(std::string("not json"))).ok());
}

TEST_CASE("a catalogue purchase carries its value into the estimate and the signed bytes, journaled with its action") {
  Fixture f;
  f.chain.on_send = [&](const json& params) { return result(keccak_hex(params[0].get<std::string>())); };
  auto transactor = f.transactor();
  auto intent = f.intent();
  intent.entry = chain::JournalEntry{};
  intent.entry.purpose = chain::Purpose::catalogue;
  intent.entry.rpc = "http://node.test";  // outside a repository: no remote, no repo
  intent.entry.action = "buy";
  intent.value = 1000;
  auto sent = transactor.submit(intent, f.signer);
  REQUIRE(sent.ok());
  CHECK(sent->transaction.value == codec::U256(1000));
  bool estimated_with_value = false;
  for (const auto& request : f.node->requests)
    if (request["method"] == "eth_estimateGas")
      estimated_with_value = request["params"][0].value("value", "") == "0x3e8";
  CHECK(estimated_with_value);

  const Bytes file = chain::encode_journal_entry(*sent);
  const json document = json::parse(file.begin(), file.end());
  CHECK(document["purpose"] == "catalogue");
  CHECK(document["action"] == "buy");
  CHECK(document["remote"] == "");
  auto decoded = chain::decode_journal_entry(file);
  REQUIRE(decoded.ok());
  CHECK(decoded->purpose == chain::Purpose::catalogue);
  CHECK(decoded->action == "buy");
  CHECK(decoded->transaction.value == codec::U256(1000));
  json without_action = document;
  without_action.erase("action");
  CHECK_FALSE(chain::decode_journal_entry(as_bytes(without_action.dump())).ok());
}

TEST_CASE("clone URLs: mlchain://[CHAIN-ID@]REGISTRY/REPO[#BRANCH], printed and parsed alike") {
  chain::ChainRemote remote;
  remote.registry = *codec::parse_address("0x5FbDB2315678afecb367f032d93F642f64180aa3");
  remote.repo = "model-a";
  remote.chain_id = 31337;
  const std::string url = chain::clone_url(remote, std::string_view("main"));
  CHECK(url == "mlchain://31337@0x5FbDB2315678afecb367f032d93F642f64180aa3/model-a#main");
  auto parsed = chain::parse_clone_url(url);
  REQUIRE(parsed.ok());
  CHECK(parsed->chain_id == 31337u);
  CHECK(parsed->registry == remote.registry);
  CHECK(parsed->repo == "model-a");
  CHECK(parsed->branch == "main");
  auto bare = chain::parse_clone_url("mlchain://0x5FbDB2315678afecb367f032d93F642f64180aa3/model-a");
  REQUIRE(bare.ok());
  CHECK_FALSE(bare->chain_id);
  for (const char* bad : {"mlchain://0x5FbDB2315678afecb367f032d93F642f64180aa3",
                          "mlchain://007@0x5FbDB2315678afecb367f032d93F642f64180aa3/m",
                          "mlchain://0x5fbDB2315678afecb367f032d93F642f64180aa3/m",
                          "mlchain://1@0x5FbDB2315678afecb367f032d93F642f64180aa3/a b", "ipfs://x/y",
                          "mlchain://1@0x5FbDB2315678afecb367f032d93F642f64180aa3/m#"}) {
    INFO(bad);
    CHECK_FALSE(chain::parse_clone_url(bad).ok());
  }
}

TEST_CASE("a private-model transaction is journaled with purpose access and its action, and read back") {
  Fixture f;
  f.chain.on_send = [&](const json& params) {
    f.chain.mined_hash = keccak_hex(params[0].get<std::string>());
    return result(f.chain.mined_hash);
  };
  auto transactor = f.transactor();
  auto intent = f.intent();
  intent.entry.purpose = chain::Purpose::access;
  intent.entry.branch.clear();
  intent.entry.new_head.reset();
  intent.entry.action = "grant-access";
  auto sent = transactor.submit(std::move(intent), f.signer);
  REQUIRE(sent.ok());
  const auto entries = f.journal.entries();
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  CHECK(entries->front().purpose == chain::Purpose::access);
  CHECK(entries->front().action == "grant-access");
  CHECK(entries->front().repo == "model");
  const auto file = json::parse(chain::encode_journal_entry(entries->front()));
  CHECK(file["purpose"] == "access");
  CHECK(file["action"] == "grant-access");
  CHECK_FALSE(file.contains("branch"));

  // An access entry without its action is malformed (the journal refuses to guess what it was for).
  json without_action = file;
  without_action.erase("action");
  const std::string text = without_action.dump();
  CHECK(chain::decode_journal_entry(as_bytes(text)).error().kind == ErrorKind::corrupt);
}

TEST_CASE("a signer change is journaled with purpose signer, its action and the signer, and read back") {
  Fixture f;
  f.chain.on_send = [&](const json& params) {
    f.chain.mined_hash = keccak_hex(params[0].get<std::string>());
    return result(f.chain.mined_hash);
  };
  auto transactor = f.transactor();
  auto intent = f.intent();
  intent.entry.purpose = chain::Purpose::signer;
  intent.entry.branch.clear();
  intent.entry.new_head.reset();
  intent.entry.action = "remove";
  intent.entry.writer = *codec::parse_address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  auto sent = transactor.submit(std::move(intent), f.signer);
  REQUIRE(sent.ok());
  const auto entries = f.journal.entries();
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  CHECK(entries->front().purpose == chain::Purpose::signer);
  CHECK(entries->front().action == "remove");
  CHECK(entries->front().writer == codec::parse_address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8").value());
  const auto file = json::parse(chain::encode_journal_entry(entries->front()));
  CHECK(file["purpose"] == "signer");
  CHECK(file["signer"] == "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  CHECK_FALSE(file.contains("writer"));

  // Without its signer or its action the entry is malformed.
  for (const char* field : {"signer", "action"}) {
    json without = file;
    without.erase(field);
    INFO(field);
    CHECK(chain::decode_journal_entry(as_bytes(without.dump())).error().kind == ErrorKind::corrupt);
  }
}
