/**
 * Applies pending migrations, each in its own transaction together with its row in
 * `schema_migrations`, so a failed migration leaves no trace and a finished one is never re-run.
 * Safe to call from several processes at once (they take a lock and re-read what is applied).
 */
import type { SqlExecutor } from "./driver";
import { MigrationFailedError } from "./errors";
import { MIGRATIONS, type Migration } from "./migrations";

export type MigrateReturnType = { applied: number[]; current: number };

export async function migrate(
  db: SqlExecutor,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => Date = () => new Date(),
): Promise<MigrateReturnType> {
  await db.transaction(async (tx) => {
    if (tx.dialect.migrationLock) await tx.exec(tx.dialect.migrationLock);
    await tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  });
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    await db.transaction(async (tx) => {
      if (tx.dialect.migrationLock) await tx.exec(tx.dialect.migrationLock);
      const done = await tx.all("SELECT version FROM schema_migrations WHERE version = ?", [migration.version]);
      if (done.length > 0) return;
      try {
        await tx.exec(migration.sql(tx.dialect));
        await migration.data?.(tx);
      } catch (err) {
        throw new MigrationFailedError(migration.version, migration.name, err);
      }
      await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        migration.version,
        migration.name,
        now().toISOString(),
      ]);
      applied.push(migration.version);
    });
  }
  const [row] = await db.all<{ current: unknown }>("SELECT MAX(version) AS current FROM schema_migrations");
  return { applied, current: Number(row?.current ?? 0) };
}
