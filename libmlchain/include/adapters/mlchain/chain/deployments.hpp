#pragma once
// Deployment attestations (docs/format.md, "Deployment attestations"; docs/architecture.md, chain/): EAS
// attestations under mlchain's deployment schema saying that a commit of a repository runs in an
// environment. Made by `mlchain attest deploy`, listed by `mlchain ledger`, checked by
// `mlchain verify --chain --deployed-to ENV`; `deployments_of` is the one listing every reader uses.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlchain/chain/anchor.hpp"
#include "mlchain/chain/transactor.hpp"
#include "mlchain/codec/address.hpp"
#include "mlchain/codec/cid.hpp"
#include "mlchain/eth/deployment_abi.hpp"
#include "mlchain/eth/rpc_client.hpp"

namespace mlchain::chain {

// One deployment attestation of a repository, as EAS holds it and as its Attested log placed it.
struct Deployment {
  std::string environment;
  codec::Cid commit;
  codec::Cid tree;  // the tree the attester's host computed, as CIDv1 dag-pb (docs/format.md)
  codec::Address attester;
  codec::Address recipient;  // the commit's author when mlchain attested it
  eth::deployment::Word uid{};
  std::uint64_t block = 0;
  std::uint64_t log_index = 0;
  std::uint64_t time = 0;  // EAS's timestamp: seconds since the epoch
  eth::Hash transaction{};
  std::uint64_t revocation_time = 0;  // 0: standing
  bool revoked() const { return revocation_time != 0; }
};

// The EAS deployments are attested on: `eas` when given, else the EAS of the repository's governance, else
// the chain's known EAS 1.4.0 deployment. not_found naming the repository when there is none; the contract
// found must answer as EAS 1.4.0.
Result<codec::Address> find_deployment_eas(eth::RpcClient& rpc, const ChainRemote& remote,
                                           std::optional<codec::Address> eas);

// Every deployment attestation of the remote's repository (registry and name in the attested data), oldest
// first in block and log order, revoked ones included and marked. They are found by EAS's Attested event with
// the schema's UID as topic, each read back with getAttestation; one whose data does not decode under the
// schema, or names another repository, is not one of them. An EAS that never saw the schema has none.
Result<std::vector<Deployment>> deployments_of(const ChainRemote& remote, std::optional<codec::Address> eas = {});
Result<std::vector<Deployment>> deployments_of(eth::RpcClient& rpc, const ChainRemote& remote,
                                               const codec::Address& eas);

// Whose attestations count: `attesters` when any are named, else the repository's writers on the registry
// now (its owner included).
struct CurrentDeployment {
  std::string environment;
  std::optional<Deployment> deployment;   // nothing: no standing attestation by an authorised attester
  std::vector<codec::Address> attesters;  // as asked; empty: the repository's writers
  codec::Address eas;
};
// The latest (block, then log order) non-revoked attestation for `environment` by an authorised attester.
Result<CurrentDeployment> current_deployment(const ChainRemote& remote, std::string_view environment,
                                             std::span<const codec::Address> attesters,
                                             std::optional<codec::Address> eas = {});

struct AttestationReport {
  Deployment deployment;
  codec::Address eas;
  std::optional<Settled> schema_registration;  // set when this run registered the schema
  Settled attestation;
};
// Attests that `commit` (anchored in the remote's repository, refused_by_contract otherwise) whose author is
// `author` runs in `environment` with files hashing to `tree`: registers the schema on EAS's SchemaRegistry
// first when it does not know it, then EAS.attest with recipient `author`, no expiration, revocable.
// The caller has verified the content (workflow/attest.hpp).
Result<AttestationReport> attest_deployment(repo::Repository& repository, const ChainRemote& remote,
                                            const codec::Cid& commit, const codec::Address& author,
                                            const codec::Cid& tree, std::string_view environment,
                                            std::optional<codec::Address> eas, core::Signer& signer,
                                            const ChainOptions& options);

// Revokes deployment attestation `uid` of the remote's repository (EAS lets only its attester revoke it):
// not_found when EAS holds no such deployment of this repository, refused_by_contract when the signer is not
// its attester or it is revoked already. The deployment, as it stood before, and the transaction.
struct RevocationReport {
  Deployment deployment;
  codec::Address eas;
  Settled revocation;
};
Result<RevocationReport> revoke_deployment(repo::Repository& repository, const ChainRemote& remote,
                                           const eth::deployment::Word& uid, std::optional<codec::Address> eas,
                                           core::Signer& signer, const ChainOptions& options);

}  // namespace mlchain::chain
