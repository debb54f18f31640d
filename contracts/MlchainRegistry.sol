// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title mlchain registry: branch heads that only move by compare-and-swap
/// @notice One contract serves many repositories. A repository is named by a short string and created by
/// its first push, whose sender becomes its owner; the owner grants and revokes writers. Each branch holds
/// one head: the sha2-256 digest of the head commit's CID (always CIDv1 dag-cbor sha2-256, so the digest
/// alone rebuilds the CID). A head moves only when the pusher names the head it saw, so a pusher who
/// missed someone else's update is refused instead of silently overwriting it.
/// @dev Names are hashed with keccak256 into the storage keys and the indexed event topics; the names
/// themselves travel in the event data so `eth_getLogs` alone rebuilds the history of every branch.
contract MlchainRegistry {
    struct Repository {
        address owner;
        mapping(address => bool) writers;
        mapping(bytes32 => bytes32) heads;
        // Kept so a clone can find the branches of a repository from the chain alone.
        string[] branches;
        // The first block at which each commit became a head of some branch: contracts (the governance
        // contract) accept evaluations and promotions only of commits the repository actually published.
        mapping(bytes32 => uint256) anchoredAt;
        // Contracts the owner attached to the repository, so a client finds them from the registry alone.
        address governance;
        address catalogue;
    }

    mapping(bytes32 => Repository) private repositories;

    /// @notice The first push of `repo` created it with `owner` as its owner.
    event RepositoryCreated(bytes32 indexed repoId, string repo, address indexed owner);

    /// @notice `pusher` moved `branch` of `repo` from `oldHead` (0: the branch's first push) to `newHead`.
    /// @dev repoId, branchId and pusher are indexed so a client can filter one repository or one branch;
    /// the strings and both heads are in the data so each event stands on its own.
    event HeadUpdated(
        bytes32 indexed repoId,
        bytes32 indexed branchId,
        address indexed pusher,
        string repo,
        string branch,
        bytes32 oldHead,
        bytes32 newHead
    );

    /// @notice The owner `by` let `writer` push to the repository.
    event WriterGranted(bytes32 indexed repoId, address indexed writer, address indexed by);

    /// @notice The owner `by` took the right to push away from `writer`.
    event WriterRevoked(bytes32 indexed repoId, address indexed writer, address indexed by);

    /// @notice The owner `by` named `governance` as the contract that holds the repository's stages.
    event GovernanceSet(bytes32 indexed repoId, address indexed governance, address indexed by);

    /// @notice The owner `by` named `catalogue` as the repository's catalogue contract.
    event CatalogueSet(bytes32 indexed repoId, address indexed catalogue, address indexed by);

    /// @notice The caller is neither the repository's owner nor one of its writers.
    error NotWriter(address caller);
    /// @notice Only the repository's owner manages its writers.
    error NotOwner(address caller);
    /// @notice The branch moved since the pusher last looked: it must fetch, merge or rebase, and retry.
    error StaleHead(bytes32 expected, bytes32 actual);
    /// @notice 0 means "no head"; a branch can never be moved back to it.
    error EmptyHead();
    /// @notice The repository has no owner yet: it is created by its first push, not by a grant.
    error UnknownRepository();
    /// @notice A repository name is 1 to 64 bytes of [A-Za-z0-9._-], so it prints and types unambiguously.
    error InvalidRepositoryName();
    /// @notice A branch name may not be empty (mlchain checks the rest of its ref-name rules itself).
    error EmptyBranchName();

    /// @notice Moves `branch` of `repo` from `expectedOld` to `newHead`, creating the repository (owned by
    /// the caller) on its first push and the branch when `expectedOld` is 0.
    /// @param expectedOld the head the caller last saw, 0 for a branch that has never been pushed
    /// @param newHead the sha2-256 digest of the new head commit's CID
    function push(string calldata repo, string calldata branch, bytes32 expectedOld, bytes32 newHead) external {
        if (newHead == bytes32(0)) revert EmptyHead();
        if (bytes(branch).length == 0) revert EmptyBranchName();
        bytes32 repoId = keccak256(bytes(repo));
        Repository storage repository = repositories[repoId];
        address owner = repository.owner;
        if (owner == address(0)) {
            // Checked only here: a repository that exists already has a valid name, and pushes stay cheap.
            if (!isValidRepositoryName(bytes(repo))) revert InvalidRepositoryName();
            repository.owner = msg.sender;
            emit RepositoryCreated(repoId, repo, msg.sender);
        } else if (msg.sender != owner && !repository.writers[msg.sender]) {
            revert NotWriter(msg.sender);
        }
        bytes32 branchId = keccak256(bytes(branch));
        bytes32 actual = repository.heads[branchId];
        if (actual != expectedOld) revert StaleHead(expectedOld, actual);
        repository.heads[branchId] = newHead;
        // A stored head is never 0 again once set, so 0 marks exactly a branch's first push.
        if (actual == bytes32(0)) repository.branches.push(branch);
        // Only the first anchoring counts: a commit pushed again to another branch keeps its block, so
        // "anchored since" never moves forward.
        if (repository.anchoredAt[newHead] == 0) repository.anchoredAt[newHead] = block.number;
        emit HeadUpdated(repoId, branchId, msg.sender, repo, branch, actual, newHead);
    }

    /// @notice Lets `writer` push to `repo`; only the owner may.
    function grant(string calldata repo, address writer) external {
        bytes32 repoId = keccak256(bytes(repo));
        Repository storage repository = ownedByCaller(repoId);
        repository.writers[writer] = true;
        emit WriterGranted(repoId, writer, msg.sender);
    }

    /// @notice Stops `writer` from pushing to `repo`; only the owner may. The owner itself always writes.
    function revoke(string calldata repo, address writer) external {
        bytes32 repoId = keccak256(bytes(repo));
        Repository storage repository = ownedByCaller(repoId);
        repository.writers[writer] = false;
        emit WriterRevoked(repoId, writer, msg.sender);
    }

    /// @notice Names `governance` as the contract holding `repo`'s stages (0 detaches it); only the owner may.
    function setGovernance(string calldata repo, address governance) external {
        bytes32 repoId = keccak256(bytes(repo));
        ownedByCaller(repoId).governance = governance;
        emit GovernanceSet(repoId, governance, msg.sender);
    }

    /// @notice Names `catalogue` as `repo`'s catalogue contract (0 detaches it); only the owner may.
    function setCatalogue(string calldata repo, address catalogue) external {
        bytes32 repoId = keccak256(bytes(repo));
        ownedByCaller(repoId).catalogue = catalogue;
        emit CatalogueSet(repoId, catalogue, msg.sender);
    }

    /// @return the governance contract the owner named for `repo`, the zero address if none
    function governanceOf(string calldata repo) external view returns (address) {
        return repositories[keccak256(bytes(repo))].governance;
    }

    /// @return the catalogue contract the owner named for `repo`, the zero address if none
    function catalogueOf(string calldata repo) external view returns (address) {
        return repositories[keccak256(bytes(repo))].catalogue;
    }

    /// @return the first block at which `commit` was pushed as a head of `repo`, 0 if it never was
    function anchoredAt(string calldata repo, bytes32 commit) external view returns (uint256) {
        return repositories[keccak256(bytes(repo))].anchoredAt[commit];
    }

    /// @return anchoredAt for a repository named by its id (keccak256 of its name), for contracts
    function anchoredAtId(bytes32 repoId, bytes32 commit) external view returns (uint256) {
        return repositories[repoId].anchoredAt[commit];
    }

    /// @return ownerOf for a repository named by its id (keccak256 of its name), for contracts
    function ownerOfId(bytes32 repoId) external view returns (address) {
        return repositories[repoId].owner;
    }

    /// @return the head of `branch` in `repo`, 0 if it was never pushed
    function headOf(string calldata repo, string calldata branch) external view returns (bytes32) {
        return repositories[keccak256(bytes(repo))].heads[keccak256(bytes(branch))];
    }

    /// @return the owner of `repo`, the zero address if it was never pushed
    function ownerOf(string calldata repo) external view returns (address) {
        return repositories[keccak256(bytes(repo))].owner;
    }

    /// @return whether `who` may push to `repo`; the owner always may
    function isWriter(string calldata repo, address who) external view returns (bool) {
        Repository storage repository = repositories[keccak256(bytes(repo))];
        return who != address(0) && (who == repository.owner || repository.writers[who]);
    }

    /// @return every branch ever pushed to `repo`, in the order of their first pushes
    function branchesOf(string calldata repo) external view returns (string[] memory) {
        return repositories[keccak256(bytes(repo))].branches;
    }

    function ownedByCaller(bytes32 repoId) private view returns (Repository storage repository) {
        repository = repositories[repoId];
        address owner = repository.owner;
        if (owner == address(0)) revert UnknownRepository();
        if (msg.sender != owner) revert NotOwner(msg.sender);
    }

    function isValidRepositoryName(bytes calldata name) private pure returns (bool) {
        if (name.length == 0 || name.length > 64) return false;
        for (uint256 i = 0; i < name.length; ++i) {
            bytes1 c = name[i];
            bool valid = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") ||
                c == "." || c == "_" || c == "-";
            if (!valid) return false;
        }
        return true;
    }
}
