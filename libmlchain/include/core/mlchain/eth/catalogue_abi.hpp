#pragma once
// The catalogue contract's interface (contracts/MlchainCatalogue.sol, the Model Universe) as typed values:
// calldata for each of its functions, their return data, its events and its custom errors, on top of the
// general Solidity ABI codec (codec/abi.hpp). Pure: what goes to the chain and what comes back.
//
// A listing is named by a string and identified by keccak256 of its bytes (the name id, the indexed topic of
// its events). Decoders are strict and also check what the contract guarantees (a name id is the hash of the
// name in the same event; shares sum to 10,000): bytes that fail are an invalid_input error, which a caller
// that got them from a node reports as that node's fault.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mlchain/bytes.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/codec/u256.hpp"
#include "mlchain/result.hpp"

namespace mlchain::eth::catalogue {

using Word = std::array<std::uint8_t, 32>;

inline constexpr std::uint16_t total_shares = 10'000;
inline constexpr std::size_t max_payees = 16;
inline constexpr std::size_t max_tags = 16;
inline constexpr std::size_t max_text = 64;  // bytes of a name, a licence, a tag
inline constexpr std::uint64_t forever = UINT64_MAX;  // accessOf / Purchased.accessUntil of a grant without end

// The contract's rules, checked before anything is signed; usage error (invalid_argument) naming the
// value otherwise: a name is 1 to 64 bytes of [a-z0-9._-] starting with a letter or digit.
Status check_listing_name(std::string_view name);

struct Split {
  codec::Address payee;
  std::uint16_t share = 0;  // basis points of the price
};

struct Terms {
  codec::Cid card;
  // The contract stores any bytes of at most 128 as a card: bytes a listing holds that are no binary CID
  // (written bypassing mlchain) are kept here, `card` then empty, so the listing is still shown, with its
  // card named unreadable, and one such listing never makes the others unreadable.
  std::optional<Bytes> unreadable_card;
  std::string license;  // SPDX expression, may be empty
  std::vector<std::string> tags;
  bool is_private = false;
  codec::U256 price;            // wei; zero: free
  std::uint64_t duration = 0;   // seconds of access per purchase; 0: forever
  std::vector<Split> splits;    // shares summing to total_shares
};
// Every rule checkTerms applies (splits, lengths, a free listing has no duration, price < 2^128), with
// the catalogue's wording: invalid_argument naming the first that fails.
Status check_terms(const Terms& terms);

struct Listing {
  std::string name;
  std::string repo;
  codec::Address owner;  // the zero address: no such listing
  bool listed = false;
  std::uint64_t published_at = 0;  // block
  std::uint64_t updated_at = 0;    // block
  std::uint64_t purchases = 0;
  Terms terms;
};

Word name_id(std::string_view name);

// Calldata (selector ‖ arguments).
Result<Bytes> publish_calldata(std::string_view name, std::string_view repo, const Terms& terms);
Result<Bytes> unlist_calldata(std::string_view name);
Result<Bytes> buy_calldata(std::string_view name);
Result<Bytes> withdraw_calldata();
Result<Bytes> listing_of_calldata(std::string_view name);
Result<Bytes> access_of_calldata(std::string_view name, const codec::Address& who);
Result<Bytes> balance_of_calldata(const codec::Address& payee);
Result<Bytes> registry_calldata();
// The creation code of the embedded contract followed by its constructor argument (the registry).
Result<Bytes> deployment(const codec::Address& registry);
// Whether `code` (eth_getCode) is the embedded catalogue deployed for `registry` (its one immutable).
bool is_catalogue_code(ByteView code, const codec::Address& registry);

// The return data of the views. A listing that does not exist decodes with a zero owner.
Result<Listing> decode_listing_of(ByteView data);
Result<std::uint64_t> decode_access_of(ByteView data);
struct Balance {
  codec::U256 balance;  // withdrawable now
  codec::U256 earned;   // ever credited
};
Result<Balance> decode_balance_of(ByteView data);
Result<codec::Address> decode_registry(ByteView data);

// The events, each standing on its own.
struct Published {
  Word name_id{};
  codec::Address owner;
  std::string name;
  std::string repo;
  Terms terms;
};
struct Updated {
  Word name_id{};
  codec::Address owner;
  std::string name;
  std::string repo;
  Terms terms;
};
struct Unlisted {
  Word name_id{};
  codec::Address owner;
  std::string name;
};
struct Purchased {
  Word name_id{};
  codec::Address buyer;
  std::string name;
  codec::U256 price;
  std::uint64_t access_until = 0;  // forever: no end
};
struct Withdrawn {
  codec::Address payee;
  codec::U256 amount;
};
using Event = std::variant<Published, Updated, Unlisted, Purchased, Withdrawn>;
// Topic 0 of every event, for one eth_getLogs filter of the whole catalogue.
std::vector<Word> event_topics();
// Topic 0 of Purchased alone, for a filter of the purchases only.
Word purchased_topic();
// invalid_input for a log that is none of the events or does not decode.
Result<Event> decode_event(std::span<const Word> topics, ByteView data);

// A refusal by the contract: its error by name, the kind (refused_by_contract; not_found for an unknown
// listing or repository; invalid_argument for terms or a name it finds invalid) and a one-line message
// naming the listing and what to do. Nothing for revert data that is not one of the contract's errors.
struct Refusal {
  std::string name;
  ErrorKind kind = ErrorKind::refused_by_contract;
  std::string message;
};
std::optional<Refusal> decode_refusal(ByteView revert_data);

}  // namespace mlchain::eth::catalogue
