/**
 * SQLite through better-sqlite3: one connection, WAL (readers never wait for the writer),
 * `busy_timeout` so a second process waits for the write lock instead of failing at once.
 *
 * better-sqlite3 is synchronous, but a transaction spans `await`s; every call therefore goes
 * through one queue, so nothing from outside can slip into an open transaction.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { sqliteDialect } from "./dialect";
import type { Row, SqlDriver, SqlExecutor, SqlParam } from "./driver";

export type SqliteDriverOptions = {
  /** File path, or `:memory:`. Its directory is created if missing. */
  path: string;
  /** How long to wait for another process's write lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /** A read-only connection to a database another connection created (and put in WAL mode). */
  readonly?: boolean;
};

export function openSqliteDriver(options: SqliteDriverOptions): SqlDriver {
  if (options.readonly) {
    const db = new Database(options.path, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    return new SqliteDriver(db);
  }
  if (options.path !== ":memory:") mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
  const db = new Database(options.path);
  db.pragma("journal_mode = WAL");
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma("foreign_keys = ON");
  // In WAL mode NORMAL loses no committed transaction when the process dies (kill -9), only on power loss.
  db.pragma("synchronous = NORMAL");
  return new SqliteDriver(db);
}

class SqliteDriver implements SqlDriver {
  readonly dialect = sqliteDialect;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Runs `fn` after everything queued before it. */
  #queued<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  all<T extends Row = Row>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    return this.#queued(() => this.prepare(sql).all(...params) as T[]);
  }

  run(sql: string, params: readonly SqlParam[] = []): Promise<{ changes: number }> {
    return this.#queued(() => ({ changes: this.prepare(sql).run(...params).changes }));
  }

  exec(sql: string): Promise<void> {
    return this.#queued(() => void this.#db.exec(sql));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#queued(async () => {
      this.#db.exec("BEGIN IMMEDIATE");
      const tx = new SqliteTransaction(this, this.#db);
      try {
        const result = await fn(tx);
        this.#db.exec("COMMIT");
        return result;
      } catch (err) {
        if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
        throw err;
      } finally {
        tx.closed = true;
      }
    });
  }

  isUniqueViolation(err: unknown): boolean {
    const code = (err as { code?: unknown } | null)?.code;
    return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
  }

  async close(): Promise<void> {
    await this.#queued(() => this.#db.close());
  }
}

/** The executor handed to a transaction's callback: runs directly, bypassing the queue it holds. */
class SqliteTransaction implements SqlExecutor {
  readonly dialect = sqliteDialect;
  closed = false;

  constructor(
    private readonly driver: SqliteDriver,
    private readonly db: Database.Database,
  ) {}

  #check(): void {
    if (this.closed) throw new Error("This transaction has ended; use the store outside transaction(fn).");
  }

  async all<T extends Row = Row>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    this.#check();
    return this.driver.prepare(sql).all(...params) as T[];
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<{ changes: number }> {
    this.#check();
    return { changes: this.driver.prepare(sql).run(...params).changes };
  }

  async exec(sql: string): Promise<void> {
    this.#check();
    this.db.exec(sql);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.#check();
    return fn(this);
  }

  isUniqueViolation(err: unknown): boolean {
    return this.driver.isUniqueViolation(err);
  }
}
