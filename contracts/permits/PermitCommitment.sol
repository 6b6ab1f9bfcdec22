// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {PermitRecord} from "../types/PermitTypes.sol";

/// @title How a permit record is bound to its one storage slot
/// @notice The slot keeps in plain what lifecycle checks need (status, document type, countries,
/// last day of validity); everything else is bound by a 20-byte commitment:
///
///   commitment = bytes20(keccak256(abi.encode(
///       documentHash, issuedAt, issuer, importPermitId, originPermitId, replacesPermitId,
///       keccak256(abi.encodePacked(authorised)), keccak256(abi.encodePacked(exported)))))
///
/// (`abi.encodePacked` of a uint256[] pads each entry to 32 bytes.) 160 bits, like an address:
/// finding a second record for someone else's commitment takes ~2^160 hashes.
library PermitCommitment {
    /// @notice The commitment of a full record.
    function ofRecord(PermitRecord calldata r) internal pure returns (bytes20) {
        return compute(
            r.documentHash,
            r.issuedAt,
            r.issuer,
            r.importPermitId,
            r.originPermitId,
            r.replacesPermitId,
            hashQuantities(r.authorised),
            hashQuantities(r.exported)
        );
    }

    /// @notice keccak256(abi.encodePacked(quantities)), hashed straight from calldata in memory
    /// past the free-memory pointer (scratch: nothing is allocated, so a batch doesn't grow memory).
    function hashQuantities(uint256[] calldata quantities) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let len := mul(quantities.length, 0x20)
            calldatacopy(ptr, quantities.offset, len)
            h := keccak256(ptr, len)
        }
    }

    /// @notice The commitment from its parts; `authorisedHash` and `exportedHash` are
    /// keccak256(abi.encodePacked(quantities)). Same bytes as abi.encode of the eight values,
    /// written to scratch memory past the free-memory pointer.
    function compute(
        bytes32 documentHash,
        uint40 issuedAt,
        address issuer,
        bytes32 importPermitId,
        bytes32 originPermitId,
        bytes32 replacesPermitId,
        bytes32 authorisedHash,
        bytes32 exportedHash
    ) internal pure returns (bytes20 commitment) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, documentHash)
            mstore(add(ptr, 0x20), and(issuedAt, 0xffffffffff))
            mstore(add(ptr, 0x40), and(issuer, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x60), importPermitId)
            mstore(add(ptr, 0x80), originPermitId)
            mstore(add(ptr, 0xa0), replacesPermitId)
            mstore(add(ptr, 0xc0), authorisedHash)
            mstore(add(ptr, 0xe0), exportedHash)
            commitment := and(keccak256(ptr, 0x100), not(0xffffffffffffffffffffffff))
        }
    }
}
