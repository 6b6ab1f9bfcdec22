/**
 * Signer recovery for a 32-byte digest and a 65-byte (r ‖ s ‖ v) signature, on libsecp256k1 where
 * Node can load it (see `../crypto`) and on viem's pure JavaScript otherwise. Both give the same
 * address; where the native library refuses a signature, the pure path decides.
 */
import { bytesToHex, getAddress, hexToBytes, recoverAddress, type Address, type Hex } from "viem";
import { keccak256Bytes, nativeSecp256k1 } from "../crypto";

export async function recoverSigner(digest: Hex | Uint8Array, signature: Hex): Promise<Address> {
  const bytes = typeof digest === "string" ? hexToBytes(digest) : digest;
  return recoverSignerNative(bytes, hexToBytes(signature)) ?? recoverAddress({ hash: bytesToHex(bytes), signature });
}

/**
 * The native path alone, synchronous, on bytes: the signer, or `undefined` when libsecp256k1 is
 * not loaded or refuses the signature (then `recoverSigner` lets viem decide, and throw).
 */
export function recoverSignerNative(digest: Uint8Array, signature: Uint8Array): Address | undefined {
  const lib = nativeSecp256k1();
  if (!lib || signature.length !== 65 || digest.length !== 32) return undefined;
  const v = signature[64];
  const recid = v >= 27 ? v - 27 : v;
  if (recid !== 0 && recid !== 1) return undefined;
  try {
    const pub = lib.ecdsaRecover(signature.subarray(0, 64), recid, digest, false);
    return getAddress(bytesToHex(keccak256Bytes(pub.subarray(1)).subarray(12)));
  } catch {
    return undefined;
  }
}

/**
 * Signs a 32-byte digest natively (RFC 6979 nonce, low-s: the same bytes viem produces), or
 * returns undefined where the native library is not available so the caller uses viem.
 */
export function signDigestNative(digest: Hex, privateKey: Hex): Hex | undefined {
  const lib = nativeSecp256k1();
  if (!lib) return undefined;
  const { signature, recid } = lib.ecdsaSign(hexToBytes(digest), hexToBytes(privateKey));
  const out = new Uint8Array(65);
  out.set(signature);
  out[64] = 27 + recid;
  return bytesToHex(out);
}
