/**
 * PostgreSQL through a `pg` Pool. Queries are written with `?` placeholders (as for SQLite) and
 * numbered here; BIGINT values are sent as text so no precision is lost either way.
 */
import { Pool, type PoolClient } from "pg";
import { postgresDialect } from "./dialect";
import type { Row, SqlDriver, SqlExecutor, SqlParam } from "./driver";

export type PostgresDriverOptions = {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** Schema to work in (default: the server's `search_path`, usually `public`). Tests use one per run. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
  /** An idle pooled connection failed (e.g. the server restarted); the pool replaces it. */
  onIdleError?: (err: Error) => void;
};

export function openPostgresDriver(options: PostgresDriverOptions): SqlDriver {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
    throw new Error(`Schema name ${JSON.stringify(options.schema)} must be lowercase letters, digits and _.`);
  }
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  });
  pool.on("error", options.onIdleError ?? ((err) => console.error("PostgreSQL idle connection error:", err.message)));
  return new PostgresDriver(pool);
}

const numbered = new Map<string, string>();

/** `a = ? AND b = ?` → `a = $1 AND b = $2` (queries here never hold a literal `?`). */
function toPostgres(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, text);
  }
  return text;
}

const toParams = (params: readonly SqlParam[]) => params.map((p) => (typeof p === "bigint" ? p.toString() : p));

type Queryable = Pool | PoolClient;

class PostgresExecutor implements SqlExecutor {
  readonly dialect = postgresDialect;

  constructor(protected readonly db: Queryable) {}

  async all<T extends Row = Row>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    return (await this.db.query(toPostgres(sql), toParams(params))).rows as T[];
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<{ changes: number }> {
    return { changes: (await this.db.query(toPostgres(sql), toParams(params))).rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.db.query(sql);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.db instanceof Pool) {
      const client = await this.db.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(new PostgresExecutor(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    }
    return fn(this);
  }

  isUniqueViolation(err: unknown): boolean {
    return (err as { code?: unknown } | null)?.code === "23505";
  }
}

class PostgresDriver extends PostgresExecutor implements SqlDriver {
  constructor(private readonly pool: Pool) {
    super(pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
