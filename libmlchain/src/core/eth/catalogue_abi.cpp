#include "mlchain/eth/catalogue_abi.hpp"

#include <algorithm>
#include <utility>

#include "mlchain/codec/abi.hpp"
#include "mlchain/codec/hex.hpp"
#include "mlchain/codec/keccak.hpp"
#include "mlchain/eth/contract_artifacts.hpp"

namespace mlchain::eth::catalogue {
namespace {

namespace abi = codec::abi;
using abi::Signature;
using abi::Type;
using abi::Value;

constexpr std::size_t max_card = 128;  // bytes of a card's binary CID (MAX_CARD)

#define TERMS "(bytes,string,string[],bool,uint256,uint64,address[],uint16[])"
#define LISTING "(string,string,address,bool,uint64,uint64,uint64," TERMS ")"

// The declarations of contracts/MlchainCatalogue.sol; the unit tests pin them against cast and the compiled
// artifact's method identifiers. Each parses: they are constants of this file.
const Signature& publish_function() {
  static const Signature declaration = *abi::parse_signature("publish(string,string," TERMS ")");
  return declaration;
}
const Signature& unlist_function() {
  static const Signature declaration = *abi::parse_signature("unlist(string)");
  return declaration;
}
const Signature& buy_function() {
  static const Signature declaration = *abi::parse_signature("buy(string)");
  return declaration;
}
const Signature& withdraw_function() {
  static const Signature declaration = *abi::parse_signature("withdraw()");
  return declaration;
}
const Signature& listing_of_function() {
  static const Signature declaration = *abi::parse_signature("listingOf(string)");
  return declaration;
}
const Signature& access_of_function() {
  static const Signature declaration = *abi::parse_signature("accessOf(string,address)");
  return declaration;
}
const Signature& balance_of_function() {
  static const Signature declaration = *abi::parse_signature("balanceOf(address)");
  return declaration;
}
const Signature& registry_function() {
  static const Signature declaration = *abi::parse_signature("registry()");
  return declaration;
}

const Signature& published_event() {
  static const Signature declaration =
      *abi::parse_signature("Published(bytes32 indexed,address indexed,string,string," TERMS ")");
  return declaration;
}
const Signature& updated_event() {
  static const Signature declaration =
      *abi::parse_signature("Updated(bytes32 indexed,address indexed,string,string," TERMS ")");
  return declaration;
}
const Signature& unlisted_event() {
  static const Signature declaration = *abi::parse_signature("Unlisted(bytes32 indexed,address indexed,string)");
  return declaration;
}
const Signature& purchased_event() {
  static const Signature declaration =
      *abi::parse_signature("Purchased(bytes32 indexed,address indexed,string,uint256,uint64)");
  return declaration;
}
const Signature& withdrawn_event() {
  static const Signature declaration = *abi::parse_signature("Withdrawn(address indexed,uint256)");
  return declaration;
}

const std::vector<Signature>& custom_errors() {
  static const std::vector<Signature> errors = [] {
    std::vector<Signature> list;
    for (const char* text :
         {"InvalidName(string)", "UnknownRepository(string)", "NotRepositoryOwner(address,address)",
          "NameTaken(string,string,address)", "UnknownListing(string)", "NotListingOwner(address,address)",
          "InvalidSplits(uint256)", "InvalidTerms(string)", "NotListed(string)", "FreeListing(string)",
          "WrongPayment(uint256,uint256)", "NothingToWithdraw(address)", "TransferFailed(address,uint256)"})
      list.push_back(*abi::parse_signature(text));
    return list;
  }();
  return errors;
}

Error malformed(std::string message) {
  return make_error(ErrorKind::invalid_input, "catalogue: " + std::move(message));
}

template <class T>
Result<T> take(const std::vector<Value>& values, std::size_t index, std::string_view what) {
  const T* value = index < values.size() ? values[index].get_if<T>() : nullptr;
  if (value == nullptr) return malformed(std::string(what) + " has the wrong type");
  return *value;
}

Result<std::uint64_t> take_u64(const std::vector<Value>& values, std::size_t index, std::string_view what) {
  MLCHAIN_TRY(const codec::U256 value, take<codec::U256>(values, index, what));
  const auto small = value.to_uint64();
  if (!small) return malformed(std::string(what) + " exceeds 64 bits");
  return *small;
}

template <class T>
Result<std::vector<T>> list_of(const std::vector<Value>& values, std::size_t index, std::string_view what) {
  MLCHAIN_TRY(const auto list, take<abi::List>(values, index, what));
  std::vector<T> items;
  items.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    MLCHAIN_TRY(auto item, take<T>(list, i, what));
    items.push_back(std::move(item));
  }
  return items;
}

Result<std::vector<Value>> decode_types(std::string_view what, std::initializer_list<std::string_view> type_texts,
                                        ByteView data) {
  std::vector<Type> types;
  for (const auto text : type_texts) {
    MLCHAIN_TRY(auto type, Type::parse(text));
    types.push_back(std::move(type));
  }
  auto values = abi::decode(types, data);
  if (!values) return malformed(std::string(what) + ": " + values.error().message);
  return std::move(values).value();
}

Result<Bytes> call(const Signature& function, std::vector<Value> arguments) {
  return abi::encode_call(function, arguments);
}

Value terms_value(const Terms& terms) {
  abi::List tags(terms.tags.begin(), terms.tags.end());
  abi::List payees;
  abi::List shares;
  for (const auto& split : terms.splits) {
    payees.emplace_back(split.payee);
    shares.emplace_back(split.share);
  }
  return abi::Tuple{{terms.unreadable_card.value_or(terms.card.to_bytes()), terms.license, std::move(tags),
                     terms.is_private, terms.price, terms.duration, std::move(payees), std::move(shares)}};
}

// A card is a binary CID; the one exception is the all-zero answer of listingOf for a name never published,
// whose card is empty (`may_be_empty`). Other bytes are the listing's (the contract checks only their
// length): kept as its unreadable card rather than refusing the whole answer or log.
void set_card(Terms& terms, const Bytes& bytes, bool may_be_empty) {
  if (bytes.empty() && may_be_empty) return;
  if (auto cid = codec::Cid::from_bytes(bytes)) {
    terms.card = std::move(cid).value();
  } else {
    terms.unreadable_card = bytes;
  }
}

Result<Terms> terms_of(const Value& value, bool may_be_empty) {
  const auto* tuple = value.get_if<abi::Tuple>();
  if (tuple == nullptr || tuple->fields.size() != 8) return malformed("terms are not a tuple of 8 fields");
  const auto& f = tuple->fields;
  Terms terms;
  MLCHAIN_TRY(const auto card, take<Bytes>(f, 0, "card"));
  set_card(terms, card, may_be_empty);
  MLCHAIN_TRY(terms.license, take<std::string>(f, 1, "license"));
  MLCHAIN_TRY(terms.tags, list_of<std::string>(f, 2, "tags"));
  MLCHAIN_TRY(terms.is_private, take<bool>(f, 3, "isPrivate"));
  MLCHAIN_TRY(terms.price, take<codec::U256>(f, 4, "price"));
  MLCHAIN_TRY(terms.duration, take_u64(f, 5, "duration"));
  MLCHAIN_TRY(const auto payees, list_of<codec::Address>(f, 6, "payees"));
  MLCHAIN_TRY(const auto shares, list_of<codec::U256>(f, 7, "shares"));
  if (payees.size() != shares.size())
    return malformed(std::to_string(payees.size()) + " payees with " + std::to_string(shares.size()) + " shares");
  for (std::size_t i = 0; i < payees.size(); ++i) {
    // abi::decode already refused a share above 16 bits.
    terms.splits.push_back(Split{payees[i], static_cast<std::uint16_t>(*shares[i].to_uint64())});
  }
  return terms;
}

// What the contract guarantees of the name and terms it stored or logged.
Status check_stored(std::string_view what, const std::string& name, const Terms& terms) {
  if (auto valid = check_listing_name(name); !valid) return malformed(std::string(what) + ": " + valid.error().message);
  if (auto valid = check_terms(terms); !valid)
    return malformed(std::string(what) + " of '" + name + "': " + valid.error().message);
  return {};
}

Status check_name_id(const Word& id, const std::string& name, std::string_view event) {
  if (id != name_id(name))
    return malformed("a " + std::string(event) + " log's name id is not the hash of its name '" + name + "'");
  return {};
}

std::string address_text(const codec::Address& address) { return codec::to_checksum_address(address); }

}  // namespace

