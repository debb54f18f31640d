#include <catch2/catch.hpp>

#include <cstdlib>
#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "fakes/manual_clock.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/eth/rpc_client.hpp"

using namespace mlchain;
using namespace mlchain::eth;
using nlohmann::json;

namespace {

// Answers each request with the next scripted reply, which sees the request (to echo or break its id).
class ScriptedTransport final : public RpcTransport {
 public:
  using Reply = std::function<Result<Answer>(const json& request)>;
  ScriptedTransport(std::deque<Reply>& script, std::vector<json>& requests) : script_(script), requests_(requests) {}

  Result<Answer> post(std::string_view body) override {
    requests_.push_back(json::parse(body));
    REQUIRE_FALSE(script_.empty());
    Reply next = std::move(script_.front());
    script_.pop_front();
    return next(requests_.back());
  }

 private:
  std::deque<Reply>& script_;
  std::vector<json>& requests_;
};

struct Fixture {
  std::deque<ScriptedTransport::Reply> script;
  std::vector<json> requests;
  RpcClient client;

  Fixture() : client(options(), std::make_unique<ScriptedTransport>(script, requests)) {}

  static RpcOptions options() {
    RpcOptions options;
    options.url = "https://user:secret@rpc.example/v3/abc";
    options.first_backoff = std::chrono::milliseconds(1);
    return options;
  }

  // A well-formed answer to whatever was asked, with `result` (JSON text).
  void answer(const std::string& result) {
    script.push_back([result](const json& request) -> Result<RpcTransport::Answer> {
      return RpcTransport::Answer{200,
                                  R"({"jsonrpc":"2.0","id":)" + request["id"].dump() + R"(,"result":)" + result + "}"};
    });
  }
  void error(const std::string& error_object, long status = 200) {
    script.push_back([error_object, status](const json& request) -> Result<RpcTransport::Answer> {
      return RpcTransport::Answer{
          status, R"({"jsonrpc":"2.0","id":)" + request["id"].dump() + R"(,"error":)" + error_object + "}"};
    });
  }
  void raw(long status, std::string body) {
    script.push_back([status, body](const json&) -> Result<RpcTransport::Answer> {
      return RpcTransport::Answer{status, body};
    });
  }
  void unreachable() {
    script.push_back([](const json&) -> Result<RpcTransport::Answer> {
      return make_error(ErrorKind::remote_unavailable,
                        "cannot connect to https://rpc.example/v3/abc: connection refused");
    });
  }
};

template <class T>
void expect_remote_failure(const Result<T>& result, std::string_view part) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::remote_unavailable);
  INFO(result.error().message);
  CHECK(result.error().message.find(part) != std::string::npos);
  CHECK(result.error().message.find("secret") == std::string::npos);
}

const std::string zero_hash = "0x" + std::string(64, '0');
const std::string a_hash = "0x" + std::string(64, 'a');

}  // namespace

