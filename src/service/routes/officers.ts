/** /api/v1/officers and /api/v1/audit: an authority admin manages its country's officers and exports the audit log. */
import { Router } from "express";
import { z } from "zod";
import { InvalidRequestError } from "../http/errors";
import type { OfficerService } from "../domain/officers";
import { requireRole } from "../domain/permits";
import type { Store } from "../store";
import { handler, officerOf } from "./middleware";

const addBody = z.object({
  name: z.string().min(1).max(200),
  role: z.enum(["ISSUER", "CUSTOMS"]),
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
});

export function officerRoutes(deps: { officers: OfficerService }): Router {
  const router = Router();
  router.get("/", handler(async (req, res) => void res.json({ items: await deps.officers.list(officerOf(res), req.query.includeRemoved === "true") })));
  router.post(
    "/",
    handler(async (req, res) => {
      const parsed = addBody.safeParse(req.body);
      if (!parsed.success) throw new InvalidRequestError("The request body is not valid.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) as never);
      const { officer, token } = await deps.officers.add(officerOf(res), parsed.data as never);
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
      const rows = await deps.store.exportAudit({
        country: admin.country,
        from: typeof req.query.from === "string" ? req.query.from : undefined,
        to: typeof req.query.to === "string" ? req.query.to : undefined,
      });
      if (req.query.format === "csv") {
        res.type("text/csv").setHeader("Content-Disposition", `attachment; filename="audit-${admin.country}.csv"`);
        res.send(toCsv(rows as never, ["id", "at", "requestId", "officerId", "role", "country", "action", "permitId", "result", "txHash", "detail"]));
      } else res.json({ items: rows });
    }),
  );
  return router;
}
