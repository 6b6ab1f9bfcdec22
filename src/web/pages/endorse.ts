/**
 * Endorse an export (customs of the exporting country): find the permit, enter the quantities
 * that actually leave, the transport document and the port, review, confirm. The form is offered
 * only for a VALID code and an officer of the exporting country (lib/officerStep.ts). Its
 * quantities start empty: each line is typed, 0 for a line that did not leave, so a line the
 * officer overlooked is not endorsed in full.
 */
import { api, messageOf } from "../lib/api";
import { h, notice, replace } from "../lib/dom";
import { country, quantity } from "../lib/format";
import { permitLookup, statusBadge, type Found } from "../lib/lookup";
import { mountPage } from "../lib/shell";
import type { PermitView } from "../lib/types";

const page = mountPage("endorse", { roles: ["CUSTOMS"] });
if (page) {
  const step = h("div", { id: "endorse-step" });
  replace(page.main,
    h("h1", {}, "Endorse an export"),
    h("p", { class: "lead" }, `Customs of ${country(page.officer!.country)}: record what actually leaves the country.`),
    permitLookup({ step: "endorse", officer: page.officer!, onStart: () => replace(step), onFound: showForm }),
    step,
  );

  function showForm({ permit }: Found): void {
    if (permit.status !== "ISSUED") {
      return void replace(step, notice("warning", `Permit ${permit.permitNumber} is `, statusBadge(permit.status), "; only an issued permit that has not been endorsed can be endorsed."));
    }
    const inputs = permit.lines.map((l) =>
      h("input", { type: "number", id: `qty-${l.line}`, name: `qty-${l.line}`, min: "0", max: String(l.authorised), step: "0.001", inputmode: "decimal", required: true, "aria-describedby": `qty-${l.line}-hint` }),
    );
    const transport = h("input", { id: "transport-document", name: "transportDocument", maxlength: "200", autocomplete: "off" });
    const port = h("input", { id: "port", name: "port", maxlength: "200" });
    const review = h("div", { "aria-live": "polite" });
    const form = h("form", { class: "card", id: "endorse-form", onsubmit: (e) => { e.preventDefault(); showReview(); }, oninput: () => replace(review) },
      h("h2", {}, `2. Quantities leaving under ${permit.permitNumber}`),
      h("p", { class: "small" }, "Type the quantity that leaves on every line; 0 for a line that does not leave."),
      permit.lines.map((l, i) => h("div", { class: "qty-field" },
        h("label", { for: `qty-${l.line}` }, `Line ${l.line}: `, h("i", {}, l.scientificName ?? ""), " — quantity leaving"),
        h("div", { class: "qty-input" },
          inputs[i],
          h("span", { class: "hint", id: `qty-${l.line}-hint` }, `of ${quantity(l.authorised, l.unit)} authorised`)))),
      h("div", { class: "grid2" },
        h("div", {}, h("label", { for: "transport-document" }, "Transport document ", h("span", { class: "hint" }, "(air waybill, bill of lading)")), transport),
        h("div", {}, h("label", { for: "port" }, "Port of exit"), port)),
      h("p", {}, h("button", { type: "submit", id: "review-endorsement" }, "Review")),
      review,
    );
    replace(step, form);

    function showReview(): void {
      // An empty box is not 0: the browser's `required` says so first, this if it was bypassed.
      const blank = permit.lines.find((_, i) => inputs[i].value.trim() === "");
      if (blank) return void replace(review, notice("error", `Line ${blank.line}: enter the quantity that leaves (0 if none).`));
      const items = permit.lines.map((l, i) => ({ line: l.line, quantity: Number(inputs[i].value) }));
      const bad = items.find((it, i) => !Number.isFinite(it.quantity) || it.quantity < 0 || it.quantity > permit.lines[i].authorised);
      if (bad) return void replace(review, notice("error", `Line ${bad.line}: enter a quantity from 0 to the authorised quantity.`));
      if (items.every((it) => it.quantity === 0)) return void replace(review, notice("error", "Nothing leaves: at least one line needs a quantity above 0."));
      replace(review, h("div", { class: "notice notice-info" },
        h("h3", {}, "3. Confirm"),
        h("ul", {}, items.map((it, i) => h("li", {}, `Line ${it.line}: ${quantity(it.quantity, permit.lines[i].unit)} of ${quantity(permit.lines[i].authorised, permit.lines[i].unit)}`))),
        h("p", {}, `Transport document: ${transport.value || "—"} · Port: ${port.value || "—"}`),
        h("p", {}, "The endorsement is recorded on the registry and cannot be undone."),
        h("button", { type: "button", id: "confirm-endorsement", onclick: (e) => void confirm(e.currentTarget as HTMLButtonElement, items) }, "Confirm endorsement"),
      ));
    }

    async function confirm(button: HTMLButtonElement, items: { line: number; quantity: number }[]): Promise<void> {
      button.disabled = true;
      try {
        const body = { items, ...(transport.value.trim() ? { transportDocument: transport.value.trim() } : {}), ...(port.value.trim() ? { port: port.value.trim() } : {}) };
        const updated = await api<PermitView>(`/permits/${permit.permitId}/endorsements`, { body });
        replace(step, notice("success", h("strong", { id: "endorse-done" }, "Export endorsed. "), `Permit ${updated.permitNumber} is now `, statusBadge(updated.status), "."));
      } catch (err) {
        button.disabled = false;
        replace(review, notice("error", `Not endorsed: ${messageOf(err)}`));
      }
    }
  }
}
