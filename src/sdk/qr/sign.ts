import { type Address, type Hex, type LocalAccount, type TypedDataDomain, hashTypedData } from "viem";
import { recoverSigner } from "./recover";
import { assertHexBytes, assertPermitAnchor, type PermitAnchorFields } from "./anchor";
import { InvalidPermitSignatureError, InvalidQrPayloadError } from "./errors";

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

/** The EIP-712 domain of one registry deployment: the signature is bound to chain and contract. */
export function permitAnchorDomain(chainId: number, registry: Address) {
  return {
    name: PERMIT_ANCHOR_DOMAIN_NAME,
    version: PERMIT_ANCHOR_DOMAIN_VERSION,
    chainId,
    verifyingContract: registry,
  } as const satisfies TypedDataDomain;
}

/** Everything `signTypedData` needs for one anchor; the same object a wallet would show. */
export function permitAnchorTypedData(anchor: PermitAnchorFields) {
  return {
    domain: permitAnchorDomain(anchor.chainId, anchor.registry),
    types: PERMIT_ANCHOR_TYPES,
    primaryType: PERMIT_ANCHOR_PRIMARY_TYPE,
    message: { permitId: anchor.permitId, documentHash: anchor.documentHash },
  } as const;
}

export type SignPermitAnchorParameters = PermitAnchorFields & {
  /** The issuing officer's key; any viem `LocalAccount` (`privateKeyToAccount`, HD, custom signer). */
  account: Pick<LocalAccount, "address" | "signTypedData">;
};
/** 65-byte `r ‖ s ‖ v` signature. */
export type SignPermitAnchorReturnType = Hex;
export type SignPermitAnchorErrorType = InvalidQrPayloadError;

/**
 * Signs a permit anchor with EIP-712 as the issuing officer.
 *
 * @example
 * const signature = await signPermitAnchor({
 *   account: privateKeyToAccount(officerKey),
 *   chainId: 1337, registry, permitId: permitIdOf("CH", "CH-2026-004711"), documentHash,
 * });
 */
export async function signPermitAnchor(parameters: SignPermitAnchorParameters): Promise<SignPermitAnchorReturnType> {
  const { account, ...anchor } = parameters;
  assertPermitAnchor(anchor);
  return account.signTypedData(permitAnchorTypedData(anchor));
}

export type RecoverPermitSignerParameters = PermitAnchorFields & { signature: Hex };
/** Checksummed address of the officer who signed; compare it with the trust list, never trust it alone. */
export type RecoverPermitSignerReturnType = Address;
export type RecoverPermitSignerErrorType = InvalidQrPayloadError | InvalidPermitSignatureError;

/**
 * Recovers the address that signed a permit anchor. Any change to chain, registry, permit id or
 * document hash recovers a different (unknown) address rather than failing.
 *
 * @example
 * const signer = await recoverPermitSigner({ chainId, registry, permitId, documentHash, signature });
 * if (!trustedOfficers.has(signer)) ...
 */
export async function recoverPermitSigner(
  parameters: RecoverPermitSignerParameters,
): Promise<RecoverPermitSignerReturnType> {
  const { signature, ...anchor } = parameters;
  assertPermitAnchor(anchor);
  assertHexBytes(signature, 65, "signature");
  try {
    return await recoverSigner(hashTypedData(permitAnchorTypedData(anchor)), signature);
  } catch (cause) {
    throw new InvalidPermitSignatureError({ cause, signature });
  }
}
