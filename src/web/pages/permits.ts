/**
 * Permits: the country's permits with their status; search; open one to see its lines and
 * history; cancel or replace (issuers); record non-compliance (importing country).
 */
import { api, apiBlob, messageOf } from "../lib/api";
import { download, h, notice, replace } from "../lib/dom";
import { country, dateTime, documentType, eventName, quantity, shipment, shortHex } from "../lib/format";
import { statusBadge } from "../lib/lookup";
import { mountPage } from "../lib/shell";
import type { Officer, PermitSummary, PermitView } from "../lib/types";

const CANCEL = ["LOST", "STOLEN", "DAMAGED", "WRONGLY_ISSUED", "WITHDRAWN", "OTHER"];
const NON_COMPLIANCE = ["QUANTITY_MISMATCH", "SPECIES_MISMATCH", "DOCUMENT_IRREGULARITY", "PEST_OR_DISEASE", "ILLEGAL_SPECIMENS", "OTHER"];
const label = (code: string) => code.replace(/_/g, " ").toLowerCase();
/** "by W. Perera (CH customs)", or the signing address when this service knows no officer there. */
function signedBy(e: PermitView["history"][number]): HTMLElement | null {
  if (e.by) return h("span", { class: "by", title: e.officer ?? "" }, `by ${e.by.name} (${e.by.country} ${e.by.role.toLowerCase()})`);
  return e.officer ? h("span", { class: "by" }, "by ", h("code", { title: e.officer }, shortHex(e.officer))) : null;
}

const page = mountPage("permits", { roles: ["ADMIN", "ISSUER", "CUSTOMS"] });
if (page) main(page.main, page.officer!);

