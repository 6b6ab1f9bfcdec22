/**
 * Browser stand-in for `node:zlib` under the SDK's QR transport (`src/sdk/qr/transport.ts`): the
 * same zlib (RFC 1950) streams through fflate, with the same output cap and the same error shape
 * for "too large" (a RangeError with code ERR_BUFFER_TOO_LARGE). Aliased in by scripts/build-web.mjs.
 */
import { unzlibSync, zlibSync } from "fflate";
import { Buffer } from "buffer";

export const constants = { Z_BEST_COMPRESSION: 9 };

export function deflateSync(bytes: Uint8Array, options: { level?: number } = {}): Buffer {
  return Buffer.from(zlibSync(bytes, { level: (options.level ?? 6) as 9 }));
}

export function inflateSync(bytes: Uint8Array, options: { maxOutputLength?: number } = {}): Buffer {
  const out = unzlibSync(bytes);
  if (options.maxOutputLength !== undefined && out.length > options.maxOutputLength) {
    throw Object.assign(new RangeError("Cannot create a Buffer larger than the limit"), { code: "ERR_BUFFER_TOO_LARGE" });
  }
  return Buffer.from(out);
}
