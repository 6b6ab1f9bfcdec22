/** The permits' lifecycle history, as the indexer decodes it from the chain. */
import type { Row, SqlExecutor } from "../driver";
import { chunks, parseJson, placeholders, str, strOrNull, toNumber } from "../rows";
import type { PermitEvent } from "../types";

const toEvent = (r: Row): PermitEvent => ({
  permitId: str(r.permit_id),
  kind: str(r.kind),
  officerAddress: strOrNull(r.officer_address),
  country: strOrNull(r.country),
  txHash: str(r.tx_hash),
  blockNumber: toNumber(r.block_number),
  blockTime: strOrNull(r.block_time),
  logIndex: toNumber(r.log_index),
  data: parseJson(r.data),
});

export async function appendPermitEvent(db: SqlExecutor, e: PermitEvent): Promise<boolean> {
  const { changes } = await db.run(
    `INSERT INTO permit_events (permit_id, kind, officer_address, country, tx_hash, block_number, block_time, log_index, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tx_hash, log_index) DO NOTHING`,
    [e.permitId, e.kind, e.officerAddress, e.country, e.txHash, e.blockNumber, e.blockTime, e.logIndex, JSON.stringify(e.data)],
  );
  return changes > 0;
}

export async function listPermitEvents(db: SqlExecutor, permitId: string): Promise<PermitEvent[]> {
  const rows = await db.all("SELECT * FROM permit_events WHERE permit_id = ? ORDER BY block_number, log_index", [permitId]);
  return rows.map(toEvent);
}

export async function listPermitEventsOf(db: SqlExecutor, permitIds: readonly string[]): Promise<Map<string, PermitEvent[]>> {
  const byPermit = new Map<string, PermitEvent[]>();
  for (const ids of chunks(permitIds)) {
    const rows = await db.all(`SELECT * FROM permit_events WHERE permit_id IN (${placeholders(ids)}) ORDER BY permit_id, block_number, log_index`, ids);
    for (const event of rows.map(toEvent)) (byPermit.get(event.permitId) ?? byPermit.set(event.permitId, []).get(event.permitId)!).push(event);
  }
  return byPermit;
}

/** Every permit's events in blocks above `blockNumber`, in chain order (what a chain that went back lost). */
export async function listPermitEventsAfter(db: SqlExecutor, blockNumber: number): Promise<PermitEvent[]> {
  const rows = await db.all("SELECT * FROM permit_events WHERE block_number > ? ORDER BY block_number, log_index", [blockNumber]);
  return rows.map(toEvent);
}

export async function deletePermitEvents(db: SqlExecutor, permitId: string, txHashes: readonly string[]): Promise<number> {
  if (txHashes.length === 0) return 0;
  const { changes } = await db.run(`DELETE FROM permit_events WHERE permit_id = ? AND tx_hash IN (${placeholders(txHashes)})`, [permitId, ...txHashes]);
  return changes;
}