Status check_listing_name(std::string_view name) {
  const auto alphanumeric = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  const bool valid = !name.empty() && name.size() <= max_text && alphanumeric(name.front()) &&
                     std::all_of(name.begin(), name.end(),
                                 [&](char c) { return alphanumeric(c) || c == '.' || c == '_' || c == '-'; });
  if (!valid) {
    return make_error(ErrorKind::invalid_argument,
                      "listing name '" + std::string(name) +
                          "' is not 1 to 64 characters of a-z 0-9 . _ - starting with a letter or digit");
  }
  return {};
}

Status check_terms(const Terms& terms) {
  const auto refuse = [](std::string why) {
    return make_error(ErrorKind::invalid_argument, "the catalogue refuses the terms: " + std::move(why));
  };
  if (terms.splits.empty() || terms.splits.size() > max_payees)
    return refuse("1 to 16 payees share the price, not " + std::to_string(terms.splits.size()));
  std::uint64_t total = 0;
  for (const auto& split : terms.splits) {
    if (split.payee == codec::Address{}) return refuse("a payee is the zero address");
    if (split.share == 0) return refuse("the share of " + address_text(split.payee) + " is zero");
    total += split.share;
  }
  if (total != total_shares) return refuse("the shares sum to " + std::to_string(total) + " basis points, not 10000");
  if (terms.license.size() > max_text) return refuse("license longer than 64 bytes");
  if ((terms.unreadable_card ? terms.unreadable_card->size() : terms.card.to_bytes().size()) > max_card)
    return refuse("card CID longer than 128 bytes");
  if (terms.tags.size() > max_tags) return refuse("more than 16 tags");
  for (const auto& tag : terms.tags)
    if (tag.empty() || tag.size() > max_text) return refuse("a tag is empty or longer than 64 bytes");
  if (std::any_of(terms.price.big_endian().begin(), terms.price.big_endian().begin() + 16,
                  [](std::uint8_t byte) { return byte != 0; }))
    return refuse("price above 2^128 - 1 wei");
  if (terms.duration != 0 && terms.price.is_zero()) return refuse("a free listing has no duration");
  return {};
}

