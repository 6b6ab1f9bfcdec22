// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IPermitRegistry} from "../interfaces/IPermitRegistry.sol";
import {Membership} from "../membership/Membership.sol";
import {DocumentType, PermitInput, PermitRecord, PermitState, Role, Status} from "../types/PermitTypes.sol";
import {PermitCommitment} from "./PermitCommitment.sol";
import {PermitTerms} from "./PermitTerms.sol";

/// @title Anchoring permits: the one-slot record, issue, batch issue and replace
abstract contract PermitIssuance is Membership, IPermitRegistry {
    uint8 internal constant FLAG_NON_COMPLIANCE = 1;
    uint8 internal constant FLAG_LINKED_IMPORT_PERMIT = 2;

    /// @dev Longest validity per document type, from the block time of issue.
    uint256 internal constant SIX_MONTHS = 184 days; // the longest run of six calendar months
    uint256 internal constant TWELVE_MONTHS = 366 days;
    uint256 internal constant THREE_YEARS = 1096 days; // travelling-exhibition / ownership certificates

    /// @dev keccak256("") — the exported-quantities hash of a permit not yet endorsed.
    bytes32 internal constant EMPTY_HASH = keccak256("");

    mapping(bytes32 permitId => PermitState) internal _permits;
    /// @dev Only for Appendix-I exports: the import permit used together with the export.
    mapping(bytes32 permitId => bytes32 importPermitId) internal _importPermits;

    /// @inheritdoc IPermitRegistry
    function issue(PermitInput calldata input) external returns (bytes32 permitId) {
        return _issue(input, _callerCountry(Role.ISSUER), 0);
    }

    /// @inheritdoc IPermitRegistry
    function issueBatch(PermitInput[] calldata inputs) external {
        uint256 count = inputs.length;
        if (count == 0) revert EmptyBatch();
        bytes2 country = _callerCountry(Role.ISSUER);
        for (uint256 i; i < count;) {
            _issue(inputs[i], country, 0);
            unchecked {
                ++i;
            }
        }
    }

    /// @inheritdoc IPermitRegistry
    function replace(bytes32 permitId, PermitInput calldata input) external returns (bytes32 replacementId) {
        (PermitState storage slot, PermitState memory old) = _existing(permitId);
        bytes2 country = _issuingCountry(old.docType, old.exportingCountry, old.importingCountry);
        _requireRole(Role.ISSUER, country);
        _requireNotUsedOrClosed(permitId, old.status);
        replacementId = _issue(input, country, permitId);
        slot.status = Status.REPLACED;
        emit PermitReplaced(permitId, country, msg.sender, replacementId);
    }

    /// @inheritdoc IPermitRegistry
    function commitmentOf(PermitRecord calldata record) external pure returns (bytes20) {
        return PermitCommitment.ofRecord(record);
    }

    /// @inheritdoc IPermitRegistry
    function permitIdOf(bytes2 issuingCountry, bytes32 permitNumber) public pure returns (bytes32 permitId) {
        // keccak256(abi.encodePacked(issuingCountry, permitNumber)), in the scratch space 0x00-0x3f.
        assembly ("memory-safe") {
            mstore(0x00, issuingCountry)
            mstore(0x02, permitNumber)
            permitId := keccak256(0x00, 0x22)
        }
    }

    /// @dev Anchors `input` for an issuer of `officerCountry` (already checked).
    function _issue(PermitInput calldata input, bytes2 officerCountry, bytes32 replaces)
        internal
        returns (bytes32 permitId)
    {
        uint256 terms = input.terms;
        uint256[] calldata quantities = input.quantities; // decoded and bounds-checked once
        bytes32 documentHash = input.documentHash;
        bytes32 originPermitId = input.originPermitId;
        (DocumentType docType, bytes2 exporting, bytes2 importing, uint40 validUntil) = PermitTerms.unpack(terms);
        bytes2 issuing = _issuingCountry(docType, exporting, importing);
        permitId = permitIdOf(issuing, input.permitNumber);
        if (issuing != officerCountry) revert Unauthorized(msg.sender, Role.ISSUER, issuing);
        PermitState storage slot = _permits[permitId];
        if (slot.status != Status.NONE) revert PermitAlreadyExists(permitId);
        _checkTerms(permitId, terms, docType, validUntil, quantities);

        uint8 flags;
        bytes32 importPermitId = input.importPermitId;
        if (importPermitId != 0) {
            _checkImportPermit(permitId, importPermitId, docType, exporting, importing);
            _importPermits[permitId] = importPermitId;
            flags = FLAG_LINKED_IMPORT_PERMIT;
        }
        bytes20 commitment = PermitCommitment.compute(
            documentHash,
            uint40(block.timestamp),
            msg.sender,
            importPermitId,
            originPermitId,
            replaces,
            PermitCommitment.hashQuantities(quantities),
            EMPTY_HASH
        );
        // The whole slot in one write, same layout as PermitState (see its comment).
        uint256 word = uint256(uint8(Status.ISSUED)) | (uint256(flags) << 8) | (terms << 16)
            | (uint256(uint160(commitment)) << 96);
        assembly ("memory-safe") {
            sstore(slot.slot, word)
        }
        _emitPermitIssued(permitId, documentHash, terms, quantities);
        if (importPermitId != 0 || originPermitId != 0) {
            emit PermitLinked(permitId, importPermitId, originPermitId);
        }
    }

    /// @dev `emit PermitIssued(permitId, msg.sender, documentHash, terms, quantities)`, encoded in
    /// scratch memory past the free-memory pointer: data = documentHash ‖ terms ‖ 0x60 ‖ length ‖
    /// quantities. A batch then costs the same per permit however long it is (no memory growth).
    function _emitPermitIssued(bytes32 permitId, bytes32 documentHash, uint256 terms, uint256[] calldata quantities)
        private
    {
        bytes32 topic = PermitIssued.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, documentHash)
            mstore(add(ptr, 0x20), terms)
            mstore(add(ptr, 0x40), 0x60)
            mstore(add(ptr, 0x60), quantities.length)
            let len := mul(quantities.length, 0x20)
            calldatacopy(add(ptr, 0x80), quantities.offset, len)
            log3(ptr, add(0x80, len), topic, permitId, caller())
        }
    }

    /// @dev The permit under `permitId`: its slot and a copy read in one storage read, or a revert.
    function _existing(bytes32 permitId) internal view returns (PermitState storage slot, PermitState memory state) {
        slot = _permits[permitId];
        state = slot;
        if (state.status == Status.NONE) revert PermitNotFound(permitId);
    }

    /// @dev Cancel and replace act only before use and not twice.
    function _requireNotUsedOrClosed(bytes32 permitId, Status status) internal pure {
        if (status == Status.USED) revert AlreadyUsed(permitId);
        if (status != Status.ISSUED && status != Status.ENDORSED) revert PermitNotActive(permitId, status);
    }

    /// @dev Import permits are issued by the importing country, every other document by the exporting one.
    function _issuingCountry(DocumentType docType, bytes2 exporting, bytes2 importing) internal pure returns (bytes2) {
        return docType == DocumentType.CITES_IMPORT_PERMIT ? importing : exporting;
    }

    function _checkTerms(
        bytes32 permitId,
        uint256 terms,
        DocumentType docType,
        uint40 validUntil,
        uint256[] calldata quantities
    ) private view {
        if (!_validCountries(terms)) {
            revert InvalidCountries(permitId, bytes2(uint16(terms >> 8)), bytes2(uint16(terms >> 24)));
        }
        if (validUntil <= block.timestamp) revert ValidityInPast(permitId, validUntil, block.timestamp);
        uint256 maxValidUntil = block.timestamp + _maxValidity(docType);
        if (validUntil > maxValidUntil) revert ValidityTooLong(permitId, validUntil, maxValidUntil);
        if (quantities.length == 0) revert NoLineItems(permitId);
        uint256 zeroLine = _firstZeroLine(quantities);
        if (zeroLine != 0) revert ZeroQuantity(permitId, zeroLine);
    }

    /// @dev Both countries in `terms` (bits 8-39, four ASCII letters) are capitals "A".."Z" and
    /// differ. (b - 0x41) / 26 is zero exactly for "A".."Z": below "A" the subtraction wraps.
    function _validCountries(uint256 terms) private pure returns (bool) {
        unchecked {
            uint256 bad = ((((terms >> 8) & 0xff) - 0x41) / 26) | ((((terms >> 16) & 0xff) - 0x41) / 26)
                | ((((terms >> 24) & 0xff) - 0x41) / 26) | ((((terms >> 32) & 0xff) - 0x41) / 26);
            return bad == 0 && ((terms >> 8) & 0xffff) != ((terms >> 24) & 0xffff);
        }
    }

    /// @dev The 1-based number of the first zero quantity, or 0 when all are positive.
    function _firstZeroLine(uint256[] calldata quantities) private pure returns (uint256 line) {
        assembly ("memory-safe") {
            let end := add(quantities.offset, mul(quantities.length, 0x20))
            for { let p := quantities.offset } lt(p, end) { p := add(p, 0x20) } {
                if iszero(calldataload(p)) {
                    line := add(div(sub(p, quantities.offset), 0x20), 1)
                    break
                }
            }
        }
    }

    /// @dev An export that names an import permit needs that permit anchored, usable, and naming
    /// the same exporting and importing countries.
    function _checkImportPermit(
        bytes32 permitId,
        bytes32 importId,
        DocumentType docType,
        bytes2 exporting,
        bytes2 importing
    ) private view {
        PermitState memory ip = _permits[importId];
        if (
            ip.status == Status.NONE || ip.docType != DocumentType.CITES_IMPORT_PERMIT
                || docType == DocumentType.CITES_IMPORT_PERMIT || ip.exportingCountry != exporting
                || ip.importingCountry != importing
        ) revert ImportPermitMismatch(permitId, importId);
        if (ip.status != Status.ISSUED || block.timestamp > ip.validUntil) {
            revert ImportPermitNotUsable(permitId, importId, ip.status);
        }
    }

    function _maxValidity(DocumentType docType) private pure returns (uint256) {
        // One 32-bit entry per document type, indexed by its number (export, import, re-export,
        // other certificate, ePhyto): a table lookup instead of a chain of branches.
        uint256 table = SIX_MONTHS | (TWELVE_MONTHS << 32) | (SIX_MONTHS << 64) | (THREE_YEARS << 96)
            | (SIX_MONTHS << 128);
        return (table >> (uint256(uint8(docType)) * 32)) & 0xffffffff;
    }
}
