/** Types for `@digitalbazaar/base45` (ships none): strict RFC 9285 over Uint8Array. */
declare module "@digitalbazaar/base45" {
  /** Encodes bytes as base45 text. */
  export function encode(input: Uint8Array): string;
  /** Decodes base45 text; throws a `RangeError` for a character outside the alphabet, a length ≡ 1 (mod 3) or an out-of-range group. */
  export function decode(input: string): Uint8Array;
}

/** Types for `base45@3` (ships none; a dev dependency the tests use as an independent codec). */
declare module "base45" {
  export function encode(input: Uint8Array | string): string;
  export function decode(input: string): Buffer;
}
