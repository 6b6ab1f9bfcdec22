/**
 * The SDK's two hot primitives, keccak-256 and secp256k1 signer recovery, on native code where
 * Node can load it and on viem's pure JavaScript everywhere else (browsers, platforms without a
 * prebuild). Both paths give the same bytes; tests compare them.
 *
 * Native code is what makes thousands of offline verifications per second possible on one core:
 * keccak-256 of a 1.5 KB document is ~8 µs with the `keccak` package's binding and ~115 µs in
 * `@noble/hashes`, and recovering a signer is ~60 µs with libsecp256k1 (the `secp256k1` package)
 * and ~5 ms in JavaScript (bench/results/verify.json).
 */
import { bytesToHex, hexToBytes, keccak256 as viemKeccak256, type Hex } from "viem";

/** The `keccak` package's native sponge (its stream wrapper costs more than the hash for short inputs). */
type KeccakState = { initialize(rate: number, capacity: number): void; absorb(data: Buffer): void; squeeze(bytes: number): Buffer };
type NativeSecp256k1 = {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
  ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
};

const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";

/** Loads an optional native module once; `null` when it is not there (browser bundles mark both external). */
function optionalNative<T>(load: () => T): () => T | null {
  let loaded: T | null | undefined;
  return () => {
    if (loaded === undefined) {
      try {
        loaded = isNode ? load() : null;
      } catch {
        loaded = null;
      }
    }
    return loaded;
  };
}

/* eslint-disable @typescript-eslint/no-require-imports */
/** One reusable keccak sponge from the `keccak` package's N-API prebuild (loaded as the package loads it). */
const nativeKeccak = optionalNative<KeccakState>(() => {
  const { createRequire } = require("node:module") as typeof import("node:module");
  const keccakRequire = createRequire(require.resolve("keccak"));
  const State = (keccakRequire("node-gyp-build") as (dir: string) => new () => KeccakState)(
    require("node:path").dirname(require.resolve("keccak/package.json")),
  );
  if (typeof State !== "function") throw new Error("the keccak binding did not load");
  return new State();
});
/** libsecp256k1 through the `secp256k1` package, or `null` (then callers use viem). */
export const nativeSecp256k1 = optionalNative<NativeSecp256k1>(() => require("secp256k1") as NativeSecp256k1);
/* eslint-enable @typescript-eslint/no-require-imports */

/** keccak-256's sponge parameters (rate 1088 bits, capacity 512), as the `keccak` package uses them. */
const KECCAK256_RATE = 1088;
const KECCAK256_CAPACITY = 512;

/** keccak-256 of `data`, as 32 bytes. */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  const sponge = nativeKeccak();
  if (!sponge) return viemKeccak256(data, "bytes");
  // The binding takes Buffers only; this view shares the bytes (no copy). Synchronous, so one
  // sponge re-initialised per call is safe.
  sponge.initialize(KECCAK256_RATE, KECCAK256_CAPACITY);
  sponge.absorb(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return sponge.squeeze(32);
}

/**
 * keccak-256 of bytes or of 0x-hex (the bytes it spells), as 0x-hex.
 *
 * @example
 * keccak256(new Uint8Array()); // "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
 */
export function keccak256(data: Uint8Array | Hex): Hex {
  return bytesToHex(keccak256Bytes(typeof data === "string" ? hexToBytes(data) : data));
}

/** Whether the native keccak and secp256k1 bindings are in use (reported by the benchmark). */
export function nativeCrypto(): { keccak: boolean; secp256k1: boolean } {
  return { keccak: nativeKeccak() !== null, secp256k1: nativeSecp256k1() !== null };
}
