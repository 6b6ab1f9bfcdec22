import type { SqlExecutor } from "../driver";
import { parseJson } from "../rows";
import type { Migration } from "./index";

/**
 * A replacement names the permit it replaces (as the chain's record does): kept with the
 * replacement, so its record and PDF can say so. Replacements made before this version get theirs
 * from the replaced permits' `PermitReplaced` events.
 */
export const permitReplaces: Migration = {
  version: 8,
  name: "permit_replaces",
  sql: () => "ALTER TABLE permits ADD COLUMN replaces_permit_id TEXT;",
  async data(tx: SqlExecutor) {
    const rows = await tx.all<{ permit_id: string; data: unknown }>("SELECT permit_id, data FROM permit_events WHERE kind = 'PermitReplaced'");
    for (const r of rows) {
      const replacementId = (parseJson(r.data) as { replacementId?: unknown } | null)?.replacementId;
      if (typeof replacementId === "string") await tx.run("UPDATE permits SET replaces_permit_id = ? WHERE permit_id = ?", [r.permit_id, replacementId.toLowerCase()]);
    }
  },
};
