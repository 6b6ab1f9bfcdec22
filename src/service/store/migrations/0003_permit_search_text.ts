import type { SqlExecutor } from "../driver";
import { permitSearchText } from "../searchText";
import type { Migration } from "./index";

/** Permits backfilled per statement: one multi-row UPDATE, well under either database's parameter limit. */
const CHUNK = 200;

/**
 * `GET /permits?q=` searched `LOWER(document)`: the JSON's field names matched too (`name` found
 * every permit) and SQLite folded ASCII letters only. Each permit now keeps the folded text of its
 * number and document values (`permitSearchText`), written with the permit; existing permits get
 * theirs here, a chunk at a time by permit id.
 */
export const permitSearchTextColumn: Migration = {
  version: 3,
  name: "permit_search_text",
  sql: () => `ALTER TABLE permits ADD COLUMN search_text TEXT NOT NULL DEFAULT ''`,
  async data(tx: SqlExecutor) {
    let after = "";
    for (;;) {
      const rows = await tx.all<{ permit_id: string; permit_number: string; document: string }>(
        "SELECT permit_id, permit_number, document FROM permits WHERE permit_id > ? ORDER BY permit_id LIMIT ?",
        [after, CHUNK],
      );
      if (rows.length === 0) return;
      // VALUES names its columns column1, column2 in both SQLite and PostgreSQL.
      await tx.run(
        `UPDATE permits SET search_text = v.column2 FROM (VALUES ${rows.map(() => "(?, ?)").join(", ")}) AS v WHERE permits.permit_id = v.column1`,
        rows.flatMap((r) => [r.permit_id, permitSearchText(r.permit_number, r.document)]),
      );
      after = rows[rows.length - 1]!.permit_id;
    }
  },
};
