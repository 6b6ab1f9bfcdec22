/**
 * Renders a verification: one big verdict (word, icon and colour — never colour alone), the three
 * checks, "as of block N" or the offline notice, the permit's content, authorised vs exported per
 * line, non-compliance and the lifecycle timeline. Every value is inserted as text.
 *
 * The words are for anyone holding a phone: what to do, in plain language. The service's technical
 * reason (a MALFORMED code's decoding error, why the chain was unreachable) stays one click away, in
 * a details element, for support.
 */
import { APPENDICES, PURPOSES, SOURCES, TERMS, type PermitDocument } from "../../sdk/document";
import type { Verdict } from "../../sdk/verify";
import { h, type Child } from "./dom";
import { ageOf, country, dateTime, documentType, eventName, quantity, shortHex } from "./format";
import type { Check, Verification } from "./types";

type Tone = "ok" | "bad" | "warn" | "unknown";
const VERDICTS: Record<Verdict, { tone: Tone; icon: string; say: string }> = {
  VALID: { tone: "ok", icon: "✓", say: "Genuine: signed by an authorised issuer, anchored unchanged, and usable." },
  TAMPERED: { tone: "bad", icon: "✗", say: "Do not accept: the content differs from what the issuing authority signed and anchored." },
  UNTRUSTED_SIGNER: { tone: "bad", icon: "✗", say: "Do not accept: not signed by an officer authorised to issue permits for this country." },
  NOT_ANCHORED: { tone: "bad", icon: "✗", say: "Do not accept: no such permit is recorded on the registry." },
  CANCELLED: { tone: "bad", icon: "✗", say: "Do not accept: the issuing authority cancelled this permit." },
  REPLACED: { tone: "warn", icon: "⟲", say: "Not valid any more: replaced by a newer permit. Ask for the replacement." },
  EXPIRED: { tone: "bad", icon: "⌛", say: "Not valid: past its last day of validity." },
  ALREADY_USED: { tone: "warn", icon: "⊘", say: "Already used: the import was accepted; this permit cannot be used again." },
  MALFORMED: { tone: "unknown", icon: "?", say: "This QR code is damaged or is not a permit code of this registry. Scan it again." },
  CHAIN_UNREACHABLE: { tone: "unknown", icon: "!", say: "The registry could not reach its ledger just now, so whether the permit is still usable is not known; retry shortly." },
};

/** Offline only the signature and the dates are checked: where a verdict says less than online. */
const OFFLINE_SAY: Partial<Record<Verdict, string>> = {
  VALID: "Signed by an authorised issuer (per the saved trust list) and within its validity dates. Whether it is anchored, used, cancelled or replaced is not known offline: verify online before accepting a shipment.",
};

/** The plain sentence under the verdict word. */
function sayOf(v: Verification): string {
  const offlineSay = v.mode === "offline" ? OFFLINE_SAY[v.verdict] : undefined;
  if (offlineSay) return offlineSay;
  const say = (VERDICTS[v.verdict] ?? VERDICTS.MALFORMED).say;
  // Without the ledger the service still checks the signature against its trust list.
  return v.verdict === "CHAIN_UNREACHABLE" && v.checks.signature.result !== "skipped" ? `${say} The offline checks below still ran.` : say;
}

/** A notice of non-compliance, as the headline says it: "quantity mismatch". */
const reasonText = (reason: string) => reason.replace(/_/g, " ").toLowerCase();

export const verdictWord = (verdict: Verdict) => verdict.replace(/_/g, " ");

