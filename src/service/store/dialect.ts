/**
 * The only differences between the SQLite and the PostgreSQL SQL, in one place. Everything else
 * (migrations, queries) is written once in the subset both accept: `?` placeholders (the
 * PostgreSQL driver numbers them), TEXT timestamps in ISO 8601, INTEGER 0/1 for flags, JSON as TEXT,
 * `INSERT … ON CONFLICT`, `RETURNING`.
 */
export type DialectName = "sqlite" | "postgres";

export type Dialect = {
  name: DialectName;
  /** Column type of an auto-numbered primary key. */
  autoId: string;
  /** Appended to a `SELECT … LIMIT n` that picks rows to claim, so concurrent claimers skip each other's rows. */
  claimLock: string;
  /** Serialises migrators (SQLite: `BEGIN IMMEDIATE` already holds the write lock). */
  migrationLock: string | null;
  /** DDL making `table` refuse UPDATE and DELETE (and TRUNCATE where it exists). */
  appendOnly(table: string): string;
};

export const sqliteDialect: Dialect = {
  name: "sqlite",
  autoId: "INTEGER PRIMARY KEY AUTOINCREMENT",
  claimLock: "",
  migrationLock: null,
  appendOnly: (table) => `
    CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
    CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`,
};

export const postgresDialect: Dialect = {
  name: "postgres",
  autoId: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
  claimLock: "FOR UPDATE SKIP LOCKED",
  // Any constant works; it only has to be the same for every permit-registry migrator.
  migrationLock: "SELECT pg_advisory_xact_lock(727274)",
  appendOnly: (table) => `
    CREATE FUNCTION ${table}_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '${table} is append-only' USING ERRCODE = 'insufficient_privilege'; END $$;
    CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION ${table}_reject_change();
    CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION ${table}_reject_change();`,
};
