#include "mlchain/chain/transactor.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "mlchain/codec/hex.hpp"
#include "mlchain/core/transaction_signing.hpp"

namespace mlchain::chain {
namespace {

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string hash_text(const codec::Keccak256Digest& hash) { return codec::to_0x_hex(hash); }

codec::U256 saturating(std::optional<codec::U256> value) {
  if (value) return *value;
  std::array<std::uint8_t, 32> all_ones{};
  all_ones.fill(0xff);
  return codec::U256::from_big_endian(std::span<const std::uint8_t, 32>(all_ones));
}

// ⌈value × 1.1⌉: what geth and most pools require of a replacement (each fee +10%).
codec::U256 ten_percent_more(const codec::U256& value) {
  const auto times_eleven = value.checked_mul(11);
  if (!times_eleven) return saturating(std::nullopt);
  return saturating(times_eleven->checked_add(9)).divided_by(10);
}

enum class Broadcast { accepted, in_flight, nonce_used, rejected, unreachable };

struct BroadcastOutcome {
  Broadcast kind = Broadcast::accepted;
  std::optional<Error> error;    // rejected, unreachable
  bool maybe_delivered = false;  // an earlier try may have reached the node before its answer was lost
};

}  // namespace

std::vector<OpenTransaction> open_transactions(const std::vector<JournalEntry>& entries) {
  std::map<std::tuple<std::uint64_t, codec::Address, std::uint64_t>, OpenTransaction> groups;
  for (const auto& entry : entries)
    groups[{entry.transaction.chain_id, entry.from, entry.transaction.nonce}].attempts.push_back(entry);
  std::vector<OpenTransaction> open;
  for (auto& [key, group] : groups) {
    std::stable_sort(group.attempts.begin(), group.attempts.end(), [](const JournalEntry& a, const JournalEntry& b) {
      return std::tie(a.created, a.transaction.max_fee_per_gas, a.transaction.gas_price) <
             std::tie(b.created, b.transaction.max_fee_per_gas, b.transaction.gas_price);
    });
    open.push_back(std::move(group));
  }
  std::stable_sort(open.begin(), open.end(), [](const OpenTransaction& a, const OpenTransaction& b) {
    return a.attempts.front().created < b.attempts.front().created;
  });
  return open;
}

codec::Transaction raised_fees(const codec::Transaction& stuck, const codec::Transaction& market) {
  codec::Transaction raised = stuck;
  if (stuck.type == codec::TransactionType::eip1559) {
    raised.max_priority_fee_per_gas =
        std::max(ten_percent_more(stuck.max_priority_fee_per_gas), market.max_priority_fee_per_gas);
    raised.max_fee_per_gas =
        std::max({ten_percent_more(stuck.max_fee_per_gas), market.max_fee_per_gas, raised.max_priority_fee_per_gas});
  } else {
    raised.gas_price = std::max(ten_percent_more(stuck.gas_price), market.gas_price);
  }
  return raised;
}

Transactor::Transactor(eth::RpcClient& rpc, Journal& journal, ChainSettings settings, RevertExplainer explain,
                       core::Clock& clock)
    : rpc_(rpc), journal_(journal), settings_(std::move(settings)), explain_(std::move(explain)), clock_(clock) {}

Result<std::uint64_t> Transactor::check_chain() {
  MLCHAIN_TRY(const std::uint64_t actual, rpc_.chain_id());
  if (settings_.chain_id && *settings_.chain_id != actual)
    return make_error(ErrorKind::invalid_input,
                      "the node at " + rpc_.display_url() + " serves chain " + std::to_string(actual) + ", not chain " +
                          std::to_string(*settings_.chain_id) +
                          " as configured: refusing to sign (fix the remote's rpc or chain-id)");
  return actual;
}

Result<codec::Transaction> Transactor::market_fees(codec::Transaction transaction) {
  MLCHAIN_TRY(auto latest, rpc_.block_by_number(eth::BlockTag::latest()));
  if (!latest) return make_error(ErrorKind::remote_unavailable, rpc_.display_url() + " has no latest block");
  if (latest->base_fee_per_gas) {
    MLCHAIN_TRY(auto history, rpc_.fee_history(4, eth::BlockTag::latest(), {}));
    if (history.base_fee_per_gas.empty())
      return make_error(ErrorKind::remote_unavailable,
                        rpc_.display_url() + " answered eth_feeHistory without base fees");
    MLCHAIN_TRY(const codec::U256 tip, rpc_.max_priority_fee_per_gas());
    const codec::U256 next_base = history.base_fee_per_gas.back();
    transaction.type = codec::TransactionType::eip1559;
    transaction.max_priority_fee_per_gas = tip;
    transaction.max_fee_per_gas = saturating(saturating(next_base.checked_mul(2)).checked_add(tip));
    transaction.gas_price = codec::U256();
  } else {
    MLCHAIN_TRY(const codec::U256 price, rpc_.gas_price());
    transaction.type = codec::TransactionType::legacy;
    transaction.gas_price = price;
    transaction.max_priority_fee_per_gas = codec::U256();
    transaction.max_fee_per_gas = codec::U256();
    transaction.access_list.clear();
  }
  return transaction;
}

Result<JournalEntry> Transactor::sign_and_journal(const codec::Transaction& transaction, JournalEntry entry,
                                                  core::Signer& signer) {
  MLCHAIN_TRY(auto signed_transaction, core::sign_transaction(transaction, signer));
  entry.from = signer.address();
  entry.raw = std::move(signed_transaction.raw);
  entry.transaction = transaction;
  entry.state = JournalState::signed_only;
  entry.created = now_seconds();
  MLCHAIN_TRY_STATUS(journal_.record(entry));
  return entry;
}

Result<JournalEntry> Transactor::submit(Intent intent, core::Signer& signer) {
  MLCHAIN_TRY(const std::uint64_t chain_id, check_chain());
  const codec::Address from = signer.address();
  codec::Transaction transaction;
  transaction.chain_id = chain_id;
  transaction.to = intent.to;
  transaction.data = intent.data;
  transaction.value = intent.value;
  MLCHAIN_TRY(transaction.nonce, rpc_.transaction_count(from, eth::BlockTag::pending()));
  MLCHAIN_TRY(transaction, market_fees(std::move(transaction)));

  eth::CallRequest estimate{from, intent.to, intent.data,
                            intent.value.is_zero() ? std::nullopt : std::optional<codec::U256>(intent.value),
                            std::nullopt};
  MLCHAIN_TRY(auto estimated, rpc_.estimate_gas(estimate));
  if (const auto* refusal = std::get_if<eth::RpcError>(&estimated)) {
    if (refusal->kind() == eth::RpcError::Kind::execution_reverted) return explain_(refusal->revert_data);
    // A key without funds is the node refusing the transaction, not a malformed argument: a refusal.
    if (refusal->kind() == eth::RpcError::Kind::insufficient_funds)
      return make_error(ErrorKind::refused, codec::to_checksum_address(from) + " cannot pay for gas on chain " +
                                                std::to_string(chain_id) + " (" + refusal->describe() +
                                                "): fund it first");
    return make_error(ErrorKind::remote_unavailable,
                      "eth_estimateGas at " + rpc_.display_url() + ": " + refusal->describe());
  }
  const std::uint64_t gas = std::get<std::uint64_t>(estimated);
  transaction.gas_limit = gas + gas / 4;  // state may shift a little before it is mined

  MLCHAIN_TRY(JournalEntry entry, sign_and_journal(transaction, std::move(intent.entry), signer));
  const Status sent = broadcast(entry);
  if (!sent.ok()) {
    // Refused outright on its first broadcast: no node holds these bytes, so forgetting them is safe.
    MLCHAIN_TRY_STATUS(journal_.remove(entry.hash()));
    return sent.error();
  }
  return entry;
}

Status Transactor::broadcast(JournalEntry& entry) {
  constexpr unsigned attempts = 4;
  auto backoff = std::chrono::milliseconds(250);
  bool maybe_delivered = false;
  for (unsigned attempt = 1;; ++attempt) {
    auto reply = rpc_.send_raw_transaction(entry.raw, eth::Retry::never);
    if (!reply) {
      const bool unreachable =
          reply.error().kind == ErrorKind::remote_unavailable || reply.error().kind == ErrorKind::timeout;
      if (!unreachable || attempt == attempts) {
        if (!maybe_delivered && !unreachable) return std::move(reply).error();
        // The bytes may have arrived: they stay journaled and settle() looks for the receipt.
        return {};
      }
      maybe_delivered = true;
      clock_.sleep_for(backoff);
      backoff *= 2;
      continue;
    }
    if (const auto* refusal = std::get_if<eth::RpcError>(&*reply)) {
      switch (refusal->kind()) {
        case eth::RpcError::Kind::already_known:
        case eth::RpcError::Kind::nonce_too_low:
          break;  // in flight, or mined (perhaps ours): settle() looks for the receipt
        case eth::RpcError::Kind::replacement_underpriced:
          if (entry.replaces)
            return make_error(ErrorKind::refused, "the node refused the replacement " + hash_text(entry.hash()) + ": " +
                                                      refusal->describe());
          break;  // a transaction of ours at this nonce is already pooled
        case eth::RpcError::Kind::insufficient_funds:
          if (maybe_delivered) return {};
          return make_error(ErrorKind::refused, codec::to_checksum_address(entry.from) +
                                                    " cannot pay for transaction " + hash_text(entry.hash()) + " (" +
                                                    refusal->describe() + "): fund it first");
        case eth::RpcError::Kind::execution_reverted:
        case eth::RpcError::Kind::other:
          if (maybe_delivered) return {};
          return make_error(ErrorKind::remote_unavailable, "eth_sendRawTransaction at " + rpc_.display_url() +
                                                               " refused " + hash_text(entry.hash()) + ": " +
                                                               refusal->describe());
      }
    }
    if (entry.state != JournalState::sent) {
      entry.state = JournalState::sent;
      MLCHAIN_TRY_STATUS(journal_.record(entry));
    }
    return {};
  }
}

Result<std::optional<eth::Receipt>> Transactor::find_receipt(const OpenTransaction& open, JournalEntry& mined) {
  for (auto attempt = open.attempts.rbegin(); attempt != open.attempts.rend(); ++attempt) {
    MLCHAIN_TRY(auto receipt, rpc_.transaction_receipt(attempt->hash()));
    if (receipt) {
      mined = *attempt;
      return receipt;
    }
  }
  return std::optional<eth::Receipt>{};
}

Error Transactor::explain_failure(const JournalEntry& entry, const eth::Receipt& receipt) {
  const std::string where = "transaction " + hash_text(entry.hash()) + " reverted in block " +
                            std::to_string(receipt.block_number) + " (gas used " + std::to_string(receipt.gas_used) +
                            ")";
  // Replaying the call on the state after its block reproduces why (e.g. the head another push set), with
  // the value it sent: a purchase replayed without it would be refused for paying nothing, not for what
  // it paid (a price changed between the read and the send).
  const auto& value = entry.transaction.value;
  eth::CallRequest replay{entry.from, entry.transaction.to, entry.transaction.data,
                          value.is_zero() ? std::nullopt : std::optional<codec::U256>(value), std::nullopt};
  auto answer = rpc_.call(replay, eth::BlockTag::number(receipt.block_number));
  if (answer) {
    if (const auto* refusal = std::get_if<eth::RpcError>(&*answer);
        refusal && refusal->kind() == eth::RpcError::Kind::execution_reverted) {
      Error explained = explain_(refusal->revert_data);
      explained.message = where + ": " + explained.message;
      return explained;
    }
  }
  return make_error(ErrorKind::refused_by_contract, where);
}

Result<Settled> Transactor::settle(const OpenTransaction& open) {
  JournalEntry latest = open.latest();
  MLCHAIN_TRY(const std::uint64_t chain_id, rpc_.chain_id());
  if (chain_id != latest.transaction.chain_id)
    return make_error(ErrorKind::invalid_input, "journaled transaction " + hash_text(latest.hash()) + " is for chain " +
                                                    std::to_string(latest.transaction.chain_id) + " but " +
                                                    rpc_.display_url() + " serves chain " + std::to_string(chain_id));
  const auto deadline = clock_.now() + settings_.receipt_timeout;
  unsigned polls = 0;
  unsigned nonce_used_polls = 0;
  std::optional<Error> last_refusal;
  for (;; ++polls) {
    if (polls % settings_.rebroadcast_every == 0) {
      const Status sent = broadcast(latest);
      if (!sent.ok()) last_refusal = sent.error();
    }
    JournalEntry mined;
    MLCHAIN_TRY(auto receipt, find_receipt(open, mined));
    if (receipt) {
      nonce_used_polls = 0;
      MLCHAIN_TRY(const std::uint64_t head, rpc_.block_number());
      const std::uint64_t confirmations = head >= receipt->block_number ? head - receipt->block_number + 1 : 0;
      if (confirmations >= settings_.confirmations) {
        // Still canonical: the block at its height is the one the receipt names.
        MLCHAIN_TRY(auto block, rpc_.block_by_number(eth::BlockTag::number(receipt->block_number)));
        if (block && block->hash == receipt->block_hash) {
          for (const auto& attempt : open.attempts) MLCHAIN_TRY_STATUS(journal_.remove(attempt.hash()));
          if (!receipt->succeeded) return explain_failure(mined, *receipt);
          return Settled{mined, *receipt, confirmations};
        }
      }
    } else {
      MLCHAIN_TRY(const std::uint64_t mined_count, rpc_.transaction_count(latest.from, eth::BlockTag::latest()));
      // Receipts may trail the nonce for a moment; three polls in a row settle it.
      if (mined_count > latest.transaction.nonce && ++nonce_used_polls >= 3) {
        for (const auto& attempt : open.attempts) MLCHAIN_TRY_STATUS(journal_.remove(attempt.hash()));
        return make_error(ErrorKind::changed_concurrently, "nonce " + std::to_string(latest.transaction.nonce) +
                                                               " of " + codec::to_checksum_address(latest.from) +
                                                               " was used by a transaction mlchain did not "
                                                               "journal; " +
                                                               hash_text(latest.hash()) +
                                                               " can never be mined (nothing changed: run the "
                                                               "command again)");
      }
    }
    if (clock_.now() >= deadline)
      return make_error(ErrorKind::timeout,
                        "transaction " + hash_text(latest.hash()) + " (nonce " +
                            std::to_string(latest.transaction.nonce) + ") is not " + (receipt ? "confirmed" : "mined") +
                            " yet at " + rpc_.display_url() +
                            (last_refusal ? " (" + last_refusal->message + ")" : std::string()) +
                            "; it stays in the journal: run the command again to keep waiting (for a push, "
                            "'mlchain push --speed-up' raises its fees)");
    clock_.sleep_for(settings_.poll_interval);
  }
}

Result<JournalEntry> Transactor::speed_up(const OpenTransaction& open, core::Signer& signer) {
  const JournalEntry& stuck = open.latest();
  if (signer.address() != stuck.from)
    return make_error(ErrorKind::invalid_input, "transaction " + hash_text(stuck.hash()) + " was signed by " +
                                                    codec::to_checksum_address(stuck.from) +
                                                    "; only that key can replace it (--key)");
  MLCHAIN_TRY(const std::uint64_t chain_id, rpc_.chain_id());
  if (chain_id != stuck.transaction.chain_id)
    return make_error(ErrorKind::invalid_input, "transaction " + hash_text(stuck.hash()) + " is for chain " +
                                                    std::to_string(stuck.transaction.chain_id) + " but " +
                                                    rpc_.display_url() + " serves chain " + std::to_string(chain_id));
  MLCHAIN_TRY(auto market, market_fees(stuck.transaction));
  JournalEntry replacement = stuck;
  replacement.replaces = stuck.hash();
  MLCHAIN_TRY(replacement, sign_and_journal(raised_fees(stuck.transaction, market), std::move(replacement), signer));
  const Status sent = broadcast(replacement);
  if (!sent.ok()) {
    MLCHAIN_TRY_STATUS(journal_.remove(replacement.hash()));
    return sent.error();
  }
  return replacement;
}

}  // namespace mlchain::chain
