/**
 * Helpers shared by the deploy script, the contract tests and the gas benchmark: turning
 * plain values into the contract's `PermitInput` / `PermitRecord` shapes and rebuilding a
 * record from the chain's events. (The SDK has its own viem-based equivalents in src/sdk/chain.)
 */
import { AbiCoder, keccak256, solidityPacked, toUtf8Bytes, hexlify, type Log } from "ethers";
import type { PermitRegistry } from "../../typechain-types";
import { DOCUMENT_TYPE_NUMBER } from "../../src/sdk/chain/terms";

/** The contract's DocumentType numbers (one definition, in the SDK). */
export const DocType = DOCUMENT_TYPE_NUMBER;
export const Role = { NONE: 0, AUTHORITY_ADMIN: 1, ISSUER: 2, CUSTOMS: 3 } as const;
export const Status = { NONE: 0, ISSUED: 1, ENDORSED: 2, USED: 3, CANCELLED: 4, REPLACED: 5 } as const;
export const Verification = {
  UNKNOWN: 0, HASH_MISMATCH: 1, ISSUED: 2, ENDORSED: 3, USED: 4, CANCELLED: 5, REPLACED: 6, EXPIRED: 7,
} as const;
export const CancelReason = { NONE: 0, LOST: 1, STOLEN: 2, DAMAGED: 3, WRONGLY_ISSUED: 4, WITHDRAWN: 5, OTHER: 6 } as const;
export const NonComplianceReason = {
  NONE: 0, QUANTITY_MISMATCH: 1, SPECIES_MISMATCH: 2, DOCUMENT_IRREGULARITY: 3, PEST_OR_DISEASE: 4, ILLEGAL_SPECIMENS: 5, OTHER: 6,
} as const;

export type PermitInputStruct = {
  permitNumber: string;
  documentHash: string;
  terms: bigint;
  importPermitId: string;
  originPermitId: string;
  quantities: bigint[];
};

/** Packs document type, countries and validUntil into `PermitInput.terms` (see PermitTerms.sol). */
export function packTerms(docType: number, exportingCountry: string, importingCountry: string, validUntil: bigint): bigint {
  return BigInt(docType) | (BigInt(exportingCountry) << 8n) | (BigInt(importingCountry) << 24n) | (validUntil << 40n);
}

export type PermitRecordStruct = {
  permitId: string;
  documentHash: string;
  docType: number;
  exportingCountry: string;
  importingCountry: string;
  validUntil: bigint;
  issuedAt: bigint;
  issuer: string;
  importPermitId: string;
  originPermitId: string;
  replacesPermitId: string;
  authorised: bigint[];
  exported: bigint[];
};

export const ZERO32 = "0x" + "00".repeat(32);

/** "CH" → 0x4348 */
export const country = (code: string): string => hexlify(toUtf8Bytes(code));

/** UTF-8 right-padded to 32 bytes (zeroPadBytes pads on the left, so do it by hand). */
export function permitNumberBytes32(permitNumber: string): string {
  const bytes = toUtf8Bytes(permitNumber);
  if (bytes.length > 32) throw new RangeError(`permit number longer than 32 bytes: ${permitNumber}`);
  const out = new Uint8Array(32);
  out.set(bytes);
  return hexlify(out);
}

export function permitIdOf(issuingCountry: string, permitNumber: string): string {
  return keccak256(solidityPacked(["bytes2", "bytes32"], [country(issuingCountry), permitNumberBytes32(permitNumber)]));
}

/** Unpacks the `terms` word of `PermitInput` / `PermitIssued` (see PermitTerms.sol). */
export function unpackTerms(terms: bigint) {
  const hex2 = (v: bigint) => "0x" + v.toString(16).padStart(4, "0");
  return {
    docType: Number(terms & 0xffn),
    exportingCountry: hex2((terms >> 8n) & 0xffffn),
    importingCountry: hex2((terms >> 24n) & 0xffffn),
    validUntil: (terms >> 40n) & 0xffffffffffn,
  };
}

const quantitiesHash = (q: bigint[]) =>
  keccak256(q.length ? AbiCoder.defaultAbiCoder().encode(q.map(() => "uint256"), q) : "0x");

/** The record's commitment, as PermitCommitment computes it. */
export function commitmentOf(r: PermitRecordStruct): string {
  const encoded = AbiCoder.defaultAbiCoder().encode(
    ["bytes32", "uint40", "address", "bytes32", "bytes32", "bytes32", "bytes32", "bytes32"],
    [r.documentHash, r.issuedAt, r.issuer, r.importPermitId, r.originPermitId, r.replacesPermitId, quantitiesHash(r.authorised), quantitiesHash(r.exported)],
  );
  return keccak256(encoded).slice(0, 42);
}

/** Rebuilds a permit's current record from its events (issue, links, replacement, endorsement). */
export async function recordFromChain(registry: PermitRegistry, permitId: string): Promise<PermitRecordStruct> {
  const [issued] = await registry.queryFilter(registry.filters.PermitIssued(permitId));
  if (!issued) throw new Error(`no PermitIssued event for ${permitId}`);
  const block = await issued.getBlock();
  const [linked] = await registry.queryFilter(registry.filters.PermitLinked(permitId));
  const replaced = await registry.queryFilter(registry.filters.PermitReplaced());
  const replaces = replaced.find((r) => r.args.replacementId === permitId)?.args.permitId ?? ZERO32;
  const [endorsed] = await registry.queryFilter(registry.filters.ExportEndorsed(permitId));
  return {
    permitId,
    documentHash: issued.args.documentHash,
    ...unpackTerms(issued.args.terms),
    issuedAt: BigInt(block.timestamp),
    issuer: issued.args.officer,
    importPermitId: linked?.args.importPermitId ?? ZERO32,
    originPermitId: linked?.args.originPermitId ?? ZERO32,
    replacesPermitId: replaces,
    authorised: [...issued.args.quantities],
    exported: endorsed ? [...endorsed.args.exported] : [],
  };
}

export type { Log };

export type PermitTermsInput = {
  permitNumber: string;
  documentHash: string;
  docType?: number;
  exporting: string;
  importing: string;
  validUntil: bigint;
  importPermitId?: string;
  originPermitId?: string;
  quantities: bigint[];
};

/** A `PermitInput` from readable values ("CH", "JP", plain permit number). */
export function makeInput(t: PermitTermsInput): PermitInputStruct {
  return {
    permitNumber: permitNumberBytes32(t.permitNumber),
    documentHash: t.documentHash,
    terms: packTerms(t.docType ?? DocType.CITES_EXPORT_PERMIT, country(t.exporting), country(t.importing), t.validUntil),
    importPermitId: t.importPermitId ?? ZERO32,
    originPermitId: t.originPermitId ?? ZERO32,
    quantities: t.quantities,
  };
}