Word name_id(std::string_view name) { return codec::keccak256(as_bytes(name)); }

Result<Bytes> publish_calldata(std::string_view name, std::string_view repo, const Terms& terms) {
  return call(publish_function(), {name, repo, terms_value(terms)});
}
Result<Bytes> unlist_calldata(std::string_view name) { return call(unlist_function(), {name}); }
Result<Bytes> buy_calldata(std::string_view name) { return call(buy_function(), {name}); }
Result<Bytes> withdraw_calldata() { return call(withdraw_function(), {}); }
Result<Bytes> listing_of_calldata(std::string_view name) { return call(listing_of_function(), {name}); }
Result<Bytes> access_of_calldata(std::string_view name, const codec::Address& who) {
  return call(access_of_function(), {name, who});
}
Result<Bytes> balance_of_calldata(const codec::Address& payee) { return call(balance_of_function(), {payee}); }
Result<Bytes> registry_calldata() { return call(registry_function(), {}); }

Result<Bytes> deployment(const codec::Address& registry) {
  const ByteView code = catalogue_artifact().creation_code;
  Bytes data(code.begin(), code.end());
  const std::vector<Type> types{Type::address()};
  const std::vector<Value> arguments{registry};
  MLCHAIN_TRY(const Bytes encoded, abi::encode(types, arguments));
  data.insert(data.end(), encoded.begin(), encoded.end());
  return data;
}

