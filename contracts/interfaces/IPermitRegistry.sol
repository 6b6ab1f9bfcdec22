// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {
    CancelReason,
    DocumentType,
    NonComplianceReason,
    PermitInput,
    PermitRecord,
    PermitState,
    Status,
    Verification
} from "../types/PermitTypes.sol";

/// @title The permit registry
/// @notice One record per permit, keyed by `permitId = keccak256(bytes2 issuingCountry ‖ bytes32
/// permitNumber)`. Issuing country is the importing country for import permits and the
/// exporting country for every other document type. Every lifecycle step is a transaction
/// signed by the officer who did it, and an event carrying the permit id, countries and officer.
interface IPermitRegistry {
    /// @notice An issuer anchored a permit. With the block time (the issue time) and any
    /// `PermitLinked` event of the same permit it carries every value of the record, so indexers
    /// can rebuild it from the chain alone.
    /// @param permitId the permit's key
    /// @param officer the issuer
    /// @param documentHash salted hash of the canonical document
    /// @param terms document type, exporting and importing country, validUntil, packed as in
    /// `PermitInput.terms` (see `PermitTerms`)
    /// @param quantities authorised quantity per line, in thousandths
    event PermitIssued(
        bytes32 indexed permitId, address indexed officer, bytes32 documentHash, uint256 terms, uint256[] quantities
    );
    /// @notice The permit names another one: the import permit an Appendix-I export relies on, or
    /// the origin permit of a re-export. Emitted with `PermitIssued`, only when a link is set.
    event PermitLinked(bytes32 indexed permitId, bytes32 indexed importPermitId, bytes32 indexed originPermitId);
    /// @notice Customs of the exporting country endorsed the export with the quantities that left.
    event ExportEndorsed(
        bytes32 indexed permitId,
        bytes2 indexed exportingCountry,
        address indexed officer,
        bytes2 importingCountry,
        uint256[] exported
    );
    /// @notice An officer of the importing country accepted the import; the permit is used.
    event ImportAccepted(
        bytes32 indexed permitId, address indexed officer, bytes2 importingCountry, bytes2 exportingCountry
    );
    /// @notice The issuing country cancelled the permit.
    event PermitCancelled(bytes32 indexed permitId, bytes2 indexed issuingCountry, address indexed officer, CancelReason reason);
    /// @notice The issuing country replaced `permitId` by `replacementId` (issued in the same transaction).
    event PermitReplaced(
        bytes32 indexed permitId,
        bytes2 indexed issuingCountry,
        address indexed officer,
        bytes32 replacementId
    );
    /// @notice The importing country recorded a notice of non-compliance.
    event NonComplianceRecorded(
        bytes32 indexed permitId,
        bytes2 indexed importingCountry,
        address indexed officer,
        NonComplianceReason reason
    );

    /// @notice No permit is anchored under `permitId`.
    error PermitNotFound(bytes32 permitId);
    /// @notice A permit with this number was already anchored by its issuing country.
    error PermitAlreadyExists(bytes32 permitId);
    /// @notice The batch is empty.
    error EmptyBatch();
    /// @notice The permit has no line items.
    error NoLineItems(bytes32 permitId);
    /// @notice Line `line` (1-based) has a zero quantity.
    error ZeroQuantity(bytes32 permitId, uint256 line);
    /// @notice Exporting and importing country are the same, or a code is not ISO alpha-2.
    error InvalidCountries(bytes32 permitId, bytes2 exportingCountry, bytes2 importingCountry);
    /// @notice `validUntil` is not in the future.
    error ValidityInPast(bytes32 permitId, uint40 validUntil, uint256 blockTime);
    /// @notice `validUntil` is later than the document type allows (6 months export, 12 months import).
    error ValidityTooLong(bytes32 permitId, uint40 validUntil, uint256 maxValidUntil);
    /// @notice The permit expired at `validUntil`.
    error PermitExpired(bytes32 permitId, uint40 validUntil, uint256 blockTime);
    /// @notice The permit is cancelled or replaced (or used) and can no longer take this step.
    error PermitNotActive(bytes32 permitId, Status status);
    /// @notice The export was already endorsed; a permit covers one shipment.
    error AlreadyEndorsed(bytes32 permitId);
    /// @notice Import permits are not endorsed at export.
    error NotEndorsable(bytes32 permitId, DocumentType docType);
    /// @notice Export permits and re-export certificates are accepted only after the export endorsement.
    error ExportNotEndorsed(bytes32 permitId);
    /// @notice The permit was already used at import.
    error AlreadyUsed(bytes32 permitId);
    /// @notice Non-compliance can be recorded only after the export endorsement (or use); a
    /// cancelled or replaced permit gives `PermitNotActive` instead.
    error NotYetShipped(bytes32 permitId, Status status);
    /// @notice The presented record does not match the anchored commitment.
    error RecordMismatch(bytes32 permitId);
    /// @notice The endorsement names `actual` lines, the permit has `expected`.
    error LineCountMismatch(bytes32 permitId, uint256 expected, uint256 actual);
    /// @notice The endorsement gives zero on every line: nothing left the country, so there is
    /// nothing to endorse.
    error NothingExported(bytes32 permitId);
    /// @notice Line `line` (1-based): more was exported than authorised.
    error QuantityExceeded(bytes32 permitId, uint256 line, uint256 authorised, uint256 requested);
    /// @notice The named import permit is not anchored, not an import permit, or names other countries.
    error ImportPermitMismatch(bytes32 permitId, bytes32 importPermitId);
    /// @notice The named import permit is expired, used, cancelled or replaced.
    error ImportPermitNotUsable(bytes32 permitId, bytes32 importPermitId, Status status);
    /// @notice A reason code of zero (NONE) was given.
    error ReasonRequired();

