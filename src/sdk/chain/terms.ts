import { concatHex, keccak256, type Hex } from "viem";
import { bytes2ToCountry, countryToBytes2, permitIdOf, permitNumberToBytes32 } from "../ids";
import { toFixedPoint, type PermitDocument } from "../document";

/** The contract's `DocumentType` enum, by the document's `documentType` name. */
export const DOCUMENT_TYPE_NUMBER = {
  CITES_EXPORT_PERMIT: 0,
  CITES_IMPORT_PERMIT: 1,
  CITES_REEXPORT_CERTIFICATE: 2,
  CITES_OTHER_CERTIFICATE: 3,
  EPHYTO_CERTIFICATE: 4,
} as const;
export type DocumentTypeName = keyof typeof DOCUMENT_TYPE_NUMBER;
export const DOCUMENT_TYPE_NAME = Object.fromEntries(
  Object.entries(DOCUMENT_TYPE_NUMBER).map(([k, v]) => [v, k]),
) as Record<number, DocumentTypeName>;

export const ZERO_HASH = `0x${"00".repeat(32)}` as Hex;

/** The plain terms of a permit, packed into one word as in contracts/permits/PermitTerms.sol. */
export type PermitTerms = {
  documentType: DocumentTypeName;
  exportingCountry: string;
  importingCountry: string;
  /** Last second of validity, unix time. */
  validUntil: bigint;
};

/** bits 0-7 document type, 8-23 exporting country, 24-39 importing country, 40-79 validUntil. */
export function packTerms(t: PermitTerms): bigint {
  return (
    BigInt(DOCUMENT_TYPE_NUMBER[t.documentType]) |
    (BigInt(countryToBytes2(t.exportingCountry)) << 8n) |
    (BigInt(countryToBytes2(t.importingCountry)) << 24n) |
    (t.validUntil << 40n)
  );
}

export function unpackTerms(terms: bigint): PermitTerms {
  const country = (v: bigint) => bytes2ToCountry(`0x${v.toString(16).padStart(4, "0")}` as Hex);
  return {
    documentType: DOCUMENT_TYPE_NAME[Number(terms & 0xffn)],
    exportingCountry: country((terms >> 8n) & 0xffffn),
    importingCountry: country((terms >> 24n) & 0xffffn),
    validUntil: (terms >> 40n) & 0xffffffffffn,
  };
}

/** The last second (UTC) of an ISO date: a permit valid until 2027-05-19 is valid all that day. */
export function endOfDayUtc(isoDate: string): bigint {
  const [y, m, d] = isoDate.split("-").map(Number);
  return BigInt(Date.UTC(y, m - 1, d) / 1000 + 86_399);
}

/** The issuing country's code: the importer's for import permits, the exporter's otherwise. */
export function issuingCountryOf(document: PermitDocument): string {
  return document.issuingCountry;
}

/**
 * The origin link of a permit whose lines name the permits under which the specimens were first
 * exported: that permit's id when all lines name the same one, otherwise the keccak256 of the
 * lines' ids in line order; zero when no line names one.
 */
export function originPermitIdOf(document: PermitDocument): Hex {
  const ids = [...document.items]
    .sort((a, b) => a.line - b.line)
    .map((item) => ("originPermit" in item && item.originPermit ? permitIdOf(item.originPermit.country, item.originPermit.number) : undefined))
    .filter((id): id is Hex => id !== undefined);
  if (ids.length === 0) return ZERO_HASH;
  if (ids.every((id) => id === ids[0])) return ids[0];
  return keccak256(concatHex(ids));
}

/** The contract's `PermitInput` for a document and its salted hash. */
export type PermitInput = {
  permitNumber: Hex;
  documentHash: Hex;
  terms: bigint;
  importPermitId: Hex;
  originPermitId: Hex;
  quantities: readonly bigint[];
};

/** Maps a validated permit document to what the contract anchors. */
export function permitInputOf(document: PermitDocument, documentHash: Hex): PermitInput {
  const lines = [...document.items].sort((a, b) => a.line - b.line);
  return {
    permitNumber: permitNumberToBytes32(document.permitNumber),
    documentHash,
    terms: packTerms({
      documentType: document.documentType as DocumentTypeName,
      exportingCountry: document.exporter.country,
      importingCountry: document.importer.country,
      validUntil: endOfDayUtc(document.validUntil),
    }),
    importPermitId: document.importPermit ? permitIdOf(document.importPermit.country, document.importPermit.number) : ZERO_HASH,
    originPermitId: originPermitIdOf(document),
    quantities: lines.map((item) => toFixedPoint(item.quantity)),
  };
}
