// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {DocumentType} from "../types/PermitTypes.sol";

/// @title The plain terms of a permit packed into one word
/// @notice bits 0-7 document type, 8-23 exporting country, 24-39 importing country, 40-79
/// validUntil; bits 80-255 zero. Used in `PermitInput.terms` and the `PermitIssued` event.
library PermitTerms {
    /// @notice The word has bits set above bit 79 or an unknown document type.
    error InvalidTerms(uint256 terms);

    uint256 private constant _DOC_TYPES = uint256(type(DocumentType).max) + 1;

    /// @notice Splits `terms` into its fields; reverts with `InvalidTerms` on a malformed word.
    function unpack(uint256 terms)
        internal
        pure
        returns (DocumentType docType, bytes2 exporting, bytes2 importing, uint40 validUntil)
    {
        if (terms >> 80 != 0 || uint8(terms) >= _DOC_TYPES) revert InvalidTerms(terms);
        docType = DocumentType(uint8(terms));
        exporting = bytes2(uint16(terms >> 8));
        importing = bytes2(uint16(terms >> 24));
        validUntil = uint40(terms >> 40);
    }

    /// @notice The inverse of `unpack`.
    function pack(DocumentType docType, bytes2 exporting, bytes2 importing, uint40 validUntil)
        internal
        pure
        returns (uint256)
    {
        return uint256(uint8(docType)) | (uint256(uint16(exporting)) << 8) | (uint256(uint16(importing)) << 24)
            | (uint256(validUntil) << 40);
    }
}
