/// <reference path="./base45.d.ts" />
/**
 * The byte-to-text layers under the payload: zlib deflate, then base45 (RFC 9285). Internal to
 * `qr/`; `payload.ts` maps every failure here to a `MalformedQrPayloadError`.
 */
import { constants, deflateSync, inflateSync } from "node:zlib";
import { decode as base45Decode, encode as base45Encode } from "@digitalbazaar/base45";

/** Zip-bomb guard: a payload never inflates to more than 64 KiB (a full QR code holds < 3 KiB). */
export const MAX_INFLATED_BYTES = 64 * 1024;

/** The base45 alphabet of RFC 9285, in value order 0–44. */
export const BASE45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/** zlib (RFC 1950: 2-byte header, raw deflate, Adler-32) at level 9, as EU DCC `HC1:` uses. */
export function deflate(bytes: Uint8Array): Buffer {
  return deflateSync(bytes, { level: constants.Z_BEST_COMPRESSION });
}

/**
 * Inflates a zlib stream, refusing output over `MAX_INFLATED_BYTES` (Node throws a `RangeError`
 * with code `ERR_BUFFER_TOO_LARGE` then, which the caller reports as "too-large").
 */
export function inflate(bytes: Uint8Array): Buffer {
  return inflateSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
}

export function isOutputTooLarge(err: unknown): boolean {
  return err instanceof RangeError && (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
}

export function toBase45(bytes: Uint8Array): string {
  // The encoder reads `bytes.buffer` from offset 0, so a view into a larger buffer (zlib output,
  // pooled Buffers) is copied into its own buffer first.
  return base45Encode(bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes));
}

/**
 * Strict base45 decoding (RFC 9285 §4): a character outside the alphabet, a length ≡ 1 (mod 3)
 * or a group above 0xFFFF (0xFF for a final pair) is invalid. Returns `undefined` for invalid text.
 */
export function fromBase45(text: string): Uint8Array | undefined {
  try {
    return base45Decode(text);
  } catch {
    return undefined;
  }
}
