// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @dev The part of MlchainRegistry the catalogue reads: who owns a repository.
interface IRepositoryOwners {
    function ownerOf(string calldata repo) external view returns (address);
}

/// @title mlchain catalogue (the Model Universe): listings by name, paid access, royalties paid by pull
/// @notice One catalogue serves the repositories of one registry. A listing gives a model a unique name
/// that points at a registry repository; only that repository's owner publishes, updates and unlists it.
/// A purchase pays the listing's price in the chain's native currency for an access grant (forever, or
/// for the listing's duration) and credits each payee its share of the price; payees withdraw their
/// balances themselves, so a payee that cannot receive never blocks a purchase.
/// @dev Every change emits an event carrying everything it changed, so an indexer rebuilds the catalogue
/// from `eth_getLogs` alone. No function calls out except `withdraw`, which pays after zeroing the balance.
contract MlchainCatalogue {
    /// @notice What the owner chooses for a listing. `card` is the binary CID of the model card, `license`
    /// an SPDX expression, `price` in wei (0: free), `duration` of an access grant in seconds (0: forever),
    /// `shares` in basis points of the price, one per payee, summing to 10,000.
    struct Terms {
        bytes card;
        string license;
        string[] tags;
        bool isPrivate;
        uint256 price;
        uint64 duration;
        address[] payees;
        uint16[] shares;
    }

    /// @notice A listing as stored. An unlisted listing keeps its name, repository, owner and history.
    struct Listing {
        string name;
        string repo;
        address owner;
        bool listed;
        uint64 publishedAt;
        uint64 updatedAt;
        uint64 purchases;
        Terms terms;
    }

    uint16 public constant TOTAL_SHARES = 10_000;
    uint256 public constant MAX_PAYEES = 16;
    uint256 public constant MAX_TAGS = 16;
    uint256 public constant MAX_TEXT = 64;
    uint256 public constant MAX_CARD = 128;

    IRepositoryOwners public immutable registry;

    mapping(bytes32 => Listing) private listings;
    // Access granted by purchases: listing id → buyer → end of access (type(uint64).max: forever).
    mapping(bytes32 => mapping(address => uint64)) private accessUntil;
    // One slot per payee, so crediting a share costs one storage write: 2^128 wei is far beyond any supply.
    struct Account {
        uint128 balance;
        uint128 earned;
    }
    mapping(address => Account) private accounts;

    /// @notice `owner` published `name` for its repository `repo` with `terms`.
    event Published(bytes32 indexed nameId, address indexed owner, string name, string repo, Terms terms);
    /// @notice `owner` changed the terms of `name` (and listed it again if it was unlisted).
    event Updated(bytes32 indexed nameId, address indexed owner, string name, string repo, Terms terms);
    /// @notice `owner` took `name` out of the catalogue; its history and grants stay.
    event Unlisted(bytes32 indexed nameId, address indexed owner, string name);
    /// @notice `buyer` paid `price` for access to `name` until `accessUntil` (type(uint64).max: forever).
    event Purchased(bytes32 indexed nameId, address indexed buyer, string name, uint256 price, uint64 accessUntil);
    /// @notice `payee` withdrew `amount` wei of its balance.
    event Withdrawn(address indexed payee, uint256 amount);

    /// @notice A name is 1 to 64 bytes of [a-z0-9._-] starting with a letter or digit.
    error InvalidName(string name);
    /// @notice The registry has no repository `repo`.
    error UnknownRepository(string repo);
    /// @notice Only the repository's owner lists it.
    error NotRepositoryOwner(address caller, address owner);
    /// @notice `name` belongs to another repository or owner.
    error NameTaken(string name, string repo, address owner);
    /// @notice The catalogue has no listing `name`.
    error UnknownListing(string name);
    /// @notice Only the listing's owner changes it.
    error NotListingOwner(address caller, address owner);
    /// @notice Splits: one share per payee, no zero payee or share, at most MAX_PAYEES, summing to 10,000.
    error InvalidSplits(uint256 total);
    /// @notice A licence, tag or card longer than the catalogue keeps, or too many tags.
    error InvalidTerms(string reason);
    /// @notice `name` is unlisted: it can't be bought.
    error NotListed(string name);
    /// @notice `name` is free: there is nothing to buy.
    error FreeListing(string name);
    /// @notice The value sent is not the listing's price.
    error WrongPayment(uint256 price, uint256 sent);
    /// @notice The caller's balance is zero.
    error NothingToWithdraw(address payee);
    /// @notice The payee refused the payment; its balance is unchanged.
    error TransferFailed(address payee, uint256 amount);

    constructor(IRepositoryOwners registry_) {
        registry = registry_;
    }

    /// @notice Publishes `name` for `repo` with `terms`, or changes the terms of the caller's listing
    /// `name` (listing it again if it was unlisted). The caller must own `repo` in the registry.
    function publish(string calldata name, string calldata repo, Terms calldata terms) external {
        if (!isValidName(bytes(name))) revert InvalidName(name);
        checkTerms(terms);
        address owner = registry.ownerOf(repo);
        if (owner == address(0)) revert UnknownRepository(repo);
        if (msg.sender != owner) revert NotRepositoryOwner(msg.sender, owner);
        bytes32 nameId = keccak256(bytes(name));
        Listing storage listing = listings[nameId];
        bool existing = listing.owner != address(0);
        if (existing && (listing.owner != msg.sender || keccak256(bytes(listing.repo)) != keccak256(bytes(repo)))) {
            revert NameTaken(name, listing.repo, listing.owner);
        }
        if (!existing) {
            listing.name = name;
            listing.repo = repo;
            listing.owner = msg.sender;
            listing.publishedAt = uint64(block.number);
        }
        listing.listed = true;
        listing.updatedAt = uint64(block.number);
        listing.terms = terms;
        if (existing) {
            emit Updated(nameId, msg.sender, name, repo, terms);
        } else {
            emit Published(nameId, msg.sender, name, repo, terms);
        }
    }

    /// @notice Takes the caller's listing `name` out of the catalogue: it can't be bought any more;
    /// grants already bought stay, and publishing it again lists it again.
    function unlist(string calldata name) external {
        bytes32 nameId = keccak256(bytes(name));
        Listing storage listing = listings[nameId];
        if (listing.owner == address(0)) revert UnknownListing(name);
        if (msg.sender != listing.owner) revert NotListingOwner(msg.sender, listing.owner);
        if (!listing.listed) revert NotListed(name);
        listing.listed = false;
        listing.updatedAt = uint64(block.number);
        emit Unlisted(nameId, msg.sender, name);
    }

    /// @notice Buys access to `name` for exactly its price, crediting each payee its share (the rounding
    /// dust to the owner). Buying again extends a timed grant from its end, or from now if it expired.
    function buy(string calldata name) external payable {
        bytes32 nameId = keccak256(bytes(name));
        Listing storage listing = listings[nameId];
        if (listing.owner == address(0)) revert UnknownListing(name);
        if (!listing.listed) revert NotListed(name);
        uint256 price = listing.terms.price;
        if (price == 0) revert FreeListing(name);
        if (msg.value != price) revert WrongPayment(price, msg.value);

        uint64 until = type(uint64).max;
        uint64 duration = listing.terms.duration;
        if (duration != 0) {
            uint64 current = accessUntil[nameId][msg.sender];
            uint64 start = current > block.timestamp ? current : uint64(block.timestamp);
            until = start + duration;
        }
        accessUntil[nameId][msg.sender] = until;
        listing.purchases += 1;

        uint256 credited = 0;
        address[] storage payees = listing.terms.payees;
        uint16[] storage shares = listing.terms.shares;
        for (uint256 i = 0; i < payees.length; ++i) {
            uint256 amount = (price * shares[i]) / TOTAL_SHARES;
            credit(payees[i], amount);
            credited += amount;
        }
        uint256 dust = price - credited;
        if (dust != 0) credit(listing.owner, dust);
        emit Purchased(nameId, msg.sender, name, price, until);
    }

    /// @notice Pays the caller its whole balance.
    function withdraw() external {
        uint256 amount = accounts[msg.sender].balance;
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        // Zeroed before the call: a payee that re-enters finds nothing left to take.
        accounts[msg.sender].balance = 0;
        emit Withdrawn(msg.sender, amount);
        (bool paid, ) = msg.sender.call{value: amount}("");
        if (!paid) revert TransferFailed(msg.sender, amount);
    }

    /// @return the listing `name` (an owner of address(0): no such listing)
    function listingOf(string calldata name) external view returns (Listing memory) {
        return listings[keccak256(bytes(name))];
    }

    /// @return until when `who` may access `name`: 0 never, type(uint64).max forever; the owner always may
    function accessOf(string calldata name, address who) external view returns (uint64) {
        bytes32 nameId = keccak256(bytes(name));
        if (who != address(0) && who == listings[nameId].owner) return type(uint64).max;
        return accessUntil[nameId][who];
    }

    /// @return balance what `payee` can withdraw now
    /// @return earned what `payee` was ever credited
    function balanceOf(address payee) external view returns (uint256 balance, uint256 earned) {
        Account storage account = accounts[payee];
        return (account.balance, account.earned);
    }

    function credit(address payee, uint256 amount) private {
        Account storage account = accounts[payee];
        // amount <= price < 2^128 (checkTerms); a sum past 2^128 reverts (checked arithmetic).
        account.balance += uint128(amount);
        account.earned += uint128(amount);
    }

    function checkTerms(Terms calldata terms) private pure {
        uint256 payees = terms.payees.length;
        if (payees == 0 || payees > MAX_PAYEES || payees != terms.shares.length) revert InvalidSplits(0);
        uint256 total = 0;
        for (uint256 i = 0; i < payees; ++i) {
            if (terms.payees[i] == address(0) || terms.shares[i] == 0) revert InvalidSplits(0);
            total += terms.shares[i];
        }
        if (total != TOTAL_SHARES) revert InvalidSplits(total);
        if (bytes(terms.license).length > MAX_TEXT) revert InvalidTerms("license longer than 64 bytes");
        if (terms.card.length > MAX_CARD) revert InvalidTerms("card CID longer than 128 bytes");
        if (terms.tags.length > MAX_TAGS) revert InvalidTerms("more than 16 tags");
        for (uint256 i = 0; i < terms.tags.length; ++i) {
            uint256 length = bytes(terms.tags[i]).length;
            if (length == 0 || length > MAX_TEXT) revert InvalidTerms("a tag is empty or longer than 64 bytes");
        }
        if (terms.price > type(uint128).max) revert InvalidTerms("price above 2^128 - 1 wei");
        if (terms.duration != 0 && terms.price == 0) revert InvalidTerms("a free listing has no duration");
    }

    function isValidName(bytes calldata name) private pure returns (bool) {
        if (name.length == 0 || name.length > MAX_TEXT) return false;
        for (uint256 i = 0; i < name.length; ++i) {
            bytes1 c = name[i];
            bool alphanumeric = (c >= "a" && c <= "z") || (c >= "0" && c <= "9");
            if (!alphanumeric && (i == 0 || (c != "." && c != "_" && c != "-"))) return false;
        }
        return true;
    }
}
