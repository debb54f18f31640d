#include "mlchain/eth/deployment_abi.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "mlchain/codec/abi.hpp"
#include "mlchain/eth/eas_abi.hpp"
#include "mlchain/eth/governance_abi.hpp"

namespace mlchain::eth::deployment {
namespace {

namespace abi = codec::abi;

const std::vector<abi::Type>& data_types() {
  static const std::vector<abi::Type> types{abi::Type::address(), abi::Type::string(), abi::Type::bytes32(),
                                            abi::Type::string(), abi::Type::bytes32()};
  return types;
}

template <class T>
Result<T> field(const std::vector<abi::Value>& values, std::size_t index) {
  const T* value = index < values.size() ? values[index].get_if<T>() : nullptr;
  if (value == nullptr) return make_error(ErrorKind::internal, "deployment attestation: a field has the wrong type");
  return *value;
}

}  // namespace

Word schema_uid() { return eas::schema_uid(schema_text, codec::Address{}, schema_revocable); }

Status check_environment(std::string_view name) {
  if (auto word = governance::name_word(name, "environment"); !word) return word.error();
  return {};
}

Result<Bytes> encode(const DeploymentData& data) {
  MLCHAIN_TRY_STATUS(check_environment(data.environment));
  if (data.repo.empty()) return make_error(ErrorKind::invalid_argument, "deployment attestation: no repository name");
  const std::vector<abi::Value> values{data.registry, data.repo, abi::Word(data.commit), data.environment,
                                       abi::Word(data.tree)};
  return abi::encode(data_types(), values);
}

Result<DeploymentData> decode(ByteView bytes) {
  auto values = abi::decode(data_types(), bytes);
  if (!values) return make_error(ErrorKind::invalid_input, "deployment attestation: " + values.error().message);
  DeploymentData data;
  MLCHAIN_TRY(data.registry, field<codec::Address>(*values, 0));
  MLCHAIN_TRY(data.repo, field<std::string>(*values, 1));
  MLCHAIN_TRY(data.commit, field<abi::Word>(*values, 2));
  MLCHAIN_TRY(data.environment, field<std::string>(*values, 3));
  MLCHAIN_TRY(data.tree, field<abi::Word>(*values, 4));
  if (!check_environment(data.environment).ok())
    return make_error(ErrorKind::invalid_input, "deployment attestation: the environment is not a valid name");
  if (data.repo.empty())
    return make_error(ErrorKind::invalid_input, "deployment attestation: the repository name is empty");
  if (std::all_of(data.commit.begin(), data.commit.end(), [](std::uint8_t byte) { return byte == 0; }))
    return make_error(ErrorKind::invalid_input, "deployment attestation: the commit is zero");
  return data;
}

codec::Cid tree_cid(const Word& tree) {
  return codec::Cid(1, codec::multicodec::dag_pb,
                    codec::Multihash{codec::multihash_code::sha2_256, Bytes(tree.begin(), tree.end())});
}

Result<Word> tree_digest(const codec::Cid& tree) {
  const auto& hash = tree.hash();
  if (hash.code != codec::multihash_code::sha2_256 || hash.digest.size() != Word{}.size())
    return make_error(ErrorKind::invalid_input,
                      "tree " + tree.to_string() + " is not addressed by a sha2-256 digest, so it cannot be attested");
  Word word;
  std::copy(hash.digest.begin(), hash.digest.end(), word.begin());
  return word;
}

}  // namespace mlchain::eth::deployment
