/** Officers: who may act for which country in which role, their token hash and sealed key. */
import type { Row, SqlExecutor, SqlParam } from "../driver";
import { DuplicateOfficerError, RecordNotFoundError } from "../errors";
import { str, strOrNull, toBool } from "../rows";
import type { NewOfficer, OfficerRecord, OfficerRole } from "../types";

const toOfficer = (r: Row): OfficerRecord => ({
  id: str(r.id),
  country: str(r.country),
  role: str(r.role),
  name: str(r.name),
  address: str(r.address),
  tokenHash: str(r.token_hash),
  encryptedKey: strOrNull(r.encrypted_key),
  active: toBool(r.active),
  createdAt: str(r.created_at),
  removedAt: strOrNull(r.removed_at),
});

export async function insertOfficer(db: SqlExecutor, now: string, o: NewOfficer): Promise<OfficerRecord> {
  try {
    const [row] = await db.all(
      `INSERT INTO officers (id, country, role, name, address, token_hash, encrypted_key, active, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING *`,
      [o.id, o.country, o.role, o.name, o.address, o.tokenHash, o.encryptedKey, now],
    );
    return toOfficer(row!);
  } catch (err) {
    if (db.isUniqueViolation(err)) throw new DuplicateOfficerError(o.address, err);
    throw err;
  }
}

async function findOne(db: SqlExecutor, where: string, params: SqlParam[]): Promise<OfficerRecord | undefined> {
  const [row] = await db.all(`SELECT * FROM officers WHERE ${where}`, params);
  return row && toOfficer(row);
}

export const getOfficer = (db: SqlExecutor, id: string) => findOne(db, "id = ?", [id]);
export const findOfficerByTokenHash = (db: SqlExecutor, tokenHash: string) => findOne(db, "token_hash = ? AND active = 1", [tokenHash]);
export const findOfficerByAddress = (db: SqlExecutor, address: string) => findOne(db, "LOWER(address) = LOWER(?)", [address]);

export async function listOfficers(
  db: SqlExecutor,
  filter: { country?: string; role?: OfficerRole; includeRemoved?: boolean } = {},
): Promise<OfficerRecord[]> {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (filter.country) {
    where.push("country = ?");
    params.push(filter.country);
  }
  if (filter.role) {
    where.push("role = ?");
    params.push(filter.role);
  }
  if (!filter.includeRemoved) where.push("active = 1");
  const rows = await db.all(`SELECT * FROM officers ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY country, role, created_at, id`, params);
  return rows.map(toOfficer);
}

export async function setOfficerTokenHash(db: SqlExecutor, id: string, tokenHash: string): Promise<void> {
  const { changes } = await db.run("UPDATE officers SET token_hash = ? WHERE id = ?", [tokenHash, id]);
  if (changes === 0) throw new RecordNotFoundError("officer", id);
}

export async function removeOfficer(db: SqlExecutor, now: string, id: string): Promise<OfficerRecord> {
  return db.transaction(async (tx) => {
    await tx.run("UPDATE officers SET active = 0, removed_at = COALESCE(removed_at, ?) WHERE id = ?", [now, id]);
    const officer = await getOfficer(tx, id);
    if (!officer) throw new RecordNotFoundError("officer", id);
    return officer;
  });
}