TEST_CASE("rpc client sends JSON-RPC 2.0 requests and reads quantities", "[rpc]") {
  Fixture fixture;
  fixture.answer(R"("0x7a69")");
  const auto chain = fixture.client.chain_id();
  REQUIRE(chain.ok());
  CHECK(*chain == 31337);
  REQUIRE(fixture.requests.size() == 1);
  CHECK(fixture.requests[0] ==
        json({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "eth_chainId"}, {"params", json::array()}}));

  fixture.answer(R"("0x0")");
  const auto address = codec::parse_address("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  CHECK(*fixture.client.transaction_count(*address) == 0);
  CHECK(fixture.requests[1]["params"] == json::array({"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "pending"}));
  CHECK(fixture.requests[1]["id"] == 2);
  CHECK(fixture.client.display_url().find("secret") == std::string::npos);
}

TEST_CASE("rpc client refuses malformed and hostile answers as remote failures", "[rpc]") {
  Fixture fixture;
  fixture.answer(R"("0x07")");
  expect_remote_failure(fixture.client.chain_id(), "leading zero");
  fixture.answer(R"("0x")");
  expect_remote_failure(fixture.client.chain_id(), "eth_chainId to https://rpc.example");
  fixture.answer(R"(7)");
  expect_remote_failure(fixture.client.chain_id(), "quantity is not a string");
  fixture.answer(R"("0x1)" + std::string(16, '0') + R"(")");
  expect_remote_failure(fixture.client.chain_id(), "does not fit 64 bits");
  fixture.answer(R"(null)");
  expect_remote_failure(fixture.client.chain_id(), "quantity is not a string");
  fixture.raw(200, R"({"jsonrpc":"2.0","id":999,"result":"0x1"})");
  expect_remote_failure(fixture.client.chain_id(), "answer is for another request (id 999");
  fixture.raw(200, R"({"jsonrpc":"2.0","id":"7","result":"0x1"})");
  expect_remote_failure(fixture.client.chain_id(), "another request");
  fixture.raw(200, R"({"id":8,"result":"0x1"})");
  expect_remote_failure(fixture.client.chain_id(), "not JSON-RPC 2.0");
  fixture.raw(200, R"({"jsonrpc":"2.0","id":9})");
  expect_remote_failure(fixture.client.chain_id(), "exactly one of");
  fixture.raw(200, R"({"jsonrpc":"2.0","id":10,"result":"0x1","error":{"code":1,"message":"x"}})");
  expect_remote_failure(fixture.client.chain_id(), "exactly one of");
  fixture.raw(200, "<html>bad gateway</html>");
  expect_remote_failure(fixture.client.chain_id(), "answer is not JSON");
  fixture.raw(200, "[1,2]");
  expect_remote_failure(fixture.client.chain_id(), "not a JSON-RPC response object");
  fixture.raw(200, std::string(100000, '[') + std::string(100000, ']'));
  expect_remote_failure(fixture.client.chain_id(), "nested deeper");
  fixture.raw(200, R"({"jsonrpc":"2.0","id":14,"error":{"code":"x","message":"m"}})");
  expect_remote_failure(fixture.client.chain_id(), "integer \"code\"");
  fixture.answer(R"("0xzz")");
  expect_remote_failure(fixture.client.code(*codec::parse_address("0x000000000000000000000000000000000000aaaa")),
                        "not a hex digit");
  // Malformed answers are not retried: the node did answer.
  CHECK(fixture.script.empty());
}

TEST_CASE("rpc client surfaces JSON-RPC errors with code and message", "[rpc]") {
  Fixture fixture;
  fixture.error(R"({"code":-32601,"message":"the method eth_chainId does not exist"})");
  expect_remote_failure(fixture.client.chain_id(), "JSON-RPC error -32601: the method eth_chainId does not exist");

  const std::vector<std::pair<std::string, RpcError::Kind>> kinds{
      {"already known", RpcError::Kind::already_known},
      {"nonce too low: next nonce 5, tx nonce 4", RpcError::Kind::nonce_too_low},
      {"replacement transaction underpriced", RpcError::Kind::replacement_underpriced},
      {"insufficient funds for gas * price + value", RpcError::Kind::insufficient_funds},
      {"execution reverted", RpcError::Kind::execution_reverted},
      {"gas limit reached", RpcError::Kind::other}};
  const Bytes raw{0x02, 0xc0};
  for (const auto& [message, kind] : kinds) {
    fixture.error(R"({"code":-32000,"message":")" + message + R"("})");
    const auto sent = fixture.client.send_raw_transaction(raw);
    REQUIRE(sent.ok());
    const auto* refusal = std::get_if<RpcError>(&*sent);
    REQUIRE(refusal != nullptr);
    CHECK(refusal->kind() == kind);
    CHECK(refusal->code == -32000);
    CHECK(refusal->message == message);
  }

  fixture.error(R"({"code":3,"message":"execution reverted: custom error 0x7fe83496","data":"0x7fe83496aa"})");
  codec::Address registry;
  const auto called = fixture.client.call(CallRequest{std::nullopt, registry, Bytes{1, 2}, std::nullopt, std::nullopt});
  REQUIRE(called.ok());
  const auto* revert = std::get_if<RpcError>(&*called);
  REQUIRE(revert != nullptr);
  CHECK(revert->kind() == RpcError::Kind::execution_reverted);
  CHECK(codec::to_hex(revert->revert_data) == "7fe83496aa");
  CHECK(fixture.requests.back()["params"] ==
        json::array({{{"to", "0x0000000000000000000000000000000000000000"}, {"data", "0x0102"}}, "latest"}));

  // A refusal sent with an HTTP error status is still the node's refusal.
  fixture.error(R"({"code":-32000,"message":"nonce too low"})", 400);
  const auto refused = fixture.client.send_raw_transaction(raw);
  REQUIRE(refused.ok());
  CHECK(std::get<RpcError>(*refused).kind() == RpcError::Kind::nonce_too_low);
}

TEST_CASE("rpc client retries transport failures only, and sends a transaction once unless asked", "[rpc]") {
  Fixture fixture;
  fixture.unreachable();
  fixture.raw(503, "overloaded");
  fixture.answer(R"("0x1")");
  CHECK(*fixture.client.chain_id() == 1);
  CHECK(fixture.requests.size() == 3);

  fixture.unreachable();
  fixture.unreachable();
  fixture.unreachable();
  fixture.unreachable();
  expect_remote_failure(fixture.client.block_number(),
                        "eth_blockNumber: cannot connect to https://rpc.example/v3/abc: connection refused (4 tries)");
  CHECK(fixture.script.empty());

  fixture.raw(401, "unauthorized");
  expect_remote_failure(fixture.client.block_number(), "HTTP 401: unauthorized");
  CHECK(fixture.script.empty());

  fixture.error(R"({"code":-32000,"message":"header not found"})");
  expect_remote_failure(fixture.client.block_number(), "header not found");
  CHECK(fixture.script.empty());

  const Bytes raw{0x02, 0xc0};
  fixture.unreachable();
  expect_remote_failure(fixture.client.send_raw_transaction(raw), "connection refused");
  CHECK(fixture.script.empty());

  const std::string hash = codec::to_0x_hex(codec::keccak256(raw));
  fixture.unreachable();
  fixture.answer("\"" + hash + "\"");
  const auto sent = fixture.client.send_raw_transaction(raw, Retry::transport_failures);
  REQUIRE(sent.ok());
  CHECK(codec::to_0x_hex(std::get<Hash>(*sent)) == hash);

  fixture.answer("\"" + a_hash + "\"");
  expect_remote_failure(fixture.client.send_raw_transaction(raw), "not the transaction's");
}

TEST_CASE("rpc client does not try again a request that ran out its timeout: the node hangs", "[rpc]") {
  Fixture fixture;
  fixture.script.push_back([](const json&) -> Result<RpcTransport::Answer> {
    return make_error(ErrorKind::timeout, "https://rpc.example/v3/abc: no answer within 30 s");
  });
  fixture.answer(R"("0x1")");
  expect_remote_failure(fixture.client.chain_id(), "no answer within 30 s");
  CHECK(fixture.requests.size() == 1);
  CHECK(fixture.script.size() == 1);
}

TEST_CASE("rpc client waits between tries, doubling from the first backoff up to 8 s", "[rpc]") {
  std::deque<ScriptedTransport::Reply> script;
  std::vector<json> requests;
  testing::ManualClock clock;
  RpcOptions options = Fixture::options();
  options.attempts = 5;
  options.first_backoff = std::chrono::milliseconds(3'000);
  RpcClient client(options, std::make_unique<ScriptedTransport>(script, requests), clock);
  for (int i = 0; i < 5; ++i) {
    script.push_back([](const json&) -> Result<RpcTransport::Answer> {
      return make_error(ErrorKind::remote_unavailable,
                        "cannot connect to https://rpc.example/v3/abc: connection refused");
    });
  }
  expect_remote_failure(client.block_number(), "(5 tries)");
  using std::chrono::milliseconds;
  CHECK(clock.sleeps() ==
        std::vector<milliseconds>{milliseconds(3'000), milliseconds(6'000), milliseconds(8'000), milliseconds(8'000)});

  // A transaction is sent once unless asked: no wait at all.
  script.push_back([](const json&) -> Result<RpcTransport::Answer> {
    return make_error(ErrorKind::remote_unavailable,
                      "cannot connect to https://rpc.example/v3/abc: connection refused");
  });
  expect_remote_failure(client.send_raw_transaction(Bytes{0x02, 0xc0}), "connection refused");
  CHECK(clock.sleeps().size() == 4);
}

TEST_CASE("rpc client reads receipts, blocks, logs, fee history and transactions", "[rpc]") {
  Fixture fixture;
  Hash transaction{};
  transaction.fill(0xaa);

  fixture.answer("null");
  const auto pending = fixture.client.transaction_receipt(transaction);
  REQUIRE(pending.ok());
  CHECK_FALSE(pending->has_value());

  const std::string log = R"({"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[")" + zero_hash +
                          R"("],"data":"0x01","blockNumber":"0x2","blockHash":")" + zero_hash +
                          R"(","transactionHash":")" + a_hash +
                          R"(","transactionIndex":"0x0","logIndex":"0x0","removed":false})";
  const std::string receipt = R"({"transactionHash":")" + a_hash + R"(","transactionIndex":"0x0","blockHash":")" +
                              zero_hash +
                              R"(","blockNumber":"0x2","from":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266","to":null,)"
                              R"("contractAddress":"0x5fbdb2315678afecb367f032d93f642f64180aa3","status":"0x1",)"
                              R"("gasUsed":"0x5208","cumulativeGasUsed":"0x5208","effectiveGasPrice":"0x3b9aca00",)"
                              R"("logs":[)" +
                              log + "]}";
  fixture.answer(receipt);
  const auto mined = fixture.client.transaction_receipt(transaction);
  REQUIRE(mined.ok());
  REQUIRE(mined->has_value());
  CHECK((*mined)->succeeded);
  CHECK((*mined)->gas_used == 21000);
  CHECK((*mined)->block_number == 2);
  CHECK((*mined)->effective_gas_price == codec::U256(1'000'000'000));
  CHECK_FALSE((*mined)->to.has_value());
  REQUIRE((*mined)->logs.size() == 1);
  CHECK((*mined)->logs[0].data == Bytes{1});

  fixture.answer(receipt);
  expect_remote_failure(fixture.client.transaction_receipt(Hash{}), "the receipt is for another transaction");
  std::string failed_status = receipt;
  failed_status.replace(failed_status.find(R"("status":"0x1")"), 14, R"("status":"0x2")");
  fixture.answer(failed_status);
  expect_remote_failure(fixture.client.transaction_receipt(transaction), "neither 0x0 nor 0x1");
  std::string no_gas = receipt;
  no_gas.replace(no_gas.find(R"("gasUsed")"), 9, R"("gasUsd")");
  fixture.answer(no_gas);
  expect_remote_failure(fixture.client.transaction_receipt(transaction), "missing \"gasUsed\"");

  fixture.answer("[" + log + "," + log + "]");
  LogFilter filter;
  filter.addresses = {*codec::parse_address("0x5fbdb2315678afecb367f032d93f642f64180aa3")};
  filter.topics = {{Hash{}}, {}};
  filter.from_block = BlockTag::number(1);
  const auto logs = fixture.client.logs(filter);
  REQUIRE(logs.ok());
  CHECK(logs->size() == 2);
  CHECK(fixture.requests.back()["params"][0] == json({{"address", {"0x5fbdb2315678afecb367f032d93f642f64180aa3"}},
                                                      {"topics", {{zero_hash}, nullptr}},
                                                      {"fromBlock", "0x1"},
                                                      {"toBlock", "latest"}}));
  fixture.answer(R"([{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[]}])");
  expect_remote_failure(fixture.client.logs(filter), "log 0: missing \"data\"");

  fixture.answer(R"({"number":"0x2","hash":")" + a_hash + R"(","parentHash":")" + zero_hash +
                 R"(","timestamp":"0x6553f100","baseFeePerGas":"0x7"})");
  const auto block = fixture.client.block_by_number(BlockTag::number(2));
  REQUIRE(block.ok());
  REQUIRE(block->has_value());
  CHECK((*block)->timestamp == 0x6553f100);
  CHECK((*block)->base_fee_per_gas == codec::U256(7));
  CHECK(fixture.requests.back()["params"] == json::array({"0x2", false}));
  fixture.answer(R"({"number":"0x3","hash":")" + a_hash + R"(","parentHash":")" + zero_hash +
                 R"(","timestamp":"0x1"})");
  expect_remote_failure(fixture.client.block_by_number(BlockTag::number(2)), "asked for block 0x2");
  fixture.answer(R"({"number":"0x3","hash":"0xaa","parentHash":")" + zero_hash + R"(","timestamp":"0x1"})");
  expect_remote_failure(fixture.client.block_by_number(BlockTag::latest()), "hash: hash of 1 bytes");

  fixture.answer(
      R"({"oldestBlock":"0x1","baseFeePerGas":["0x3b9aca00","0x342770c0"],"gasUsedRatio":[0.5],"reward":[["0x1","0x2"]]})");
  const std::vector<double> percentiles{25, 75};
  const auto history = fixture.client.fee_history(1, BlockTag::latest(), percentiles);
  REQUIRE(history.ok());
  CHECK(history->base_fee_per_gas.size() == 2);
  CHECK(history->reward == std::vector<std::vector<codec::U256>>{{codec::U256(1), codec::U256(2)}});
  CHECK(fixture.requests.back()["params"] == json::array({"0x1", "latest", {25.0, 75.0}}));
  // anvil answers "reward": [] when no percentiles were asked for.
  fixture.answer(
      R"({"oldestBlock":"0x0","baseFeePerGas":["0x3b9aca00","0x3b9aca00"],"gasUsedRatio":[0.0],"reward":[]})");
  const auto no_rewards = fixture.client.fee_history(1, BlockTag::latest(), {});
  REQUIRE(no_rewards.ok());
  CHECK(no_rewards->reward.empty());
  fixture.answer(R"({"oldestBlock":"0x0","baseFeePerGas":["0x1","0x1"],"gasUsedRatio":[0.0],"reward":[]})");
  expect_remote_failure(fixture.client.fee_history(1, BlockTag::latest(), percentiles), "percentiles asked for");
  fixture.answer(R"({"oldestBlock":"0x1","baseFeePerGas":["0x1"],"gasUsedRatio":[0.5]})");
  expect_remote_failure(fixture.client.fee_history(1, BlockTag::latest(), percentiles), "one entry more");
  fixture.answer(R"({"oldestBlock":"0x1","baseFeePerGas":["0x1","0x1"],"gasUsedRatio":[0.5],"reward":[["0x1"]]})");
  expect_remote_failure(fixture.client.fee_history(1, BlockTag::latest(), percentiles), "percentiles");

  fixture.answer(
      R"({"hash":")" + a_hash +
      R"(","type":"0x2","from":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",)"
      R"("to":"0x5fbdb2315678afecb367f032d93f642f64180aa3","nonce":"0x5","gas":"0x5208","value":"0x0",)"
      R"("input":"0x","maxFeePerGas":"0x2","maxPriorityFeePerGas":"0x1","blockNumber":null,"blockHash":null})");
  const auto info = fixture.client.transaction_by_hash(transaction);
  REQUIRE(info.ok());
  REQUIRE(info->has_value());
  CHECK((*info)->nonce == 5);
  CHECK((*info)->type == 2);
  CHECK_FALSE((*info)->block_number.has_value());
}

TEST_CASE("rpc options take the bearer token from MLCHAIN_RPC_TOKEN", "[rpc]") {
  ::setenv(rpc_token_variable, "t0ken", 1);
  CHECK(rpc_options_for("https://rpc.example").bearer_token == "t0ken");
  ::setenv(rpc_token_variable, "", 1);
  CHECK(rpc_options_for("https://rpc.example").bearer_token.empty());
  ::unsetenv(rpc_token_variable);
  CHECK(rpc_options_for("https://rpc.example").bearer_token.empty());
}
