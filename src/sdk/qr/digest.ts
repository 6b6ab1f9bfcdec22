/**
 * The EIP-712 definition of a permit anchor and its digest. The digest runs once per
 * verification, so it is computed by hand — domain separator cached per deployment, native
 * keccak — rather than through viem's generic `hashTypedData`; a test checks they agree.
 */
import { type Address, type TypedDataDomain, bytesToHex, domainSeparator, hashTypedData, hexToBytes, keccak256 as viemKeccak256, stringToHex, type Hex } from "viem";
import { keccak256Bytes } from "../crypto";
import type { PermitAnchorFields } from "./anchor";

/** EIP-712 domain name; with {@link PERMIT_ANCHOR_DOMAIN_VERSION} it must match the contract's `EIP712("PermitRegistry", "1")`. */
export const PERMIT_ANCHOR_DOMAIN_NAME = "PermitRegistry" as const;
/** EIP-712 domain version. */
export const PERMIT_ANCHOR_DOMAIN_VERSION = "1" as const;

/** The EIP-712 types: `PermitAnchor(bytes32 permitId,bytes32 documentHash)`. */
export const PERMIT_ANCHOR_TYPES = {
  PermitAnchor: [
    { name: "permitId", type: "bytes32" },
    { name: "documentHash", type: "bytes32" },
  ],
} as const;

/** The EIP-712 primary type. */
export const PERMIT_ANCHOR_PRIMARY_TYPE = "PermitAnchor" as const;

/** `keccak256("PermitAnchor(bytes32 permitId,bytes32 documentHash)")`, the struct's type hash. */
export const PERMIT_ANCHOR_TYPEHASH: Hex = viemKeccak256(stringToHex("PermitAnchor(bytes32 permitId,bytes32 documentHash)"));
const TYPEHASH_BYTES = hexToBytes(PERMIT_ANCHOR_TYPEHASH);

/** The EIP-712 domain of one registry deployment: the signature is bound to chain and contract. */
export function permitAnchorDomain(chainId: number, registry: Address) {
  return {
    name: PERMIT_ANCHOR_DOMAIN_NAME,
    version: PERMIT_ANCHOR_DOMAIN_VERSION,
    chainId,
    verifyingContract: registry,
  } as const satisfies TypedDataDomain;
}

/** Domain separators by chain and registry: a verifier sees few deployments, so a small cache suffices. */
const domainSeparators = new Map<string, Uint8Array>();
const MAX_CACHED_DOMAINS = 64;

function domainSeparatorBytes(chainId: number, registry: Address): Uint8Array {
  const key = `${chainId}:${registry.toLowerCase()}`;
  let separator = domainSeparators.get(key);
  if (!separator) {
    if (domainSeparators.size >= MAX_CACHED_DOMAINS) domainSeparators.clear();
    separator = hexToBytes(domainSeparator({ domain: permitAnchorDomain(chainId, registry) }));
    domainSeparators.set(key, separator);
  }
  return separator;
}

/**
 * `keccak256(0x1901 ‖ domainSeparator ‖ keccak256(TYPEHASH ‖ permitId ‖ documentHash))` as bytes.
 * Unchecked: callers pass well-formed fields (`assertPermitAnchor`, or a decoded payload).
 */
export function anchorDigest(anchor: PermitAnchorFields): Uint8Array {
  const struct = new Uint8Array(96);
  struct.set(TYPEHASH_BYTES, 0);
  struct.set(hexToBytes(anchor.permitId), 32);
  struct.set(hexToBytes(anchor.documentHash), 64);
  const message = new Uint8Array(66);
  message[0] = 0x19;
  message[1] = 0x01;
  message.set(domainSeparatorBytes(anchor.chainId, anchor.registry), 2);
  message.set(keccak256Bytes(struct), 34);
  return keccak256Bytes(message);
}

/**
 * The EIP-712 digest of any typed data, computed by {@link anchorDigest} when it is a permit
 * anchor built by `permitAnchorTypedData` (recognised by its `types` object) and by viem's
 * `hashTypedData` otherwise. For local signers that sign digests (the service's keystore).
 */
export function typedDataDigest(typedData: { types?: unknown; primaryType?: unknown; domain?: unknown; message?: unknown }): Hex {
  if (typedData.types === PERMIT_ANCHOR_TYPES && typedData.primaryType === PERMIT_ANCHOR_PRIMARY_TYPE) {
    const domain = typedData.domain as { chainId: number; verifyingContract: Address; name: string; version: string };
    const message = typedData.message as { permitId: Hex; documentHash: Hex };
    if (domain.name === PERMIT_ANCHOR_DOMAIN_NAME && domain.version === PERMIT_ANCHOR_DOMAIN_VERSION)
      return bytesToHex(anchorDigest({ chainId: domain.chainId, registry: domain.verifyingContract, permitId: message.permitId, documentHash: message.documentHash }));
  }
  return hashTypedData(typedData as never);
}
