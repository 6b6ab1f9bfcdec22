import { expect } from "chai";
import {
  APPENDICES,
  COUNTRIES,
  DOCUMENT_TYPES,
  DocumentType,
  PURPOSES,
  SOURCES,
  TERMS,
  UNITS,
  isCodeOf,
  isCountryCode,
} from "../../../src/sdk/document";

describe("code lists", () => {
  it("holds all 249 assigned ISO 3166-1 alpha-2 codes, each with a label", () => {
    expect(Object.keys(COUNTRIES)).to.have.length(249);
    for (const [code, label] of Object.entries(COUNTRIES)) {
      expect(code).to.match(/^[A-Z]{2}$/);
      expect(label.trim()).to.not.equal("");
    }
  });

  it("accepts assigned country codes only", () => {
    for (const code of ["CH", "JP", "FR", "LK", "SG", "US", "NO", "CM", "CL", "ID", "AX", "SS", "BQ"]) expect(isCountryCode(code), code).to.equal(true);
    for (const code of ["XK", "UK", "EU", "AN", "CS", "ch", "CHE", "", "constructor", "toString"]) expect(isCountryCode(code), code).to.equal(false);
  });

  it("has the CITES lists of the domain reference", () => {
    expect(Object.keys(APPENDICES)).to.deep.equal(["I", "II", "III"]);
    expect(Object.keys(SOURCES).sort().join("")).to.equal("ACDFIORUWXY");
    expect(Object.keys(PURPOSES).sort().join("")).to.equal("BEGHLMNPQSTZ");
    expect(Object.keys(UNITS)).to.deep.equal(["", "kg", "g", "l", "ml", "m", "m2", "m3", "cm3"]);
    const common = "LIV BOD SKI SKP LEA MEA EGG FEA SHE SKU TEE TUS HOR TRO CAR CAV EXT DER TIM LOG SAW SPE".split(" ");
    for (const term of common) expect(isCodeOf(TERMS, term), term).to.equal(true);
  });

  it("names the five document types, enum and labels in step", () => {
    expect(Object.values(DocumentType)).to.deep.equal(Object.keys(DOCUMENT_TYPES));
    expect(DocumentType.EPHYTO_CERTIFICATE).to.equal("EPHYTO_CERTIFICATE");
  });

  it("does not treat inherited keys as codes", () => {
    expect(isCodeOf(TERMS, "toString")).to.equal(false);
    expect(isCodeOf(UNITS, "__proto__")).to.equal(false);
  });
});
