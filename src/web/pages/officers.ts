/** Officers (authority admin): list, add (the new officer's token is shown once), remove; export the audit log. */
import { api, apiBlob, messageOf } from "../lib/api";
import { download, h, notice, replace } from "../lib/dom";
import { country, dateTime, shortHex } from "../lib/format";
import { mountPage } from "../lib/shell";
import type { Officer } from "../lib/types";

const page = mountPage("officers", { roles: ["ADMIN"] });
if (page) main(page.main, page.officer!);

function main(root: HTMLElement, admin: Officer): void {
  const list = h("div", { id: "officer-list", "aria-live": "polite" });
  const added = h("div", { id: "officer-added", "aria-live": "polite" });
  const name = h("input", { id: "officer-name", name: "name", required: true, maxlength: "200", autocomplete: "off" });
  const role = h("select", { id: "officer-role", name: "role" }, h("option", { value: "ISSUER" }, "Issuer (issues, cancels, replaces permits)"), h("option", { value: "CUSTOMS" }, "Customs (endorses exports, accepts imports)"));
  const auditStatus = h("div", { "aria-live": "polite" });
  replace(root,
    h("h1", {}, "Officers"),
    h("p", { class: "lead" }, `Officers of ${country(admin.country)}. Adding or removing one changes their rights on the registry at once.`),
    h("form", { class: "card", id: "add-officer", onsubmit: (e) => { e.preventDefault(); void add((e as SubmitEvent).submitter as HTMLButtonElement | null); } },
      h("h2", {}, "Add an officer"),
      h("div", { class: "grid2" },
        h("div", {}, h("label", { for: "officer-name" }, "Name"), name),
        h("div", {}, h("label", { for: "officer-role" }, "Role"), role)),
      h("p", {}, h("button", { type: "submit", id: "add-officer-button" }, "Add officer")),
      added),
    h("section", { "aria-labelledby": "list-h" }, h("h2", { id: "list-h" }, "Officers"), list),
    h("section", { class: "card", "aria-labelledby": "audit-h" },
      h("h2", { id: "audit-h" }, "Audit log"),
      h("p", {}, "Every state-changing request of your country's officers: who, what, when, result, transaction."),
      h("button", { type: "button", id: "export-audit", onclick: async () => {
        try {
          download(await apiBlob("/audit?format=csv"), `audit-${admin.country}.csv`);
        } catch (err) {
          replace(auditStatus, notice("error", messageOf(err)));
        }
      } }, "Export audit log (CSV)"),
      auditStatus),
  );

  async function load(): Promise<void> {
    try {
      const { items } = await api<{ items: Officer[] }>("/officers");
      replace(list, h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ["Name", "Role", "Address", "Since", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, items.map((o) => h("tr", { "data-officer": o.id },
          h("td", {}, o.name), h("td", {}, o.role.toLowerCase()),
          h("td", {}, h("code", { title: o.address }, shortHex(o.address))),
          h("td", {}, dateTime(o.createdAt)),
          h("td", {}, o.id === admin.id ? h("span", { class: "small" }, "you") : h("button", { type: "button", class: "danger", "aria-label": `Remove ${o.name}`, onclick: (e) => void remove(e.currentTarget as HTMLButtonElement, o) }, "Remove")),
        ))))));
    } catch (err) {
      replace(list, notice("error", messageOf(err)));
    }
  }

  async function add(button: HTMLButtonElement | null): Promise<void> {
    if (!name.value.trim()) return void replace(added, notice("error", "Enter the officer's name."));
    if (button) button.disabled = true;
    try {
      const r = await api<{ officer: Officer; token: string }>("/officers", { body: { name: name.value.trim(), role: role.value } });
      replace(added, notice("success",
        h("p", {}, h("strong", {}, `${r.officer.name} added as ${r.officer.role.toLowerCase()}.`), " Give them this token now; it is not shown again:"),
        h("p", { class: "token-box", id: "new-token" }, r.token)));
      name.value = "";
      await load();
    } catch (err) {
      replace(added, notice("error", `Not added: ${messageOf(err)}`));
    } finally {
      if (button) button.disabled = false;
    }
  }

  async function remove(button: HTMLButtonElement, o: Officer): Promise<void> {
    if (!confirm(`Remove ${o.name}? Their token stops working and their role on the registry is revoked.`)) return;
    button.disabled = true;
    try {
      await api(`/officers/${o.id}`, { method: "DELETE" });
      await load();
    } catch (err) {
      button.disabled = false;
      replace(added, notice("error", `Not removed: ${messageOf(err)}`));
    }
  }

  void load();
}
