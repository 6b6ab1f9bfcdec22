/**
 * GET /api/v1/reports/annual?country=CH&year=2026&format=csv|json — officers of that country.
 * GET /api/v1/reports/summary — counts over all of the officer's country's permits (the dashboard).
 */
import { Router } from "express";
import { z } from "zod";
import { ForbiddenError } from "../http/errors";
import { ANNUAL_REPORT_COLUMNS, REPORT_BASES, annualReport } from "../domain/reports";
import type { Store } from "../store";
import { handler, officerOf, parseRequest } from "./middleware";
import { exportFormat, toCsv } from "./officers";

/** GET /reports/annual's query: the officer's own country and this year unless given. */
const annualQuery = z.object({
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "an ISO 3166-1 alpha-2 code, e.g. CH")
    .transform((s) => s.toUpperCase())
    .optional(),
  year: z
    .string()
    .regex(/^\d{4}$/, "a year, e.g. 2026")
    .transform(Number)
    .pipe(z.number().min(1975, "from 1975, when CITES entered into force").max(2200, "at most 2200"))
    .optional(),
  format: exportFormat,
  /** issued: every permit issued (the default); traded: those whose export was endorsed. */
  basis: z.enum(REPORT_BASES, { error: "issued (every permit issued) or traded (those whose export was endorsed)" }).default("issued"),
});

export function reportRoutes(deps: { store: Store }): Router {
  const router = Router();
  router.get(
    "/annual",
    handler(async (req, res) => {
      const officer = officerOf(res);
      const query = parseRequest(annualQuery, req.query, "query");
      const { format } = query;
      const country = query.country ?? officer.country;
      const year = query.year ?? new Date().getUTCFullYear();
      if (country !== officer.country) throw new ForbiddenError(`Officers of ${officer.country} may only report for ${officer.country}.`);
      const rows = await annualReport(deps.store, country, year, query.basis);
      if (format === "csv") {
        const suffix = query.basis === "traded" ? "-traded" : "";
        res.type("text/csv").setHeader("Content-Disposition", `attachment; filename="annual-report-${country}-${year}${suffix}.csv"`);
        res.send(toCsv(rows, [...ANNUAL_REPORT_COLUMNS]));
      } else res.json({ country, year, basis: query.basis, columns: ANNUAL_REPORT_COLUMNS, rows });
    }),
  );
  router.get(
    "/summary",
    handler(async (_req, res) => {
      const { country } = officerOf(res);
      // The last 12 months, this one included, each listed even when it has no permit.
      const now = new Date();
      const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11 + i, 1)).toISOString().slice(0, 7));
      const counts = await deps.store.countPermits(country, `${months[0]}-01`);
      const perMonth = new Map(counts.byMonth.map((m) => [m.month, m.permits]));
      res.json({
        country,
        total: counts.total,
        byStatus: counts.byStatus,
        byMonth: months.map((month) => ({ month, permits: perMonth.get(month) ?? 0 })),
        partners: counts.partners.slice(0, 10),
      });
    }),
  );
  return router;
}
