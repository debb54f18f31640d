// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {
    Attestation,
    AttestationRequest,
    AttestationRequestData,
    IEAS,
    IMlchainRegistry,
    ISchemaRegistry,
    ISchemaResolver
} from "./GovernanceInterfaces.sol";

/// @title mlchain governance: stages of a registry repository that move only when evaluators agree
/// @notice Evaluators attest evaluation results through the Ethereum Attestation Service (EAS) under this
/// contract's evaluation schema; this contract is the schema's resolver, so EAS hands it every evaluation
/// as it is made and it refuses those that do not count (wrong round, not an evaluator, unanchored commit).
/// A stage (`production`, …) of a repository moves to a commit only when every rule of the stage's policy
/// holds: at least `quorum` evaluators of the current round, each by its latest evaluation of the commit,
/// report values satisfying each rule. Monitoring rules on a stage's holder can request retraining or roll
/// the stage back to its previous holder. The repository's owner in MlchainRegistry owns its policy.
/// @dev Only the evaluation's UID is stored (per repository, commit and evaluator): the values are read
/// back from EAS when a rule is checked, which keeps an evaluation cheap (see bench/README.md). Metric
/// values are int256 fixed point with 18 decimals, bounded by MAX_MAGNITUDE so that `holder + D` in an
/// improvement rule can never overflow and no evaluator can make a check revert.
contract MlchainGovernance is ISchemaResolver {
    /// @notice `metric OP value`; op 0 `>=`, 1 `<=`, 2 `>`, 3 `<`.
    struct Rule {
        bytes32 metric;
        uint8 op;
        int256 value;
    }

    /// @notice What a commit needs to enter a stage, and what its holder is watched for.
    struct StagePolicy {
        Rule[] requirements;
        // metric, op 0, value D: D >= 0 -> candidate >= holder + D; D < 0 -> candidate <= holder + D.
        Rule[] improves;
        // 0: none; else the candidate must hold or have held that stage.
        bytes32 afterStage;
        uint8 approvals;
        address[] approvers;
        bool autoPromote;
        Rule[] retrainWhen;
        Rule[] rollbackWhen;
    }

    /// @notice One rule of a stage's policy checked against a candidate; see check().
    struct RuleCheck {
        uint8 kind; // 0 requirement, 1 improves, 2 after, 3 approvals, 4 quorum, 5 anchored
        bytes32 metric;
        uint8 op;
        int256 threshold;
        uint256 supporting;
        uint256 required;
        bool holds;
        int256[] values;
        bool[] reported;
    }

    uint8 private constant KIND_REQUIREMENT = 0;
    uint8 private constant KIND_IMPROVES = 1;
    uint8 private constant KIND_AFTER = 2;
    uint8 private constant KIND_APPROVALS = 3;
    uint8 private constant KIND_QUORUM = 4;
    uint8 private constant KIND_ANCHORED = 5;
    uint256 private constant MAX_EVALUATORS = 32;
    uint256 private constant MAX_METRICS = 16;
    uint256 private constant MAX_RULES = 16;
    uint256 private constant MAX_APPROVERS = 16;
    // 1e39 in 18-decimal fixed point: far beyond any metric, far below where int256 sums overflow.
    int256 private constant MAX_MAGNITUDE = 1e57;

    string private constant EVALUATION_SCHEMA = "bytes32 commit,bytes32 suite,string[] metrics,int256[] values";
    string private constant ROUND_SCHEMA = "bytes32 repo,uint64 round,address[] evaluators,uint8 quorum";

    /// @notice The EAS instance evaluations are attested on; the only caller of the resolver functions.
    IEAS public immutable eas;
    /// @notice The MlchainRegistry whose repositories, owners and anchored commits this contract follows.
    IMlchainRegistry public immutable registry;
    /// @notice The EAS schema of evaluations (resolver: this contract, not revocable).
    bytes32 public immutable evaluationSchema;
    /// @notice The EAS schema of rounds (no resolver, not revocable), attested by this contract.
    bytes32 public immutable roundSchema;

    /// @dev A round: one evaluator set of one repository, named by the UID of its round attestation.
    struct Round {
        bytes32 repoId;
        uint64 number;
        // evaluator => repoId (0: not an evaluator of the round): one read both admits and locates.
        mapping(address => bytes32) repoOf;
    }

    struct Stage {
        bool defined;
        StagePolicy policy;
        bytes32 holder;
        uint64 sinceBlock;
        // Earlier holders, the most recent last: where a rollback returns to.
        bytes32[] previous;
        mapping(bytes32 => bool) everHeld;
        // The evaluation UIDs each commit's promotion rested on (kept, so a rollback restores them).
        mapping(bytes32 => bytes32[]) promotedWith;
        mapping(bytes32 => address[]) approvals;
        mapping(bytes32 => mapping(address => bool)) approved;
        mapping(bytes32 => mapping(uint256 => bool)) retrainRequested;
    }

    struct Repository {
        bytes32 roundUid;
        // One slot: everything an evaluation reads besides its round.
        uint64 round;
        uint8 quorum;
        bool autoPromotes;
        address[] evaluators;
        bytes32[] stages;
        mapping(bytes32 => Stage) stage;
        // commit => evaluator => UID of its latest evaluation of the commit (any round).
        mapping(bytes32 => mapping(address => bytes32)) evaluations;
        // commit => how many stages it holds: an evaluation of a commit holding nothing skips monitoring.
        mapping(bytes32 => uint256) stagesHeld;
    }

    mapping(bytes32 => Round) private rounds;
    mapping(bytes32 => Repository) private repositories;

    /// @dev The reports of a commit by the evaluators of the current round, in set order.
    struct Reports {
        bool[] present;
        bytes32[][] metrics;
        int256[][] values;
        bytes32[] uids;
        uint256 count;
    }

    /// @notice The owner set a new evaluator set: evaluations signed for earlier rounds no longer count.
    event RoundStarted(bytes32 indexed repoId, uint64 round, bytes32 roundUid, address[] evaluators, uint8 quorum);
    /// @notice The owner set (or replaced) the policy of `stage`.
    event StagePolicySet(bytes32 indexed repoId, bytes32 indexed stage);
    /// @notice EAS recorded evaluation `uid` of `commit` by `evaluator` in `round`, against test suite `suite`.
    event Evaluated(
        bytes32 indexed repoId, bytes32 indexed commit, address indexed evaluator, bytes32 uid, uint64 round, bytes32 suite
    );
    /// @notice `stage` moved from `previous` to `commit`, resting on the evaluations `attestations`.
    event Promoted(
        bytes32 indexed repoId,
        bytes32 indexed stage,
        bytes32 indexed commit,
        bytes32 previous,
        bytes32[] attestations,
        address by
    );
    /// @notice `approver` approved `commit` for `stage`.
    event Approved(bytes32 indexed repoId, bytes32 indexed stage, bytes32 indexed commit, address approver);
    /// @notice retrainWhen rule number `rule` of `stage` holds for its holder `commit` (once per commit and rule).
    event RetrainRequested(bytes32 indexed repoId, bytes32 indexed stage, bytes32 indexed commit, uint256 rule);
    /// @notice rollbackWhen rule number `rule` held for `from`, so `stage` returned to `to` (0: no holder).
    event RolledBack(bytes32 indexed repoId, bytes32 indexed stage, bytes32 indexed from, bytes32 to, uint256 rule);

    error NotOwner(address caller);
    error OnlyEAS();
    error WrongSchema(bytes32 schema);
    error UnknownRound(bytes32 uid);
    error StaleRound(bytes32 given, bytes32 current);
    error NotEvaluator(address evaluator);
    error MalformedEvaluation();
    error NotAnchored(bytes32 commit);
    error UnknownStage(bytes32 stage);
    error StaleHolder(bytes32 expected, bytes32 actual);
    error AlreadyHolds(bytes32 commit);
    error PolicyNotMet(bytes32 stage, bytes32 commit);
    error NotApprover(address caller);
    error AlreadyApproved(address approver);
    error InvalidPolicy(string reason);
    error UnknownRepository(string repo);

    /// @notice Registers the evaluation schema (resolver: this contract) and, unless another deployment
    /// on the same EAS already did, the round schema with EAS's schema registry.
    constructor(IEAS eas_, IMlchainRegistry registry_) {
        eas = eas_;
        registry = registry_;
        ISchemaRegistry schemas = eas_.getSchemaRegistry();
        evaluationSchema = registerOnce(schemas, EVALUATION_SCHEMA, address(this));
        roundSchema = registerOnce(schemas, ROUND_SCHEMA, address(0));
    }

    /// @dev Registers `schema` (not revocable) unless it exists: the round schema's UID is the same for
    /// every deployment on one EAS, and anyone could register the evaluation schema naming this contract's
    /// address before it is deployed; SchemaRegistry would refuse either a second time.
    function registerOnce(ISchemaRegistry schemas, string memory schema, address resolver) private returns (bytes32 uid) {
        uid = keccak256(abi.encodePacked(schema, resolver, false));
        if (schemas.getSchema(uid).uid == bytes32(0)) uid = schemas.register(schema, resolver, false);
    }

    // ------------------------------------------------------------------------------------------------
    // Policy, set by the repository's owner in the registry

    /// @notice Starts a new round of `repo` with `evaluators` and `quorum`; evaluations bound to an earlier
    /// round stop counting. The round is itself an EAS attestation, so evaluators sign against its UID.
    function setEvaluators(string calldata repo, address[] calldata evaluators, uint8 quorum) external {
        bytes32 repoId = ownedByCaller(repo);
        uint256 n = evaluators.length;
        if (n == 0 || n > MAX_EVALUATORS) revert InvalidPolicy("1 to 32 evaluators");
        if (quorum == 0 || quorum > n) revert InvalidPolicy("quorum must be 1 to the number of evaluators");
        for (uint256 i = 0; i < n; ++i) {
            if (evaluators[i] == address(0)) revert InvalidPolicy("zero address as evaluator");
            for (uint256 j = 0; j < i; ++j) {
                if (evaluators[j] == evaluators[i]) revert InvalidPolicy("evaluator listed twice");
            }
        }
        Repository storage repository = repositories[repoId];
        uint64 round = repository.round + 1;
        repository.round = round;
        repository.quorum = quorum;
        repository.evaluators = evaluators;
        // EAS is trusted (immutable) and the round schema has no resolver, so this call cannot re-enter.
        bytes32 roundUid = eas.attest(
            AttestationRequest({
                schema: roundSchema,
                data: AttestationRequestData({
                    recipient: address(0),
                    expirationTime: 0,
                    revocable: false,
                    refUID: bytes32(0),
                    data: abi.encode(repoId, round, evaluators, quorum),
                    value: 0
                })
            })
        );
        Round storage record = rounds[roundUid];
        record.repoId = repoId;
        record.number = round;
        for (uint256 i = 0; i < n; ++i) record.repoOf[evaluators[i]] = repoId;
        repository.roundUid = roundUid;
        emit RoundStarted(repoId, round, roundUid, evaluators, quorum);
    }

    /// @notice Sets the policy of `stage` in `repo`, replacing any earlier one; the stage keeps its holder.
    function setStagePolicy(string calldata repo, bytes32 stage, StagePolicy calldata policy) external {
        bytes32 repoId = ownedByCaller(repo);
        validatePolicy(stage, policy);
        Repository storage repository = repositories[repoId];
        Stage storage target = repository.stage[stage];
        StagePolicy storage stored = target.policy;
        // Arrays of structs cannot be assigned from calldata to storage by the compiler: copied rule by rule.
        copyRules(stored.requirements, policy.requirements);
        copyRules(stored.improves, policy.improves);
        copyRules(stored.retrainWhen, policy.retrainWhen);
        copyRules(stored.rollbackWhen, policy.rollbackWhen);
        stored.afterStage = policy.afterStage;
        stored.approvals = policy.approvals;
        stored.approvers = policy.approvers;
        stored.autoPromote = policy.autoPromote;
        if (!target.defined) {
            target.defined = true;
            repository.stages.push(stage);
        }
        bool autoPromotes = false;
        bytes32[] storage stages = repository.stages;
        for (uint256 i = 0; i < stages.length && !autoPromotes; ++i) {
            autoPromotes = repository.stage[stages[i]].policy.autoPromote;
        }
        repository.autoPromotes = autoPromotes;
        emit StagePolicySet(repoId, stage);
    }

    // ------------------------------------------------------------------------------------------------
    // EAS resolver

    /// @return the resolver's version, as EAS's ISemver expects
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @notice Evaluations carry no ether: EAS refuses value sent to a non-payable resolver.
    function isPayable() external pure returns (bool) {
        return false;
    }

    /// @notice Called by EAS for each evaluation attested under evaluationSchema; reverts (so EAS refuses
    /// the attestation) unless it counts.
    function attest(Attestation calldata attestation) external payable returns (bool) {
        if (msg.sender != address(eas)) revert OnlyEAS();
        recordEvaluation(attestation);
        return true;
    }

    /// @notice Called by EAS for a batch; any evaluation that does not count reverts the whole batch.
    function multiAttest(Attestation[] calldata attestations, uint256[] calldata) external payable returns (bool) {
        if (msg.sender != address(eas)) revert OnlyEAS();
        for (uint256 i = 0; i < attestations.length; ++i) recordEvaluation(attestations[i]);
        return true;
    }

    /// @notice Evaluations are not revocable (the schema says so); EAS never calls this for them.
    function revoke(Attestation calldata) external payable returns (bool) {
        return false;
    }

    /// @notice See revoke.
    function multiRevoke(Attestation[] calldata, uint256[] calldata) external payable returns (bool) {
        return false;
    }

    // ------------------------------------------------------------------------------------------------
    // Promotion and approval

    /// @notice Moves `stage` of `repo` to `commit` if every rule of its policy holds. `expectedHolder` is the
    /// holder the caller saw: of two racing promotions, the second is refused instead of overwriting.
    function promote(string calldata repo, bytes32 stage, bytes32 commit, bytes32 expectedHolder) external {
        bytes32 repoId = keccak256(bytes(repo));
        Repository storage repository = repositories[repoId];
        Stage storage target = definedStage(repository, stage);
        bytes32 actual = target.holder;
        if (actual != expectedHolder) revert StaleHolder(expectedHolder, actual);
        if (commit == actual) revert AlreadyHolds(commit);
        (RuleCheck[] memory checks, bytes32[] memory uids) = checkStage(repoId, repository, target, commit);
        if (!allHold(checks)) revert PolicyNotMet(stage, commit);
        moveTo(repoId, repository, stage, target, commit, uids, msg.sender);
    }

    /// @notice Records the caller's approval of `commit` for `stage`; the caller must be one of its approvers.
    function approve(string calldata repo, bytes32 stage, bytes32 commit) external {
        bytes32 repoId = keccak256(bytes(repo));
        Repository storage repository = repositories[repoId];
        Stage storage target = definedStage(repository, stage);
        if (!contains(target.policy.approvers, msg.sender)) revert NotApprover(msg.sender);
        if (target.approved[commit][msg.sender]) revert AlreadyApproved(msg.sender);
        if (registry.anchoredAtId(repoId, commit) == 0) revert NotAnchored(commit);
        target.approved[commit][msg.sender] = true;
        target.approvals[commit].push(msg.sender);
        emit Approved(repoId, stage, commit, msg.sender);
        afterChange(repoId, repository, commit, false, msg.sender);
    }

    // ------------------------------------------------------------------------------------------------
    // Views

    /// @return round the current round number (0: no evaluators set yet)
    /// @return roundUid the UID of the round's attestation, the refUID evaluations must carry
    /// @return evaluators the current evaluator set
    /// @return quorum how many of them must agree
    function roundOf(string calldata repo)
        external
        view
        returns (uint64 round, bytes32 roundUid, address[] memory evaluators, uint8 quorum)
    {
        Repository storage repository = repositories[keccak256(bytes(repo))];
        return (repository.round, repository.roundUid, repository.evaluators, repository.quorum);
    }

    /// @return every stage with a policy, in the order their policies were first set
    function stagesOf(string calldata repo) external view returns (bytes32[] memory) {
        return repositories[keccak256(bytes(repo))].stages;
    }

    /// @return the policy of `stage`; reverts UnknownStage if it has none
    function stagePolicy(string calldata repo, bytes32 stage) external view returns (StagePolicy memory) {
        return definedStage(repositories[keccak256(bytes(repo))], stage).policy;
    }

    /// @return commit the stage's holder (0: none)
    /// @return sinceBlock the block since which it holds the stage
    /// @return previous the holder a rollback would return to (0: none)
    /// @return attestations the evaluation UIDs its promotion rested on
    function holderOf(string calldata repo, bytes32 stage)
        external
        view
        returns (bytes32 commit, uint64 sinceBlock, bytes32 previous, bytes32[] memory attestations)
    {
        Stage storage target = repositories[keccak256(bytes(repo))].stage[stage];
        commit = target.holder;
        sinceBlock = target.sinceBlock;
        uint256 depth = target.previous.length;
        if (depth > 0) previous = target.previous[depth - 1];
        attestations = target.promotedWith[commit];
    }

    /// @return uid the latest evaluation of `commit` by `evaluator` (0: none)
    /// @return round the round it was made in
    function evaluationOf(string calldata repo, bytes32 commit, address evaluator)
        external
        view
        returns (bytes32 uid, uint64 round)
    {
        uid = repositories[keccak256(bytes(repo))].evaluations[commit][evaluator];
        if (uid != bytes32(0)) round = rounds[eas.getAttestation(uid).refUID].number;
    }

    /// @return every rule of `stage`'s policy checked against `commit`, in the order anchored, quorum,
    /// requirements…, improves…, after (if the policy names one), approvals (if it needs any)
    function check(string calldata repo, bytes32 stage, bytes32 commit) external view returns (RuleCheck[] memory) {
        bytes32 repoId = keccak256(bytes(repo));
        Repository storage repository = repositories[repoId];
        (RuleCheck[] memory checks,) = checkStage(repoId, repository, definedStage(repository, stage), commit);
        return checks;
    }

    /// @return every address that approved `commit` for `stage`, in approval order
    function approvalsOf(string calldata repo, bytes32 stage, bytes32 commit) external view returns (address[] memory) {
        return repositories[keccak256(bytes(repo))].stage[stage].approvals[commit];
    }

    // ------------------------------------------------------------------------------------------------
    // Internals

    function ownedByCaller(string calldata repo) private view returns (bytes32 repoId) {
        repoId = keccak256(bytes(repo));
        address owner = registry.ownerOfId(repoId);
        if (owner == address(0)) revert UnknownRepository(repo);
        if (msg.sender != owner) revert NotOwner(msg.sender);
    }

    function definedStage(Repository storage repository, bytes32 stage) private view returns (Stage storage target) {
        target = repository.stage[stage];
        if (!target.defined) revert UnknownStage(stage);
    }

    /// @dev The resolver's path: checks first, then the one store, then the follow-ups (monitoring and
    /// automatic promotion) only when the repository has any to do.
    function recordEvaluation(Attestation calldata attestation) private {
        if (attestation.schema != evaluationSchema) revert WrongSchema(attestation.schema);
        bytes32 roundUid = attestation.refUID;
        address evaluator = attestation.attester;
        bytes32 repoId = rounds[roundUid].repoOf[evaluator];
        if (repoId == bytes32(0)) refuseAttester(roundUid, evaluator);
        Repository storage repository = repositories[repoId];
        bytes32 current = repository.roundUid;
        if (roundUid != current) revert StaleRound(roundUid, current);
        (bytes32 commit, bytes32 suite,,) = parseEvaluation(attestation.data);
        if (registry.anchoredAtId(repoId, commit) == 0) revert NotAnchored(commit);
        repository.evaluations[commit][evaluator] = attestation.uid;
        emit Evaluated(repoId, commit, evaluator, attestation.uid, repository.round, suite);
        if (repository.stagesHeld[commit] != 0 || repository.autoPromotes) afterChange(repoId, repository, commit, true, evaluator);
    }

    /// @dev Why `evaluator` is not an evaluator of round `roundUid`: the round is unknown, or stale (checked
    /// before membership, so a former evaluator learns its round is over), or it is not in the set.
    function refuseAttester(bytes32 roundUid, address evaluator) private view {
        bytes32 repoId = rounds[roundUid].repoId;
        if (repoId == bytes32(0)) revert UnknownRound(roundUid);
        bytes32 current = repositories[repoId].roundUid;
        if (roundUid != current) revert StaleRound(roundUid, current);
        revert NotEvaluator(evaluator);
    }

    /// @dev After an evaluation (monitor = true) or an approval of `commit` by `by` (the evaluator or the
    /// approver, named as the promoter of any automatic promotion): the stages `commit` holds are
    /// checked against their monitoring rules (evaluations only), the others with autoPromote are promoted
    /// to it if every rule holds. A stage just rolled back from `commit` is not promoted back to it.
    function afterChange(bytes32 repoId, Repository storage repository, bytes32 commit, bool monitor, address by)
        private
    {
        bytes32[] storage stages = repository.stages;
        for (uint256 i = 0; i < stages.length; ++i) {
            bytes32 stage = stages[i];
            Stage storage target = repository.stage[stage];
            if (target.holder == commit) {
                if (monitor) watch(repoId, repository, stage, target, commit);
            } else if (target.policy.autoPromote) {
                (RuleCheck[] memory checks, bytes32[] memory uids) = checkStage(repoId, repository, target, commit);
                if (allHold(checks)) moveTo(repoId, repository, stage, target, commit, uids, by);
            }
        }
    }

    /// @dev Monitoring of `stage`'s holder `commit`: retrain requests once per rule, then rollback.
    function watch(bytes32 repoId, Repository storage repository, bytes32 stage, Stage storage target, bytes32 commit)
        private
    {
        StagePolicy storage policy = target.policy;
        if (policy.retrainWhen.length == 0 && policy.rollbackWhen.length == 0) return;
        Reports memory reports = reportsOf(repository, commit, true);
        uint256 quorum = repository.quorum;
        for (uint256 r = 0; r < policy.retrainWhen.length; ++r) {
            if (target.retrainRequested[commit][r]) continue;
            if (supporters(policy.retrainWhen[r], reports) >= quorum) {
                target.retrainRequested[commit][r] = true;
                emit RetrainRequested(repoId, stage, commit, r);
            }
        }
        for (uint256 r = 0; r < policy.rollbackWhen.length; ++r) {
            if (supporters(policy.rollbackWhen[r], reports) >= quorum) {
                rollBack(repoId, repository, stage, target, commit, r);
                return;
            }
        }
    }

    function moveTo(
        bytes32 repoId,
        Repository storage repository,
        bytes32 stage,
        Stage storage target,
        bytes32 commit,
        bytes32[] memory uids,
        address by
    ) private {
        bytes32 previous = target.holder;
        if (previous != bytes32(0)) {
            target.previous.push(previous);
            --repository.stagesHeld[previous];
        }
        target.holder = commit;
        target.sinceBlock = uint64(block.number);
        target.everHeld[commit] = true;
        target.promotedWith[commit] = uids;
        ++repository.stagesHeld[commit];
        emit Promoted(repoId, stage, commit, previous, uids, by);
    }

    function rollBack(
        bytes32 repoId,
        Repository storage repository,
        bytes32 stage,
        Stage storage target,
        bytes32 from,
        uint256 rule
    ) private {
        bytes32 to;
        uint256 depth = target.previous.length;
        if (depth > 0) {
            to = target.previous[depth - 1];
            target.previous.pop();
            ++repository.stagesHeld[to];
        }
        --repository.stagesHeld[from];
        target.holder = to;
        target.sinceBlock = uint64(block.number);
        emit RolledBack(repoId, stage, from, to, rule);
    }

    /// @dev Every check of `target`'s policy for `commit`, and the UIDs of the current-round evaluations
    /// of `commit` (what a promotion rests on).
    function checkStage(bytes32 repoId, Repository storage repository, Stage storage target, bytes32 commit)
        private
        view
        returns (RuleCheck[] memory checks, bytes32[] memory uids)
    {
        StagePolicy storage policy = target.policy;
        Reports memory candidate = reportsOf(repository, commit, true);
        uint256 quorum = repository.quorum;
        uint256 count = 2 + policy.requirements.length + policy.improves.length;
        if (policy.afterStage != bytes32(0)) ++count;
        if (policy.approvals != 0) ++count;
        checks = new RuleCheck[](count);
        uint256 next = 0;

        bool anchored = registry.anchoredAtId(repoId, commit) != 0;
        checks[next++] = fixedCheck(KIND_ANCHORED, bytes32(0), anchored ? 1 : 0, 1);
        // With no evaluator set yet the quorum is 0, and nothing may pass on zero evaluations.
        RuleCheck memory quorumCheck = fixedCheck(KIND_QUORUM, bytes32(0), candidate.count, quorum);
        quorumCheck.holds = quorum != 0 && candidate.count >= quorum;
        checks[next++] = quorumCheck;

        for (uint256 r = 0; r < policy.requirements.length; ++r) {
            checks[next++] = requirementCheck(policy.requirements[r], candidate, quorum);
        }
        if (policy.improves.length > 0) {
            bytes32 holder = target.holder;
            Reports memory held;
            if (holder != bytes32(0)) held = reportsOf(repository, holder, false);
            for (uint256 r = 0; r < policy.improves.length; ++r) {
                checks[next++] = improvesCheck(policy.improves[r], candidate, held, holder != bytes32(0), quorum);
            }
        }
        if (policy.afterStage != bytes32(0)) {
            bool held = repository.stage[policy.afterStage].everHeld[commit];
            checks[next++] = fixedCheck(KIND_AFTER, policy.afterStage, held ? 1 : 0, 1);
        }
        if (policy.approvals != 0) {
            address[] storage approvers = policy.approvers;
            uint256 approvals = 0;
            for (uint256 i = 0; i < approvers.length; ++i) {
                if (target.approved[commit][approvers[i]]) ++approvals;
            }
            checks[next++] = fixedCheck(KIND_APPROVALS, bytes32(0), approvals, policy.approvals);
        }
        uids = candidate.uids;
    }

    function fixedCheck(uint8 kind, bytes32 metric, uint256 supporting, uint256 required)
        private
        pure
        returns (RuleCheck memory result)
    {
        result.kind = kind;
        result.metric = metric;
        result.supporting = supporting;
        result.required = required;
        result.holds = supporting >= required;
    }

    function requirementCheck(Rule storage rule, Reports memory candidate, uint256 quorum)
        private
        view
        returns (RuleCheck memory result)
    {
        uint256 n = candidate.present.length;
        result.kind = KIND_REQUIREMENT;
        result.metric = rule.metric;
        result.op = rule.op;
        result.threshold = rule.value;
        result.required = quorum;
        result.values = new int256[](n);
        result.reported = new bool[](n);
        for (uint256 i = 0; i < n; ++i) {
            if (!candidate.present[i]) continue;
            (bool found, int256 value) = valueOf(candidate.metrics[i], candidate.values[i], rule.metric);
            if (!found) continue;
            result.values[i] = value;
            result.reported[i] = true;
            if (satisfies(value, rule.op, rule.value)) ++result.supporting;
        }
        result.holds = quorum != 0 && result.supporting >= quorum;
    }

    function improvesCheck(Rule storage rule, Reports memory candidate, Reports memory held, bool hasHolder, uint256 quorum)
        private
        view
        returns (RuleCheck memory result)
    {
        uint256 n = candidate.present.length;
        int256 margin = rule.value;
        result.kind = KIND_IMPROVES;
        result.metric = rule.metric;
        result.threshold = margin;
        result.required = quorum;
        result.values = new int256[](n);
        result.reported = new bool[](n);
        for (uint256 i = 0; i < n; ++i) {
            if (!candidate.present[i]) continue;
            (bool found, int256 value) = valueOf(candidate.metrics[i], candidate.values[i], rule.metric);
            if (!found) continue;
            result.values[i] = value;
            result.reported[i] = true;
            if (!hasHolder || !held.present[i]) continue;
            (bool heldFound, int256 heldValue) = valueOf(held.metrics[i], held.values[i], rule.metric);
            // Both values and the margin are bounded by MAX_MAGNITUDE, so the sum cannot overflow.
            if (heldFound && (margin >= 0 ? value >= heldValue + margin : value <= heldValue + margin)) {
                ++result.supporting;
            }
        }
        // Nothing to improve on: a stage's first holder only needs the other rules.
        result.holds = !hasHolder || (quorum != 0 && result.supporting >= quorum);
    }

    /// @dev How many evaluators' reports satisfy `rule`.
    function supporters(Rule storage rule, Reports memory reports) private view returns (uint256 count) {
        for (uint256 i = 0; i < reports.present.length; ++i) {
            if (!reports.present[i]) continue;
            (bool found, int256 value) = valueOf(reports.metrics[i], reports.values[i], rule.metric);
            if (found && satisfies(value, rule.op, rule.value)) ++count;
        }
    }

    /// @dev The latest evaluation of `commit` by each evaluator of the current round, read back from EAS;
    /// with `currentRoundOnly`, evaluations bound to an earlier round are left out.
    function reportsOf(Repository storage repository, bytes32 commit, bool currentRoundOnly)
        private
        view
        returns (Reports memory reports)
    {
        address[] storage evaluators = repository.evaluators;
        uint256 n = evaluators.length;
        bytes32 currentRound = repository.roundUid;
        reports.present = new bool[](n);
        reports.metrics = new bytes32[][](n);
        reports.values = new int256[][](n);
        bytes32[] memory uids = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            bytes32 uid = repository.evaluations[commit][evaluators[i]];
            if (uid == bytes32(0)) continue;
            Attestation memory attestation = eas.getAttestation(uid);
            if (currentRoundOnly && attestation.refUID != currentRound) continue;
            (,, reports.metrics[i], reports.values[i]) = parseEvaluation(attestation.data);
            reports.present[i] = true;
            uids[reports.count++] = uid;
        }
        // Trim the unused tail of uids in place.
        uint256 used = reports.count;
        assembly ("memory-safe") {
            mstore(uids, used)
        }
        reports.uids = uids;
    }

    /// @dev Parses evaluation data, `abi.encode(bytes32 commit, bytes32 suite, string[] metrics,
    /// int256[] values)`, reverting MalformedEvaluation unless it has 1 to 16 metrics and as many values,
    /// names of 1 to 32 bytes not ending in a zero byte (so a name and its bytes32 form are one-to-one),
    /// each named once, and values of magnitude at most MAX_MAGNITUDE. Every offset and length is checked
    /// against the data's size before it is followed, so no encoding reverts any other way: data accepted
    /// when an evaluation is recorded always parses again when a rule is checked. Parsed by hand rather
    /// than by abi.decode, which copies each name into its own string: this is the resolver's hot path.
    function parseEvaluation(bytes memory data)
        private
        pure
        returns (bytes32 commit, bytes32 suite, bytes32[] memory metrics, int256[] memory values)
    {
        uint256 size = data.length;
        if (size < 128) revert MalformedEvaluation();
        commit = wordAt(data, 0);
        suite = wordAt(data, 32);
        uint256 namesBase = uint256(wordAt(data, 64));
        uint256 valuesBase = uint256(wordAt(data, 96));
        if (namesBase > size - 32 || valuesBase > size - 32) revert MalformedEvaluation();
        uint256 n = uint256(wordAt(data, namesBase));
        if (n == 0 || n > MAX_METRICS || uint256(wordAt(data, valuesBase)) != n) revert MalformedEvaluation();
        // Unchecked: both bases are at most `size` - 32 and n at most 16, so the sums cannot overflow.
        unchecked {
            // The arrays' elements (name offsets, values) follow their lengths.
            namesBase += 32;
            valuesBase += 32;
            if (namesBase + 32 * n > size || valuesBase + 32 * n > size) revert MalformedEvaluation();
        }
        metrics = new bytes32[](n);
        values = new int256[](n);
        bool malformed = false;
        // In assembly because this loop is most of the resolver's cost per metric (in bounds-checked
        // Solidity about 1,600 gas a metric, here about 500). Every offset is checked against `size` before
        // it is read, as in Solidity above; the name's offset is at most `size`, so no sum overflows.
        assembly ("memory-safe") {
            let start := add(data, 32)
            let metricsOut := add(metrics, 32)
            let seen := 0
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let offset := mload(add(start, add(namesBase, mul(i, 32))))
                if gt(offset, size) {
                    malformed := 1
                    break
                }
                let at := add(namesBase, offset)
                if gt(add(at, 64), size) {
                    malformed := 1
                    break
                }
                let length := mload(add(start, at))
                if or(iszero(length), gt(length, 32)) {
                    malformed := 1
                    break
                }
                // The name's bytes, left-aligned, the padding after them cleared; its last byte not zero.
                let metric := and(mload(add(start, add(at, 32))), not(shr(mul(8, length), not(0))))
                if iszero(byte(sub(length, 1), metric)) {
                    malformed := 1
                    break
                }
                // A name seen before: a 256-bit filter of the names' hashes says "maybe" and only then are
                // the earlier names compared (16 names compared pairwise cost about 10,000 gas).
                mstore(0, metric)
                let bit := shl(and(keccak256(0, 32), 255), 1)
                if and(seen, bit) {
                    for { let j := 0 } lt(j, i) { j := add(j, 1) } {
                        if eq(mload(add(metricsOut, mul(j, 32))), metric) { malformed := 1 }
                    }
                    if malformed { break }
                }
                seen := or(seen, bit)
                mstore(add(metricsOut, mul(i, 32)), metric)
                let value := mload(add(start, add(valuesBase, mul(i, 32))))
                if or(sgt(value, MAX_MAGNITUDE), slt(value, sub(0, MAX_MAGNITUDE))) {
                    malformed := 1
                    break
                }
                mstore(add(values, add(32, mul(i, 32))), value)
            }
        }
        if (malformed) revert MalformedEvaluation();
    }

    /// @dev The 32 bytes of `data` at offset `at`; the caller has checked that at + 32 <= data.length.
    function wordAt(bytes memory data, uint256 at) private pure returns (bytes32 word) {
        assembly ("memory-safe") {
            word := mload(add(add(data, 32), at))
        }
    }

    function validatePolicy(bytes32 stage, StagePolicy calldata policy) private pure {
        if (stage == bytes32(0)) revert InvalidPolicy("empty stage name");
        if (policy.afterStage == stage) revert InvalidPolicy("a stage cannot come after itself");
        validateRules(policy.requirements, true);
        validateRules(policy.improves, false);
        validateRules(policy.retrainWhen, true);
        validateRules(policy.rollbackWhen, true);
        address[] calldata approvers = policy.approvers;
        if (approvers.length > MAX_APPROVERS) revert InvalidPolicy("at most 16 approvers");
        if (policy.approvals > approvers.length) revert InvalidPolicy("more approvals than approvers");
        for (uint256 i = 0; i < approvers.length; ++i) {
            if (approvers[i] == address(0)) revert InvalidPolicy("zero address as approver");
            for (uint256 j = 0; j < i; ++j) {
                if (approvers[j] == approvers[i]) revert InvalidPolicy("approver listed twice");
            }
        }
    }

    function validateRules(Rule[] calldata rules, bool withOp) private pure {
        if (rules.length > MAX_RULES) revert InvalidPolicy("at most 16 rules per list");
        for (uint256 i = 0; i < rules.length; ++i) {
            if (rules[i].metric == bytes32(0)) revert InvalidPolicy("empty metric name");
            if (withOp ? rules[i].op > 3 : rules[i].op != 0) revert InvalidPolicy("unknown rule operator");
            int256 value = rules[i].value;
            if (value > MAX_MAGNITUDE || value < -MAX_MAGNITUDE) revert InvalidPolicy("value out of range");
        }
    }

    function copyRules(Rule[] storage to, Rule[] calldata from) private {
        while (to.length > 0) to.pop();
        for (uint256 i = 0; i < from.length; ++i) to.push(from[i]);
    }

    function valueOf(bytes32[] memory metrics, int256[] memory values, bytes32 metric)
        private
        pure
        returns (bool found, int256 value)
    {
        for (uint256 i = 0; i < metrics.length; ++i) {
            if (metrics[i] == metric) return (true, values[i]);
        }
        return (false, 0);
    }

    function satisfies(int256 value, uint8 op, int256 threshold) private pure returns (bool) {
        if (op == 0) return value >= threshold;
        if (op == 1) return value <= threshold;
        if (op == 2) return value > threshold;
        return value < threshold;
    }

    function allHold(RuleCheck[] memory checks) private pure returns (bool) {
        for (uint256 i = 0; i < checks.length; ++i) {
            if (!checks[i].holds) return false;
        }
        return true;
    }

    function contains(address[] storage list, address who) private view returns (bool) {
        for (uint256 i = 0; i < list.length; ++i) {
            if (list[i] == who) return true;
        }
        return false;
    }
}
