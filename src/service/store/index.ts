/**
 * Opening the store: SQLite by default, PostgreSQL when configured; migrations run on open.
 * @example
 * const store = await openStore(config.database);
 * const permit = await store.getPermit(id);
 */
import type { DatabaseConfig } from "../config";
import type { SqlDriver } from "./driver";
import { migrate } from "./migrate";
import { openPostgresDriver, type PostgresDriverOptions } from "./postgresDriver";
import { openSqliteDriver } from "./sqliteDriver";
import { SqlStore, type Clock } from "./sqlStore";
import type { Store } from "./store";
import { INDEXER_STATE } from "./types";

export type OpenStoreOptions = {
  /** Where timestamps come from (tests pin it). */
  clock?: Clock;
  /** PostgreSQL only: work in this schema (tests use one per run). */
  schema?: string;
  /** PostgreSQL only: pool size. */
  poolSize?: number;
  onIdleError?: PostgresDriverOptions["onIdleError"];
};

export async function openStore(database: DatabaseConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const driver: SqlDriver =
    database.kind === "sqlite"
      ? openSqliteDriver({ path: database.path })
      : openPostgresDriver({ connectionString: database.url, schema: options.schema, max: options.poolSize, onIdleError: options.onIdleError });
  try {
    await migrate(driver);
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err;
  }
  return new SqlStore(driver, options.clock ?? (() => new Date()), driver);
}

/**
 * A second, read-only view of a store another process opened (and migrated): the verification
 * helper processes read permits' events through it. SQLite opens the file read-only (WAL: it never
 * waits for the writer); PostgreSQL gets a small pool of its own.
 */
export function openStoreReader(database: DatabaseConfig, options: Pick<OpenStoreOptions, "schema" | "onIdleError"> = {}): Store {
  const driver: SqlDriver =
    database.kind === "sqlite"
      ? openSqliteDriver({ path: database.path, readonly: true })
      : openPostgresDriver({ connectionString: database.url, schema: options.schema, max: 2, onIdleError: options.onIdleError });
  return new SqlStore(driver, () => new Date(), driver);
}

/**
 * The chain was found at `head`, below the indexer's cursor: it went back (an embedded chain
 * restored from an older state). The mark start-up reconciliation reads is lowered to `head` (kept
 * if already lower) and the cursor set back to it, so that what is mined from now on is read.
 * Returns the mark: the events recorded above it may be lost.
 */
export async function noteChainWentBack(store: Store, head: number): Promise<number> {
  const mark = await store.getIndexerCursor(INDEXER_STATE.lostAbove);
  if (mark === undefined || head < mark) await store.setIndexerCursor(INDEXER_STATE.lostAbove, head);
  await store.setIndexerCursor(INDEXER_STATE.cursor, head);
  return mark === undefined ? head : Math.min(mark, head);
}

export type { Store } from "./store";
export type { SqlDriver, SqlExecutor } from "./driver";
export { migrate } from "./migrate";
export { MIGRATIONS } from "./migrations";
export * from "./errors";
export * from "./types";
