/**
 * Every rule the permit-document validator enforces, by stable code. A rejection names the field
 * path and one of these codes; callers (the service's problem body, the web form) may branch on
 * the code, so codes are never renamed, only added. `docs/document-hashing.md` renders this table.
 */
export const RULES = {
  "field.required": "A required field is missing (some are required only on CITES documents).",
  "type.invalid": "The field has the wrong JSON type (e.g. a string where a number is expected).",
  "object.unknownKey": "A key the schema does not define; unknown keys are rejected so that what is validated is what is hashed.",
  "text.nonEmpty": "Text must contain at least one non-whitespace character.",
  "text.maxLength": "Text is longer than the field's limit.",
  "text.nfc": "Text must be in Unicode Normalization Form C, so the same name always hashes the same.",
  "documentType.enum": "documentType is not one of the five document types.",
  "permitNumber.maxBytes32": "A permit number is longer than 32 bytes in UTF-8 (the chain stores it as bytes32).",
  "permitNumber.format": "A permit number has leading/trailing whitespace or control characters.",
  "country.iso3166": "Not an assigned ISO 3166-1 alpha-2 country code.",
  "date.iso8601": "Not a calendar date written YYYY-MM-DD.",
  "items.nonEmpty": "A document has at least one line item.",
  "line.positiveInteger": "A line number is a positive integer.",
  "items.lineUnique": "Line numbers are unique within a document.",
  "quantity.positive": "A quantity is greater than zero.",
  "quantity.maxDecimals3": "A quantity has at most 3 decimals (the chain stores thousandths).",
  "quantity.max": "A quantity is at most 999999999999.999 (15 significant digits, so its thousandths are exact in JSON).",
  "appendix.code": "Not a CITES Appendix (I, II, III).",
  "source.code": "Not a CITES source code.",
  "purpose.code": "Not a CITES purpose code.",
  "term.code": "On a CITES document, not a CITES term code.",
  "unit.code": "On a CITES document, not one of the units (\"\" = number of specimens, kg, g, l, ml, m, m2, m3, cm3).",
  "ephyto.citesCodeNotApplicable": "An ePhyto certificate carries no CITES appendix, source or purpose.",
  "validity.afterIssue": "validUntil is on or after issuedOn.",
  "validity.maxExport6Months": "Export permits and re-export certificates are valid at most 6 calendar months (validUntil <= issuedOn + 6 months - 1 day).",
  "validity.maxImport12Months": "Import permits are valid at most 12 calendar months (validUntil <= issuedOn + 12 months - 1 day).",
  "validity.maxOther36Months": "Other CITES certificates are valid at most 36 calendar months (validUntil <= issuedOn + 36 months - 1 day).",
  "validity.maxEphyto6Months": "ePhyto certificates are valid at most 6 calendar months (validUntil <= issuedOn + 6 months - 1 day).",
  "priorPermit.dateNotAfterIssue": "An origin permit or last re-export certificate is not dated after this document's issue date.",
  "issuingCountry.matchesImporter": "An import permit is issued by the country of import (importer.country).",
  "issuingCountry.matchesExporter": "Every other document is issued by the country of (re-)export (exporter.country).",
  "trade.crossBorder": "Exporter and importer are in different countries.",
  "appendixI.importPermitRequired": "An export permit with an Appendix-I line (source other than D) names the import permit.",
  "importPermit.countryMatchesImporter": "The import permit named by an export permit is the importing country's.",
  "reexport.originPermitRequired": "Every line of a re-export certificate names the permit under which it was originally exported.",
} as const;

/** A stable validation rule code, e.g. `"quantity.maxDecimals3"`. */
export type RuleCode = keyof typeof RULES;
