/**
 * The QR codes this service handed out. Reading a code (decoding its payload, validating the
 * document, recomputing the salted hash, recovering the signer: `readPermit`) depends on the
 * code's text alone and is most of a verification's work. When the service hands out a permit's
 * code (its QR image, SVG or PDF), it reads it once and records that reading under the SHA-256 of
 * the payload; a verification of the very same code reuses it. Anything else (another registry's
 * code, a code altered by one character, a verify URL without a payload) is read in full, as before.
 *
 * The recorded reading is exactly what `readPermit` returned for that payload, so the answer is the
 * same either way; what depends on the ledger (the anchored hash, the status, the signer's
 * membership) is checked on every request.
 */
import { createHash } from "node:crypto";
import { extractQrPayload } from "../../sdk/qr";
import { readPermit, type PermitReading } from "../../sdk/verify";
import type { Store } from "../store";

/** The SHA-256 (hex) of the payload a QR text or verify URL carries; undefined when it carries none. */
export function codeDigest(qr: string): string | undefined {
  let payload: string;
  try {
    payload = extractQrPayload(qr);
  } catch {
    return undefined;
  }
  return createHash("sha256").update(payload).digest("hex");
}

/** Records the reading of a code the service hands out, the first time it hands it out. */
export async function recordIssuedCode(store: Store, qr: string): Promise<void> {
  const digest = codeDigest(qr);
  if (digest === undefined || (await store.issuedCodeReading(digest)) !== undefined) return;
  const reading = await readPermit(qr);
  if (reading.outcome !== "SIGNED") return; // not a code this service would make: it is read in full each time
  await store.recordIssuedCode({ digest, permitId: reading.permitId, reading: JSON.stringify(reading) });
}

/** The reading of `qr`: the one recorded when this service handed the code out, or a reading made now. */
export async function readCode(store: Store, qr: string): Promise<PermitReading> {
  const digest = codeDigest(qr);
  const recorded = digest === undefined ? undefined : await store.issuedCodeReading(digest);
  return recorded === undefined ? readPermit(qr) : (JSON.parse(recorded) as PermitReading);
}
