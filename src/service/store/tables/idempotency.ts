/** Stored answers to requests carrying an `Idempotency-Key`, per officer. */
import type { Row, SqlExecutor } from "../driver";
import { parseJson, str, toNumber } from "../rows";
import type { IdempotencyRecord } from "../types";

const toRecord = (r: Row): IdempotencyRecord => ({
  key: str(r.key),
  officerId: str(r.officer_id),
  requestHash: str(r.request_hash),
  responseStatus: toNumber(r.response_status),
  responseBody: parseJson(r.response_body),
  createdAt: str(r.created_at),
});

export async function getIdempotency(db: SqlExecutor, key: string, officerId: string): Promise<IdempotencyRecord | undefined> {
  const [row] = await db.all("SELECT * FROM idempotency_keys WHERE key = ? AND officer_id = ?", [key, officerId]);
  return row && toRecord(row);
}

/** First writer wins: a concurrent retry that lost the race gets the stored answer back. */
export async function putIdempotency(db: SqlExecutor, now: string, r: Omit<IdempotencyRecord, "createdAt">): Promise<IdempotencyRecord> {
  await db.run(
    `INSERT INTO idempotency_keys (key, officer_id, request_hash, response_status, response_body, created_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key, officer_id) DO NOTHING`,
    [r.key, r.officerId, r.requestHash, r.responseStatus, JSON.stringify(r.responseBody), now],
  );
  return (await getIdempotency(db, r.key, r.officerId))!;
}