    /// @notice Anchors one permit of the caller's country. Issuer only.
    /// @return permitId the new permit's key
    function issue(PermitInput calldata input) external returns (bytes32 permitId);

    /// @notice Anchors several permits of the caller's country in one transaction, all or nothing.
    /// Keep a batch under the per-transaction gas cap (16,777,216): about 500 permits of a few
    /// lines. The permit ids are in the `PermitIssued` events, in input order.
    function issueBatch(PermitInput[] calldata inputs) external;

    /// @notice Endorses the export: `exported[i]` of line i actually left the country. Customs of
    /// the exporting country only; once; not after expiry; each line at most the authorised quantity.
    /// @param record the permit's current record (as rebuilt from events)
    function endorseExport(PermitRecord calldata record, uint256[] calldata exported) external;

    /// @notice Accepts the import ("use"): the permit can't be presented again. An officer of the
    /// importing country only, after the export endorsement for export permits and re-export
    /// certificates, not after expiry. Accepting an Appendix-I export also uses the import permit
    /// it names. (Named `use`, the CITES word, whose selector the dispatcher reaches early.)
    function use(bytes32 permitId) external;

    /// @notice Cancels a permit before use. Issuer of the issuing country only.
    function cancel(bytes32 permitId, CancelReason reason) external;

    /// @notice Issues `input` as the replacement of `permitId` and marks the old permit replaced,
    /// atomically. Issuer of the issuing country only, before use.
    /// @return replacementId the new permit's key
    function replace(bytes32 permitId, PermitInput calldata input) external returns (bytes32 replacementId);

    /// @notice Records a notice of non-compliance. An officer of the importing country only,
    /// after the export endorsement.
    function recordNonCompliance(bytes32 permitId, NonComplianceReason reason) external;

    /// @notice The stored lifecycle state of `permitId` and whether it has expired, in one call.
    /// @return state status, document type, flags, countries, last day of validity, commitment
    /// @return expired true when the block time is past `validUntil`
    function permitState(bytes32 permitId) external view returns (PermitState memory state, bool expired);

    /// @notice The state of a presented record: UNKNOWN, HASH_MISMATCH, or its lifecycle state
    /// (EXPIRED for an issued or endorsed permit past its validity).
    function verify(PermitRecord calldata record) external view returns (Verification);

    /// @notice The import permit an Appendix-I export relies on (zero if none).
    function importPermitOf(bytes32 permitId) external view returns (bytes32);

    /// @notice The commitment stored for `record` (see `PermitCommitment`).
    function commitmentOf(PermitRecord calldata record) external pure returns (bytes20);

    /// @notice `keccak256(bytes2 issuingCountry ‖ bytes32 permitNumber)`.
    function permitIdOf(bytes2 issuingCountry, bytes32 permitNumber) external pure returns (bytes32);

    /// @notice The contract's semantic version.
    function version() external pure returns (string memory);
}
