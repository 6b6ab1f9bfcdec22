/**
 * Issue a permit (issuer): the form, a preview of exactly what will be signed, issue; then the
 * permit is anchored in the next batch and its PDF and QR code can be downloaded.
 * With ?replace=<permit id> the same form issues a replacement of that permit.
 */
import { api, apiBlob, ApiError, messageOf } from "../lib/api";
import { download, h, notice, replace } from "../lib/dom";
import { documentForm } from "../lib/documentForm";
import { country, documentType, quantity } from "../lib/format";
import { statusBadge } from "../lib/lookup";
import { mountPage } from "../lib/shell";
import type { PermitView } from "../lib/types";
import type { PermitDocument } from "../../sdk/document";

const page = mountPage("issue", { roles: ["ISSUER"] });
if (page) void main(page.main, page.officer!.country);

function isoDay(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

async function main(root: HTMLElement, ownCountry: string): Promise<void> {
  const replacing = new URLSearchParams(location.search).get("replace");
  const form = documentForm({
    documentType: "CITES_EXPORT_PERMIT",
    issuingCountry: ownCountry,
    issuedOn: isoDay(),
    validUntil: isoDay(90),
    exporter: { country: ownCountry },
  });
  const preview = h("div", { id: "preview", "aria-live": "polite" });
  const outcome = h("div", { id: "outcome", "aria-live": "polite" });
  const formEl = h("form", { id: "issue-form", novalidate: true, onsubmit: (e) => { e.preventDefault(); showPreview(); } },
    form.element,
    h("p", {}, h("button", { type: "submit", id: "preview-button" }, "Check and preview")),
  );
  replace(root,
    h("h1", {}, replacing ? "Replace a permit" : "Issue a permit"),
    replacing ? h("p", { class: "notice notice-info" }, "The new permit replaces permit ", h("code", {}, replacing), " (the old one is marked replaced on the registry). Give it a new number.") : null,
    formEl, preview, outcome,
  );

  if (replacing) {
    try {
      const old = await api<PermitView>(`/permits/${replacing}`);
      form.fill({ ...(old.document as unknown as Record<string, unknown>), permitNumber: "", issuedOn: isoDay() });
    } catch (err) {
      replace(preview, notice("error", `Could not load the permit to replace: ${messageOf(err)}`));
    }
  }

  function showPreview(): void {
    replace(outcome);
    const doc = form.validate();
    if (!doc) return void replace(preview);
    replace(preview, h("section", { class: "card preview", "aria-labelledby": "preview-h" },
      h("h2", { id: "preview-h", tabindex: "-1" }, "Preview"),
      h("p", {}, `${documentType(doc.documentType)} ${doc.permitNumber}, issued by ${country(doc.issuingCountry)} on ${doc.issuedOn}, valid until ${doc.validUntil}.`),
      h("p", {}, "Exporter: ", h("strong", {}, doc.exporter.name), `, ${doc.exporter.address}, ${country(doc.exporter.country)}`),
      h("p", {}, "Importer: ", h("strong", {}, doc.importer.name), `, ${doc.importer.address}, ${country(doc.importer.country)}`),
      h("ol", {}, doc.items.map((i) => h("li", {}, h("i", {}, i.scientificName), ` — ${i.term}, ${quantity(i.quantity, i.unit)}${i.appendix ? `, Appendix ${i.appendix}` : ""}${i.source ? `, source ${i.source}` : ""}`))),
      h("p", { class: "small" }, "This is what will be signed with your key and anchored on the registry. It cannot be changed afterwards, only cancelled or replaced."),
      h("div", { class: "row" },
        h("button", { type: "button", id: "issue-button", onclick: (e) => void issue(e.currentTarget as HTMLButtonElement, doc) }, replacing ? "Issue replacement" : "Issue permit"),
        h("button", { type: "button", class: "secondary", onclick: () => { replace(preview); formEl.querySelector("select, input")?.scrollIntoView(); } }, "Edit")),
    ));
    (document.getElementById("preview-h") as HTMLElement).focus();
  }

  async function issue(button: HTMLButtonElement, doc: PermitDocument): Promise<void> {
    button.disabled = true;
    try {
      const view = await api<PermitView>(replacing ? `/permits/${replacing}/replace` : "/permits", { body: doc });
      replace(preview);
      showIssued(view);
    } catch (err) {
      button.disabled = false;
      if (err instanceof ApiError && err.errors.length) {
        replace(preview);
        form.showIssues(err.errors);
      }
      replace(outcome, notice("error", `Not issued: ${messageOf(err)}`));
    }
  }

  function showIssued(first: PermitView): void {
    const status = h("span", { id: "issued-status" }, statusBadge(first.status));
    const wait = h("p", { class: "small", role: "status" }, first.status === "PENDING" ? "Anchoring on the registry (next batch, a few seconds)…" : "");
    const file = first.permitNumber.replace(/[^A-Za-z0-9._-]/g, "_");
    const get = async (button: HTMLButtonElement, path: string, name: string) => {
      button.disabled = true;
      try {
        download(await apiBlob(path), name);
      } catch (err) {
        replace(wait, notice("error", messageOf(err)));
      } finally {
        button.disabled = false;
      }
    };
    replace(outcome, h("section", { class: "notice notice-success", "aria-labelledby": "issued-h" },
      h("h2", { id: "issued-h", tabindex: "-1" }, `Permit ${first.permitNumber} issued `, status),
      wait,
      h("p", { class: "small" }, "Permit id: ", h("code", {}, first.permitId)),
      h("div", { class: "row" },
        h("button", { type: "button", id: "download-pdf", onclick: (e) => void get(e.currentTarget as HTMLButtonElement, `/permits/${first.permitId}/pdf`, `${file}.pdf`) }, "Download PDF"),
        h("button", { type: "button", id: "download-qr", class: "secondary", onclick: (e) => void get(e.currentTarget as HTMLButtonElement, `/permits/${first.permitId}/qr.png`, `${file}-qr.png`) }, "Download QR code"),
        h("a", { class: "button secondary", href: "/issue" }, "Issue another")),
    ));
    (document.getElementById("issued-h") as HTMLElement).focus();
    formEl.hidden = true;
    const poll = async (tries: number) => {
      if (tries <= 0) return;
      try {
        const view = await api<PermitView>(`/permits/${first.permitId}`);
        replace(status, statusBadge(view.status));
        if (view.status === "PENDING") return void setTimeout(() => void poll(tries - 1), 1000);
        replace(wait, view.status === "FAILED" ? notice("error", `Anchoring failed: ${view.failureReason ?? "unknown reason"}`) : `Anchored in block ${view.blockNumber ?? "—"}.`);
      } catch {
        setTimeout(() => void poll(tries - 1), 2000);
      }
    };
    if (first.status === "PENDING") void poll(120);
  }
}