function main(root: HTMLElement, officer: Officer): void {
  const q = h("input", { id: "search", type: "search", name: "q", placeholder: "number, name, species" });
  const status = h("select", { id: "status-filter", name: "status" }, h("option", { value: "" }, "any status"),
    ["PENDING", "ISSUED", "ENDORSED", "USED", "CANCELLED", "REPLACED", "FAILED"].map((s) => h("option", { value: s }, s)));
  const list = h("div", { id: "permit-list", "aria-live": "polite" });
  const detail = h("div", { id: "permit-detail" });
  replace(root,
    h("h1", {}, "Permits"),
    h("p", { class: "lead" }, `Permits issued by, exported from or imported into ${country(officer.country)}.`),
    h("form", { class: "card", role: "search", onsubmit: (e) => { e.preventDefault(); void load(); } },
      h("div", { class: "grid2" },
        h("div", {}, h("label", { for: "search" }, "Search"), q),
        h("div", {}, h("label", { for: "status-filter" }, "Status"), status)),
      h("p", {}, h("button", { type: "submit" }, "Search"))),
    list, detail,
  );

  /**
   * The permits shown so far, the query they answer (older pages use it, not what the form says
   * now) and where the next page starts (`null`: all shown). Only the latest load's answer counts.
   */
  let shown: PermitSummary[] = [];
  let shownQuery = new URLSearchParams();
  let nextCursor: string | null = null;
  let latest = 0;

  async function load(more = false): Promise<void> {
    const ticket = ++latest;
    const moreButton = list.querySelector<HTMLButtonElement>("#more-permits");
    if (more && moreButton) moreButton.disabled = true;
    if (!more) replace(list, h("p", { role: "status" }, "Loading…"));
    try {
      const params = new URLSearchParams(more ? shownQuery : { limit: "200" });
      if (!more) {
        if (q.value.trim()) params.set("q", q.value.trim());
        if (status.value) params.set("status", status.value);
      } else if (nextCursor) params.set("cursor", nextCursor);
      const page = await api<{ items: PermitSummary[]; nextCursor: string | null }>(`/permits?${params}`);
      if (ticket !== latest) return; // a newer search (or reload) has the list now
      if (!more) shownQuery = params;
      shown = more ? [...shown, ...page.items] : page.items;
      nextCursor = page.nextCursor;
      const items = shown;
      if (!items.length) return void replace(list, h("p", {}, "No permits match."));
      replace(list, h("div", { class: "table-wrap" }, h("table", {},
        h("caption", { class: "small" }, `${items.length} permit${items.length === 1 ? "" : "s"}${nextCursor ? ", newest first; more below" : ""}`),
        h("thead", {}, h("tr", {}, ["Number", "Type", "Route", "Valid until", "Status", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, items.map((p) => h("tr", { "data-permit": p.permitId },
          h("td", {}, p.permitNumber),
          h("td", {}, documentType(p.documentType)),
          h("td", {}, `${p.exportingCountry ?? "—"} → ${p.importingCountry ?? "—"}`),
          h("td", {}, p.validUntil ?? "—"),
          h("td", {}, statusBadge(p.status)),
          h("td", {}, h("button", { type: "button", class: "secondary", "aria-label": `Open permit ${p.permitNumber}`, onclick: () => void open(p.permitId) }, "Open")),
        ))),
      )),
      nextCursor && h("p", {}, h("button", { type: "button", id: "more-permits", class: "secondary", onclick: () => void load(true) }, "Show older permits")));
    } catch (err) {
      if (ticket !== latest) return;
      // The permits already shown stay; the button can try again.
      if (more && moreButton) {
        moreButton.disabled = false;
        list.querySelector(".notice")?.remove();
        moreButton.before(notice("error", messageOf(err)));
      } else replace(list, notice("error", messageOf(err)));
    }
  }

  async function open(permitId: string): Promise<void> {
    replace(detail, h("p", { role: "status" }, "Loading…"));
    let p: PermitView;
    try {
      p = await api<PermitView>(`/permits/${permitId}`);
    } catch (err) {
      return void replace(detail, notice("error", messageOf(err)));
    }
    const result = h("div", { "aria-live": "polite" });
    const act = async (button: HTMLButtonElement, path: string, body: unknown, done: string) => {
      if (!confirm(`${done}: are you sure? This is recorded on the registry.`)) return;
      button.disabled = true;
      try {
        await api<PermitView>(`/permits/${p.permitId}/${path}`, { body });
        await load();
        await open(p.permitId);
        replace(document.getElementById("action-result") ?? result, notice("success", `${done}: done.`));
      } catch (err) {
        button.disabled = false;
        replace(result, notice("error", messageOf(err)));
      }
    };
    const file = p.permitNumber.replace(/[^A-Za-z0-9._-]/g, "_");
    const isIssuerHere = officer.role === "ISSUER" && p.issuingCountry === officer.country;
    const canNonCompliance = officer.role !== "ADMIN" && p.importingCountry === officer.country;
    const open_ = ["ISSUED", "ENDORSED"].includes(p.status);
    const cancelReason = h("select", { id: "cancel-reason" }, CANCEL.map((r) => h("option", { value: r }, label(r))));
    const ncReason = h("select", { id: "nc-reason" }, NON_COMPLIANCE.map((r) => h("option", { value: r }, label(r))));
    const ncNote = h("input", { id: "nc-note", maxlength: "2000" });
    replace(detail, h("section", { class: "card", "aria-labelledby": "detail-h" },
      h("h2", { id: "detail-h", tabindex: "-1" }, `${p.permitNumber} `, statusBadge(p.status)),
      h("p", {}, `${documentType(p.documentType)} · ${country(p.exportingCountry)} → ${country(p.importingCountry)} · valid until ${p.validUntil ?? "—"}`),
      h("p", {}, "Exporter: ", h("strong", {}, p.document.exporter.name), " · Importer: ", h("strong", {}, p.document.importer.name)),
      h("ul", {}, p.lines.map((l) => h("li", {}, `Line ${l.line} `, h("i", {}, l.scientificName ?? ""), `: authorised ${quantity(l.authorised, l.unit)}, exported ${l.exported === null ? "—" : quantity(l.exported, l.unit)}`))),
      shipment(p.exportShipment) ? h("p", { class: "shipment" }, "Shipped under ", h("strong", {}, shipment(p.exportShipment))) : null,
      p.history.length ? h("ol", { class: "timeline" }, p.history.map((e) => h("li", { "data-event": e.event }, h("strong", {}, eventName(e.event)), h("span", { class: "when" }, dateTime(e.at)), signedBy(e), h("span", { class: "tx" }, "tx ", h("code", { title: e.txHash }, shortHex(e.txHash)))))) : null,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: async () => download(await apiBlob(`/permits/${p.permitId}/pdf`), `${file}.pdf`) }, "PDF"),
        h("button", { type: "button", class: "secondary", onclick: async () => download(await apiBlob(`/permits/${p.permitId}/qr.png`), `${file}-qr.png`) }, "QR code")),
      isIssuerHere && open_ ? h("div", { class: "actions" },
        h("label", { for: "cancel-reason" }, "Cancel, because"), cancelReason,
        h("button", { type: "button", class: "danger", id: "cancel-permit", onclick: (e) => void act(e.currentTarget as HTMLButtonElement, "cancel", { reason: cancelReason.value }, "Cancel the permit") }, "Cancel permit"),
        h("a", { class: "button secondary", href: `/issue?replace=${p.permitId}` }, "Replace…")) : null,
      canNonCompliance && p.status !== "PENDING" ? h("div", { class: "actions" },
        h("label", { for: "nc-reason" }, "Non-compliance"), ncReason,
        h("label", { for: "nc-note" }, "Note (optional)"), ncNote,
        h("button", { type: "button", class: "danger", id: "record-nc", onclick: (e) => void act(e.currentTarget as HTMLButtonElement, "non-compliance", { reason: ncReason.value, ...(ncNote.value.trim() ? { note: ncNote.value.trim() } : {}) }, "Record non-compliance") }, "Record non-compliance")) : null,
      h("div", { id: "action-result" }, result),
    ));
    (document.getElementById("detail-h") as HTMLElement).focus();
  }

  void load();
}
