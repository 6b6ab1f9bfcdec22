/**
 * The permit form: every box of the document, code lists as pickers (from the SDK's code lists),
 * line items added and removed, and the shared schema's validation messages shown next to the
 * fields they concern. Reads back to a plain document object (empty optional fields left out).
 */
import { APPENDICES, COUNTRIES, DOCUMENT_TYPES, PURPOSES, SOURCES, TERMS, UNITS, validatePermitDocument, type PermitDocument } from "../../sdk/document";
import type { ValidationIssue } from "../../sdk/document";
import { h, replace, type Child } from "./dom";

type Options = Record<string, string>;
type Kind = { type: "text" | "date" | "number" | "textarea" } | { type: "select"; options: Options; empty?: string };
type Spec = { path: string; label: string; kind: Kind; required?: boolean; hint?: string; cites?: boolean; ephyto?: boolean };

const countryOptions: Options = Object.fromEntries(Object.entries(COUNTRIES).map(([code, name]) => [code, `${name} (${code})`]));
const coded = (list: Options): Options => Object.fromEntries(Object.entries(list).map(([code, label]) => [code, code ? `${code} — ${label}` : label]));
const text = { type: "text" } as const;
const select = (options: Options, empty?: string): Kind => ({ type: "select", options, empty });

const DOCUMENT_SPECS: Spec[] = [
  { path: "documentType", label: "Document type", kind: select(DOCUMENT_TYPES), required: true },
  { path: "permitNumber", label: "Permit number (box 1)", kind: text, required: true, hint: "at most 32 bytes" },
  { path: "issuingCountry", label: "Issuing country", kind: select(countryOptions), required: true },
  { path: "issuedOn", label: "Issued on", kind: { type: "date" }, required: true },
  { path: "validUntil", label: "Valid until (box 2)", kind: { type: "date" }, required: true },
  { path: "purpose", label: "Purpose of the transaction (box 5a)", kind: select(coded(PURPOSES), "— choose —"), required: true, cites: true },
];
const AUTHORITY_SPECS: Spec[] = [
  { path: "issuingAuthority.name", label: "Management authority", kind: text },
  { path: "issuingAuthority.address", label: "Authority address", kind: text },
];
const partySpecs = (who: "exporter" | "importer", box: string): Spec[] => [
  { path: `${who}.name`, label: `Name (box ${box})`, kind: text, required: true },
  { path: `${who}.address`, label: "Address", kind: { type: "textarea" }, required: true },
  { path: `${who}.country`, label: "Country", kind: select(countryOptions, "— choose —"), required: true },
];
const MORE_SPECS: Spec[] = [
  { path: "importPermit.country", label: "Import permit: country", kind: select(countryOptions, "— none —"), cites: true, hint: "required for Appendix-I exports" },
  { path: "importPermit.number", label: "Import permit: number", kind: text, cites: true },
  { path: "specialConditions", label: "Special conditions (box 5)", kind: { type: "textarea" } },
  { path: "additionalDeclaration", label: "Additional declaration", kind: { type: "textarea" }, ephyto: true },
  { path: "signedBy.name", label: "Signed by", kind: text },
  { path: "signedBy.role", label: "Signatory's role", kind: text },
];
const itemSpecs = (i: number, cites: boolean): Spec[] => [
  { path: `items[${i}].scientificName`, label: "Scientific name (box 7/8)", kind: text, required: true },
  { path: `items[${i}].commonName`, label: "Common name", kind: text },
  { path: `items[${i}].appendix`, label: "Appendix", kind: select(APPENDICES, "— choose —"), required: true, cites: true },
  { path: `items[${i}].source`, label: "Source", kind: select(coded(SOURCES), "— choose —"), required: true, cites: true },
  cites
    ? { path: `items[${i}].term`, label: "Description (term, box 9)", kind: select(coded(TERMS), "— choose —"), required: true }
    : { path: `items[${i}].term`, label: "Description of the consignment", kind: text, required: true },
  { path: `items[${i}].quantity`, label: "Quantity (box 11)", kind: { type: "number" }, required: true },
  cites
    ? { path: `items[${i}].unit`, label: "Unit", kind: select(coded(UNITS)), required: true }
    : { path: `items[${i}].unit`, label: "Unit", kind: text },
  { path: `items[${i}].countryOfOrigin`, label: "Country of origin", kind: select(countryOptions, "— not given —") },
  { path: `items[${i}].description`, label: "Further description", kind: text },
  { path: `items[${i}].originPermit.country`, label: "Origin permit (box 12): country", kind: select(countryOptions, "— none —"), cites: true },
  { path: `items[${i}].originPermit.number`, label: "Origin permit: number", kind: text, cites: true },
  { path: `items[${i}].originPermit.date`, label: "Origin permit: date", kind: { type: "date" }, cites: true },
];