bool is_catalogue_code(ByteView code, const codec::Address& registry) {
  const ByteView compiled = catalogue_artifact().runtime_code;
  if (code.size() != compiled.size()) return false;
  // The compiled code holds each reference to the immutable registry as 32 zero bytes; the deployed code
  // holds the address there, left-padded. Everything else must be the compiled bytes.
  Bytes registry_word(12, 0);
  registry_word.insert(registry_word.end(), registry.bytes.begin(), registry.bytes.end());
  Bytes expected(compiled.begin(), compiled.end());
  bool filled = false;
  for (std::size_t at = 0; at + 32 <= code.size(); ++at) {
    const auto slot = compiled.subspan(at, 32);
    if (!std::all_of(slot.begin(), slot.end(), [](std::uint8_t byte) { return byte == 0; })) continue;
    if (!std::equal(registry_word.begin(), registry_word.end(), code.begin() + static_cast<std::ptrdiff_t>(at)))
      continue;
    std::copy(registry_word.begin(), registry_word.end(), expected.begin() + static_cast<std::ptrdiff_t>(at));
    filled = true;
    at += 31;
  }
  return filled && std::equal(expected.begin(), expected.end(), code.begin());
}

Result<Listing> decode_listing_of(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("listingOf's answer", {LISTING}, data));
  MLCHAIN_TRY(const auto tuple, take<abi::Tuple>(values, 0, "listing"));
  const auto& f = tuple.fields;
  if (f.size() != 8) return malformed("a listing is not a tuple of 8 fields");
  Listing listing;
  MLCHAIN_TRY(listing.name, take<std::string>(f, 0, "name"));
  MLCHAIN_TRY(listing.repo, take<std::string>(f, 1, "repo"));
  MLCHAIN_TRY(listing.owner, take<codec::Address>(f, 2, "owner"));
  MLCHAIN_TRY(listing.listed, take<bool>(f, 3, "listed"));
  MLCHAIN_TRY(listing.published_at, take_u64(f, 4, "publishedAt"));
  MLCHAIN_TRY(listing.updated_at, take_u64(f, 5, "updatedAt"));
  MLCHAIN_TRY(listing.purchases, take_u64(f, 6, "purchases"));
  const bool exists = listing.owner != codec::Address{};
  MLCHAIN_TRY(listing.terms, terms_of(f[7], !exists));
  if (!exists) {
    if (!listing.name.empty() || !listing.repo.empty() || listing.listed || listing.published_at != 0 ||
        listing.updated_at != 0 || listing.purchases != 0 || !listing.terms.splits.empty() ||
        !listing.terms.tags.empty() || !listing.terms.license.empty() || !listing.terms.price.is_zero() ||
        listing.terms.duration != 0 || listing.terms.is_private || listing.terms.card != codec::Cid{} ||
        listing.terms.unreadable_card)
      return malformed("listingOf answered a listing without owner that is not empty");
    return listing;
  }
  MLCHAIN_TRY_STATUS(check_stored("listingOf's answer", listing.name, listing.terms));
  if (listing.published_at > listing.updated_at)
    return malformed("listing '" + listing.name + "' was updated before it was published");
  return listing;
}

Result<std::uint64_t> decode_access_of(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("accessOf's answer", {"uint64"}, data));
  return take_u64(values, 0, "access");
}

Result<Balance> decode_balance_of(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("balanceOf's answer", {"uint256", "uint256"}, data));
  Balance balance;
  MLCHAIN_TRY(balance.balance, take<codec::U256>(values, 0, "balance"));
  MLCHAIN_TRY(balance.earned, take<codec::U256>(values, 1, "earned"));
  if (balance.balance > balance.earned) return malformed("balanceOf answered a balance above what was ever earned");
  return balance;
}

