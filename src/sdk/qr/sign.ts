import { type Address, type Hex, type LocalAccount, bytesToHex } from "viem";
import { anchorDigest, PERMIT_ANCHOR_PRIMARY_TYPE, PERMIT_ANCHOR_TYPES, permitAnchorDomain } from "./digest";
import { recoverSigner } from "./recover";
import { assertHexBytes, assertPermitAnchor, type PermitAnchorFields } from "./anchor";
import { InvalidPermitSignatureError, InvalidQrPayloadError } from "./errors";

export {
  PERMIT_ANCHOR_DOMAIN_NAME, PERMIT_ANCHOR_DOMAIN_VERSION, PERMIT_ANCHOR_PRIMARY_TYPE, PERMIT_ANCHOR_TYPEHASH, PERMIT_ANCHOR_TYPES, permitAnchorDomain,
} from "./digest";

/** Everything `signTypedData` needs for one anchor; the same object a wallet would show. */
export function permitAnchorTypedData(anchor: PermitAnchorFields) {
  return {
    domain: permitAnchorDomain(anchor.chainId, anchor.registry),
    types: PERMIT_ANCHOR_TYPES,
    primaryType: PERMIT_ANCHOR_PRIMARY_TYPE,
    message: { permitId: anchor.permitId, documentHash: anchor.documentHash },
  } as const;
}

/**
 * The EIP-712 digest that an officer signs for one anchor:
 * `keccak256(0x1901 ‖ domainSeparator ‖ keccak256(TYPEHASH ‖ permitId ‖ documentHash))` — exactly
 * viem's `hashTypedData(permitAnchorTypedData(anchor))` (a test compares them), computed with the
 * domain separator cached and the native keccak, since it runs once per verification.
 *
 * @throws {InvalidQrPayloadError} a field is not well-formed
 */
export function permitAnchorDigest(anchor: PermitAnchorFields): Hex {
  assertPermitAnchor(anchor);
  return bytesToHex(anchorDigest(anchor));
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
    return await recoverSigner(anchorDigest(anchor), signature);
  } catch (cause) {
    throw new InvalidPermitSignatureError({ cause, signature });
  }
}
