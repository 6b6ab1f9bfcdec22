/**
 * Signer recovery for a 32-byte digest and a 65-byte (r ‖ s ‖ v) signature. Uses libsecp256k1
 * through the `secp256k1` package's N-API prebuilds where available (Node: ~100× faster than pure
 * JavaScript, which is what makes thousands of offline verifications per second possible), and
 * viem's pure-JavaScript recovery otherwise (browsers, unsupported platforms). Both give the same
 * address; where the native library refuses a signature, the pure path decides.
 */
import { bytesToHex, getAddress, hexToBytes, keccak256, recoverAddress, type Address, type Hex } from "viem";

type NativeSecp256k1 = {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
  ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
};
let native: NativeSecp256k1 | null | undefined;

function loadNative(): NativeSecp256k1 | null {
  if (native === undefined) {
    try {
      // Optional at run time: the browser bundle and platforms without a prebuild use viem.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      native = typeof process !== "undefined" && process.versions?.node ? (require("secp256k1") as NativeSecp256k1) : null;
    } catch {
      native = null;
    }
  }
  return native;
}

export async function recoverSigner(digest: Hex, signature: Hex): Promise<Address> {
  const lib = loadNative();
  if (lib) {
    const sig = hexToBytes(signature);
    const v = sig[64];
    const recid = v >= 27 ? v - 27 : v;
    if (sig.length === 65 && (recid === 0 || recid === 1)) {
      try {
        const pub = lib.ecdsaRecover(sig.subarray(0, 64), recid, hexToBytes(digest), false);
        return getAddress(`0x${keccak256(pub.subarray(1)).slice(-40)}`);
      } catch {
        // fall through: let the reference implementation decide (and throw) for odd signatures
      }
    }
  }
  return recoverAddress({ hash: digest, signature });
}

/**
 * Signs a 32-byte digest natively (RFC 6979 nonce, low-s: the same bytes viem produces), or
 * returns undefined where the native library is not available so the caller uses viem.
 */
export function signDigestNative(digest: Hex, privateKey: Hex): Hex | undefined {
  const lib = loadNative();
  if (!lib) return undefined;
  const { signature, recid } = lib.ecdsaSign(hexToBytes(digest), hexToBytes(privateKey));
  const out = new Uint8Array(65);
  out.set(signature);
  out[64] = 27 + recid;
  return bytesToHex(out);
}
