/** The append-only audit log: only insert and read here, and the database refuses anything else. */
import type { Row, SqlExecutor, SqlParam } from "../driver";
import { parseJsonOrNull, str, strOrNull, toNumber } from "../rows";
import type { AuditQuery, AuditRecord, NewAuditEntry } from "../types";

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

export async function exportAudit(db: SqlExecutor, q: AuditQuery): Promise<AuditRecord[]> {
  const where = ["country = ?"];
  const params: SqlParam[] = [q.country];
  // ISO timestamps compare correctly as text; a bare date means its midnight UTC.
  if (q.from) {
    where.push("at >= ?");
    params.push(q.from);
  }
  if (q.to) {
    where.push("at < ?");
    params.push(q.to);
  }
  const rows = await db.all(`SELECT * FROM audit_log WHERE ${where.join(" AND ")} ORDER BY id`, params);
  return rows.map(toRecord);
}