Result<codec::Address> decode_registry(ByteView data) {
  MLCHAIN_TRY(const auto values, decode_types("registry's answer", {"address"}, data));
  return take<codec::Address>(values, 0, "registry");
}

Word purchased_topic() { return purchased_event().topic(); }

std::vector<Word> event_topics() {
  return {published_event().topic(), updated_event().topic(), unlisted_event().topic(), purchased_event().topic(),
          withdrawn_event().topic()};
}

Result<Event> decode_event(std::span<const Word> topics, ByteView data) {
  if (topics.empty()) return malformed("a log without topics is none of its events");
  const auto decode = [&](const Signature& event) -> Result<std::vector<Value>> {
    auto values = abi::decode_log(event, topics, data);
    if (!values) return malformed("a " + event.name + " log: " + values.error().message);
    return std::move(values).value();
  };
  // Published and Updated carry the same fields.
  const auto listing_change = [&](const Signature& event, auto change) -> Result<Event> {
    MLCHAIN_TRY(const auto v, decode(event));
    MLCHAIN_TRY(change.name_id, take<abi::Word>(v, 0, "nameId"));
    MLCHAIN_TRY(change.owner, take<codec::Address>(v, 1, "owner"));
    MLCHAIN_TRY(change.name, take<std::string>(v, 2, "name"));
    MLCHAIN_TRY(change.repo, take<std::string>(v, 3, "repo"));
    if (v.size() != 5) return malformed("a " + event.name + " log has 5 fields");
    MLCHAIN_TRY(change.terms, terms_of(v[4], false));
    MLCHAIN_TRY_STATUS(check_name_id(change.name_id, change.name, event.name));
    MLCHAIN_TRY_STATUS(check_stored("a " + event.name + " log", change.name, change.terms));
    return Event{std::move(change)};
  };
  const Word& topic = topics[0];
  if (topic == published_event().topic()) return listing_change(published_event(), Published{});
  if (topic == updated_event().topic()) return listing_change(updated_event(), Updated{});
  if (topic == unlisted_event().topic()) {
    MLCHAIN_TRY(const auto v, decode(unlisted_event()));
    Unlisted event;
    MLCHAIN_TRY(event.name_id, take<abi::Word>(v, 0, "nameId"));
    MLCHAIN_TRY(event.owner, take<codec::Address>(v, 1, "owner"));
    MLCHAIN_TRY(event.name, take<std::string>(v, 2, "name"));
    MLCHAIN_TRY_STATUS(check_name_id(event.name_id, event.name, "Unlisted"));
    return Event{std::move(event)};
  }
  if (topic == purchased_event().topic()) {
    MLCHAIN_TRY(const auto v, decode(purchased_event()));
    Purchased event;
    MLCHAIN_TRY(event.name_id, take<abi::Word>(v, 0, "nameId"));
    MLCHAIN_TRY(event.buyer, take<codec::Address>(v, 1, "buyer"));
    MLCHAIN_TRY(event.name, take<std::string>(v, 2, "name"));
    MLCHAIN_TRY(event.price, take<codec::U256>(v, 3, "price"));
    MLCHAIN_TRY(event.access_until, take_u64(v, 4, "accessUntil"));
    MLCHAIN_TRY_STATUS(check_name_id(event.name_id, event.name, "Purchased"));
    if (event.price.is_zero())
      return malformed("a Purchased log of '" + event.name + "' at price 0, which the contract refuses");
    return Event{std::move(event)};
  }
  if (topic == withdrawn_event().topic()) {
    MLCHAIN_TRY(const auto v, decode(withdrawn_event()));
    Withdrawn event;
    MLCHAIN_TRY(event.payee, take<codec::Address>(v, 0, "payee"));
    MLCHAIN_TRY(event.amount, take<codec::U256>(v, 1, "amount"));
    if (event.amount.is_zero()) return malformed("a Withdrawn log of 0 wei, which the contract refuses");
    return Event{std::move(event)};
  }
  return malformed("a log with topic " + codec::to_0x_hex(topic) + " is none of its events");
}