export function renderVerdict(v: Verification): HTMLElement {
  const known = VERDICTS[v.verdict] ?? VERDICTS.MALFORMED;
  // Offline, VALID vouches for the signature and the dates only (it may be cancelled or used): amber, not green.
  const offlineValid = v.mode === "offline" && v.verdict === "VALID";
  const meta = offlineValid ? { ...known, tone: "warn" as const } : known;
  const notices = v.nonCompliance ?? [];
  const technical = (v.verdict === "MALFORMED" || v.verdict === "CHAIN_UNREACHABLE") && v.error ? v.error : undefined;
  return h("section", { class: `verdict verdict-${meta.tone}`, "data-verdict": v.verdict, "aria-labelledby": "verdict-word" },
    h("div", { class: "verdict-icon", "aria-hidden": "true" }, meta.icon),
    h("div", { class: "verdict-text" },
      h("h2", { id: "verdict-word", class: "verdict-word", tabindex: "-1" }, offlineValid ? "VALID OFFLINE: STATUS NOT KNOWN" : verdictWord(v.verdict)),
      h("p", { class: "verdict-say" }, sayOf(v)),
      v.mode === "offline" ? h("p", { class: "verdict-mode" }, "Offline check — see below") : null,
    ),
    // The verdict stays the API's; a recorded notice is said here, not only far below the fold.
    notices.length
      ? h("p", { class: "verdict-nc", id: "verdict-nc" },
          h("span", { "aria-hidden": "true" }, "⚠ "),
          h("strong", {}, notices.length === 1 ? "A notice of non-compliance is recorded" : `${notices.length} notices of non-compliance are recorded`),
          ` for this permit (${[...new Set(notices.map((n) => reasonText(n.reason)))].join(", ")}). Check the shipment with care.`)
      : null,
    technical
      ? h("details", { class: "verdict-technical" },
          h("summary", {}, "Technical details (for support)"),
          h("pre", { class: "verdict-error" }, technical))
      : null,
  );
}

/** A quantity in its unit; a line without a unit (the chain records none) as the bare number. */
const amount = (value: number, unit: string | undefined) => (unit === undefined ? value.toLocaleString("en") : quantity(value, unit));

/** A line's exported quantity: the chain's (null: not endorsed), or not known without the chain. */
function exportedText(l: NonNullable<Verification["lines"]>[number], v: Verification): string {
  if (typeof l.exported === "number") return amount(l.exported, l.unit);
  if (l.exported === null) return "not yet endorsed";
  return v.mode === "offline" ? "unknown offline" : "not known just now: the registry could not reach its ledger";
}

function checkRow(name: string, check: Check): HTMLElement {
  const icon = check.result === "passed" ? "✓" : check.result === "failed" ? "✗" : "–";
  return h("li", { class: `check check-${check.result}` },
    h("span", { class: "check-icon", "aria-hidden": "true" }, icon),
    h("span", { class: "check-name" }, name),
    h("span", { class: "check-result" }, check.result),
    h("span", { class: "check-reason" }, check.reason),
  );
}

function field(label: string, ...value: Child[]): Child[] {
  return [h("dt", {}, label), h("dd", {}, ...value)];
}

function party(p: { name: string; address: string; country: string }): Child[] {
  return [h("span", { class: "party-name" }, p.name), h("br"), p.address, h("br"), country(p.country)];
}

function permitFields(doc: PermitDocument): HTMLElement {
  return h("dl", { class: "fields" },
    field("Document", documentType(doc.documentType)),
    field("Number", h("span", { id: "permit-number" }, doc.permitNumber)),
    field("Issued by", country(doc.issuingCountry), doc.issuingAuthority ? [h("br"), doc.issuingAuthority.name] : null),
    field("Valid", `${doc.issuedOn} to ${doc.validUntil}`),
    field("Exporter", h("span", { id: "exporter" }, ...party(doc.exporter))),
    field("Importer", h("span", { id: "importer" }, ...party(doc.importer))),
    doc.purpose ? field("Purpose", `${doc.purpose} — ${(PURPOSES as Record<string, string>)[doc.purpose] ?? ""}`) : [],
    doc.importPermit ? field("Import permit", `${doc.importPermit.country} ${doc.importPermit.number}`) : [],
    doc.specialConditions ? field("Special conditions", doc.specialConditions) : [],
    doc.additionalDeclaration ? field("Additional declaration", doc.additionalDeclaration) : [],
    doc.signedBy ? field("Signed by", doc.signedBy.name, doc.signedBy.role ? ` (${doc.signedBy.role})` : "") : [],
  );
}

type Item = PermitDocument["items"][number];

