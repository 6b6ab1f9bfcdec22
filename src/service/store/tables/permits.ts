/** Permits and their line items. */
import type { SqlExecutor, SqlParam, Row } from "../driver";
import { DuplicatePermitError, InvalidCursorError, RecordNotFoundError } from "../errors";
import { foldForSearch, permitSearchText } from "../searchText";
import { chunks, inList, placeholders, str, strOrNull, toBigInt, toNumber, toNumberOrNull } from "../rows";
import type { ExportShipment, ListPermitsFilter, NewPermit, PermitCounts, PermitLine, PermitPage, PermitRecord, PermitStatus, PermitStatusPatch } from "../types";

const toPermit = (r: Row): PermitRecord => ({
  permitId: str(r.permit_id),
  issuingCountry: str(r.issuing_country),
  permitNumber: str(r.permit_number),
  documentJson: str(r.document),
  salt: str(r.salt),
  documentHash: str(r.document_hash),
  docType: str(r.doc_type),
  exportingCountry: strOrNull(r.exporting_country),
  importingCountry: strOrNull(r.importing_country),
  validUntil: strOrNull(r.valid_until),
  status: str(r.status),
  failureReason: strOrNull(r.failure_reason),
  issuerOfficerId: strOrNull(r.issuer_officer_id),
  signature: strOrNull(r.signature),
  txHash: strOrNull(r.tx_hash),
  blockNumber: toNumberOrNull(r.block_number),
  exportTransportDocument: strOrNull(r.export_transport_document),
  exportPort: strOrNull(r.export_port),
  replacesPermitId: strOrNull(r.replaces_permit_id),
  createdAt: str(r.created_at),
  updatedAt: str(r.updated_at),
});

/** The columns `toPermit` reads: not `search_text`, which only the search's WHERE needs (a page is up to 500 rows). */
const PERMIT_COLUMNS = `permit_id, issuing_country, permit_number, document, salt, document_hash, doc_type, exporting_country, importing_country,
  valid_until, status, failure_reason, issuer_officer_id, signature, tx_hash, block_number, export_transport_document, export_port, replaces_permit_id, created_at, updated_at`;

/** The record of a permit just inserted: what `getPermit` would read back, without reading it (issuing stores hundreds a second). */
const inserted = (now: string, p: NewPermit): PermitRecord => ({
  permitId: p.permitId,
  issuingCountry: p.issuingCountry,
  permitNumber: p.permitNumber,
  documentJson: p.documentJson,
  salt: p.salt,
  documentHash: p.documentHash,
  docType: p.docType,
  exportingCountry: p.exportingCountry,
  importingCountry: p.importingCountry,
  validUntil: p.validUntil,
  status: p.status ?? "PENDING",
  failureReason: null,
  issuerOfficerId: p.issuerOfficerId,
  signature: p.signature,
  txHash: null,
  blockNumber: null,
  exportTransportDocument: null,
  exportPort: null,
  replacesPermitId: null,
  createdAt: now,
  updatedAt: now,
});

