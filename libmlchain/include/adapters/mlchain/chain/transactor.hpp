#pragma once
// One transaction's life, built to survive faults: check the chain, price, sign, journal,
// broadcast, wait for the receipt and its confirmations.
//
// - The node's eth_chainId must equal the remote's configured chain id, or nothing is signed (invalid_input
//   error, exit 2: the remote's settings point at the wrong chain, and only fixing them helps).
// - The signed raw bytes are journaled (chain/journal.hpp) before the first broadcast. From then on only
//   those bytes — or a speed-up replacing them at the same nonce — are ever sent: "already known" means in
//   flight; "nonce too low" means look up our receipt; a lost response means send the same bytes again and
//   look up the receipt. No path signs a second transaction at a new nonce for the same intent.
// - A settled transaction (mined, successful or reverted, with the confirmations asked for) leaves the
//   journal together with every other attempt at its nonce.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "mlchain/chain/journal.hpp"
#include "mlchain/core/clock.hpp"
#include "mlchain/core/signer.hpp"
#include "mlchain/eth/rpc_client.hpp"

namespace mlchain::chain {

struct ChainSettings {
  std::optional<std::uint64_t> chain_id;  // the remote's; nothing (a deploy without --chain-id): the node's
  std::uint64_t confirmations = 1;        // 1: the receipt's block itself
  std::chrono::milliseconds poll_interval{250};
  std::chrono::milliseconds receipt_timeout{std::chrono::minutes(5)};
  // Polls without a receipt between two re-broadcasts of the same raw bytes.
  unsigned rebroadcast_every = 8;
};

// What a transaction is for, and what it calls: the caller fills the journal fields (purpose, remote,
// rpc, repo, branch, heads, writer); the transactor adds the signed transaction.
struct Intent {
  JournalEntry entry;
  std::optional<codec::Address> to;  // nothing: contract creation
  Bytes data;
  codec::U256 value;  // wei sent along (a purchase)
};

// Turns revert data (from eth_estimateGas, or a replayed eth_call) into the error to report, e.g.
// StaleHead → not_fast_forward "the remote moved: fetch first".
using RevertExplainer = std::function<Error(ByteView revert_data)>;

struct Settled {
  JournalEntry entry;    // the attempt that was mined
  eth::Receipt receipt;  // in a block with at least the confirmations asked for
  std::uint64_t confirmations = 0;
};

// Journal entries that compete for one nonce of one sender on one chain: the original and its speed-ups.
struct OpenTransaction {
  std::vector<JournalEntry> attempts;  // oldest first; the last has the highest fees
  const JournalEntry& latest() const { return attempts.back(); }
};
std::vector<OpenTransaction> open_transactions(const std::vector<JournalEntry>& entries);

// Fee fields raised for a replacement: each at least +10% (rounded up) and at least the market's.
codec::Transaction raised_fees(const codec::Transaction& stuck, const codec::Transaction& market);

class Transactor {
 public:
  // `clock` times the wait for a receipt and the backoff between broadcasts.
  Transactor(eth::RpcClient& rpc, Journal& journal, ChainSettings settings, RevertExplainer explain,
             core::Clock& clock = core::real_clock());

  // The node's chain id; invalid_input error when it differs from settings.chain_id.
  Result<std::uint64_t> check_chain();

  // Prices, estimates (a revert here is explained and nothing is signed), signs, journals, broadcasts.
  // The returned entry is journaled; settle() waits for it.
  Result<JournalEntry> submit(Intent intent, core::Signer& signer);

  // Sends the latest attempt's raw bytes again and waits until one attempt is mined with the
  // confirmations asked for, then removes every attempt from the journal. A reverted receipt is the
  // explained error (after the journal is cleared: the transaction is settled, nothing is in flight).
  // timeout when the receipt does not come within the receipt timeout (the journal keeps it).
  Result<Settled> settle(const OpenTransaction& open);

  // Replaces the open transaction by one at the same nonce with raised fees (raised_fees against the
  // market now), journaled before it is broadcast. The signer must be the sender.
  Result<JournalEntry> speed_up(const OpenTransaction& open, core::Signer& signer);

 private:
  Result<codec::Transaction> market_fees(codec::Transaction transaction);
  Result<JournalEntry> sign_and_journal(const codec::Transaction& transaction, JournalEntry entry,
                                        core::Signer& signer);
  // Sends the bytes; Ok when the node took them or already has them, or when the nonce is used (the
  // caller then looks for the receipt). Transport failures are retried with the same bytes.
  Status broadcast(JournalEntry& entry);
  Result<std::optional<eth::Receipt>> find_receipt(const OpenTransaction& open, JournalEntry& mined);
  Error explain_failure(const JournalEntry& entry, const eth::Receipt& receipt);

  eth::RpcClient& rpc_;
  Journal& journal_;
  ChainSettings settings_;
  RevertExplainer explain_;
  core::Clock& clock_;
};

}  // namespace mlchain::chain
