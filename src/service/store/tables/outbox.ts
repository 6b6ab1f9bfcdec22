/** The durable outbox: chain writes accepted but not yet mined. */
import type { Row, SqlExecutor, SqlParam } from "../driver";
import { RecordNotFoundError } from "../errors";
import { inList, parseJson, str, strOrNull, toNumber } from "../rows";
import type { NewOutboxEntry, OutboxEntry, OutboxState } from "../types";

const toEntry = (r: Row): OutboxEntry => ({
  id: toNumber(r.id),
  kind: str(r.kind),
  permitId: strOrNull(r.permit_id),
  payload: parseJson(r.payload),
  state: str(r.state),
  attempts: toNumber(r.attempts),
  txHash: strOrNull(r.tx_hash),
  lastError: strOrNull(r.last_error),
  leaseUntil: strOrNull(r.lease_until),
  createdAt: str(r.created_at),
  updatedAt: str(r.updated_at),
});

export async function enqueueOutbox(db: SqlExecutor, now: string, entry: NewOutboxEntry): Promise<OutboxEntry> {
  const [row] = await db.all(
    "INSERT INTO outbox (kind, permit_id, payload, state, attempts, created_at, updated_at) VALUES (?, ?, ?, 'QUEUED', 0, ?, ?) RETURNING id",
    [entry.kind, entry.permitId ?? null, JSON.stringify(entry.payload), now, now],
  );
  // The new row as stored, without reading its payload back.
  return {
    id: toNumber(row!.id), kind: entry.kind, permitId: entry.permitId ?? null, payload: entry.payload, state: "QUEUED", attempts: 0,
    txHash: null, lastError: null, leaseUntil: null, createdAt: now, updatedAt: now,
  };
}

/**
 * One statement picks and leases the rows, so it is atomic on both databases. PostgreSQL also skips
 * rows another claim has locked; the repeated conditions make a claim that waited on a lock
 * re-check the row as the other claim left it.
 */
export async function claimOutboxBatch(db: SqlExecutor, now: Date, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
  const at = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  const free = "state = 'QUEUED' AND (lease_until IS NULL OR lease_until < ?)";
  const rows = await db.all(
    `UPDATE outbox SET lease_until = ?, attempts = attempts + 1, updated_at = ?
     WHERE id IN (SELECT id FROM outbox WHERE ${free} ORDER BY id LIMIT ? ${db.dialect.claimLock}) AND ${free}
     RETURNING *`,
    [until, at, at, limit, at],
  );
  return rows.map(toEntry).sort((a, b) => a.id - b.id);
}

async function update(db: SqlExecutor, id: number, sets: string, params: SqlParam[]): Promise<void> {
  const { changes } = await db.run(`UPDATE outbox SET ${sets} WHERE id = ?`, [...params, id]);
  if (changes === 0) throw new RecordNotFoundError("outbox", String(id));
}

export const markOutboxMined = (db: SqlExecutor, now: string, id: number, txHash?: string) =>
  update(db, id, "state = 'MINED', tx_hash = COALESCE(?, tx_hash), lease_until = NULL, updated_at = ?", [txHash ?? null, now]);

export const markOutboxFailed = (db: SqlExecutor, now: string, id: number, error: string) =>
  update(db, id, "state = 'FAILED', last_error = ?, lease_until = NULL, updated_at = ?", [error, now]);

export const requeueOutbox = (db: SqlExecutor, now: string, id: number, error: string | null) =>
  update(db, id, "state = 'QUEUED', last_error = ?, tx_hash = NULL, lease_until = NULL, updated_at = ?", [error, now]);

function stateClause(state: OutboxState | readonly OutboxState[] | undefined): { sql: string; params: string[] } {
  if (state === undefined) return { sql: "", params: [] };
  const states = typeof state === "string" ? [state] : [...state];
  return { sql: `WHERE ${inList("state", states)}`, params: states };
}

export async function listOutbox(db: SqlExecutor, state?: OutboxState | readonly OutboxState[], limit = 100): Promise<OutboxEntry[]> {
  const where = stateClause(state);
  const rows = await db.all(`SELECT * FROM outbox ${where.sql} ORDER BY id LIMIT ?`, [...where.params, limit]);
  return rows.map(toEntry);
}

export async function countOutbox(db: SqlExecutor, state?: OutboxState | readonly OutboxState[]): Promise<number> {
  const where = stateClause(state);
  const [row] = await db.all(`SELECT COUNT(*) AS n FROM outbox ${where.sql}`, where.params);
  return toNumber(row!.n);
}
