/**
 * What issuing computes from a permit document alone, before any officer, key or store is involved:
 * validation, the permit id, a fresh salt, the salted hash, the contract input and the row to store.
 * Plain data (structured-cloneable), so the service's helper processes can draft a batch while its
 * own thread signs and stores another: this is most of the CPU a permit costs to accept.
 */
import { documentHash, newSalt, toFixedPoint, validatePermitDocument, type PermitDocument, type ValidationIssue } from "../../sdk/document";
import { endOfDayUtc, permitInputOf, type PermitInput } from "../../sdk/chain";
import { permitIdOf } from "../../sdk/ids";
import type { NewPermit } from "../store";

/** The stored parts of a permit the outbox needs to anchor it (its payload, as JSON). */
export type IssueInput = { permitNumber: `0x${string}`; documentHash: `0x${string}`; terms: string; importPermitId: `0x${string}`; originPermitId: `0x${string}`; quantities: string[] };

/** The contract input as stored (bigints as decimal strings), and back. */
export const toIssueInput = (input: PermitInput): IssueInput => ({ ...input, terms: input.terms.toString(), quantities: input.quantities.map(String) });
export const fromIssueInput = (input: IssueInput): PermitInput => ({ ...input, terms: BigInt(input.terms), quantities: input.quantities.map(BigInt) });

/** A permit ready to be signed and stored: the row without its issuer and signature, and the contract input. */
export type PermitDraft = { permit: Omit<NewPermit, "issuerOfficerId" | "signature">; input: IssueInput };

export type DraftResult = { ok: true; draft: PermitDraft } | { ok: false; issues: ValidationIssue[] };

/**
 * Drafts a permit from a request body: `{ ok: false, issues }` when it is not a valid permit
 * document, its last day of validity is over at `nowMs`, or it is dated after that day.
 *
 * @example
 * const result = draftPermit(req.body);
 * if (!result.ok) throw new InvalidPermitDocumentError(result.issues);
 */
export function draftPermit(body: unknown, nowMs: number = Date.now()): DraftResult {
  const result = validatePermitDocument(body);
  if (!result.ok) return { ok: false, issues: [...result.issues] };
  const document: PermitDocument = result.document;
  if (endOfDayUtc(document.validUntil) * 1000n < BigInt(nowMs)) {
    return { ok: false, issues: [{ path: "validUntil", rule: "validity.notOver", message: "the last day of validity is already over" } as unknown as ValidationIssue] };
  }
  // Issued today at the latest, wherever the authority is: the date in the zone furthest ahead (UTC+14).
  const latestToday = new Date(nowMs + 14 * 3_600_000).toISOString().slice(0, 10);
  if (document.issuedOn > latestToday) {
    return { ok: false, issues: [{ path: "issuedOn", rule: "issuedOn.notFuture", message: `is after today (${latestToday} at the latest): a permit is dated the day it is issued` } as unknown as ValidationIssue] };
  }
  const salt = newSalt();
  const hash = documentHash(document, salt);
  const input = permitInputOf(document, hash);
  return {
    ok: true,
    draft: {
      permit: {
        permitId: permitIdOf(document.issuingCountry, document.permitNumber),
        issuingCountry: document.issuingCountry,
        permitNumber: document.permitNumber,
        documentJson: JSON.stringify(document),
        salt,
        documentHash: hash,
        docType: document.documentType,
        exportingCountry: document.exporter.country,
        importingCountry: document.importer.country,
        validUntil: document.validUntil,
        lines: [...document.items].sort((a, b) => a.line - b.line).map((i) => ({ line: i.line, authorised: toFixedPoint(i.quantity) })),
      },
      input: toIssueInput(input),
    },
  };
}
