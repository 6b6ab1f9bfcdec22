/**
 * Accept an import (officers of the importing country): find the permit, check it, confirm; the
 * permit is then used. The accept button is offered only for a VALID code and an officer of the
 * importing country (lib/officerStep.ts); whether an export permit was endorsed first is the
 * service's rule, and its refusal is shown.
 */
import { api, messageOf } from "../lib/api";
import { h, notice, replace } from "../lib/dom";
import { country, quantity, shipment } from "../lib/format";
import { permitLookup, statusBadge, type Found } from "../lib/lookup";
import { mountPage } from "../lib/shell";
import type { PermitView } from "../lib/types";

const page = mountPage("accept", { roles: ["ISSUER", "CUSTOMS"] });
if (page) {
  const step = h("div", { id: "accept-step" });
  replace(page.main,
    h("h1", {}, "Accept an import"),
    h("p", { class: "lead" }, `Officers of ${country(page.officer!.country)}: accept a shipment arriving under a permit. The permit is then used and cannot be presented again.`),
    permitLookup({ step: "accept", officer: page.officer!, onStart: () => replace(step), onFound: show }),
    step,
  );

  function show({ permit }: Found): void {
    if (permit.status !== "ISSUED" && permit.status !== "ENDORSED") {
      return void replace(step, notice("warning", `Permit ${permit.permitNumber} is `, statusBadge(permit.status), "; only an issued or endorsed permit that has not been used can be accepted."));
    }
    const result = h("div", { "aria-live": "polite" });
    replace(step, h("section", { class: "card" },
      h("h2", {}, `2. Permit ${permit.permitNumber} `, statusBadge(permit.status)),
      h("p", {}, `From ${country(permit.exportingCountry)} to ${country(permit.importingCountry)}.`),
      h("ul", {}, permit.lines.map((l) => h("li", {}, `Line ${l.line} `, h("i", {}, l.scientificName ?? ""), `: authorised ${quantity(l.authorised, l.unit)}, exported ${l.exported === null ? "not endorsed" : quantity(l.exported, l.unit)}`))),
      shipment(permit.exportShipment) ? h("p", { class: "shipment" }, "Shipped under ", h("strong", {}, shipment(permit.exportShipment))) : null,
      h("label", { class: "row" }, h("input", { type: "checkbox", id: "accept-check" }), " I checked the shipment against this permit."),
      h("button", { type: "button", id: "confirm-accept", onclick: (e) => void accept(e.currentTarget as HTMLButtonElement) }, "Accept import"),
      result,
    ));

    async function accept(button: HTMLButtonElement): Promise<void> {
      if (!(document.getElementById("accept-check") as HTMLInputElement).checked) {
        return void replace(result, notice("error", "Tick the box once you have checked the shipment."));
      }
      button.disabled = true;
      try {
        const updated = await api<PermitView>(`/permits/${permit.permitId}/use`, { method: "POST" });
        replace(step, notice("success", h("strong", { id: "accept-done" }, "Import accepted. "), `Permit ${updated.permitNumber} is now `, statusBadge(updated.status), "."));
      } catch (err) {
        button.disabled = false;
        replace(result, notice("error", `Not accepted: ${messageOf(err)}`));
      }
    }
  }
}
