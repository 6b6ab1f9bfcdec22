// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IPermitRegistry} from "./interfaces/IPermitRegistry.sol";
import {Membership} from "./membership/Membership.sol";
import {PermitCommitment} from "./permits/PermitCommitment.sol";
import {PermitIssuance} from "./permits/PermitIssuance.sol";
import {
    CancelReason,
    DocumentType,
    NonComplianceReason,
    PermitRecord,
    PermitState,
    Role,
    Status,
    Verification
} from "./types/PermitTypes.sol";

/// @title PermitRegistry: membership, anchoring and the permit lifecycle after issue
/// @notice issued → endorsed at export (actual quantities) → used at import; cancelled or
/// replaced before use; notices of non-compliance by the importing country.
contract PermitRegistry is PermitIssuance {
    /// @param governanceTransferDelay seconds a governance handover waits
    /// @param governance the consortium / secretariat account
    constructor(uint48 governanceTransferDelay, address governance) Membership(governanceTransferDelay, governance) {}

    /// @inheritdoc IPermitRegistry
    function endorseExport(PermitRecord calldata record, uint256[] calldata exported) external {
        bytes32 permitId = record.permitId;
        (PermitState storage slot, PermitState memory state) = _existing(permitId);
        _requireRole(Role.CUSTOMS, state.exportingCountry);
        if (state.docType == DocumentType.CITES_IMPORT_PERMIT) revert NotEndorsable(permitId, state.docType);
        if (state.status == Status.ENDORSED) revert AlreadyEndorsed(permitId);
        if (state.status == Status.USED) revert AlreadyUsed(permitId);
        if (state.status != Status.ISSUED) revert PermitNotActive(permitId, state.status);
        if (block.timestamp > state.validUntil) revert PermitExpired(permitId, state.validUntil, block.timestamp);
        if (!_matches(state, record)) revert RecordMismatch(permitId);

        uint256 lines = record.authorised.length;
        if (exported.length != lines) revert LineCountMismatch(permitId, lines, exported.length);
        uint256 total;
        for (uint256 i; i < lines; ++i) {
            if (exported[i] > record.authorised[i]) {
                revert QuantityExceeded(permitId, i + 1, record.authorised[i], exported[i]);
            }
            total |= exported[i];
        }
        if (total == 0) revert NothingExported(permitId);
        state.commitment = PermitCommitment.compute(
            record.documentHash,
            record.issuedAt,
            record.issuer,
            record.importPermitId,
            record.originPermitId,
            record.replacesPermitId,
            PermitCommitment.hashQuantities(record.authorised),
            PermitCommitment.hashQuantities(exported)
        );
        slot.status = Status.ENDORSED;
        slot.commitment = state.commitment;
        emit ExportEndorsed(permitId, state.exportingCountry, msg.sender, state.importingCountry, exported);
    }

    /// @inheritdoc IPermitRegistry
    function use(bytes32 permitId) external {
        (PermitState storage slot, PermitState memory state) = _existing(permitId);
        _requireOfficerOf(state.importingCountry);
        if (state.status == Status.USED) revert AlreadyUsed(permitId);
        if (state.status != Status.ISSUED && state.status != Status.ENDORSED) {
            revert PermitNotActive(permitId, state.status);
        }
        bool needsEndorsement = state.docType == DocumentType.CITES_EXPORT_PERMIT
            || state.docType == DocumentType.CITES_REEXPORT_CERTIFICATE;
        if (needsEndorsement && state.status != Status.ENDORSED) revert ExportNotEndorsed(permitId);
        if (block.timestamp > state.validUntil) revert PermitExpired(permitId, state.validUntil, block.timestamp);

        slot.status = Status.USED;
        if (state.flags & FLAG_LINKED_IMPORT_PERMIT != 0) _useImportPermit(permitId);
        emit ImportAccepted(permitId, msg.sender, state.importingCountry, state.exportingCountry);
    }

    /// @inheritdoc IPermitRegistry
    function cancel(bytes32 permitId, CancelReason reason) external {
        (PermitState storage slot, PermitState memory state) = _existing(permitId);
        bytes2 country = _issuingCountry(state.docType, state.exportingCountry, state.importingCountry);
        _requireRole(Role.ISSUER, country);
        if (reason == CancelReason.NONE) revert ReasonRequired();
        _requireNotUsedOrClosed(permitId, state.status);
        slot.status = Status.CANCELLED;
        emit PermitCancelled(permitId, country, msg.sender, reason);
    }

    /// @inheritdoc IPermitRegistry
    function recordNonCompliance(bytes32 permitId, NonComplianceReason reason) external {
        (PermitState storage slot, PermitState memory state) = _existing(permitId);
        _requireOfficerOf(state.importingCountry);
        if (reason == NonComplianceReason.NONE) revert ReasonRequired();
        if (state.status == Status.CANCELLED || state.status == Status.REPLACED) {
            revert PermitNotActive(permitId, state.status);
        }
        if (state.status == Status.ISSUED) revert NotYetShipped(permitId, state.status);
        if (state.flags & FLAG_NON_COMPLIANCE == 0) slot.flags = state.flags | FLAG_NON_COMPLIANCE;
        emit NonComplianceRecorded(permitId, state.importingCountry, msg.sender, reason);
    }

    /// @inheritdoc IPermitRegistry
    function permitState(bytes32 permitId) external view returns (PermitState memory state, bool expired) {
        state = _permits[permitId];
        expired = state.status != Status.NONE && block.timestamp > state.validUntil;
    }

    /// @inheritdoc IPermitRegistry
    function verify(PermitRecord calldata record) external view returns (Verification) {
        PermitState memory state = _permits[record.permitId];
        if (state.status == Status.NONE) return Verification.UNKNOWN;
        if (!_matches(state, record)) return Verification.HASH_MISMATCH;
        if (state.status == Status.USED) return Verification.USED;
        if (state.status == Status.CANCELLED) return Verification.CANCELLED;
        if (state.status == Status.REPLACED) return Verification.REPLACED;
        if (block.timestamp > state.validUntil) return Verification.EXPIRED;
        return state.status == Status.ENDORSED ? Verification.ENDORSED : Verification.ISSUED;
    }

    /// @inheritdoc IPermitRegistry
    function importPermitOf(bytes32 permitId) external view returns (bytes32) {
        return _importPermits[permitId];
    }

    /// @inheritdoc IPermitRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @dev Accepting an Appendix-I export uses the import permit it relies on, in the same step.
    function _useImportPermit(bytes32 permitId) private {
        bytes32 importId = _importPermits[permitId];
        PermitState storage slot = _permits[importId];
        PermitState memory ip = slot;
        if (ip.status != Status.ISSUED || block.timestamp > ip.validUntil) {
            revert ImportPermitNotUsable(permitId, importId, ip.status);
        }
        slot.status = Status.USED;
        emit ImportAccepted(importId, msg.sender, ip.importingCountry, ip.exportingCountry);
    }

    /// @dev The presented record is the stored one: plain fields equal, the rest committed.
    function _matches(PermitState memory state, PermitRecord calldata record) private pure returns (bool) {
        return state.docType == record.docType && state.exportingCountry == record.exportingCountry
            && state.importingCountry == record.importingCountry && state.validUntil == record.validUntil
            && state.commitment == PermitCommitment.ofRecord(record);
    }
}
