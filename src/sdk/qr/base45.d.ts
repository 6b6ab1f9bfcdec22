/** Types for `base45@3` (ships none): RFC 9285 codec over Node buffers. */
declare module "base45" {
  export function encode(input: Uint8Array | string): string;
  export function decode(input: string): Buffer;
}
