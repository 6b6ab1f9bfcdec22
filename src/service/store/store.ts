/**
 * The service's storage, one interface over SQLite and PostgreSQL. Everything is async; methods
 * that change several rows do so atomically. Use `transaction(fn)` to make several calls one unit
 * (e.g. insert a permit and enqueue its anchoring).
 */
import type { Hex } from "viem";
import type {
  AuditQuery,
  AuditRecord,
  IdempotencyRecord,
  ListPermitsFilter,
  PermitCounts,
  NewAuditEntry,
  ExportShipment,
  NewOfficer,
  NewOutboxEntry,
  NewPermit,
  OfficerRecord,
  OfficerRole,
  OutboxEntry,
  OutboxState,
  PermitEvent,
  PermitLine,
  PermitPage,
  PermitRecord,
  PermitStatus,
  PermitStatusPatch,
} from "./types";

export interface Store {
  readonly dialect: "sqlite" | "postgres";

  /** Runs `fn` in one transaction with a store bound to it; rolled back if `fn` throws. Nested calls join. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Resolves when the database answers (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;

  // Permits
  /** @throws {DuplicatePermitError} when the id or (issuing country, number) exists. */
  insertPermit(permit: NewPermit): Promise<PermitRecord>;
  /** Stores `permit` over a FAILED one of the same number; DuplicatePermitError unless that one is FAILED. */
  reviveFailedPermit(permit: NewPermit): Promise<PermitRecord>;
  getPermit(permitId: string): Promise<PermitRecord | undefined>;
  getPermitByNumber(issuingCountry: string, permitNumber: string): Promise<PermitRecord | undefined>;
  listPermits(filter?: ListPermitsFilter): Promise<PermitPage>;
  /** Counts of the permits `country` issued, exports or imports; months from `since` (an ISO date) on. */
  countPermits(country: string, since: string): Promise<PermitCounts>;
  /** The permit's status alone (cheaper than `getPermit`, which reads the document too). */
  getPermitStatus(permitId: string): Promise<PermitStatus | undefined>;
  /**
   * Sets the status (and what comes with it). With `from`, only if the current status is one of
   * them (compare and set): `false` when it is not, and nothing changed.
   * @throws {RecordNotFoundError} when there is no such permit
   */
  updatePermitStatus(permitId: string, patch: PermitStatusPatch, from?: readonly PermitStatus[]): Promise<boolean>;
  /** Box 14 as customs gave it with the export endorsement. @throws {RecordNotFoundError} */
  setExportShipment(permitId: string, shipment: ExportShipment): Promise<void>;
  /** Records that a permit replaces another (as the chain says); nothing when there is no such permit. */
  setPermitReplaces(permitId: string, replacesPermitId: string): Promise<void>;
  getPermitLines(permitId: string): Promise<PermitLine[]>;
  /** The lines of each of these permits (a page of them: one query, not one per permit); a permit without lines is absent. */
  getPermitLinesOf(permitIds: readonly string[]): Promise<Map<string, PermitLine[]>>;
  /** Sets a line's exported quantity (thousandths), as the ledger reports it. @throws {RecordNotFoundError} */
  setLineExported(permitId: string, line: number, exported: bigint): Promise<void>;

  // Lifecycle history (from the indexer)
  /** Records an event once: `false` when `(txHash, logIndex)` was already recorded. */
  appendPermitEvent(event: PermitEvent): Promise<boolean>;
  listPermitEvents(permitId: string): Promise<PermitEvent[]>;
  /** The events of each of these permits in chain order (one query); a permit without events is absent. */
  listPermitEventsOf(permitIds: readonly string[]): Promise<Map<string, PermitEvent[]>>;
  /** Every permit's events in blocks above `blockNumber`, in chain order: what a chain that went back to that block lost. */
  listPermitEventsAfter(blockNumber: number): Promise<PermitEvent[]>;
  /**
   * Forgets the permit's events of these transactions (lost with blocks the chain no longer has;
   * the indexer records what replaces them). Returns how many were removed.
   */
  deletePermitEvents(permitId: string, txHashes: readonly string[]): Promise<number>;

  // Outbox
  enqueueOutbox(entry: NewOutboxEntry): Promise<OutboxEntry>;
  /**
   * Claims up to `limit` QUEUED entries (oldest first) not held by another claim, for `leaseMs`.
   * Two concurrent claims never return the same entry. Each claim counts as an attempt.
   */
  claimOutboxBatch(options: { limit: number; leaseMs: number }): Promise<OutboxEntry[]>;
  /** Mined; with `txHash` also records the transaction (without, a recorded one stays). */
  markOutboxMined(id: number, mined?: { txHash: Hex }): Promise<void>;
  /** Gives up for good (the chain refused it). */
  markOutboxFailed(id: number, error: string): Promise<void>;
  /** Puts an entry back in the queue (after a transient error, or a transaction the chain dropped). */
  requeueOutbox(id: number, error: string | null): Promise<void>;
  listOutbox(filter: { state?: OutboxState | readonly OutboxState[]; limit?: number }): Promise<OutboxEntry[]>;
  countOutbox(state?: OutboxState | readonly OutboxState[]): Promise<number>;

  // QR codes handed out (see domain/issuedCodes.ts)
  /** Records the reading of a code handed out, by the digest of its payload; the first recorded is kept. */
  recordIssuedCode(code: { digest: string; permitId: string; reading: string }): Promise<void>;
  /** The reading recorded for a code (JSON text), or undefined when this service did not hand it out. */
  issuedCodeReading(digest: string): Promise<string | undefined>;

  // Idempotency
  getIdempotency(key: string, officerId: string): Promise<IdempotencyRecord | undefined>;
  /** Stores the answer; if one is already stored for `(key, officerId)` that one is returned and kept. */
  putIdempotency(record: Omit<IdempotencyRecord, "createdAt">): Promise<IdempotencyRecord>;

  // Audit log (append-only: there is no way to change or remove an entry)
  appendAudit(entry: NewAuditEntry): Promise<AuditRecord>;
  /** Entries whose country is `query.country`, oldest first, within `[from, to)`. */
  exportAudit(query: AuditQuery): Promise<AuditRecord[]>;

  // Officers
  /** @throws {DuplicateOfficerError} when the address or token hash is taken. */
  insertOfficer(officer: NewOfficer): Promise<OfficerRecord>;
  getOfficer(id: string): Promise<OfficerRecord | undefined>;
  /** Active officers only: a removed officer's token opens nothing. */
  findOfficerByTokenHash(tokenHash: string): Promise<OfficerRecord | undefined>;
  findOfficerByAddress(address: string): Promise<OfficerRecord | undefined>;
  listOfficers(filter?: { country?: string; role?: OfficerRole; includeRemoved?: boolean }): Promise<OfficerRecord[]>;
  /** Replaces the token (the old one stops working). @throws {RecordNotFoundError} */
  setOfficerTokenHash(id: string, tokenHash: string): Promise<void>;
  /** Deactivates the officer and stamps `removedAt`. @throws {RecordNotFoundError} */
  removeOfficer(id: string): Promise<OfficerRecord>;

  // Indexer
  getIndexerCursor(name: string): Promise<number | undefined>;
  setIndexerCursor(name: string, lastBlock: number): Promise<void>;
  clearIndexerCursor(name: string): Promise<void>;
}
