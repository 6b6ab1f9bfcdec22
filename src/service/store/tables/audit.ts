/** The append-only audit log: only insert and read here, and the database refuses anything else. */
import type { Row, SqlExecutor, SqlParam } from "../driver";
import { parseJsonOrNull, str, strOrNull, toNumber } from "../rows";
import type { AuditQuery, AuditRecord, NewAuditEntry } from "../types";
import { INVOLVING } from "./permits";

const toRecord = (r: Row): AuditRecord => ({
  id: toNumber(r.id),
  at: str(r.at),
  requestId: str(r.request_id),
  officerId: strOrNull(r.officer_id),
  role: strOrNull(r.role),
  country: strOrNull(r.country),
  action: str(r.action),
  permitId: strOrNull(r.permit_id),
  result: toNumber(r.result),
  txHash: strOrNull(r.tx_hash),
  detail: parseJsonOrNull(r.detail),
});

export async function appendAudit(db: SqlExecutor, now: string, e: NewAuditEntry): Promise<AuditRecord> {
  const [row] = await db.all(
    `INSERT INTO audit_log (at, request_id, officer_id, role, country, action, permit_id, result, tx_hash, detail)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    [now, e.requestId, e.officerId, e.role, e.country, e.action, e.permitId, e.result, e.txHash, e.detail === null ? null : JSON.stringify(e.detail)],
  );
  return toRecord(row!);
}

/**
 * A country's audit log: its officers' requests, and every request about a permit it issued,
 * exports or imports, whoever made it (an officer of another country refused on it, a request
 * without a valid token): an authority sees who tried to act on its permits.
 */
export async function exportAudit(db: SqlExecutor, q: AuditQuery): Promise<AuditRecord[]> {
  // ISO timestamps compare correctly as text; a bare date means its midnight UTC.
  const range: string[] = [];
  const rangeParams: SqlParam[] = [];
  if (q.from) {
    range.push("at >= ?");
    rangeParams.push(q.from);
  }
  if (q.to) {
    range.push("at < ?");
    rangeParams.push(q.to);
  }
  const and = range.map((r) => ` AND ${r}`).join("");
  // Two parts: its officers' entries (on the country and time index), then the others' about its
  // permits (the country's permit ids, then the audit log's permit index).
  const rows = await db.all(
    `SELECT * FROM audit_log WHERE country = ?${and}
     UNION ALL
     SELECT * FROM audit_log WHERE (country IS NULL OR country <> ?)
       AND permit_id IN (SELECT permit_id FROM permits WHERE ${INVOLVING})${and}
     ORDER BY id`,
    [q.country, ...rangeParams, q.country, q.country, q.country, q.country, ...rangeParams],
  );
  return rows.map(toRecord);
}
