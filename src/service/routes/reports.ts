/**
 * GET /api/v1/reports/annual?country=CH&year=2026&format=csv|json — officers of that country.
 * GET /api/v1/reports/summary — counts over all of the officer's country's permits (the dashboard).
 */
import { Router } from "express";
import { z } from "zod";
import { ForbiddenError, InvalidRequestError } from "../http/errors";
import { ANNUAL_REPORT_COLUMNS, annualReport } from "../domain/reports";
import type { Store } from "../store";
import { handler, officerOf, parseRequest } from "./middleware";
import { exportFormat, toCsv } from "./officers";

export function reportRoutes(deps: { store: Store }): Router {
  const router = Router();
  router.get(
    "/annual",
    handler(async (req, res) => {
      const officer = officerOf(res);
      const country = String(req.query.country ?? officer.country).toUpperCase();
      const year = Number(req.query.year ?? new Date().getUTCFullYear());
      if (!/^[A-Z]{2}$/.test(country)) throw new InvalidRequestError("`country` must be an ISO 3166-1 alpha-2 code.");
      if (!Number.isInteger(year) || year < 1975 || year > 2200) throw new InvalidRequestError("`year` must be a year, e.g. 2026.");
      const { format } = parseRequest(z.object({ format: exportFormat }), { format: req.query.format }, "query");
      if (country !== officer.country) throw new ForbiddenError(`Officers of ${officer.country} may only report for ${officer.country}.`);
      const rows = await annualReport(deps.store, country, year);
      if (format === "csv") {
        res.type("text/csv").setHeader("Content-Disposition", `attachment; filename="annual-report-${country}-${year}.csv"`);
        res.send(toCsv(rows, [...ANNUAL_REPORT_COLUMNS]));
      } else res.json({ country, year, columns: ANNUAL_REPORT_COLUMNS, rows });
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
