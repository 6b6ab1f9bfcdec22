/** Records the store keeps. Timestamps are ISO 8601 UTC strings (`2026-03-01T10:00:00.000Z`). */
import type { Hex } from "viem";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const OFFICER_ROLES = ["ADMIN", "ISSUER", "CUSTOMS"] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

export const PERMIT_STATUSES = ["PENDING", "ISSUED", "ENDORSED", "USED", "CANCELLED", "REPLACED", "FAILED"] as const;
export type PermitStatus = (typeof PERMIT_STATUSES)[number];

/** QUEUED until mined (held by a claim's lease while its transaction is in flight), then MINED or FAILED. */
export const OUTBOX_STATES = ["QUEUED", "MINED", "FAILED"] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** What an outbox entry asks the chain to do. */
export type OutboxKind = "ISSUE" | "ENDORSE" | "USE" | "CANCEL" | "REPLACE" | "NON_COMPLIANCE" | "OFFICER_ADD" | "OFFICER_REMOVE";

export type OfficerRecord = {
  id: string;
  country: string;
  role: OfficerRole;
  name: string;
  address: Hex;
  tokenHash: string;
  /** Keystore envelope; `null` for an officer whose key is held outside the service. */
  encryptedKey: string | null;
  active: boolean;
  createdAt: string;
  removedAt: string | null;
};

export type NewOfficer = Omit<OfficerRecord, "active" | "createdAt" | "removedAt">;

/** One line item's quantities, in thousandths of its unit. */
export type PermitLine = { line: number; authorised: bigint; exported: bigint };

export type PermitRecord = {
  permitId: Hex;
  issuingCountry: string;
  permitNumber: string;
  /** The document exactly as hashed, as JSON text (never re-serialised by the store). */
  documentJson: string;
  salt: Hex;
  documentHash: Hex;
  docType: string;
  exportingCountry: string | null;
  importingCountry: string | null;
  /** `YYYY-MM-DD`. */
  validUntil: string | null;
  status: PermitStatus;
  failureReason: string | null;
  issuerOfficerId: string | null;
  signature: Hex | null;
  txHash: Hex | null;
  blockNumber: number | null;
  /** Box 14, given by customs with the export endorsement (off chain); null until then, or if not given. */
  exportTransportDocument: string | null;
  exportPort: string | null;
  /** For a replacement: the permit it replaces (once the chain has accepted the replacement). */
  replacesPermitId: string | null;
  createdAt: string;
  updatedAt: string;
};

/** Box 14's bill of lading or air waybill and port of export. */
export type ExportShipment = { transportDocument: string | null; port: string | null };

export type NewPermit = Omit<PermitRecord, "status" | "failureReason" | "txHash" | "blockNumber" | "exportTransportDocument" | "exportPort" | "replacesPermitId" | "createdAt" | "updatedAt"> & {
  status?: PermitStatus;
  lines: readonly { line: number; authorised: bigint }[];
};

/** Fields a status change may set alongside the status. */
export type PermitStatusPatch = {
  status: PermitStatus;
  failureReason?: string | null;
  txHash?: Hex | null;
  blockNumber?: number | null;
  signature?: Hex | null;
};

export type ListPermitsFilter = {
  issuingCountry?: string;
  importingCountry?: string;
  /** Permits this country issued, exports or imports. */
  involvingCountry?: string;
  status?: PermitStatus | readonly PermitStatus[];
  docType?: string | readonly string[];
  issuerOfficerId?: string;
  /** Permits valid on this day (`YYYY-MM-DD`) or later, and those without an end of validity. */
  validOnOrAfter?: string;
  /**
   * Text the permit number or a value of the document contains, ignoring case and accents in any
   * script (see `searchText.ts`); field names do not match. Pages are pages of matches.
   */
  search?: string;
  /** Permits whose issuance the store records in a block above this one. */
  anchoredAfterBlock?: number;
  /** Page size, 1…500 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
};

/** Counts over the permits a country issued, exports or imports (for the dashboard). */
export type PermitCounts = {
  total: number;
  byStatus: Partial<Record<PermitStatus, number>>;
  /** Permits recorded per month (`YYYY-MM`, UTC) from `since` on; months without any are absent. */
  byMonth: { month: string; permits: number }[];
  /** The other country of each export or import, most permits first. */
  partners: { country: string; permits: number }[];
};

/** Newest first; `nextCursor` is `null` on the last page. */
export type PermitPage = { items: PermitRecord[]; nextCursor: string | null };

/** A decoded contract event, as the indexer records it; `(txHash, logIndex)` identifies it. */
export type PermitEvent = {
  permitId: Hex;
  kind: string;
  officerAddress: Hex | null;
  country: string | null;
  txHash: Hex;
  blockNumber: number;
  blockTime: string | null;
  logIndex: number;
  data: JsonValue;
};

export type OutboxEntry = {
  id: number;
  kind: OutboxKind;
  permitId: string | null;
  payload: JsonValue;
  state: OutboxState;
  /** How many times the entry has been claimed. */
  attempts: number;
  txHash: Hex | null;
  lastError: string | null;
  /** A claim holds the entry until then; after it, another worker may claim it again. */
  leaseUntil: string | null;
  createdAt: string;
  updatedAt: string;
};

export type NewOutboxEntry = { kind: OutboxKind; permitId?: string | null; payload: JsonValue };

export type IdempotencyRecord = {
  key: string;
  officerId: string;
  /** Hash of method, path and body: the same key with another request is a conflict, not a replay. */
  requestHash: string;
  responseStatus: number;
  responseBody: JsonValue;
  createdAt: string;
};

export type NewAuditEntry = {
  requestId: string;
  officerId: string | null;
  role: OfficerRole | null;
  country: string | null;
  action: string;
  permitId: string | null;
  /** HTTP status of the answer. */
  result: number;
  txHash: Hex | null;
  detail: JsonValue | null;
};

export type AuditRecord = NewAuditEntry & { id: number; at: string };

export type AuditQuery = {
  /** Its officers' entries, and those about permits it issued, exports or imports (see `exportAudit`). */
  country: string;
  /** Inclusive, ISO timestamp or date. */
  from?: string;
  /** Exclusive, ISO timestamp or date. */
  to?: string;
};

/** The rows of `indexer_state`: the indexer's cursor, and the block a chain went back to while reconciliation is pending. */
export const INDEXER_STATE = {
  /** The last block the registry's events were read to. */
  cursor: "registry",
  /** Set when the chain was found to have gone back to this block; cleared when start-up reconciliation is done. */
  lostAbove: "lost-above",
} as const;
