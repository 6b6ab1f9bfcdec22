/** /api/v1/officers and /api/v1/audit: an authority admin manages its country's officers and exports the audit log. */
import { Router } from "express";
import { z } from "zod";
import type { OfficerService } from "../domain/officers";
import { requireRole } from "../domain/permits";
import type { Store } from "../store";
import { handler, officerOf, parseRequest } from "./middleware";

/** An officer of the admin's own country (strict: a key such as `country` is named in a 400, not ignored). */
export const addOfficerBody = z.strictObject({
  name: z.string({ error: "the officer's name, as text" }).trim().min(1, "must not be empty").max(200, "at most 200 characters"),
  role: z.enum(["ISSUER", "CUSTOMS"], { error: "ISSUER or CUSTOMS (in capitals)" }),
  address: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "an Ethereum address: 0x and 40 hex digits")
    .describe("The officer's own key's address (the service then cannot sign for them); without it the service creates the key")
    .optional(),
});

/** An ISO 8601 date (midnight UTC) or date-time with its offset, as a UTC ISO timestamp (what the log stores). */
const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, "an ISO 8601 date (2026-03-01) or date-time with its offset (2026-03-01T12:00:00Z)")
  .transform((s, ctx) => {
    const [y, m, d] = s.slice(0, 10).split("-").map(Number) as [number, number, number];
    const t = Date.parse(s);
    // Date.parse rolls 2026-02-30 over to March: the day must exist in its month.
    if (Number.isNaN(t) || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) {
      ctx.addIssue({ code: "custom", message: "not a date that exists" });
      return z.NEVER;
    }
    return new Date(t).toISOString();
  });
/** How an export (audit log, annual report) is answered: json (the default) or csv. */
export const exportFormat = z.enum(["json", "csv"]).default("json");
/** from inclusive, to exclusive. */
const exportQuery = z.object({ format: exportFormat, from: instant.optional(), to: instant.optional() });

export function officerRoutes(deps: { officers: OfficerService }): Router {
  const router = Router();
  router.get("/", handler(async (req, res) => void res.json({ items: await deps.officers.list(officerOf(res), req.query.includeRemoved === "true") })));
  router.post(
    "/",
    handler(async (req, res) => {
      const { officer, token } = await deps.officers.add(officerOf(res), parseRequest(addOfficerBody, req.body) as never);
      res.locals.audit = { detail: { officerId: officer.id, role: officer.role, address: officer.address } };
      res.status(201).json({ officer, token });
    }),
  );
  router.delete(
    "/:id",
    handler(async (req, res) => {
      const officer = await deps.officers.remove(officerOf(res), req.params.id as string);
      res.locals.audit = { detail: { officerId: officer.id, address: officer.address } };
      res.json(officer);
    }),
  );
  return router;
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  // Quote, and defuse spreadsheet formulas in untrusted text.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};
export const toCsv = (rows: Record<string, unknown>[], columns: string[]) =>
  [columns.join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(","))].join("\r\n") + "\r\n";

export function auditRoutes(deps: { store: Store }): Router {
  const router = Router();
  router.get(
    "/",
    handler(async (req, res) => {
      const admin = officerOf(res);
      requireRole(admin, "ADMIN", "export the audit log");
      const query = parseRequest(exportQuery, req.query, "query");
      const rows = await deps.store.exportAudit({ country: admin.country, from: query.from, to: query.to });
      if (query.format === "csv") {
        res.type("text/csv").setHeader("Content-Disposition", `attachment; filename="audit-${admin.country}.csv"`);
        res.send(toCsv(rows as never, ["id", "at", "requestId", "officerId", "role", "country", "action", "permitId", "result", "txHash", "detail"]));
      } else res.json({ items: rows });
    }),
  );
  return router;
}
