#include "mlchain/codec/transaction.hpp"

#include <algorithm>
#include <string>

#include "mlchain/codec/rlp.hpp"

namespace mlchain::codec {
namespace {

constexpr std::uint8_t eip1559_type_byte = 0x02;
constexpr std::uint64_t eip155_offset = 35;  // v = chain_id·2 + 35 + y_parity
constexpr std::size_t eip1559_fields = 12;
constexpr std::size_t legacy_fields = 9;

Error usage(std::string what) { return make_error(ErrorKind::invalid_input, "transaction: " + std::move(what)); }

rlp::Item to_item(const std::optional<Address>& to) {
  if (!to) return rlp::Item(Bytes{});
  return rlp::Item(ByteView(to->bytes));
}

rlp::Item access_list_item(const std::vector<AccessListEntry>& access_list) {
  rlp::List entries;
  for (const AccessListEntry& entry : access_list) {
    rlp::List keys;
    for (const StorageKey& key : entry.storage_keys) keys.emplace_back(ByteView(key));
    entries.emplace_back(rlp::List{rlp::Item(ByteView(entry.address.bytes)), rlp::Item(std::move(keys))});
  }
  return rlp::Item(std::move(entries));
}

Status check_fields(const Transaction& transaction) {
  if (transaction.type == TransactionType::eip1559) {
    if (!transaction.gas_price.is_zero())
      return usage("gas_price is set on a type 2 transaction (it has two fee fields)");
    return {};
  }
  if (transaction.type != TransactionType::legacy) {
    return usage("unsupported type " + std::to_string(static_cast<int>(transaction.type)));
  }
  if (!transaction.max_fee_per_gas.is_zero() || !transaction.max_priority_fee_per_gas.is_zero()) {
    return usage("EIP-1559 fee fields are set on a legacy transaction (it has gas_price)");
  }
  if (!transaction.access_list.empty()) return usage("a legacy transaction has no access list");
  if (transaction.chain_id == 0) return usage("a legacy transaction needs a chain id (EIP-155)");
  return {};
}

// The fields both forms share, in their order: what follows chain_id in type 2 and starts a legacy list.
rlp::List common_fields(const Transaction& transaction) {
  rlp::List fields;
  fields.push_back(rlp::Item::integer(transaction.nonce));
  if (transaction.type == TransactionType::eip1559) {
    fields.push_back(rlp::Item::integer(transaction.max_priority_fee_per_gas));
    fields.push_back(rlp::Item::integer(transaction.max_fee_per_gas));
  } else {
    fields.push_back(rlp::Item::integer(transaction.gas_price));
  }
  fields.push_back(rlp::Item::integer(transaction.gas_limit));
  fields.push_back(to_item(transaction.to));
  fields.push_back(rlp::Item::integer(transaction.value));
  fields.push_back(rlp::Item(transaction.data));
  return fields;
}

rlp::Item unsigned_list(const Transaction& transaction) {
  if (transaction.type == TransactionType::eip1559) {
    rlp::List fields{rlp::Item::integer(transaction.chain_id)};
    for (rlp::Item& field : common_fields(transaction)) fields.push_back(std::move(field));
    fields.push_back(access_list_item(transaction.access_list));
    return fields;
  }
  rlp::List fields = common_fields(transaction);
  fields.push_back(rlp::Item::integer(transaction.chain_id));
  fields.emplace_back(Bytes{});
  fields.emplace_back(Bytes{});
  return fields;
}

Bytes typed(const rlp::Item& list, TransactionType type) {
  Bytes out;
  if (type == TransactionType::eip1559) out.push_back(eip1559_type_byte);
  append(out, rlp::encode(list));
  return out;
}

U256 legacy_v(std::uint64_t chain_id, std::uint8_t y_parity) {
  // chain_id·2 + 35 + y can exceed 64 bits; U256 cannot overflow here.
  return *U256(chain_id).checked_mul(2)->checked_add(U256(eip155_offset + y_parity));
}

Result<Address> address_field(const rlp::Item& item, const char* what) {
  const Bytes* bytes = item.bytes();
  if (bytes == nullptr || bytes->size() != 20) {
    return usage(std::string(what) + " is not a 20-byte address");
  }
  Address address;
  std::copy(bytes->begin(), bytes->end(), address.bytes.begin());
  return address;
}

Result<std::vector<AccessListEntry>> access_list_field(const rlp::Item& item) {
  const rlp::List* entries = item.list();
  if (entries == nullptr) return usage("access list is not a list");
  std::vector<AccessListEntry> access_list;
  for (const rlp::Item& entry : *entries) {
    const rlp::List* pair = entry.list();
    if (pair == nullptr || pair->size() != 2 || (*pair)[1].list() == nullptr) {
      return usage("access list entry is not [address, [storage keys]]");
    }
    MLCHAIN_TRY(Address address, address_field((*pair)[0], "access list address"));
    AccessListEntry decoded{address, {}};
    for (const rlp::Item& key : *(*pair)[1].list()) {
      const Bytes* bytes = key.bytes();
      if (bytes == nullptr || bytes->size() != 32) return usage("access list storage key is not 32 bytes");
      StorageKey storage_key{};
      std::copy(bytes->begin(), bytes->end(), storage_key.begin());
      decoded.storage_keys.push_back(storage_key);
    }
    access_list.push_back(std::move(decoded));
  }
  return access_list;
}

// Fills the shared fields from `fields` starting at `at` (the nonce); returns the index after data.
Result<std::size_t> read_common_fields(const rlp::List& fields, std::size_t at, Transaction& transaction) {
  MLCHAIN_TRY(transaction.nonce, rlp::to_uint64(fields[at++], "nonce"));
  if (transaction.type == TransactionType::eip1559) {
    MLCHAIN_TRY(transaction.max_priority_fee_per_gas, rlp::to_u256(fields[at++], "max_priority_fee_per_gas"));
    MLCHAIN_TRY(transaction.max_fee_per_gas, rlp::to_u256(fields[at++], "max_fee_per_gas"));
  } else {
    MLCHAIN_TRY(transaction.gas_price, rlp::to_u256(fields[at++], "gas_price"));
  }
  MLCHAIN_TRY(transaction.gas_limit, rlp::to_uint64(fields[at++], "gas_limit"));
  const rlp::Item& to = fields[at++];
  if (to.bytes() != nullptr && to.bytes()->empty()) {
    transaction.to.reset();
  } else {
    MLCHAIN_TRY(transaction.to, address_field(to, "to"));
  }
  MLCHAIN_TRY(transaction.value, rlp::to_u256(fields[at++], "value"));
  const Bytes* data = fields[at++].bytes();
  if (data == nullptr) return usage("data is a list, not bytes");
  transaction.data = *data;
  return at;
}

Result<RecoverableSignature> signature_fields(const rlp::Item& r_item, const rlp::Item& s_item, std::uint8_t y_parity) {
  MLCHAIN_TRY(const U256 r, rlp::to_u256(r_item, "r"));
  MLCHAIN_TRY(const U256 s, rlp::to_u256(s_item, "s"));
  Bytes bytes(r.big_endian().begin(), r.big_endian().end());
  bytes.insert(bytes.end(), s.big_endian().begin(), s.big_endian().end());
  bytes.push_back(static_cast<std::uint8_t>(27 + y_parity));
  auto signature = parse_signature(bytes);
  if (!signature) return usage("signature: " + signature.error().message);
  return signature;
}

Result<SignedTransaction> decode_eip1559(ByteView payload) {
  MLCHAIN_TRY(const rlp::Item item, rlp::decode(payload));
  const rlp::List* fields = item.list();
  if (fields == nullptr || fields->size() != eip1559_fields) {
    return usage("a type 2 transaction is a list of " + std::to_string(eip1559_fields) + " fields");
  }
  Transaction transaction;
  transaction.type = TransactionType::eip1559;
  MLCHAIN_TRY(transaction.chain_id, rlp::to_uint64((*fields)[0], "chain_id"));
  MLCHAIN_TRY(const std::size_t next, read_common_fields(*fields, 1, transaction));
  MLCHAIN_TRY(transaction.access_list, access_list_field((*fields)[next]));
  MLCHAIN_TRY(const std::uint64_t y_parity, rlp::to_uint64((*fields)[next + 1], "y_parity"));
  if (y_parity > 1) return usage("y_parity is neither 0 nor 1");
  MLCHAIN_TRY(const auto signature,
              signature_fields((*fields)[next + 2], (*fields)[next + 3], static_cast<std::uint8_t>(y_parity)));
  return attach_signature(transaction, signature);
}

Result<SignedTransaction> decode_legacy(ByteView raw) {
  MLCHAIN_TRY(const rlp::Item item, rlp::decode(raw));
  const rlp::List* fields = item.list();
  if (fields == nullptr || fields->size() != legacy_fields) {
    return usage("a legacy transaction is a list of " + std::to_string(legacy_fields) + " fields");
  }
  Transaction transaction;
  transaction.type = TransactionType::legacy;
  MLCHAIN_TRY(const std::size_t next, read_common_fields(*fields, 0, transaction));
  MLCHAIN_TRY(const U256 v, rlp::to_u256((*fields)[next], "v"));
  if (v < U256(eip155_offset + 2)) {
    return usage("legacy v " + v.to_decimal() + " carries no chain id (pre-EIP-155 transactions are not accepted)");
  }
  const U256 doubled = *v.checked_sub(U256(eip155_offset));
  const auto chain_id = doubled.divided_by(2).to_uint64();
  if (!chain_id) return usage("legacy v " + v.to_decimal() + " gives a chain id above 64 bits");
  transaction.chain_id = *chain_id;
  const auto y_parity = static_cast<std::uint8_t>(*doubled.checked_sub(*U256(*chain_id).checked_mul(2))->to_uint64());
  MLCHAIN_TRY(const auto signature, signature_fields((*fields)[next + 1], (*fields)[next + 2], y_parity));
  return attach_signature(transaction, signature);
}

}  // namespace

RecoverableSignature SignedTransaction::signature() const {
  RecoverableSignature signature;
  std::copy(r.begin(), r.end(), signature.bytes.begin());
  std::copy(s.begin(), s.end(), signature.bytes.begin() + 32);
  signature.bytes[64] = static_cast<std::uint8_t>(27 + y_parity);
  return signature;
}

Result<Bytes> signing_payload(const Transaction& transaction) {
  MLCHAIN_TRY_STATUS(check_fields(transaction));
  return typed(unsigned_list(transaction), transaction.type);
}

Result<Keccak256Digest> signing_hash(const Transaction& transaction) {
  MLCHAIN_TRY(const Bytes payload, signing_payload(transaction));
  return keccak256(payload);
}

Result<SignedTransaction> attach_signature(const Transaction& transaction, const RecoverableSignature& signature) {
  MLCHAIN_TRY_STATUS(check_fields(transaction));
  MLCHAIN_TRY(const RecoverableSignature checked, parse_signature(signature.bytes));
  SignedTransaction signed_transaction;
  signed_transaction.transaction = transaction;
  signed_transaction.y_parity = static_cast<std::uint8_t>(checked.recovery_id());
  std::copy_n(checked.bytes.begin(), 32, signed_transaction.r.begin());
  std::copy_n(checked.bytes.begin() + 32, 32, signed_transaction.s.begin());

  const U256 r = U256::from_big_endian(std::span<const std::uint8_t, 32>(signed_transaction.r));
  const U256 s = U256::from_big_endian(std::span<const std::uint8_t, 32>(signed_transaction.s));
  rlp::List fields;
  if (transaction.type == TransactionType::eip1559) {
    fields = *unsigned_list(transaction).list();
    fields.push_back(rlp::Item::integer(std::uint64_t{signed_transaction.y_parity}));
  } else {
    fields = common_fields(transaction);
    fields.push_back(rlp::Item::integer(legacy_v(transaction.chain_id, signed_transaction.y_parity)));
  }
  fields.push_back(rlp::Item::integer(r));
  fields.push_back(rlp::Item::integer(s));
  signed_transaction.raw = typed(fields, transaction.type);
  signed_transaction.hash = keccak256(signed_transaction.raw);
  return signed_transaction;
}

Result<SignedTransaction> decode_transaction(ByteView raw) {
  if (raw.empty()) return usage("no bytes");
  if (raw[0] >= 0xc0) return decode_legacy(raw);
  if (raw[0] == eip1559_type_byte) return decode_eip1559(raw.subspan(1));
  return usage("unsupported transaction type 0x" + std::string(1, "0123456789abcdef"[raw[0] >> 4]) +
               std::string(1, "0123456789abcdef"[raw[0] & 0x0f]) + " (mlchain reads type 2 and legacy EIP-155)");
}

}  // namespace mlchain::codec
