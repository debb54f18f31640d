// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// The shapes MlchainGovernance needs from the Ethereum Attestation Service (npm
// @ethereum-attestation-service/eas-contracts 1.9.0, deployed from its own artifacts, see
// contracts/eas/README.md) and from MlchainRegistry. Declared here rather than imported because EAS's
// sources pin solc 0.8.29 and ours 0.8.28; only ABI shapes are needed, and they are EAS's exactly.

/// @dev EAS's Attestation record (Common.sol), as EAS stores it and passes it to a resolver.
struct Attestation {
    bytes32 uid;
    bytes32 schema;
    uint64 time;
    uint64 expirationTime;
    uint64 revocationTime;
    bytes32 refUID;
    address recipient;
    address attester;
    bool revocable;
    bytes data;
}

/// @dev EAS's AttestationRequestData (IEAS.sol).
struct AttestationRequestData {
    address recipient;
    uint64 expirationTime;
    bool revocable;
    bytes32 refUID;
    bytes data;
    uint256 value;
}

/// @dev EAS's AttestationRequest (IEAS.sol).
struct AttestationRequest {
    bytes32 schema;
    AttestationRequestData data;
}

/// @dev EAS's SchemaRecord (ISchemaRegistry.sol); the resolver is an address in the ABI.
struct SchemaRecord {
    bytes32 uid;
    address resolver;
    bool revocable;
    string schema;
}

/// @dev The part of EAS's ISchemaRegistry the governance contract calls.
interface ISchemaRegistry {
    function register(string calldata schema, address resolver, bool revocable) external returns (bytes32);
    function getSchema(bytes32 uid) external view returns (SchemaRecord memory);
}

/// @dev The part of EAS's IEAS the governance contract calls.
interface IEAS {
    function getSchemaRegistry() external view returns (ISchemaRegistry);
    function attest(AttestationRequest calldata request) external payable returns (bytes32);
    function getAttestation(bytes32 uid) external view returns (Attestation memory);
}

/// @dev EAS's ISchemaResolver (with ISemver's version()): what EAS calls on a schema's resolver.
interface ISchemaResolver {
    function version() external view returns (string memory);
    function isPayable() external pure returns (bool);
    function attest(Attestation calldata attestation) external payable returns (bool);
    function multiAttest(Attestation[] calldata attestations, uint256[] calldata values)
        external payable returns (bool);
    function revoke(Attestation calldata attestation) external payable returns (bool);
    function multiRevoke(Attestation[] calldata attestations, uint256[] calldata values)
        external payable returns (bool);
}

/// @dev The part of MlchainRegistry (v2) the governance contract reads.
interface IMlchainRegistry {
    function ownerOfId(bytes32 repoId) external view returns (address);
    function anchoredAtId(bytes32 repoId, bytes32 commit) external view returns (uint256);
}
