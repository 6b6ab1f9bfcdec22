/**
 * The little the store needs from a database connection. Both drivers take `?` placeholders and
 * return rows as plain objects keyed by column name; values come back as the driver gives them
 * (see `rows.ts` for the conversions).
 */
import type { Dialect } from "./dialect";

export type SqlParam = string | number | bigint | null;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  readonly dialect: Dialect;
  /** Runs one statement and returns its rows (also for `… RETURNING`). */
  all<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Runs one statement; `changes` is the number of rows it inserted, updated or deleted. */
  run(sql: string, params?: readonly SqlParam[]): Promise<{ changes: number }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside, `tx` must be used instead of the outer executor. A nested call joins the outer transaction.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Whether `err` is a UNIQUE or PRIMARY KEY violation. */
  isUniqueViolation(err: unknown): boolean;
}

export interface SqlDriver extends SqlExecutor {
  close(): Promise<void>;
}
