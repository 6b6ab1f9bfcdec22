import { expect } from "chai";
import { PermitRegistryError } from "../../../src/sdk/errors";
import {
  InvalidPermitDocumentError,
  RULES,
  parsePermitDocument,
  validatePermitDocument,
  type RuleCode,
} from "../../../src/sdk/document";
import { looseSample, SAMPLE_NAMES, sample } from "./samples";

/** A document derived from a sample that breaks exactly one rule, at exactly one path. */
type BrokenCase = { title: string; from: string; rule: RuleCode; path: string; mutate: (doc: any) => void };

const CASES: BrokenCase[] = [
  { title: "a party without a name", from: "01", rule: "field.required", path: "exporter.name", mutate: (d) => delete d.exporter.name },
  { title: "a CITES permit without purpose", from: "02", rule: "field.required", path: "purpose", mutate: (d) => delete d.purpose },
  { title: "a CITES line without appendix", from: "02", rule: "field.required", path: "items[1].appendix", mutate: (d) => delete d.items[1].appendix },
  { title: "a CITES line without source", from: "06", rule: "field.required", path: "items[0].source", mutate: (d) => delete d.items[0].source },
  { title: "a quantity sent as a string", from: "01", rule: "type.invalid", path: "items[1].quantity", mutate: (d) => (d.items[1].quantity = "14.5") },
  { title: "items sent as an object", from: "01", rule: "type.invalid", path: "items", mutate: (d) => (d.items = { 0: d.items[0] }) },
  { title: "an unknown key on a line", from: "02", rule: "object.unknownKey", path: "items[0].colour", mutate: (d) => (d.items[0].colour = "blue") },
  { title: "an unknown top-level key", from: "07", rule: "object.unknownKey", path: "seal", mutate: (d) => (d.seal = "stamp") },
  { title: "a blank importer name", from: "03", rule: "text.nonEmpty", path: "importer.name", mutate: (d) => (d.importer.name = "   ") },
  { title: "a description over 2000 characters", from: "03", rule: "text.maxLength", path: "items[0].description", mutate: (d) => (d.items[0].description = "x".repeat(2001)) },
  { title: "a name in decomposed Unicode (NFD)", from: "01", rule: "text.nfc", path: "exporter.name", mutate: (d) => (d.exporter.name = d.exporter.name.normalize("NFD")) },
  { title: "an unknown document type", from: "02", rule: "documentType.enum", path: "documentType", mutate: (d) => (d.documentType = "CITES_PERMIT") },
  { title: "a permit number of 17 characters but 34 UTF-8 bytes", from: "06", rule: "permitNumber.maxBytes32", path: "permitNumber", mutate: (d) => (d.permitNumber = "Å".repeat(17)) },
  { title: "an import permit number over 32 bytes", from: "04", rule: "permitNumber.maxBytes32", path: "importPermit.number", mutate: (d) => (d.importPermit.number = "FR2607500123-I-AMENDED-2026-11-30") },
  { title: "a permit number with a trailing space", from: "02", rule: "permitNumber.format", path: "permitNumber", mutate: (d) => (d.permitNumber += " ") },
  { title: "a permit number with a NUL byte", from: "02", rule: "permitNumber.format", path: "permitNumber", mutate: (d) => (d.permitNumber += "\u0000") },
  { title: "Kosovo's user-assigned XK as importer country", from: "01", rule: "country.iso3166", path: "importer.country", mutate: (d) => (d.importer.country = "XK") },
  { title: "a lower-case country of origin", from: "06", rule: "country.iso3166", path: "items[0].countryOfOrigin", mutate: (d) => (d.items[0].countryOfOrigin = "cm") },
  { title: "an origin permit dated 30 February", from: "05", rule: "date.iso8601", path: "items[0].originPermit.date", mutate: (d) => (d.items[0].originPermit.date = "2026-02-30") },
  { title: "an issue date written day-first", from: "02", rule: "date.iso8601", path: "issuedOn", mutate: (d) => (d.issuedOn = "18.11.2026") },
  { title: "no line items", from: "02", rule: "items.nonEmpty", path: "items", mutate: (d) => (d.items = []) },
  { title: "a fractional line number", from: "02", rule: "line.positiveInteger", path: "items[2].line", mutate: (d) => (d.items[2].line = 2.5) },
  { title: "line number 0", from: "03", rule: "line.positiveInteger", path: "items[0].line", mutate: (d) => (d.items[0].line = 0) },
  { title: "a repeated line number", from: "02", rule: "items.lineUnique", path: "items[2].line", mutate: (d) => (d.items[2].line = 1) },
  { title: "quantity 0", from: "01", rule: "quantity.positive", path: "items[0].quantity", mutate: (d) => (d.items[0].quantity = 0) },
  { title: "a negative quantity", from: "07", rule: "quantity.positive", path: "items[1].quantity", mutate: (d) => (d.items[1].quantity = -9200) },
  { title: "a quantity with 4 decimals", from: "06", rule: "quantity.maxDecimals3", path: "items[0].quantity", mutate: (d) => (d.items[0].quantity = 12.7501) },
  { title: "a float-error quantity (0.1 + 0.2)", from: "01", rule: "quantity.maxDecimals3", path: "items[1].quantity", mutate: (d) => (d.items[1].quantity = 0.1 + 0.2) },
  { title: "a quantity of 10^12 kg", from: "07", rule: "quantity.max", path: "items[0].quantity", mutate: (d) => (d.items[0].quantity = 1e12) },
  { title: "Appendix IV", from: "02", rule: "appendix.code", path: "items[0].appendix", mutate: (d) => (d.items[0].appendix = "IV") },
  { title: "an unknown source code", from: "02", rule: "source.code", path: "items[1].source", mutate: (d) => (d.items[1].source = "K") },
  { title: "an unknown purpose code", from: "03", rule: "purpose.code", path: "purpose", mutate: (d) => (d.purpose = "X") },
  { title: "a CITES term in words", from: "01", rule: "term.code", path: "items[0].term", mutate: (d) => (d.items[0].term = "skins") },
  { title: "a unit not on the list", from: "06", rule: "unit.code", path: "items[0].unit", mutate: (d) => (d.items[0].unit = "t") },
  { title: "an ePhyto line with a CITES appendix", from: "07", rule: "ephyto.citesCodeNotApplicable", path: "items[0].appendix", mutate: (d) => (d.items[0].appendix = "II") },
  { title: "an ePhyto with a CITES purpose", from: "07", rule: "ephyto.citesCodeNotApplicable", path: "purpose", mutate: (d) => (d.purpose = "T") },
  { title: "validUntil the day before issue", from: "01", rule: "validity.afterIssue", path: "validUntil", mutate: (d) => (d.validUntil = "2026-11-19") },
  { title: "an export permit valid 6 months + 1 day", from: "01", rule: "validity.maxExport6Months", path: "validUntil", mutate: (d) => (d.validUntil = "2027-05-20") },
  { title: "a re-export certificate valid 6 months + 1 day", from: "05", rule: "validity.maxExport6Months", path: "validUntil", mutate: (d) => (d.validUntil = "2027-05-19") },
  { title: "an import permit valid 12 months + 1 day", from: "03", rule: "validity.maxImport12Months", path: "validUntil", mutate: (d) => (d.validUntil = "2027-10-01") },
  {
    title: "another certificate valid 36 months + 1 day",
    from: "02",
    rule: "validity.maxOther36Months",
    path: "validUntil",
    mutate: (d) => Object.assign(d, { documentType: "CITES_OTHER_CERTIFICATE", validUntil: "2029-11-18" }),
  },
  { title: "an ePhyto valid 6 months + 1 day", from: "07", rule: "validity.maxEphyto6Months", path: "validUntil", mutate: (d) => (d.validUntil = "2027-05-15") },
  { title: "an origin permit dated after issue", from: "06", rule: "priorPermit.dateNotAfterIssue", path: "items[0].originPermit.date", mutate: (d) => (d.items[0].originPermit.date = "2026-11-11") },
  {
    title: "a last re-export dated after issue",
    from: "05",
    rule: "priorPermit.dateNotAfterIssue",
    path: "items[0].lastReexport.date",
    mutate: (d) => (d.items[0].lastReexport = { country: "HK", number: "HK/RE/2026/77", date: "2026-11-20" }),
  },
  { title: "an import permit issued by the exporting country", from: "03", rule: "issuingCountry.matchesImporter", path: "issuingCountry", mutate: (d) => (d.issuingCountry = "CH") },
  { title: "an export permit issued by a third country", from: "01", rule: "issuingCountry.matchesExporter", path: "issuingCountry", mutate: (d) => (d.issuingCountry = "DE") },
  { title: "an ePhyto issued by the importing country", from: "07", rule: "issuingCountry.matchesExporter", path: "issuingCountry", mutate: (d) => (d.issuingCountry = "CH") },
  { title: "exporter and importer in one country", from: "02", rule: "trade.crossBorder", path: "importer.country", mutate: (d) => (d.importer.country = "LK") },
  { title: "an Appendix-I export without import permit", from: "04", rule: "appendixI.importPermitRequired", path: "importPermit", mutate: (d) => delete d.importPermit },
  { title: "an import permit of a third country", from: "04", rule: "importPermit.countryMatchesImporter", path: "importPermit.country", mutate: (d) => (d.importPermit.country = "DE") },
  { title: "a re-exported line without origin permit", from: "05", rule: "reexport.originPermitRequired", path: "items[0].originPermit", mutate: (d) => delete d.items[0].originPermit },
];

