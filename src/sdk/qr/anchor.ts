import { isAddress, isHex, size, type Address, type Hex } from "viem";
import { InvalidQrPayloadError } from "./errors";

/** What an issuing officer signs and a QR code carries: which permit, which document, on which registry. */
export type PermitAnchorFields = {
  /** EIP-155 chain id of the proof-of-authority network. */
  chainId: number;
  /** Address of the `PermitRegistry` contract (the EIP-712 verifying contract). */
  registry: Address;
  /** `permitIdOf(issuingCountry, permitNumber)`. */
  permitId: Hex;
  /** `keccak256(salt ‖ utf8(RFC 8785 canonical JSON of the document))`. */
  documentHash: Hex;
};

/** Throws `InvalidQrPayloadError` unless `value` is a positive safe integer chain id. */
export function assertChainId(value: unknown, field = "chainId"): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0)
    throw new InvalidQrPayloadError(field, `expected a positive safe integer, got ${String(value)}.`);
}

/** Throws `InvalidQrPayloadError` unless `value` is a 20-byte address (EIP-55 checksum checked when mixed case). */
export function assertAddress(value: unknown, field: string): asserts value is Address {
  if (typeof value !== "string" || !isAddress(value))
    throw new InvalidQrPayloadError(field, `expected a 20-byte hex address, got ${String(value)}.`);
}

/** Throws `InvalidQrPayloadError` unless `value` is a `0x` hex string of exactly `bytes` bytes. */
export function assertHexBytes(value: unknown, bytes: number, field: string): asserts value is Hex {
  if (typeof value !== "string" || !isHex(value, { strict: true }) || size(value) !== bytes)
    throw new InvalidQrPayloadError(field, `expected ${bytes} bytes as 0x-prefixed hex, got ${String(value)}.`);
}

/** Validates every field of an anchor, so viem never sees malformed input. */
export function assertPermitAnchor(anchor: PermitAnchorFields): void {
  assertChainId(anchor.chainId);
  assertAddress(anchor.registry, "registry");
  assertHexBytes(anchor.permitId, 32, "permitId");
  assertHexBytes(anchor.documentHash, 32, "documentHash");
}
