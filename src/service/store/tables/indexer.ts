/** Where each event indexer stopped, so it resumes from the next block after a restart. */
import type { SqlExecutor } from "../driver";
import { toNumber } from "../rows";

export async function getIndexerCursor(db: SqlExecutor, name: string): Promise<number | undefined> {
  const [row] = await db.all("SELECT last_block FROM indexer_state WHERE name = ?", [name]);
  return row ? toNumber(row.last_block) : undefined;
}

export async function setIndexerCursor(db: SqlExecutor, name: string, lastBlock: number): Promise<void> {
  await db.run(
    "INSERT INTO indexer_state (name, last_block) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_block = excluded.last_block",
    [name, lastBlock],
  );
}

export async function clearIndexerCursor(db: SqlExecutor, name: string): Promise<void> {
  await db.run("DELETE FROM indexer_state WHERE name = ?", [name]);
}
