import { encodeAbiParameters, keccak256, slice, type Address, type Hex } from "viem";
import type { DocumentTypeName } from "./terms";

/**
 * The full on-chain record of a permit, rebuilt from events. The contract stores status, type,
 * countries and validity in plain and a 20-byte commitment to the rest (contracts/permits/PermitCommitment.sol).
 */
export type PermitRecord = {
  permitId: Hex;
  documentHash: Hex;
  documentType: DocumentTypeName;
  exportingCountry: string;
  importingCountry: string;
  validUntil: bigint;
  issuedAt: bigint;
  issuer: Address;
  importPermitId: Hex;
  originPermitId: Hex;
  replacesPermitId: Hex;
  authorised: readonly bigint[];
  exported: readonly bigint[];
};

const quantitiesHash = (q: readonly bigint[]) =>
  keccak256(q.length ? encodeAbiParameters(q.map(() => ({ type: "uint256" })), [...q]) : "0x");

/** The commitment the contract stores for `record` (same formula as PermitCommitment.compute). */
export function commitmentOf(r: PermitRecord): Hex {
  const encoded = encodeAbiParameters(
    ["bytes32", "uint40", "address", "bytes32", "bytes32", "bytes32", "bytes32", "bytes32"].map((type) => ({ type })),
    [r.documentHash, Number(r.issuedAt), r.issuer, r.importPermitId, r.originPermitId, r.replacesPermitId, quantitiesHash(r.authorised), quantitiesHash(r.exported)],
  );
  return slice(keccak256(encoded), 0, 20);
}