const idOf = (path: string) => `f-${path.replace(/[^A-Za-z0-9]+/g, "-")}`;

function control(spec: Spec): HTMLElement {
  const common = { id: idOf(spec.path), name: spec.path, "data-path": spec.path, "aria-required": spec.required ? "true" : null };
  switch (spec.kind.type) {
    case "select":
      return h("select", common,
        spec.kind.empty !== undefined ? h("option", { value: "" }, spec.kind.empty) : null,
        Object.entries(spec.kind.options).map(([value, label]) => h("option", { value }, label)));
    case "textarea":
      return h("textarea", { ...common, rows: 2 });
    case "number":
      return h("input", { ...common, type: "number", step: "any", min: "0", inputmode: "decimal" });
    default:
      return h("input", { ...common, type: spec.kind.type });
  }
}

function fieldOf(spec: Spec): HTMLElement {
  return h("div", { class: "field", "data-field": spec.path, "data-cites": spec.cites ? "only" : null, "data-ephyto": spec.ephyto ? "only" : null },
    h("label", { for: idOf(spec.path) }, spec.label, spec.required ? null : h("span", { class: "hint" }, " (optional)"), spec.hint ? h("span", { class: "hint" }, ` — ${spec.hint}`) : null),
    control(spec),
  );
}

/** Reads and writes nested values by the validator's paths (`items[1].originPermit.date`). */
function segments(path: string): (string | number)[] {
  return path.split(/\.|\[|\]/).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
function getAt(obj: unknown, path: string): unknown {
  return segments(path).reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string | number, unknown>)[k] : undefined), obj);
}
function setAt(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = segments(path);
  let o: Record<string | number, unknown> = obj;
  keys.slice(0, -1).forEach((k, i) => {
    o[k] ??= typeof keys[i + 1] === "number" ? [] : {};
    o = o[k] as Record<string | number, unknown>;
  });
  o[keys.at(-1)!] = value;
}

export type DocumentForm = {
  element: HTMLElement;
  read(): Record<string, unknown>;
  fill(document: Partial<PermitDocument> & Record<string, unknown>): void;
  /** Validates with the shared schema and shows the messages; returns the document when valid. */
  validate(): PermitDocument | undefined;
  showIssues(issues: ValidationIssue[] | { path: string; message: string }[]): void;
};