function itemHead(label: string, item: Item | undefined): Child[] {
  return [
    h("div", { class: "line-head" },
      h("span", { class: "line-no" }, label),
      item ? h("i", { class: "species" }, item.scientificName) : null,
      item?.commonName ? h("span", {}, ` (${item.commonName})`) : null),
    item ? h("div", { class: "line-codes" },
      [item.term && `${item.term}${(TERMS as Record<string, string>)[item.term] ? ` — ${(TERMS as Record<string, string>)[item.term]}` : ""}`,
       item.appendix && (APPENDICES as Record<string, string>)[item.appendix],
       item.source && `source ${item.source} — ${(SOURCES as Record<string, string>)[item.source] ?? ""}`,
       item.countryOfOrigin && `origin ${country(item.countryOfOrigin)}`].filter(Boolean).join(" · ")) : null,
  ];
}

type Line = NonNullable<Verification["lines"]>[number];

function exportBar(l: Line): HTMLElement | null {
  if (typeof l.exported !== "number") return null;
  const share = l.authorised > 0 ? Math.min(1, l.exported / l.authorised) : 0;
  return h("div", { class: "bar", role: "img", "aria-label": `${Math.round(share * 100)} % of the authorised quantity exported` }, h("span", { style: `width:${(share * 100).toFixed(1)}%` }));
}

function linesSection(lines: Line[], doc: PermitDocument | undefined, v: Verification): HTMLElement {
  const items = new Map((doc?.items ?? []).map((i) => [i.line, i]));
  return h("section", { "aria-labelledby": "lines-h" },
    h("h3", { id: "lines-h" }, "Specimens: authorised and exported"),
    h("ul", { class: "lines" }, lines.map((l) =>
      h("li", { class: "line", "data-line": l.line },
        itemHead(`Line ${l.line}`, items.get(l.line)),
        h("dl", { class: "qty" },
          h("dt", {}, "Authorised"), h("dd", { class: "authorised" }, amount(l.authorised, l.unit)),
          h("dt", {}, "Exported"), h("dd", { class: "exported" }, exportedText(l, v)),
        ),
        exportBar(l),
      ))),
  );
}

/** TAMPERED: the quantities the issuing authority anchored, beside what the altered code claims. */
function anchoredSection(lines: Line[], doc: PermitDocument | undefined, v: Verification): HTMLElement {
  const claims = new Map((doc?.items ?? []).map((i) => [i.line, i]));
  return h("section", { "aria-labelledby": "lines-h", id: "anchored" },
    h("h3", { id: "lines-h" }, "What was issued: the quantities anchored on the registry"),
    h("p", { class: "small" }, "These are the real quantities per line. The registry records no units or species: read them against the paper."),
    h("ul", { class: "lines" }, lines.map((l) => {
      const claim = claims.get(l.line);
      const differs = claim !== undefined && claim.quantity !== l.authorised;
      return h("li", { class: "line", "data-line": l.line },
        h("div", { class: "line-head" }, h("span", { class: "line-no" }, `Line ${l.line}`)),
        h("dl", { class: "qty" },
          h("dt", {}, "Issued"), h("dd", { class: "authorised" }, amount(l.authorised, l.unit)),
          h("dt", {}, "Exported"), h("dd", { class: "exported" }, exportedText(l, v)),
          doc ? [h("dt", {}, "Code claims"), h("dd", { class: `claimed-qty${differs ? " differs" : ""}` },
            claim ? quantity(claim.quantity, claim.unit) : "no such line",
            differs ? h("span", { class: "differs-mark" }, " ✗ differs") : null)] : null,
        ),
        exportBar(l),
      );
    })),
    doc ? doc.items.filter((i) => !lines.some((l) => l.line === i.line)).map((i) =>
      h("p", { class: "claimed-extra" }, `Line ${i.line} (${quantity(i.quantity, i.unit)}) is in the code but was not issued.`)) : null,
  );
}

