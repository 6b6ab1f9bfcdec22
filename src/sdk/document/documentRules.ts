/**
 * Rules that span several fields: validity periods, issuing-country consistency, the Appendix-I
 * and re-export chains, and the CITES code lists (which depend on the document type).
 *
 * They run after the field checks, so each rule re-checks only what it relies on (a date that
 * does not parse is reported once, as `date.iso8601`, not again as a validity error).
 */
import { isCodeOf, isCitesDocumentType, isCountryCode, TERMS, UNITS, type DocumentType } from "./codes";
import { compareIsoDates, formatIsoDate, lastValidDay, parseIsoDate } from "./dates";
import type { RuleCode } from "./rules";

/** The shape the rules read; structurally a `PermitDocument` (declared here to avoid a cycle). */
type PriorPermit = { country: string; number: string; date: string };
type DocumentShape = {
  documentType: DocumentType;
  issuingCountry: string;
  issuedOn: string;
  validUntil: string;
  exporter: { country: string };
  importer: { country: string };
  purpose?: string;
  importPermit?: { country: string; number: string };
  items: {
    line: number;
    appendix?: string;
    source?: string;
    term: string;
    unit: string;
    originPermit?: PriorPermit;
    lastReexport?: PriorPermit | null;
  }[];
};

export type Report = (path: (string | number)[], rule: RuleCode, message: string) => void;

/**
 * Longest validity per document type, in calendar months, with the rule that enforces it. CITES
 * limits are Res. Conf. 12.3's; 36 months covers the multi-use certificates (travelling
 * exhibitions, musical instruments); ISPM 12 sets none for ePhyto, 6 months is the registry's bound.
 */
export const MAX_VALIDITY_MONTHS: Record<DocumentType, { months: number; rule: RuleCode }> = {
  CITES_EXPORT_PERMIT: { months: 6, rule: "validity.maxExport6Months" },
  CITES_REEXPORT_CERTIFICATE: { months: 6, rule: "validity.maxExport6Months" },
  CITES_IMPORT_PERMIT: { months: 12, rule: "validity.maxImport12Months" },
  CITES_OTHER_CERTIFICATE: { months: 36, rule: "validity.maxOther36Months" },
  EPHYTO_CERTIFICATE: { months: 6, rule: "validity.maxEphyto6Months" },
};

/** Reports every cross-field rule `document` breaks. */
export function checkDocumentRules(document: DocumentShape, report: Report): void {
  checkLineNumbers(document, report);
  checkCodeLists(document, report);
  checkValidity(document, report);
  checkParties(document, report);
  checkPriorPermits(document, report);
}

function checkLineNumbers({ items }: DocumentShape, report: Report): void {
  const seen = new Set<number>();
  items.forEach((item, i) => {
    if (seen.has(item.line)) report(["items", i, "line"], "items.lineUnique", `line ${item.line} appears more than once`);
    seen.add(item.line);
  });
}

function checkCodeLists({ documentType, purpose, items }: DocumentShape, report: Report): void {
  if (!isCitesDocumentType(documentType)) {
    const notApplicable = "is a CITES field; an ePhyto certificate does not carry it";
    if (purpose !== undefined) report(["purpose"], "ephyto.citesCodeNotApplicable", notApplicable);
    items.forEach((item, i) => {
      if (item.appendix !== undefined) report(["items", i, "appendix"], "ephyto.citesCodeNotApplicable", notApplicable);
      if (item.source !== undefined) report(["items", i, "source"], "ephyto.citesCodeNotApplicable", notApplicable);
    });
    return;
  }
  const required = "is required on CITES documents";
  if (purpose === undefined) report(["purpose"], "field.required", required);
  items.forEach((item, i) => {
    if (item.appendix === undefined) report(["items", i, "appendix"], "field.required", required);
    if (item.source === undefined) report(["items", i, "source"], "field.required", required);
    if (!isCodeOf(TERMS, item.term)) report(["items", i, "term"], "term.code", `"${item.term}" is not a CITES term code, e.g. "LIV"`);
    if (!isCodeOf(UNITS, item.unit)) report(["items", i, "unit"], "unit.code", `"${item.unit}" is not a unit ("" for number of specimens, kg, g, l, ml, m, m2, m3, cm3)`);
  });
}

function checkValidity({ documentType, issuedOn, validUntil }: DocumentShape, report: Report): void {
  const issued = parseIsoDate(issuedOn);
  if (!issued || !parseIsoDate(validUntil)) return;
  if (compareIsoDates(validUntil, issuedOn) < 0) {
    report(["validUntil"], "validity.afterIssue", `must not be before issuedOn (${issuedOn})`);
    return;
  }
  const { months, rule } = MAX_VALIDITY_MONTHS[documentType];
  const last = formatIsoDate(lastValidDay(issued, months));
  if (compareIsoDates(validUntil, last) > 0) {
    report(["validUntil"], rule, `must be at most ${months} months after issue: ${last} or earlier`);
  }
}

function checkParties(document: DocumentShape, report: Report): void {
  const { documentType, issuingCountry, exporter, importer, importPermit, items } = document;
  const countries = [issuingCountry, exporter.country, importer.country];
  if (countries.every(isCountryCode)) {
    if (documentType === "CITES_IMPORT_PERMIT" && issuingCountry !== importer.country) {
      report(["issuingCountry"], "issuingCountry.matchesImporter", `an import permit is issued by the country of import (${importer.country})`);
    }
    if (documentType !== "CITES_IMPORT_PERMIT" && issuingCountry !== exporter.country) {
      report(["issuingCountry"], "issuingCountry.matchesExporter", `must be the exporter's country (${exporter.country})`);
    }
    if (exporter.country === importer.country) {
      report(["importer", "country"], "trade.crossBorder", "exporter and importer must be in different countries");
    }
  }
  if (importPermit && isCountryCode(importPermit.country) && isCountryCode(importer.country) && importPermit.country !== importer.country) {
    report(["importPermit", "country"], "importPermit.countryMatchesImporter", `must be the importing country (${importer.country})`);
  }
  // Art. III: Appendix-I exports need the import permit first; source D is traded as Appendix II (Art. VII.4).
  const appendixILines = items.filter((item) => item.appendix === "I" && item.source !== "D").map((item) => item.line);
  if (documentType === "CITES_EXPORT_PERMIT" && appendixILines.length > 0 && !importPermit) {
    report(["importPermit"], "appendixI.importPermitRequired", `is required: line(s) ${appendixILines.join(", ")} are Appendix I`);
  }
}

function checkPriorPermits({ documentType, issuedOn, items }: DocumentShape, report: Report): void {
  items.forEach((item, i) => {
    if (documentType === "CITES_REEXPORT_CERTIFICATE" && !item.originPermit) {
      report(["items", i, "originPermit"], "reexport.originPermitRequired", "a re-exported line names its origin permit (box 12)");
    }
    for (const key of ["originPermit", "lastReexport"] as const) {
      const date = item[key]?.date;
      if (date && parseIsoDate(date) && parseIsoDate(issuedOn) && compareIsoDates(date, issuedOn) > 0) {
        report(["items", i, key, "date"], "priorPermit.dateNotAfterIssue", `must not be after issuedOn (${issuedOn})`);
      }
    }
  });
}
