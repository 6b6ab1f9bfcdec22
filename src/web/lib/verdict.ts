/**
 * Renders a verification: one big verdict (word, icon and colour — never colour alone), the three
 * checks, "as of block N" or the offline notice, the permit's content, authorised vs exported per
 * line, non-compliance and the lifecycle timeline. Every value is inserted as text.
 */
import { APPENDICES, PURPOSES, SOURCES, TERMS } from "../../sdk/document";
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
  MALFORMED: { tone: "unknown", icon: "?", say: "Not a readable permit code. Scan again, or check what was pasted." },
  CHAIN_UNREACHABLE: { tone: "unknown", icon: "!", say: "The registry's chain could not be reached: the live status is unknown. Retry shortly." },
};

/** Offline only the signature and the dates are checked: where a verdict says less than online. */
const OFFLINE_SAY: Partial<Record<Verdict, string>> = {
  VALID: "Signed by an authorised issuer (per the saved trust list) and within its validity dates. Whether it is anchored, used, cancelled or replaced is not known offline: verify online before accepting a shipment.",
};

export const verdictWord = (verdict: Verdict) => verdict.replace(/_/g, " ");

export function renderVerdict(v: Verification): HTMLElement {
  const known = VERDICTS[v.verdict] ?? VERDICTS.MALFORMED;
  const offlineSay = v.mode === "offline" ? OFFLINE_SAY[v.verdict] : undefined;
  const meta = offlineSay ? { ...known, say: offlineSay } : known;
  return h("section", { class: `verdict verdict-${meta.tone}`, "data-verdict": v.verdict, "aria-labelledby": "verdict-word" },
    h("div", { class: "verdict-icon", "aria-hidden": "true" }, meta.icon),
    h("div", {},
      h("h2", { id: "verdict-word", class: "verdict-word", tabindex: "-1" }, verdictWord(v.verdict)),
      h("p", { class: "verdict-say" }, meta.say),
      v.mode === "offline" ? h("p", { class: "verdict-mode" }, "Offline check — see below") : null,
      v.error && v.verdict === "MALFORMED" ? h("p", { class: "verdict-error" }, v.error) : null,
    ),
  );
}

/** A line's exported quantity: the chain's (null: not endorsed), or not known without the chain. */
function exportedText(l: NonNullable<Verification["lines"]>[number], v: Verification): string {
  if (typeof l.exported === "number") return quantity(l.exported, l.unit);
  if (l.exported === null) return "not yet endorsed";
  return v.mode === "offline" ? "unknown offline" : "unknown: the chain could not be reached";
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
  if (doc) {
    out.push(h("section", { "aria-labelledby": "content-h" },
      h("h3", { id: "content-h" }, "Permit"),
      h("dl", { class: "fields" },
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
      ),
    ));
  }

  const lines = v.lines ?? [];
  if (lines.length) {
    const items = new Map((doc?.items ?? []).map((i) => [i.line, i]));
    out.push(h("section", { "aria-labelledby": "lines-h" },
      h("h3", { id: "lines-h" }, "Specimens: authorised and exported"),
      h("ul", { class: "lines" }, lines.map((l) => {
        const item = items.get(l.line);
        const share = typeof l.exported === "number" && l.authorised > 0 ? Math.min(1, l.exported / l.authorised) : 0;
        return h("li", { class: "line", "data-line": l.line },
          h("div", { class: "line-head" },
            h("span", { class: "line-no" }, `Line ${l.line}`),
            item ? h("i", { class: "species" }, item.scientificName) : null,
            item?.commonName ? h("span", {}, ` (${item.commonName})`) : null),
          item ? h("div", { class: "line-codes" },
            [item.term && `${item.term}${(TERMS as Record<string, string>)[item.term] ? ` — ${(TERMS as Record<string, string>)[item.term]}` : ""}`,
             item.appendix && (APPENDICES as Record<string, string>)[item.appendix],
             item.source && `source ${item.source} — ${(SOURCES as Record<string, string>)[item.source] ?? ""}`,
             item.countryOfOrigin && `origin ${country(item.countryOfOrigin)}`].filter(Boolean).join(" · ")) : null,
          h("dl", { class: "qty" },
            h("dt", {}, "Authorised"), h("dd", { class: "authorised" }, quantity(l.authorised, l.unit)),
            h("dt", {}, "Exported"), h("dd", { class: "exported" }, exportedText(l, v)),
          ),
          typeof l.exported === "number"
            ? h("div", { class: "bar", role: "img", "aria-label": `${Math.round(share * 100)} % of the authorised quantity exported` }, h("span", { style: `width:${(share * 100).toFixed(1)}%` }))
            : null,
        );
      })),
    ));
  }

  if (v.nonCompliance?.length) {
    out.push(h("section", { "aria-labelledby": "nc-h", class: "notice notice-error" },
      h("h3", { id: "nc-h" }, "Non-compliance recorded"),
      h("ul", {}, v.nonCompliance.map((n) => h("li", {}, `${n.reason.replace(/_/g, " ").toLowerCase()} — ${dateTime(n.blockTime)} by `, h("code", { title: n.officer ?? "" }, shortHex(n.officer)), " tx ", h("code", { title: n.txHash }, shortHex(n.txHash))))),
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
