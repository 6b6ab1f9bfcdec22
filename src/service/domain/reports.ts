/**
 * The CITES annual report (Res. Conf. 11.17): one row per line item of a CITES permit or
 * certificate (not ePhyto certificates), numbered as on the permit, with the quantity
 * that actually left the exporting country (from the ledger's export endorsement) beside the
 * authorised one. A permit counts in the year of its export endorsement, or of its issue when it
 * was never endorsed (then no quantity was reported as traded). On the basis of trade (`traded`),
 * only the permits whose export was endorsed: what actually left the exporting country, as the
 * CITES guidelines prefer where the data allow (`issued`, the default, reports every permit issued).
 */
import { DOCUMENT_TYPES, fromFixedPoint, type PermitDocument } from "../../sdk/document";
import type { Store } from "../store";

export const ANNUAL_REPORT_COLUMNS = [
  "year", "permitNumber", "line", "documentType", "status", "appendix", "taxon", "commonName", "term", "quantity", "quantityAuthorised", "unit",
  "exporter", "importer", "origin", "purpose", "source", "originPermit", "endorsedAt",
] as const;
export type AnnualReportRow = Record<(typeof ANNUAL_REPORT_COLUMNS)[number], string | number | null>;

export const REPORT_BASES = ["issued", "traded"] as const;
export type ReportBasis = (typeof REPORT_BASES)[number];

/** CITES documents only: an ePhyto certificate is not CITES trade. */
const CITES_DOCUMENT_TYPES = Object.keys(DOCUMENT_TYPES).filter((type) => type.startsWith("CITES_"));

export async function annualReport(store: Store, country: string, year: number, basis: ReportBasis = "issued"): Promise<AnnualReportRow[]> {
  const rows: AnnualReportRow[] = [];
  let cursor: string | undefined;
  do {
    // The chain issues and endorses a permit only while it is valid: one that expired before the
    // year began cannot count in it. Events and lines are read per page of 500, not per permit.
    // (Filtering the status here too would make each page sort all of the country's permits.)
    const page = await store.listPermits({
      involvingCountry: country, docType: CITES_DOCUMENT_TYPES, validOnOrAfter: `${String(year).padStart(4, "0")}-01-01`, limit: 500, cursor,
    });
    const anchored = page.items.filter((p) => p.status !== "PENDING" && p.status !== "FAILED"); // on the ledger
    const ids = anchored.map((p) => p.permitId);
    const [eventsOf, linesOf] = await Promise.all([store.listPermitEventsOf(ids), store.getPermitLinesOf(ids)]);
    for (const p of anchored) {
      const events = eventsOf.get(p.permitId) ?? [];
      const endorsed = events.find((e) => e.kind === "ExportEndorsed");
      if (basis === "traded" && !endorsed) continue;
      const when = endorsed?.blockTime ?? events.find((e) => e.kind === "PermitIssued")?.blockTime ?? p.createdAt;
      if (new Date(when).getUTCFullYear() !== year) continue;
      const doc = JSON.parse(p.documentJson) as PermitDocument;
      const lines = new Map((linesOf.get(p.permitId) ?? []).map((l) => [l.line, l]));
      for (const item of doc.items) {
        const line = lines.get(item.line);
        const origin = "originPermit" in item && item.originPermit ? item.originPermit : undefined;
        rows.push({
          year,
          permitNumber: p.permitNumber,
          line: item.line,
          documentType: p.docType,
          status: p.status,
          appendix: "appendix" in item ? (item.appendix ?? null) : null,
          taxon: item.scientificName,
          commonName: item.commonName ?? null,
          term: item.term ?? null,
          quantity: endorsed && line ? fromFixedPoint(line.exported) : null,
          quantityAuthorised: item.quantity,
          unit: item.unit ?? "",
          exporter: doc.exporter.country,
          importer: doc.importer.country,
          origin: ("countryOfOrigin" in item ? item.countryOfOrigin : undefined) ?? null,
          purpose: "purpose" in doc ? (doc.purpose ?? null) : null,
          source: "source" in item ? (item.source ?? null) : null,
          originPermit: origin ? `${origin.country} ${origin.number}` : null,
          endorsedAt: endorsed?.blockTime ?? null,
        });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}