std::optional<Refusal> decode_refusal(ByteView revert_data) {
  auto revert = abi::decode_revert(revert_data, custom_errors());
  if (!revert || revert->kind != abi::Revert::Kind::custom) return std::nullopt;
  const auto& name = revert->error_name;
  const auto& args = revert->arguments;
  const auto text = [&](std::size_t i) {
    const auto* value = i < args.size() ? args[i].get_if<std::string>() : nullptr;
    return value != nullptr ? *value : std::string("?");
  };
  const auto address = [&](std::size_t i) {
    const auto* value = i < args.size() ? args[i].get_if<codec::Address>() : nullptr;
    return value != nullptr ? address_text(*value) : std::string("?");
  };
  const auto wei = [&](std::size_t i) {
    const auto* value = i < args.size() ? args[i].get_if<codec::U256>() : nullptr;
    return (value != nullptr ? value->to_decimal() : std::string("?")) + " wei";
  };
  Refusal refusal{name, ErrorKind::refused_by_contract, ""};
  if (name == "InvalidName") {
    refusal.kind = ErrorKind::invalid_argument;
    refusal.message = "the catalogue refuses the listing name '" + text(0) +
                      "': use 1 to 64 characters of a-z 0-9 . _ - starting with a letter or digit";
  } else if (name == "UnknownRepository") {
    refusal.kind = ErrorKind::not_found;
    refusal.message = "the registry has no repository '" + text(0) + "': push it before publishing it";
  } else if (name == "NotRepositoryOwner") {
    refusal.message =
        address(0) + " does not own the repository (" + address(1) + " does): only its owner publishes it";
  } else if (name == "NameTaken") {
    refusal.message =
        "the name " + text(0) + " is taken by repository " + text(1) + " of " + address(2) + ": choose another name";
  } else if (name == "UnknownListing") {
    refusal.kind = ErrorKind::not_found;
    refusal.message = "the catalogue has no listing '" + text(0) + "'";
  } else if (name == "NotListingOwner") {
    refusal.message = address(0) + " does not own the listing (" + address(1) + " does): only its owner changes it";
  } else if (name == "InvalidSplits") {
    refusal.kind = ErrorKind::invalid_argument;
    const auto* total = args.empty() ? nullptr : args[0].get_if<codec::U256>();
    refusal.message = total != nullptr && !total->is_zero()
                          ? "the catalogue refuses the splits: their shares sum to " + total->to_decimal() +
                                " basis points, not 10000"
                          : "the catalogue refuses the splits: give 1 to 16 payees, none the zero address, each a "
                            "non-zero share, summing to 10000 basis points";
  } else if (name == "InvalidTerms") {
    refusal.kind = ErrorKind::invalid_argument;
    refusal.message = "the catalogue refuses the terms: " + text(0);
  } else if (name == "NotListed") {
    refusal.message =
        "listing '" + text(0) + "' is unlisted: it cannot be bought or unlisted until its owner publishes it again";
  } else if (name == "FreeListing") {
    refusal.message = "listing '" + text(0) + "' is free: there is nothing to buy, clone it";
  } else if (name == "WrongPayment") {
    refusal.message =
        "the catalogue refuses a payment of " + wei(1) + ": the price is " + wei(0) + ", send exactly that";
  } else if (name == "NothingToWithdraw") {
    refusal.message = address(0) + " has nothing to withdraw";
  } else if (name == "TransferFailed") {
    refusal.message = "the payee " + address(0) + " refused the payment of " + wei(1) +
                      ": its balance is unchanged, withdraw from an account that accepts payments";
  }
  return refusal;
}

}  // namespace mlchain::eth::catalogue
