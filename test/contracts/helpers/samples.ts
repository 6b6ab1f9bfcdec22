/**
 * The 7 sample permits (test/sdk/document/fixtures) as scenario data for the contract tests:
 * each mapped to a `PermitInput` the way an issuing authority's client would.
 *
 * Dates: a sample is issued at 00:00:00 UTC of its `issuedOn` day and valid until 23:59:59 UTC
 * of its `validUntil` day. The chain's clock starts at the wall clock, which may already be past
 * the samples' dates (and can't be turned back), so every scenario runs on the samples' calendar
 * shifted by a whole number of days (`shift`): durations and the order of events stay exactly
 * those of the samples.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { DocType, ZERO32, makeInput, permitIdOf, type PermitInputStruct } from "../../../scripts/lib/permits";
import { DAY } from "./fixtures";

const FIXTURES = join(__dirname, "..", "..", "sdk", "document", "fixtures");

type SampleJson = {
  documentType: keyof typeof DocType;
  permitNumber: string;
  issuingCountry: string;
  issuedOn: string;
  validUntil: string;
  exporter: { country: string };
  importer: { country: string };
  importPermit?: { country: string; number: string };
  items: { quantity: number; originPermit?: { country: string; number: string } }[];
};

export type Sample = {
  name: string;
  json: SampleJson;
  docType: number;
  permitNumber: string;
  issuing: string;
  exporting: string;
  importing: string;
  /** 00:00:00 UTC of `issuedOn`, on the samples' own calendar (unshifted) */
  issuedOn: bigint;
  /** 23:59:59 UTC of `validUntil`, unshifted */
  validUntil: bigint;
  /** authorised quantity per line in thousandths */
  quantities: bigint[];
  documentHash: string;
  /** the import permit an Appendix-I export names, or zero */
  importPermitId: string;
  /** re-export certificates: the permit of original export, or zero */
  originPermitId: string;
};

/** "14.5" → 14500n, exactly (no floating-point multiplication). */
export function thousandths(quantity: number): bigint {
  const [whole, fraction = ""] = String(quantity).split(".");
  if (fraction.length > 3) throw new RangeError(`more than 3 decimals: ${quantity}`);
  return BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, "0"));
}

const dayStart = (isoDate: string) => BigInt(Date.parse(`${isoDate}T00:00:00Z`) / 1000);

export const SAMPLE_NAMES = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""))
  .sort();

/** Sample `prefix` ("01" … "07") mapped to scenario data. */
export function sample(prefix: string): Sample {
  const name = SAMPLE_NAMES.find((n) => n.startsWith(`${prefix}-`));
  if (!name) throw new TypeError(`no sample ${prefix}`);
  const text = readFileSync(join(FIXTURES, `${name}.json`), "utf8");
  const json = JSON.parse(text) as SampleJson;
  const docType = DocType[json.documentType];
  const origin = json.items.find((i) => i.originPermit)?.originPermit;
  return {
    name,
    json,
    docType,
    permitNumber: json.permitNumber,
    issuing: json.issuingCountry,
    exporting: json.exporter.country,
    importing: json.importer.country,
    issuedOn: dayStart(json.issuedOn),
    validUntil: dayStart(json.validUntil) + DAY - 1n,
    quantities: json.items.map((i) => thousandths(i.quantity)),
    documentHash: ethers.keccak256(ethers.toUtf8Bytes(text)),
    importPermitId: json.importPermit ? permitIdOf(json.importPermit.country, json.importPermit.number) : ZERO32,
    originPermitId:
      docType === DocType.CITES_REEXPORT_CERTIFICATE && origin ? permitIdOf(origin.country, origin.number) : ZERO32,
  };
}

/** All samples' earliest issue day (the Appendix-I import permit, 03). */
const EARLIEST_ISSUE = SAMPLE_NAMES.map((n) => sample(n.slice(0, 2)).issuedOn).reduce((a, b) => (a < b ? a : b));

/**
 * Whole days to add to the samples' dates so that all of them lie after the latest block.
 * Constant within a run: it only depends on the fixture's latest block.
 */
export async function calendarShift(): Promise<bigint> {
  const latest = BigInt(await time.latest());
  if (latest < EARLIEST_ISSUE) return 0n;
  return ((latest - EARLIEST_ISSUE) / DAY + 1n) * DAY;
}

/** The sample's `PermitInput`, with its dates moved by `shift`. */
export function inputOf(s: Sample, shift: bigint): PermitInputStruct {
  return makeInput({
    permitNumber: s.permitNumber,
    documentHash: s.documentHash,
    docType: s.docType,
    exporting: s.exporting,
    importing: s.importing,
    validUntil: s.validUntil + shift,
    importPermitId: s.importPermitId,
    originPermitId: s.originPermitId,
    quantities: s.quantities,
  });
}

/** The sample's permit id (issuing country ‖ permit number). */
export const idOf = (s: Sample): string => permitIdOf(s.issuing, s.permitNumber);

/** Makes the next block the start of the sample's issue day (shifted). */
export async function onIssueDay(s: Sample, shift: bigint): Promise<bigint> {
  const at = s.issuedOn + shift;
  await time.setNextBlockTimestamp(at);
  return at;
}