function issuesOf(input: unknown) {
  const result = validatePermitDocument(input);
  return result.ok ? [] : result.issues;
}

describe("permit document validation", () => {
  describe("the samples", () => {
    for (const name of SAMPLE_NAMES) {
      it(`accepts ${name} unchanged`, () => {
        const result = validatePermitDocument(sample(name));
        expect(result.ok, JSON.stringify(result)).to.equal(true);
        if (result.ok) expect(result.document).to.deep.equal(sample(name));
      });
    }
  });

  describe("each rule, broken alone", () => {
    for (const c of CASES) {
      it(`rejects ${c.title} as ${c.rule} at ${c.path}`, () => {
        const doc = looseSample(c.from);
        c.mutate(doc);
        const issues = issuesOf(doc);
        expect(issues.map(({ path, rule }) => ({ path, rule }))).to.deep.equal([{ path: c.path, rule: c.rule }]);
        expect(issues[0]!.message).to.be.a("string").and.not.equal("");
      });
    }

    it("has a case for every rule code", () => {
      const tested = new Set(CASES.map((c) => c.rule));
      expect(Object.keys(RULES).filter((code) => !tested.has(code as RuleCode))).to.deep.equal([]);
    });
  });

  describe("documents that are valid by design", () => {
    it("accepts an Appendix-I export without import permit when the source is D (traded as Appendix II)", () => {
      const doc = looseSample("04");
      delete doc.importPermit;
      doc.items[0].source = "D";
      expect(issuesOf(doc)).to.deep.equal([]);
    });

    it("accepts validity of exactly 6 months − 1 day across a month end (31 Aug → 27 Feb)", () => {
      const doc = looseSample("01");
      Object.assign(doc, { issuedOn: "2026-08-31", validUntil: "2027-02-27" });
      expect(issuesOf(doc)).to.deep.equal([]);
      doc.validUntil = "2027-02-28";
      expect(issuesOf(doc).map((i) => i.rule)).to.deep.equal(["validity.maxExport6Months"]);
    });

    it("accepts another CITES certificate valid 36 months − 1 day", () => {
      const doc = looseSample("02");
      Object.assign(doc, { documentType: "CITES_OTHER_CERTIFICATE", validUntil: "2029-11-17" });
      expect(issuesOf(doc)).to.deep.equal([]);
    });

    it("accepts an ePhyto with free-text term and unit", () => {
      const doc = looseSample("07");
      doc.items[0].unit = "cartons";
      expect(issuesOf(doc)).to.deep.equal([]);
    });

    it("accepts a one-day permit (validUntil = issuedOn)", () => {
      const doc = looseSample("06");
      doc.validUntil = doc.issuedOn;
      expect(issuesOf(doc)).to.deep.equal([]);
    });
  });

  describe("reporting", () => {
    it("reports every broken rule at once, each at its own path", () => {
      const doc = looseSample("01");
      doc.items[0].quantity = -1;
      doc.items[1].quantity = 14.5001;
      doc.importer.country = "ZZ";
      expect(issuesOf(doc).map(({ path, rule }) => `${path} ${rule}`)).to.have.members([
        "items[0].quantity quantity.positive",
        "items[1].quantity quantity.maxDecimals3",
        "importer.country country.iso3166",
      ]);
    });

    it("reports a non-object input at the document root", () => {
      expect(issuesOf("not a permit")).to.deep.equal([{ path: "", rule: "type.invalid", message: "must be an object" }]);
    });

    it("parsePermitDocument returns the valid document", () => {
      expect(parsePermitDocument(sample("05"))).to.deep.equal(sample("05"));
    });

    it("parsePermitDocument throws InvalidPermitDocumentError carrying the issues", () => {
      const doc = looseSample("05");
      delete doc.items[0].originPermit;
      try {
        parsePermitDocument(doc);
        expect.fail("should have thrown");
      } catch (err) {
        expect(err).to.be.instanceOf(InvalidPermitDocumentError).and.instanceOf(PermitRegistryError);
        const error = err as InvalidPermitDocumentError;
        expect(error.name).to.equal("InvalidPermitDocumentError");
        expect(error.issues.map((i) => i.rule)).to.deep.equal(["reexport.originPermitRequired"]);
        expect(error.shortMessage).to.contain("items[0].originPermit");
      }
    });
  });
});