export function documentForm(defaults: Record<string, unknown>): DocumentForm {
  const itemsBox = h("div", { id: "items" });
  const summary = h("div", { id: "form-errors", "aria-live": "assertive" });
  const element = h("div", {},
    summary,
    h("fieldset", {}, h("legend", {}, "Document"), h("div", { class: "grid2" }, DOCUMENT_SPECS.map(fieldOf))),
    h("fieldset", {}, h("legend", {}, "Issuing authority"), h("div", { class: "grid2" }, AUTHORITY_SPECS.map(fieldOf))),
    h("fieldset", {}, h("legend", {}, "Exporter (box 4)"), partySpecs("exporter", "4").map(fieldOf)),
    h("fieldset", {}, h("legend", {}, "Importer (box 3)"), partySpecs("importer", "3").map(fieldOf)),
    h("fieldset", {}, h("legend", {}, "Line items"), itemsBox,
      h("button", { type: "button", class: "secondary", id: "add-line", onclick: () => { const doc = read(); ((doc.items as unknown[]) ??= []).push({ unit: "" }); renderItems(doc); focusLast(); } }, "+ Add a line")),
    h("fieldset", {}, h("legend", {}, "Further boxes"), h("div", { class: "grid2" }, MORE_SPECS.map(fieldOf))),
  );
  const docType = element.querySelector<HTMLSelectElement>('[data-path="documentType"]')!;
  const isCites = () => docType.value !== "EPHYTO_CERTIFICATE";

  function focusLast(): void {
    const fields = itemsBox.querySelectorAll<HTMLElement>('[data-path$=".scientificName"]');
    fields[fields.length - 1]?.focus();
  }

  function renderItems(doc: Record<string, unknown>): void {
    const items = (doc.items as Record<string, unknown>[] | undefined) ?? [];
    replace(itemsBox, items.map((_, i) =>
      h("fieldset", { class: "item", "data-item": i },
        h("legend", {}, `Line ${i + 1}`),
        h("div", { class: "grid2" }, itemSpecs(i, isCites()).map(fieldOf)),
        items.length > 1 ? h("button", { type: "button", class: "secondary", "aria-label": `Remove line ${i + 1}`, onclick: () => { const d = read(); (d.items as unknown[]).splice(i, 1); renderItems(d); } }, "Remove line") : null,
      )));
    writeValues(doc, itemsBox);
    applyDocumentType();
  }

  function writeValues(doc: Record<string, unknown>, root: ParentNode): void {
    for (const el of Array.from(root.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("[data-path]"))) {
      const value = getAt(doc, el.dataset.path!);
      el.value = value === undefined || value === null ? (el instanceof HTMLSelectElement && el.options[0] ? el.options[0].value : "") : String(value);
    }
  }

  function applyDocumentType(): void {
    const cites = isCites();
    for (const el of Array.from(element.querySelectorAll<HTMLElement>("[data-cites]"))) el.hidden = !cites;
    for (const el of Array.from(element.querySelectorAll<HTMLElement>("[data-ephyto]"))) el.hidden = cites;
  }

  docType.addEventListener("change", () => renderItems(read()));

  function read(): Record<string, unknown> {
    const doc: Record<string, unknown> = {};
    for (const el of Array.from(element.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("[data-path]"))) {
      if (el.closest("[hidden]")) continue;
      const path = el.dataset.path!;
      const raw = el.value;
      const isUnit = path.endsWith(".unit");
      if (raw.trim() === "" && !isUnit) continue;
      setAt(doc, path, el instanceof HTMLInputElement && el.type === "number" ? Number(raw) : isUnit ? raw.trim() : raw.trim());
    }
    const items = (doc.items as Record<string, unknown>[] | undefined) ?? [];
    // Lines the officer left blank still count, so "is required" shows next to their fields.
    const count = itemsBox.querySelectorAll("fieldset.item").length;
    doc.items = Array.from({ length: count }, (_, i) => ({ ...(items[i] ?? {}), line: i + 1 }));
    return doc;
  }

  function clearIssues(): void {
    for (const el of Array.from(element.querySelectorAll(".field-error"))) el.remove();
    for (const el of Array.from(element.querySelectorAll("[aria-invalid]"))) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    }
    replace(summary);
  }

  function showIssues(issues: { path: string; message: string }[]): void {
    clearIssues();
    const unplaced: Child[] = [];
    issues.forEach((issue, n) => {
      const target =
        element.querySelector<HTMLElement>(`[data-path="${CSS.escape(issue.path)}"]`) ??
        (issue.path ? element.querySelector<HTMLElement>(`[data-path^="${CSS.escape(issue.path)}."], [data-path^="${CSS.escape(issue.path)}["]`) : null);
      if (target && !target.closest("[hidden]")) {
        const id = `err-${n}`;
        target.setAttribute("aria-invalid", "true");
        target.setAttribute("aria-describedby", [target.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
        target.closest(".field")!.append(h("p", { class: "field-error", id }, issue.message));
      } else {
        unplaced.push(h("li", {}, `${issue.path || "document"}: ${issue.message}`));
      }
    });
    replace(summary, issues.length
      ? h("div", { class: "notice notice-error", role: "alert" },
          h("strong", {}, `${issues.length} ${issues.length === 1 ? "field needs" : "fields need"} attention.`),
          unplaced.length ? h("ul", {}, unplaced) : " See the messages next to the fields.")
      : null);
    element.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  function fill(doc: Record<string, unknown>): void {
    writeValues(doc, element);
    renderItems(doc);
  }

  fill({ items: [{ unit: "" }], ...defaults });
  return {
    element,
    read,
    fill,
    showIssues,
    validate() {
      const result = validatePermitDocument(read());
      if (result.ok) {
        clearIssues();
        return result.document;
      }
      showIssues(result.issues);
      return undefined;
    },
  };
}
