/**
 * Dashboard: the country's permits per month, by status, top species and trade partners, and
 * exported against authorised quantities (from the annual-report rows, which carry both).
 */
import { api, messageOf } from "../lib/api";
import { barChart, type Bar } from "../lib/charts";
import { h, notice, replace } from "../lib/dom";
import { country } from "../lib/format";
import { mountPage } from "../lib/shell";
import type { Officer, PermitSummary } from "../lib/types";

type ReportRow = { taxon: string; quantity: number | null; quantityAuthorised: number; unit: string; exporter: string; importer: string; status: string };

const page = mountPage("dashboard", { roles: ["ADMIN", "ISSUER", "CUSTOMS"] });
if (page) void main(page.main, page.officer!);

function top(counts: Map<string, number>, n: number): Bar[] {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n).map(([label, v]) => ({ label, values: [v] }));
}
const bump = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

async function main(root: HTMLElement, officer: Officer): Promise<void> {
  const year = new Date().getUTCFullYear();
  replace(root, h("h1", {}, "Dashboard"), h("p", { role: "status" }, "Loading…"));
  let permits: PermitSummary[];
  let rows: ReportRow[];
  try {
    [permits, rows] = await Promise.all([
      api<{ items: PermitSummary[] }>("/permits?limit=500").then((r) => r.items),
      api<{ rows: ReportRow[] }>(`/reports/annual?year=${year}`).then((r) => r.rows),
    ]);
  } catch (err) {
    return void replace(root, h("h1", {}, "Dashboard"), notice("error", messageOf(err)));
  }

  const months = new Map<string, number>();
  const now = new Date();
  for (let i = 11; i >= 0; i--) months.set(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7), 0);
  const statuses = new Map<string, number>();
  const partners = new Map<string, number>();
  for (const p of permits) {
    const month = p.createdAt.slice(0, 7);
    if (months.has(month)) bump(months, month);
    bump(statuses, p.status);
    const partner = p.exportingCountry === officer.country ? p.importingCountry : p.exportingCountry;
    if (partner) bump(partners, country(partner));
  }
  const species = new Map<string, number>();
  const quantities = new Map<string, { authorised: number; exported: number }>();
  for (const r of rows) {
    bump(species, r.taxon);
    const key = `${r.taxon}${r.unit ? ` (${r.unit})` : ""}`;
    const q = quantities.get(key) ?? { authorised: 0, exported: 0 };
    q.authorised += r.quantityAuthorised;
    q.exported += r.quantity ?? 0;
    quantities.set(key, q);
  }

  replace(root,
    h("h1", {}, "Dashboard"),
    h("p", { class: "lead" }, `${country(officer.country)}: ${permits.length} permit${permits.length === 1 ? "" : "s"} in the registry; species and quantities for ${year}.`),
    h("div", { class: "charts" },
      barChart("chart-months", "Permits per month", [...months].map(([label, v]) => ({ label, values: [v] }))),
      barChart("chart-status", "Permits by status", top(statuses, 10)),
      barChart("chart-species", `Top species (${year}, line items)`, top(species, 8)),
      barChart("chart-partners", "Top trade partners", top(partners, 8)),
      barChart("chart-quantities", `Exported vs authorised (${year})`,
        [...quantities].sort((a, b) => b[1].authorised - a[1].authorised).slice(0, 8).map(([label, q]) => ({ label, values: [q.authorised, q.exported] })),
        ["authorised", "exported"]),
    ),
  );
}
