// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice What an account may do inside its country. One account has one role in one country.
enum Role {
    NONE,
    AUTHORITY_ADMIN, // the country's Management Authority / NPPO admin: registers and removes officers
    ISSUER, // permit officer: issues, cancels, replaces permits of its country
    CUSTOMS // border officer: endorses exports of its country, accepts imports into it
}

/// @notice The kinds of document the registry anchors.
enum DocumentType {
    CITES_EXPORT_PERMIT,
    CITES_IMPORT_PERMIT,
    CITES_REEXPORT_CERTIFICATE,
    CITES_OTHER_CERTIFICATE,
    EPHYTO_CERTIFICATE
}

/// @notice Lifecycle status of an anchored permit. Expiry is derived from `validUntil`, not stored.
enum Status {
    NONE, // never anchored
    ISSUED,
    ENDORSED, // export endorsed by customs with the quantities that actually left
    USED, // accepted at import; can't be presented again
    CANCELLED,
    REPLACED
}

/// @notice Why an issuer cancelled a permit.
enum CancelReason {
    NONE,
    LOST,
    STOLEN,
    DAMAGED,
    WRONGLY_ISSUED,
    WITHDRAWN,
    OTHER
}

/// @notice Why the importing country recorded a notice of non-compliance.
enum NonComplianceReason {
    NONE,
    QUANTITY_MISMATCH,
    SPECIES_MISMATCH,
    DOCUMENT_IRREGULARITY,
    PEST_OR_DISEASE,
    ILLEGAL_SPECIMENS,
    OTHER
}

/// @notice What an issuer sends to anchor one permit. Quantities are fixed-point thousandths
/// (14.5 kg is 14500), one entry per line item in line order.
/// `terms` packs the plain terms into one word (see `PermitTerms`): bits 0-7 document type, 8-23
/// exporting country, 24-39 importing country (ISO 3166-1 alpha-2, ASCII), 40-79 validUntil (the
/// last second of validity, unix time); higher bits zero. One word instead of four keeps calldata
/// and the `PermitIssued` event small.
struct PermitInput {
    bytes32 permitNumber; // UTF-8, right-padded with zero bytes
    bytes32 documentHash; // salted hash of the canonical document; the document never goes on chain
    uint256 terms;
    bytes32 importPermitId; // the import permit an Appendix-I export relies on, or zero
    bytes32 originPermitId; // re-export: the permit of original export, or zero
    uint256[] quantities; // authorised quantity per line
}

/// @notice The full record of a permit. Only a commitment to it is stored (see `PermitState`);
/// callers rebuild it from the `PermitIssued` / `ExportEndorsed` events and present it again.
struct PermitRecord {
    bytes32 permitId;
    bytes32 documentHash;
    DocumentType docType;
    bytes2 exportingCountry;
    bytes2 importingCountry;
    uint40 validUntil;
    uint40 issuedAt;
    address issuer;
    bytes32 importPermitId;
    bytes32 originPermitId;
    bytes32 replacesPermitId;
    uint256[] authorised;
    uint256[] exported; // empty until the export is endorsed
}

/// @notice What is stored per permit. Fits in one slot: 1 + 1 + 1 + 2 + 2 + 5 + 20 = 32 bytes.
/// The plain fields are the ones lifecycle checks need without the record; everything else is
/// bound by `commitment` (see `PermitCommitment`). Field order makes bits 16-95 of the slot equal
/// to bits 0-79 of `PermitInput.terms`, so issuing stores `status | flags << 8 | terms << 16 |
/// commitment << 96` in one write.
struct PermitState {
    Status status;
    uint8 flags; // FLAG_NON_COMPLIANCE | FLAG_LINKED_IMPORT_PERMIT
    DocumentType docType;
    bytes2 exportingCountry;
    bytes2 importingCountry;
    uint40 validUntil;
    bytes20 commitment;
}

/// @notice The answer of the `verify` view for a presented record.
enum Verification {
    UNKNOWN, // no permit under that id
    HASH_MISMATCH, // a permit exists, but the presented record (document hash, quantities, ...) differs
    ISSUED,
    ENDORSED,
    USED,
    CANCELLED,
    REPLACED,
    EXPIRED
}

/// @notice An account of the membership registry (authority admin or officer).
/// Fits in one slot: 2 + 1 + 1 + 5 = 9 bytes.
struct Account {
    bytes2 country;
    Role role;
    bool active;
    uint40 since;
}

/// @notice A country on the network. Fits in one slot: 20 + 1 + 1 + 5 = 27 bytes.
struct Country {
    address admin;
    bool admitted;
    bool suspended;
    uint40 admittedAt;
}
