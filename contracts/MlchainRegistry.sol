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
        // Private models (docs/format.md §7.1): a private repository's files are encrypted; the owner or a
        // writer grants readers the keys of anchored versions, revokes them from future versions, and
        // records the shredding of a version's keys.
        bool isPrivate;
        mapping(address => bool) hasAccess;
        // Every address ever granted, in the order of their first grants (a revoked reader stays listed).
        address[] readers;
        mapping(address => bool) listedReader;
        // The block at which the owner's keys of each commit were destroyed, 0 for a commit never shredded.
        mapping(bytes32 => uint256) shreddedAt;
        // Commit signers (docs/format.md §7.1): each signer's authorisation intervals, append-only, so the
        // question "was this key authorised at block B" has one answer forever, whatever happens later.
        mapping(address => SignerInterval[]) signerIntervals;
        // Every signer ever added, in the order of their first additions (a removed signer stays listed).
        address[] signers;
    }

    /// @dev A signer counts at block b when fromBlock <= b < untilBlock; untilBlock 0 means not removed yet.
    struct SignerInterval {
        uint64 fromBlock;
        uint64 untilBlock;
    }

    mapping(bytes32 => Repository) private repositories;

    // Encryption keys are per account, not per repository: a grantor finds a grantee's key from the chain
    // alone. The nonce is the one the next publication's signature must cover, so an old signature never
    // publishes again (it cannot bring back a replaced key).
    mapping(address => bytes) private encryptionKeys;
    mapping(address => uint256) private encryptionKeyNonces;

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant ENCRYPTION_KEY_TYPEHASH = keccak256("EncryptionKey(address account,bytes key,uint256 nonce)");
    // secp256k1's group order halved: a signature with a higher s has a twin (n - s) that recovers the
    // same signer, so only the low one is accepted (as Ethereum transactions do since EIP-2).
    uint256 private constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

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

    /// @notice `account` published `key` (compressed secp256k1) as the key files are encrypted to for it,
    /// with a signature over `nonce`.
    event EncryptionKeyPublished(address indexed account, bytes key, uint256 nonce);

    /// @notice `by` (the owner) made the repository private (its files encrypted) or public.
    event VisibilitySet(bytes32 indexed repoId, bool isPrivate, address indexed by);

    /// @notice `by` (the owner or a writer) let `grantee` read the version `commit`; `keys` is the binary
    /// CID of the access block holding the version's file keys wrapped for the grantee.
    event AccessGranted(bytes32 indexed repoId, address indexed grantee, bytes32 indexed commit, address by, bytes keys);

    /// @notice `by` added `grantee` to the repository's readers (its first grant, or the first since a revocation).
    event ReaderAdded(bytes32 indexed repoId, address indexed grantee, address indexed by);

    /// @notice `by` stopped wrapping future versions' keys for `grantee` (keys already granted can't be recalled).
    event AccessRevoked(bytes32 indexed repoId, address indexed grantee, address indexed by);

    /// @notice `by` destroyed the owner's copies of the file keys of `commit` and unpinned its ciphertext.
    event VersionShredded(bytes32 indexed repoId, bytes32 indexed commit, address indexed by);

    /// @notice The owner `by` authorised `signer` to sign the repository's commits from block `fromBlock` on.
    event SignerAdded(bytes32 indexed repoId, address indexed signer, address indexed by, uint256 fromBlock);

    /// @notice The owner `by` ended `signer`'s authorisation: commits first anchored at block `untilBlock`
    /// or later no longer count as signed by an authorised key.
    event SignerRemoved(bytes32 indexed repoId, address indexed signer, address indexed by, uint256 untilBlock);

    /// @notice The caller is neither the repository's owner nor one of its writers.
    error NotWriter(address caller);
    /// @notice Only the repository's owner manages its writers.
    error NotOwner(address caller);
    /// @notice The branch moved since the pusher last looked: it must fetch, merge or rebase, and retry.
    error StaleHead(bytes32 expected, bytes32 actual);
    /// @notice 0 means "no head"; a branch can never be moved back to it.
    error EmptyHead();
    /// @notice The repository has no owner yet: it is created by its first push (or signer), not by a grant.
    error UnknownRepository();
    /// @notice A repository name is 1 to 64 bytes of [A-Za-z0-9._-], so it prints and types unambiguously.
    error InvalidRepositoryName();
    /// @notice A branch name may not be empty (mlchain checks the rest of its ref-name rules itself).
    error EmptyBranchName();
    /// @notice An encryption key is a compressed secp256k1 point: 33 bytes starting with 02 or 03.
    error InvalidEncryptionKey();
    /// @notice The signature is not 65 bytes r‖s‖v (v 27 or 28, low s) by the account over the EIP-712
    /// digest of the key and the account's current nonce.
    error BadKeySignature();
    /// @notice A grant names one access block per commit.
    error LengthMismatch();
    /// @notice Only versions the repository published (pushed as a head) can be granted or shredded.
    error UnanchoredCommit(bytes32 commit);
    /// @notice The version's keys were shredded: there is nothing left to grant.
    error VersionIsShredded(bytes32 commit);
    /// @notice The zero address holds no key and cannot be a reader.
    error ZeroGrantee();
    /// @notice Each granted commit names the (nonempty) binary CID of its access block.
    error EmptyKeys();
    /// @notice The zero address signs nothing and cannot be a signer.
    error ZeroSigner();
    /// @notice The signer is authorised already (remove it first to start a new interval).
    error SignerAlreadyAuthorized(address signer);
    /// @notice The signer is not authorised now: there is nothing to remove.
    error SignerNotAuthorized(address signer);

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

    /// @notice Publishes `key` as `account`'s encryption key, replacing any earlier one. Anyone may send it:
    /// `signature` proves `account` chose the key (EIP-712, domain {name "mlchain", version "1", this
    /// chain, this contract}, type EncryptionKey(address account,bytes key,uint256 nonce)).
    function publishEncryptionKey(address account, bytes calldata key, bytes calldata signature) external {
        if (key.length != 33 || (key[0] != 0x02 && key[0] != 0x03)) revert InvalidEncryptionKey();
        uint256 nonce = encryptionKeyNonces[account];
        if (account == address(0) || recoverSigner(encryptionKeyDigest(account, key, nonce), signature) != account) {
            revert BadKeySignature();
        }
        encryptionKeys[account] = key;
        encryptionKeyNonces[account] = nonce + 1;
        emit EncryptionKeyPublished(account, key, nonce);
    }

    /// @return key `account`'s encryption key, empty if it never published one
    /// @return nonce the nonce the next publication's signature must cover (the number of publications)
    function encryptionKeyOf(address account) external view returns (bytes memory key, uint256 nonce) {
        return (encryptionKeys[account], encryptionKeyNonces[account]);
    }

    /// @notice Marks `repo` private (its files encrypted) or public; only the owner may.
    function setPrivate(string calldata repo, bool makePrivate) external {
        bytes32 repoId = keccak256(bytes(repo));
        ownedByCaller(repoId).isPrivate = makePrivate;
        emit VisibilitySet(repoId, makePrivate, msg.sender);
    }

    /// @return whether the owner marked `repo` private
    function isPrivate(string calldata repo) external view returns (bool) {
        return repositories[keccak256(bytes(repo))].isPrivate;
    }

    /// @notice Makes `grantee` a reader of `repo` (future versions are wrapped for it) and records one
    /// access block per anchored, unshredded commit in `commits` (`keys[i]`: the binary CID of the block
    /// holding `commits[i]`'s keys wrapped for `grantee`). The owner or a writer may.
    function grantAccess(string calldata repo, address grantee, bytes32[] calldata commits, bytes[] calldata keys)
        external
    {
        bytes32 repoId = keccak256(bytes(repo));
        Repository storage repository = writtenByCaller(repoId);
        if (grantee == address(0)) revert ZeroGrantee();
        if (commits.length != keys.length) revert LengthMismatch();
        if (!repository.hasAccess[grantee]) {
            repository.hasAccess[grantee] = true;
            if (!repository.listedReader[grantee]) {
                repository.listedReader[grantee] = true;
                repository.readers.push(grantee);
            }
            emit ReaderAdded(repoId, grantee, msg.sender);
        }
        // A revert undoes the events and the reader above, so one pass both checks and records.
        for (uint256 i = 0; i < commits.length; ++i) {
            bytes32 commit = commits[i];
            if (repository.anchoredAt[commit] == 0) revert UnanchoredCommit(commit);
            if (repository.shreddedAt[commit] != 0) revert VersionIsShredded(commit);
            if (keys[i].length == 0) revert EmptyKeys();
            emit AccessGranted(repoId, grantee, commit, msg.sender, keys[i]);
        }
    }

    /// @notice Stops wrapping `repo`'s future versions for `grantee`; the owner or a writer may. Keys it
    /// was already granted stay granted: a revocation works because every version has new keys.
    function revokeAccess(string calldata repo, address grantee) external {
        bytes32 repoId = keccak256(bytes(repo));
        writtenByCaller(repoId).hasAccess[grantee] = false;
        emit AccessRevoked(repoId, grantee, msg.sender);
    }

    /// @return every address ever granted access to `repo`, in the order of their first grants
    function readersOf(string calldata repo) external view returns (address[] memory) {
        return repositories[keccak256(bytes(repo))].readers;
    }

    /// @return whether `who` is a reader of `repo` now (granted and not revoked since)
    function hasAccess(string calldata repo, address who) external view returns (bool) {
        return repositories[keccak256(bytes(repo))].hasAccess[who];
    }

    /// @notice Records that the owner's keys of each anchored commit in `commits` were destroyed; the owner
    /// or a writer may. A commit shredded already keeps its first block.
    function shred(string calldata repo, bytes32[] calldata commits) external {
        bytes32 repoId = keccak256(bytes(repo));
        Repository storage repository = writtenByCaller(repoId);
        for (uint256 i = 0; i < commits.length; ++i) {
            bytes32 commit = commits[i];
            if (repository.anchoredAt[commit] == 0) revert UnanchoredCommit(commit);
            if (repository.shreddedAt[commit] != 0) continue;
            repository.shreddedAt[commit] = block.number;
            emit VersionShredded(repoId, commit, msg.sender);
        }
    }

    /// @return the block at which `commit` of `repo` was shredded, 0 if it never was
    function shreddedAt(string calldata repo, bytes32 commit) external view returns (uint256) {
        return repositories[keccak256(bytes(repo))].shreddedAt[commit];
    }

    /// @notice Authorises `signer` to sign `repo`'s commits from this block on; only the owner may. A signer
    /// removed earlier starts a new interval: its old ones stay as they were. Like a first push, the first
    /// call for a repository that does not exist creates it, owned by the caller, so even its first commit can
    /// be anchored after its signer was authorised.
    function addSigner(string calldata repo, address signer) external {
        if (signer == address(0)) revert ZeroSigner();
        bytes32 repoId = keccak256(bytes(repo));
        Repository storage repository = repositories[repoId];
        address owner = repository.owner;
        if (owner == address(0)) {
            if (!isValidRepositoryName(bytes(repo))) revert InvalidRepositoryName();
            repository.owner = msg.sender;
            emit RepositoryCreated(repoId, repo, msg.sender);
        } else if (msg.sender != owner) {
            revert NotOwner(msg.sender);
        }
        SignerInterval[] storage intervals = repository.signerIntervals[signer];
        uint256 count = intervals.length;
        if (count == 0) repository.signers.push(signer);
        else if (intervals[count - 1].untilBlock == 0) revert SignerAlreadyAuthorized(signer);
        intervals.push(SignerInterval(uint64(block.number), 0));
        emit SignerAdded(repoId, signer, msg.sender, block.number);
    }

    /// @notice Ends `signer`'s current authorisation for `repo` at this block: a commit first anchored in
    /// this block or later does not count as signed by it; only the owner may.
    function removeSigner(string calldata repo, address signer) external {
        bytes32 repoId = keccak256(bytes(repo));
        Repository storage repository = ownedByCaller(repoId);
        SignerInterval[] storage intervals = repository.signerIntervals[signer];
        uint256 count = intervals.length;
        if (count == 0 || intervals[count - 1].untilBlock != 0) revert SignerNotAuthorized(signer);
        intervals[count - 1].untilBlock = uint64(block.number);
        emit SignerRemoved(repoId, signer, msg.sender, block.number);
    }

    /// @return every signer ever added to `repo`, in the order of their first additions
    function signersOf(string calldata repo) external view returns (address[] memory) {
        return repositories[keccak256(bytes(repo))].signers;
    }

    /// @return fromBlocks and untilBlocks: `signer`'s authorisation intervals for `repo`, oldest first
    /// (untilBlock 0: not removed)
    function signerIntervalsOf(string calldata repo, address signer)
        external
        view
        returns (uint256[] memory fromBlocks, uint256[] memory untilBlocks)
    {
        SignerInterval[] storage intervals = repositories[keccak256(bytes(repo))].signerIntervals[signer];
        fromBlocks = new uint256[](intervals.length);
        untilBlocks = new uint256[](intervals.length);
        for (uint256 i = 0; i < intervals.length; ++i) {
            fromBlocks[i] = intervals[i].fromBlock;
            untilBlocks[i] = intervals[i].untilBlock;
        }
    }

    /// @return whether `signer` was authorised to sign `repo`'s commits at `blockNumber`
    function signerAuthorizedAt(string calldata repo, address signer, uint256 blockNumber)
        external
        view
        returns (bool)
    {
        SignerInterval[] storage intervals = repositories[keccak256(bytes(repo))].signerIntervals[signer];
        for (uint256 i = 0; i < intervals.length; ++i) {
            SignerInterval storage interval = intervals[i];
            if (blockNumber >= interval.fromBlock && (interval.untilBlock == 0 || blockNumber < interval.untilBlock)) {
                return true;
            }
        }
        return false;
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

    function writtenByCaller(bytes32 repoId) private view returns (Repository storage repository) {
        repository = repositories[repoId];
        address owner = repository.owner;
        if (owner == address(0)) revert UnknownRepository();
        if (msg.sender != owner && !repository.writers[msg.sender]) revert NotWriter(msg.sender);
    }

    function encryptionKeyDigest(address account, bytes calldata key, uint256 nonce) private view returns (bytes32) {
        bytes32 domainSeparator = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("mlchain"), keccak256("1"), block.chainid, address(this))
        );
        bytes32 structHash = keccak256(abi.encode(ENCRYPTION_KEY_TYPEHASH, account, keccak256(key), nonce));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    // The signer of `digest`, or the zero address for a signature that is malformed or not canonical.
    function recoverSigner(bytes32 digest, bytes calldata signature) private pure returns (address) {
        if (signature.length != 65) return address(0);
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if ((v != 27 && v != 28) || uint256(s) > HALF_ORDER) return address(0);
        return ecrecover(digest, v, r, s);
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
