/**
 * POST /verify's answer, shared by the express route (in the service) and the verification helper
 * processes (which answer most requests on their own): what a request body must hold, the answer's
 * JSON, and answering from the store's mirror of the chain alone.
 */
import { verifyReading, type TrustListSnapshot, type VerificationResult } from "../../sdk/verify";
import type { Store } from "../store";
import { readCode } from "./issuedCodes";
import { MirrorMissError, StoreVerifyReader, noChainFallback, type MirrorState } from "./verifyReader";

/** The QR text or verify URL of a JSON request body `{ "qr": "..." }`; undefined for any other body. */
export function qrOfRequestBody(body: unknown): string | undefined {
  const qr = body !== null && typeof body === "object" ? (body as { qr?: unknown }).qr : undefined;
  return typeof qr === "string" ? qr : undefined;
}

/** The result as JSON text, bigints (block numbers and times) as decimal strings. */
export const verificationJson = (r: VerificationResult): string => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

/** The answer (JSON text), or why the mirror alone cannot give it (the service then answers with the chain at hand). */
export type MirrorAnswer = { answer: string } | { fallback: string };

/**
 * Answers a verification from the mirror alone: the store's events, the indexer's last block
 * (`mirror`) and the trust-list snapshot; a code this service handed out is not read again (see
 * `issuedCodes.ts`). Whatever needs the chain — a permit not indexed yet, a
 * mirror that is not current, a signer the snapshot does not know — is a `fallback`, never a guess.
 */
export class MirrorVerifier {
  readonly #reader: StoreVerifyReader;

  constructor(private readonly deps: { store: Store; mirror: () => MirrorState; trustList: () => TrustListSnapshot | undefined }) {
    this.#reader = new StoreVerifyReader({ ...deps, fallback: noChainFallback });
  }

  async answer(qr: string): Promise<MirrorAnswer> {
    try {
      const result = await verifyReading(await readCode(this.deps.store, qr), { registry: this.#reader, trustList: this.deps.trustList() });
      return { answer: verificationJson(result) };
    } catch (err) {
      const miss = err instanceof MirrorMissError ? err : (err as { cause?: unknown } | null)?.cause;
      if (miss instanceof MirrorMissError) return { fallback: miss.message };
      throw err;
    }
  }
}
