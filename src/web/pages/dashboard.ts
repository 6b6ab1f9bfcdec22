/**
 * Dashboard: the country's permits per month, by status, top species and trade partners, and
 * exported against authorised quantities (from the annual-report rows, which carry both). The
 * counts come from the service (over all of the country's permits, not a page of them).
 */
import { api, messageOf } from "../lib/api";
import { barChart, type Bar } from "../lib/charts";
import { h, notice, replace } from "../lib/dom";
import { country } from "../lib/format";
import { mountPage } from "../lib/shell";
import type { Officer, PermitCounts } from "../lib/types";

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
  let counts: PermitCounts;
  let rows: ReportRow[];
  try {
    [counts, rows] = await Promise.all([
      api<PermitCounts>("/reports/summary"),
      api<{ rows: ReportRow[] }>(`/reports/annual?year=${year}`).then((r) => r.rows),
    ]);
  } catch (err) {
    return void replace(root, h("h1", {}, "Dashboard"), notice("error", messageOf(err)));
  }

  const statuses = new Map(Object.entries(counts.byStatus));
  const partners = new Map(counts.partners.map((p) => [country(p.country), p.permits]));
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
    h("p", { class: "lead" }, `${country(officer.country)}: ${counts.total} permit${counts.total === 1 ? "" : "s"} in the registry; species and quantities for ${year}.`),
    h("div", { class: "charts" },
      barChart("chart-months", "Permits per month", counts.byMonth.map((m) => ({ label: m.month, values: [m.permits] }))),
      barChart("chart-status", "Permits by status", top(statuses, 10)),
      barChart("chart-species", `Top species (${year}, line items)`, top(species, 8)),
      barChart("chart-partners", "Top trade partners", top(partners, 8)),
      barChart("chart-quantities", `Exported vs authorised (${year})`,
        [...quantities].sort((a, b) => b[1].authorised - a[1].authorised).slice(0, 8).map(([label, q]) => ({ label, values: [q.authorised, q.exported] })),
        ["authorised", "exported"]),
    ),
  );
}