/** TAMPERED: the code's document, said to be the altered code's claim and not the permit. */
function claimedSection(doc: PermitDocument, anchoredShown: boolean): HTMLElement {
  return h("section", { class: "claimed", id: "claimed", "aria-labelledby": "content-h" },
    h("h3", { id: "content-h" }, "What the altered code claims — not what was issued"),
    h("p", { class: "claimed-warning" },
      h("strong", {}, "Not the issued permit. "),
      "The issuing authority neither signed nor anchored this content: names, species and quantities may have been changed. Do not rely on any of it.",
      anchoredShown ? " The quantities actually issued are above." : ""),
    permitFields(doc),
    h("h4", {}, "Lines the code claims"),
    h("ul", { class: "lines" }, doc.items.map((item) =>
      h("li", { class: "line", "data-claimed-line": item.line },
        itemHead(`Line ${item.line}`, item),
        h("dl", { class: "qty" }, h("dt", {}, "Claims"), h("dd", {}, quantity(item.quantity, item.unit)))))),
  );
}

/** Everything under the verdict. */
export function renderVerificationDetails(v: Verification): HTMLElement[] {
  const out: HTMLElement[] = [];
  out.push(h("section", { "aria-labelledby": "checks-h" },
    h("h3", { id: "checks-h" }, "Checks"),
    h("ul", { class: "checks" },
      checkRow("Signature", v.checks.signature),
      checkRow("Anchored hash", v.checks.hash),
      checkRow("Status", v.checks.status),
    ),
  ));

  if (v.mode === "offline") {
    out.push(h("div", { class: "notice notice-warning", role: "status", id: "offline-notice" },
      h("strong", {}, "Offline check. "),
      v.trustList
        ? `The signature was checked against the trust list saved on this device (block ${v.trustList.blockNumber}, ${dateTime(v.trustList.blockTime)}, ${ageOf(v.trustList.ageSeconds)} old). `
        : "No trust list is saved on this device, so the signer could not be checked. ",
      "Whether the permit was cancelled, replaced, endorsed or already used could not be checked: verify online before accepting a shipment.",
    ));
  } else if (v.asOf) {
    out.push(h("p", { class: "as-of", id: "as-of" }, `As of block ${v.asOf.blockNumber}, time ${dateTime(v.asOf.blockTime)}.`));
  }

  if (v.replacementId) out.push(h("p", { class: "notice notice-info" }, "Replaced by permit ", h("code", {}, v.replacementId), "."));

  const doc = v.document;
  if (v.verdict === "TAMPERED") {
    // The code's content is what whoever altered it wrote. Only lines the chain gave (`exported` a
    // number or null) are what was issued; lines without it are the code's own claims again.
    const anchored = (v.lines ?? []).filter((l) => l.exported !== undefined);
    if (anchored.length) out.push(anchoredSection(anchored, doc, v));
    if (doc) out.push(claimedSection(doc, anchored.length > 0));
  } else {
    if (doc) out.push(h("section", { "aria-labelledby": "content-h" }, h("h3", { id: "content-h" }, "Permit"), permitFields(doc)));
    if (v.lines?.length) out.push(linesSection(v.lines, doc, v));
  }

  if (v.nonCompliance?.length) {
    out.push(h("section", { "aria-labelledby": "nc-h", class: "notice notice-error" },
      h("h3", { id: "nc-h" }, "Non-compliance recorded"),
      h("ul", {}, v.nonCompliance.map((n) => h("li", {}, `${reasonText(n.reason)} — ${dateTime(n.blockTime)} by `, h("code", { title: n.officer ?? "" }, shortHex(n.officer)), " tx ", h("code", { title: n.txHash }, shortHex(n.txHash))))),
    ));
  }

  if (v.history?.length) {
    out.push(h("section", { "aria-labelledby": "history-h" },
      h("h3", { id: "history-h" }, "Lifecycle"),
      h("ol", { class: "timeline" }, v.history.map((e) =>
        h("li", { "data-event": e.event },
          h("strong", {}, eventName(e.event)),
          h("span", { class: "when" }, dateTime(e.blockTime)),
          h("span", { class: "by" }, "by ", h("code", { title: e.officer ?? "" }, shortHex(e.officer))),
          h("span", { class: "tx" }, "tx ", h("code", { title: e.txHash }, shortHex(e.txHash)), ` · block ${e.blockNumber}`),
        ))),
    ));
  }
  if (v.signer) out.push(h("p", { class: "small" }, "Signer: ", h("code", {}, v.signer), v.permitId ? [h("br"), "Permit id: ", h("code", {}, v.permitId)] : null));
  return out;
}
