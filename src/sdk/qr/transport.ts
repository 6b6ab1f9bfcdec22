/// <reference path="./base45.d.ts" />
/**
 * The byte-to-text layers under the payload: zlib deflate, then base45 (RFC 9285). Internal to
 * `qr/`; `payload.ts` maps every failure here to a `MalformedQrPayloadError`.
 */
import { constants, deflateSync, inflateSync } from "node:zlib";
import { decode as base45Decode, encode as base45Encode } from "base45";

/** Zip-bomb guard: a payload never inflates to more than 64 KiB (a full QR code holds < 3 KiB). */
export const MAX_INFLATED_BYTES = 64 * 1024;

/** The base45 alphabet of RFC 9285, in value order 0–44. */
export const BASE45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

const BASE45_TEXT = /^[0-9A-Z $%*+\-./:]*$/;

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
  return base45Encode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/**
 * Strict base45 decoding. The `base45` package decodes leniently (unknown characters, a dangling
 * last character and groups above 0xFFFF all yield bytes), so the text must be in the alphabet,
 * of length ≢ 1 (mod 3), and re-encode to itself — which rejects every out-of-range group.
 * Returns `undefined` for invalid text.
 */
export function fromBase45(text: string): Buffer | undefined {
  if (!BASE45_TEXT.test(text) || text.length % 3 === 1) return undefined;
  const bytes = base45Decode(text);
  return base45Encode(bytes) === text ? bytes : undefined;
}