export async function insertPermit(db: SqlExecutor, now: string, p: NewPermit): Promise<PermitRecord> {
  return db.transaction(async (tx) => {
    try {
      await tx.run(
        `INSERT INTO permits (permit_id, issuing_country, permit_number, document, salt, document_hash, doc_type,
           exporting_country, importing_country, valid_until, status, issuer_officer_id, signature, search_text, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [p.permitId, p.issuingCountry, p.permitNumber, p.documentJson, p.salt, p.documentHash, p.docType,
          p.exportingCountry, p.importingCountry, p.validUntil, p.status ?? "PENDING", p.issuerOfficerId, p.signature,
          permitSearchText(p.permitNumber, p.documentJson), now, now],
      );
    } catch (err) {
      if (tx.isUniqueViolation(err)) throw new DuplicatePermitError(p.issuingCountry, p.permitNumber, err);
      throw err;
    }
    await insertLines(tx, p);
    return inserted(now, p);
  });
}

/** A new permit's lines, nothing exported yet. */
async function insertLines(tx: SqlExecutor, p: NewPermit): Promise<void> {
  for (const line of p.lines) {
    await tx.run("INSERT INTO permit_lines (permit_id, line, authorised, exported) VALUES (?, ?, ?, 0)", [p.permitId, line.line, line.authorised]);
  }
}

/**
 * Stores `p` over a FAILED permit of the same number (one the chain never anchored): the number is
 * free again once its first attempt failed. Its lines are replaced; the audit log keeps the failure.
 *
 * @throws {DuplicatePermitError} the permit is not (or no longer) FAILED
 */
export async function reviveFailedPermit(db: SqlExecutor, now: string, p: NewPermit): Promise<PermitRecord> {
  return db.transaction(async (tx) => {
    const { changes } = await tx.run(
      `UPDATE permits SET document = ?, salt = ?, document_hash = ?, doc_type = ?, exporting_country = ?, importing_country = ?, valid_until = ?,
         status = ?, failure_reason = NULL, issuer_officer_id = ?, signature = ?, search_text = ?, tx_hash = NULL, block_number = NULL, updated_at = ?
       WHERE permit_id = ? AND status = 'FAILED'`,
      [p.documentJson, p.salt, p.documentHash, p.docType, p.exportingCountry, p.importingCountry, p.validUntil, p.status ?? "PENDING", p.issuerOfficerId, p.signature,
        permitSearchText(p.permitNumber, p.documentJson), now, p.permitId],
    );
    if (changes === 0) throw new DuplicatePermitError(p.issuingCountry, p.permitNumber);
    await tx.run("DELETE FROM permit_lines WHERE permit_id = ?", [p.permitId]);
    await insertLines(tx, p);
    return (await getPermit(tx, p.permitId))!;
  });
}

export async function getPermit(db: SqlExecutor, permitId: string): Promise<PermitRecord | undefined> {
  const [row] = await db.all(`SELECT ${PERMIT_COLUMNS} FROM permits WHERE permit_id = ?`, [permitId]);
  return row && toPermit(row);
}

export async function getPermitStatus(db: SqlExecutor, permitId: string): Promise<PermitStatus | undefined> {
  const [row] = await db.all("SELECT status FROM permits WHERE permit_id = ?", [permitId]);
  return row && (str(row.status) as PermitStatus);
}

export async function getPermitByNumber(db: SqlExecutor, issuingCountry: string, permitNumber: string): Promise<PermitRecord | undefined> {
  const [row] = await db.all(`SELECT ${PERMIT_COLUMNS} FROM permits WHERE issuing_country = ? AND permit_number = ?`, [issuingCountry, permitNumber]);
  return row && toPermit(row);
}

const encodeCursor = (p: PermitRecord) => Buffer.from(JSON.stringify([p.createdAt, p.permitId])).toString("base64url");

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string")) return value as [string, string];
  } catch {
    // fall through
  }
  throw new InvalidCursorError(cursor);
}

/** A permit this country issued, exports or imports (three parameters, the country each time). */
export const INVOLVING = "(issuing_country = ? OR exporting_country = ? OR importing_country = ?)";

/** The columns a permit can involve a country through, each with an index ordered as the list is (migration 9). */
const COUNTRY_COLUMNS = ["issuing_country", "exporting_country", "importing_country"] as const;
const NEWEST_FIRST = "ORDER BY created_at DESC, permit_id DESC";

export async function listPermits(db: SqlExecutor, filter: ListPermitsFilter = {}): Promise<PermitPage> {
  const where: string[] = [];
  const params: SqlParam[] = [];
  const add = (clause: string, ...values: SqlParam[]) => {
    where.push(clause);
    params.push(...values);
  };
  const oneOf = (column: string, values: string | readonly string[]) => {
    const list = typeof values === "string" ? [values] : values;
    add(inList(column, list), ...list);
  };
  if (filter.issuingCountry) add("issuing_country = ?", filter.issuingCountry);
  if (filter.importingCountry) add("importing_country = ?", filter.importingCountry);
  if (filter.status !== undefined) oneOf("status", filter.status);
  if (filter.docType !== undefined) oneOf("doc_type", filter.docType);
  if (filter.issuerOfficerId) add("issuer_officer_id = ?", filter.issuerOfficerId);
  if (filter.anchoredAfterBlock !== undefined) add("block_number > ?", filter.anchoredAfterBlock);
  if (filter.validOnOrAfter !== undefined) add("(valid_until IS NULL OR valid_until >= ?)", filter.validOnOrAfter);
  if (filter.search) {
    // Folded like the stored text (case and accents); LIKE with the pattern's own % and _ taken literally.
    const pattern = `%${foldForSearch(filter.search).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    add("search_text LIKE ? ESCAPE '\\'", pattern);
  }
  if (filter.cursor) {
    const [createdAt, permitId] = decodeCursor(filter.cursor);
    // A row value: both databases read it as a range of the (…, created_at, permit_id) indexes.
    add("(created_at, permit_id) < (?, ?)", createdAt, permitId);
  }
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 500);
  let rows: Row[];
  if (filter.involvingCountry) {
    // One newest-first page per column the country can be in, each read from its own index, then
    // merged: an OR over the three columns made both databases scan every permit.
    const country = filter.involvingCountry;
    const branches = COUNTRY_COLUMNS.map(
      (column, i) => `SELECT permit_id FROM (SELECT permit_id, created_at FROM permits WHERE ${[`${column} = ?`, ...where].join(" AND ")}
         ${NEWEST_FIRST} LIMIT ?) AS by_${i}`,
    );
    rows = await db.all(
      `SELECT ${PERMIT_COLUMNS} FROM permits WHERE permit_id IN (${branches.join(" UNION ")}) ${NEWEST_FIRST} LIMIT ?`,
      [...COUNTRY_COLUMNS.flatMap(() => [country, ...params, limit + 1]), limit + 1],
    );
  } else {
    rows = await db.all(`SELECT ${PERMIT_COLUMNS} FROM permits ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ${NEWEST_FIRST} LIMIT ?`, [...params, limit + 1]);
  }
  const items = rows.slice(0, limit).map(toPermit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null };
}

/**
 * `columns` of every permit a country issued, exports or imports, each once: three disjoint
 * branches (issuing; exporting, issued elsewhere; importing, neither), each read from its own
 * index (an OR over the three columns scans every permit). `also` is more of the WHERE clause.
 * Its parameters: `involvedParams`.
 */
function involved(columns: string, also = ""): string {
  const [issuing, exporting, importing] = COUNTRY_COLUMNS;
  return [
    `SELECT ${columns} FROM permits WHERE ${issuing} = ? ${also}`,
    `SELECT ${columns} FROM permits WHERE ${exporting} = ? AND ${issuing} <> ? ${also}`,
    `SELECT ${columns} FROM permits WHERE ${importing} = ? AND ${issuing} <> ? AND (${exporting} IS NULL OR ${exporting} <> ?) ${also}`,
  ].join(" UNION ALL ");
}
/** The parameters of `involved(columns, also)`: those of `columns`, then the country's, then those of `also`, in each branch. */
const involvedParams = (country: string, { columns = [], also = [] }: { columns?: SqlParam[]; also?: SqlParam[] } = {}): SqlParam[] =>
  [1, 2, 3].flatMap((n) => [...columns, ...Array<SqlParam>(n).fill(country), ...also]);

export async function countPermits(db: SqlExecutor, country: string, since: string): Promise<PermitCounts> {
  const [statuses, months, partners] = await Promise.all([
    db.all(`SELECT status, COUNT(*) AS n FROM (${involved("status")}) AS involved GROUP BY status`, involvedParams(country)),
    db.all(
      `SELECT SUBSTR(created_at, 1, 7) AS month, COUNT(*) AS n FROM (${involved("created_at", "AND created_at >= ?")}) AS involved GROUP BY 1 ORDER BY 1`,
      involvedParams(country, { also: [since] }),
    ),
    db.all(
      `SELECT partner, COUNT(*) AS n FROM (
         ${involved("CASE WHEN exporting_country = ? THEN importing_country ELSE exporting_country END AS partner")}
       ) AS involved WHERE partner IS NOT NULL AND partner <> ? GROUP BY partner ORDER BY n DESC, partner`,
      [...involvedParams(country, { columns: [country] }), country],
    ),
  ]);
  const byStatus: PermitCounts["byStatus"] = {};
  for (const r of statuses) byStatus[str(r.status) as PermitStatus] = toNumber(r.n);
  return {
    total: Object.values(byStatus).reduce((a, b) => a + (b ?? 0), 0),
    byStatus,
    byMonth: months.map((r) => ({ month: str(r.month), permits: toNumber(r.n) })),
    partners: partners.map((r) => ({ country: str(r.partner), permits: toNumber(r.n) })),
  };
}

export async function updatePermitStatus(
  db: SqlExecutor,
  now: string,
  permitId: string,
  patch: PermitStatusPatch,
  from?: readonly PermitStatus[],
): Promise<boolean> {
  const sets = ["status = ?", "updated_at = ?"];
  const params: SqlParam[] = [patch.status, now];
  const optional: [keyof PermitStatusPatch, string][] = [
    ["failureReason", "failure_reason"],
    ["txHash", "tx_hash"],
    ["blockNumber", "block_number"],
    ["signature", "signature"],
  ];
  for (const [key, column] of optional) {
    if (patch[key] === undefined) continue;
    sets.push(`${column} = ?`);
    params.push(patch[key] as SqlParam);
  }
  let sql = `UPDATE permits SET ${sets.join(", ")} WHERE permit_id = ?`;
  params.push(permitId);
  if (from) {
    sql += ` AND ${inList("status", from)}`;
    params.push(...from);
  }
  return db.transaction(async (tx) => {
    if ((await tx.run(sql, params)).changes > 0) return true;
    if ((await getPermitStatus(tx, permitId)) === undefined) throw new RecordNotFoundError("permit", permitId);
    return false;
  });
}

export async function getPermitLines(db: SqlExecutor, permitId: string): Promise<PermitLine[]> {
  const rows = await db.all("SELECT line, authorised, exported FROM permit_lines WHERE permit_id = ? ORDER BY line", [permitId]);
  return rows.map((r) => ({ line: toNumber(r.line), authorised: toBigInt(r.authorised), exported: toBigInt(r.exported) }));
}

export async function getPermitLinesOf(db: SqlExecutor, permitIds: readonly string[]): Promise<Map<string, PermitLine[]>> {
  const byPermit = new Map<string, PermitLine[]>();
  for (const ids of chunks(permitIds)) {
    const rows = await db.all(`SELECT permit_id, line, authorised, exported FROM permit_lines WHERE permit_id IN (${placeholders(ids)}) ORDER BY permit_id, line`, ids);
    for (const r of rows) {
      const id = str(r.permit_id);
      const lines = byPermit.get(id) ?? byPermit.set(id, []).get(id)!;
      lines.push({ line: toNumber(r.line), authorised: toBigInt(r.authorised), exported: toBigInt(r.exported) });
    }
  }
  return byPermit;
}

export async function setLineExported(db: SqlExecutor, permitId: string, line: number, exported: bigint): Promise<void> {
  const { changes } = await db.run("UPDATE permit_lines SET exported = ? WHERE permit_id = ? AND line = ?", [exported, permitId, line]);
  if (changes === 0) throw new RecordNotFoundError("permit line", `${permitId}#${line}`);
}

/** Records that `permitId` replaces `replacesPermitId` (as the chain says); nothing when the store does not hold `permitId`. */
export async function setPermitReplaces(db: SqlExecutor, now: string, permitId: string, replacesPermitId: string): Promise<void> {
  await db.run("UPDATE permits SET replaces_permit_id = ?, updated_at = ? WHERE permit_id = ? AND replaces_permit_id IS NULL", [replacesPermitId, now, permitId]);
}

/** Records box 14 (transport document, port of export) as customs gave it with the endorsement. */
export async function setExportShipment(db: SqlExecutor, now: string, permitId: string, shipment: ExportShipment): Promise<void> {
  const { changes } = await db.run("UPDATE permits SET export_transport_document = ?, export_port = ?, updated_at = ? WHERE permit_id = ?", [
    shipment.transportDocument,
    shipment.port,
    now,
    permitId,
  ]);
  if (changes === 0) throw new RecordNotFoundError("permit", permitId);
}
