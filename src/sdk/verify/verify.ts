import { hexToBytes, type Address, type Hex } from "viem";
import { documentHash, validatePermitDocument, fromFixedPoint, type PermitDocument } from "../document";
import { permitIdOf } from "../ids";
import { decodeQrImage, decodeQrPayload, extractQrPayload, type QrPayload } from "../qr";
import { anchorDigest } from "../qr/digest";
import { recoverSigner, recoverSignerNative } from "../qr/recover";
import { ChainUnreachableError, decodeRegistryError } from "../chain/errors";
import type { ChainVerification, HistoryEntry, RegistryClient } from "../chain/client";
import type { PermitRecord } from "../chain/record";
import { endOfDayUtc } from "../chain/terms";
import { wasActiveIssuer, wasActiveIssuerDuring, type TrustListSnapshot } from "./trustList";

/** Exactly these verdicts; never "invalid" for a network failure. */
export const VERDICTS = [
  "VALID", "TAMPERED", "UNTRUSTED_SIGNER", "NOT_ANCHORED", "CANCELLED", "REPLACED", "EXPIRED", "ALREADY_USED", "MALFORMED", "CHAIN_UNREACHABLE",
] as const;
export type Verdict = (typeof VERDICTS)[number];

export type Check = { result: "passed" | "failed" | "skipped"; reason: string };

export type VerificationResult = {
  verdict: Verdict;
  mode: "online" | "offline";
  checks: { signature: Check; hash: Check; status: Check };
  permitId?: Hex;
  signer?: Address;
  /**
   * What the code carries. For TAMPERED it is not what was issued: the issuer neither signed nor
   * anchored it (see `lines` for the anchored quantities when the chain was read).
   */
  document?: PermitDocument;
  /**
   * Authorised vs exported per line (units as on the permit). Once the chain's record was read:
   * `authorised` as anchored, and `exported` the endorsed quantity or `null` (not endorsed). Without
   * the chain (offline, CHAIN_UNREACHABLE) `exported` is absent: not known.
   */
  lines?: { line: number; authorised: number; exported?: number | null; unit?: string }[];
  history?: HistoryEntry[];
  nonCompliance?: { reason: string; officer?: Address; txHash: Hex; blockTime: bigint }[];
  replacementId?: Hex;
  /** Online: the block the answer is as of. */
  asOf?: { blockNumber: bigint; blockTime: bigint };
  /** Offline: how old the trust list is. */
  trustList?: { blockNumber: string; blockTime: string; ageSeconds: number };
  /** Why the input could not be read, for MALFORMED. */
  error?: string;
};

export type VerifyInput = string | Uint8Array;

/**
 * What online verification reads. A `RegistryClient` is one (straight from the chain); a service
 * may pass its own mirror of the chain (an indexer), as long as `head()` says how current it is.
 */
export type VerifyReader = Pick<RegistryClient, "history" | "readRecord" | "officerHistory"> & {
  head(): Promise<{ blockNumber: bigint; blockTime: bigint }>;
  /** The lifecycle state; `history` is the permit's events just read, for readers that can use them. */
  verifyRecord(record: PermitRecord, history?: HistoryEntry[]): Promise<ChainVerification>;
};

export type VerifyOptions = {
  /** Online: read the anchored record and live lifecycle state. */
  registry?: VerifyReader;
  /** Offline (or as a fallback): the officers snapshot. */
  trustList?: TrustListSnapshot;
  /** Clock for offline expiry and trust-list age (unix seconds); defaults to now. */
  now?: bigint;
};

const skipped = (reason: string): Check => ({ result: "skipped", reason });
const passed = (reason: string): Check => ({ result: "passed", reason });
const failed = (reason: string): Check => ({ result: "failed", reason });
const NON_COMPLIANCE = ["NONE", "QUANTITY_MISMATCH", "SPECIES_MISMATCH", "DOCUMENT_IRREGULARITY", "PEST_OR_DISEASE", "ILLEGAL_SPECIMENS", "OTHER"];

/**
 * What a QR code says on its own, before any trust list or chain is consulted: the first half of
 * {@link verify} (read the payload, validate the document, recompute the salted hash, recover the
 * signer). Plain data — structured-cloneable — so a service can compute it in other processes or threads;
 * it is the CPU-bound part of a verification.
 */
export type PermitReading =
  | { outcome: "MALFORMED"; error: string }
  | {
      outcome: "TAMPERED";
      permitId: Hex;
      document?: PermitDocument;
      /** Whether the answer lists the document's lines (only once the document is known to be the permit's). */
      withLines: boolean;
      check: "hash" | "signature";
      reason: string;
    }
  | { outcome: "SIGNED"; permitId: Hex; document?: PermitDocument; hash: Hex; signer: Address };

/**
 * Reads a permit from its QR text, its verify URL, or an image of its QR code (the first half of
 * {@link verify}; pass the result to {@link verifyReading}).
 *
 * @example
 * const reading = await readPermit(qrText); // e.g. in a helper process
 * const result = await verifyReading(reading, { registry, trustList });
 */
export async function readPermit(input: VerifyInput): Promise<PermitReading> {
  // 1. Read the payload.
  let payload: QrPayload;
  try {
    const text = typeof input === "string" ? input : await decodeQrImage(input);
    payload = decodeQrPayload(extractQrPayload(text));
  } catch (err) {
    return { outcome: "MALFORMED", error: err instanceof Error ? err.message : String(err) };
  }

  // 2. The document and its salted hash (full mode), or the hash alone (reference mode).
  let document: PermitDocument | undefined;
  let hash: Hex;
  if (payload.mode === "full") {
    const parsed = validatePermitDocument(payload.document);
    if (!parsed.ok) {
      return { outcome: "TAMPERED", permitId: payload.permitId, withLines: false, check: "hash", reason: `the document is not a valid permit: ${parsed.issues[0]?.path} ${parsed.issues[0]?.message}` };
    }
    document = parsed.document;
    if (permitIdOf(document.issuingCountry, document.permitNumber) !== payload.permitId) {
      return { outcome: "TAMPERED", permitId: payload.permitId, document, withLines: false, check: "hash", reason: "the permit id does not match the document's country and number" };
    }
    hash = documentHash(document, payload.salt);
  } else {
    hash = payload.documentHash;
  }

  // 3. Signature by the issuing officer over (permit id, document hash). The payload's fields are
  // well-formed (decoded), so the anchor needs none of recoverPermitSigner's argument checks; the
  // native recovery answers synchronously (no await on the hot path), recoverSigner when it cannot.
  const digest = anchorDigest({ chainId: payload.chainId, registry: payload.registry, permitId: payload.permitId, documentHash: hash });
  let signer: Address;
  try {
    signer = recoverSignerNative(digest, hexToBytes(payload.signature)) ?? (await recoverSigner(digest, payload.signature));
  } catch {
    return { outcome: "TAMPERED", permitId: payload.permitId, document, withLines: true, check: "signature", reason: "the signature does not verify" };
  }
  return { outcome: "SIGNED", permitId: payload.permitId, document, hash, signer };
}

/**
 * Verifies a permit from its QR text, its verify URL, or an image of its QR code.
 *
 * With `registry` the answer is online (anchored hash and live state); with only `trustList`
 * it is offline (signature and validity dates). Network failures give CHAIN_UNREACHABLE.
 *
 * @example
 * const result = await verify(qrText, { registry, trustList });
 * if (result.verdict === "VALID") ...
 */
export async function verify(input: VerifyInput, options: VerifyOptions = {}): Promise<VerificationResult> {
  return verifyReading(await readPermit(input), options);
}

/** The second half of {@link verify}: the trust list (offline) or the chain (online) on a {@link readPermit} result. */
export async function verifyReading(reading: PermitReading, options: VerifyOptions = {}): Promise<VerificationResult> {
  const now = options.now ?? BigInt(Math.floor(Date.now() / 1000));
  const mode = options.registry ? "online" : "offline";
  const base = { mode, checks: { signature: skipped("not reached"), hash: skipped("not reached"), status: skipped("not reached") } } as const;
  if (reading.outcome === "MALFORMED") return { ...base, verdict: "MALFORMED", error: reading.error };
  const { permitId, document } = reading;
  const lines = document?.items.map((i) => ({ line: i.line, authorised: i.quantity, unit: i.unit }));
  if (reading.outcome === "TAMPERED") {
    return {
      ...base,
      verdict: "TAMPERED",
      permitId,
      ...(reading.withLines ? { document, lines } : document ? { document } : {}),
      checks: { ...base.checks, [reading.check]: failed(reading.reason) },
    };
  }
  const { hash, signer } = reading;
  const result: VerificationResult = { ...base, verdict: "VALID", permitId, signer, document, lines, checks: { ...base.checks } };

  if (!options.registry) return offline(result, options.trustList, document, signer, now);

  // 4. Online: anchored record and live state.
  const registry = options.registry;
  try {
    result.asOf = await registry.head();
    const history = await registry.history(permitId);
    const record = await registry.readRecord(permitId, history);
    result.history = history;
    if (!record) {
      result.checks.hash = failed("no permit is anchored under this id");
      return { ...result, verdict: "NOT_ANCHORED" };
    }
    const exportedOf = (i: number) => (record.exported[i] !== undefined ? fromFixedPoint(record.exported[i]) : null);
    /** The lines as anchored (no units: the chain records none). */
    const anchoredLines = () => record.authorised.map((a, i) => ({ line: i + 1, authorised: fromFixedPoint(a), exported: exportedOf(i) }));
    if (record.documentHash.toLowerCase() !== hash.toLowerCase()) {
      result.checks.hash = failed("the document's salted hash differs from the anchored hash");
      result.checks.signature = failed("the signature is not over this content (it recovers to another key)");
      // The quantities the chain holds, not the ones (nor the units) the altered code claims.
      return { ...result, verdict: "TAMPERED", lines: anchoredLines() };
    }
    result.checks.hash = passed("matches the anchored hash");
    const issuing = document?.issuingCountry ?? (record.documentType === "CITES_IMPORT_PERMIT" ? record.importingCountry : record.exportingCountry);
    // Online, the signer's own membership events decide (a snapshot may be older than the permit).
    const spans = await registry.officerHistory(signer);
    const officers = spans.map((e) => ({ ...e, activeFrom: e.activeFrom.toString(), activeTo: e.activeTo?.toString() }));
    if (!wasActiveIssuer({ officers }, issuing, signer, record.issuedAt)) {
      result.checks.signature = failed(`signed by ${signer}, who was not an active issuer of ${issuing} when the permit was issued`);
      return { ...result, verdict: "UNTRUSTED_SIGNER" };
    }
    result.checks.signature = passed(`signed by ${signer}, an active issuer of ${issuing} at issue`);
    result.lines = result.lines ? result.lines.map((l, i) => ({ ...l, exported: exportedOf(i) })) : anchoredLines();
    result.nonCompliance = history
      .filter((h) => h.event === "NonComplianceRecorded")
      .map((h) => ({ reason: NON_COMPLIANCE[Number(h.details.reason)] ?? "OTHER", officer: h.officer, txHash: h.txHash, blockTime: h.blockTime }));
    const state = await registry.verifyRecord(record, history);
    switch (state) {
      case "USED": result.checks.status = failed("already used at import"); return { ...result, verdict: "ALREADY_USED" };
      case "CANCELLED": result.checks.status = failed("cancelled by the issuing country"); return { ...result, verdict: "CANCELLED" };
      case "REPLACED": {
        const replaced = history.find((h) => h.event === "PermitReplaced");
        result.replacementId = replaced?.details.replacementId as Hex | undefined;
        result.checks.status = failed(`replaced by ${result.replacementId}`);
        return { ...result, verdict: "REPLACED" };
      }
      case "EXPIRED": result.checks.status = failed("past its last day of validity"); return { ...result, verdict: "EXPIRED" };
      case "ISSUED": case "ENDORSED":
        result.checks.status = passed(state === "ENDORSED" ? "export endorsed; not yet used" : "issued; not yet endorsed or used");
        return result;
      default:
        result.checks.status = failed(`the chain's record does not match its events (${state})`);
        return { ...result, verdict: "TAMPERED" };
    }
  } catch (err) {
    const decoded = decodeRegistryError(err);
    if (decoded instanceof ChainUnreachableError) {
      const fallback = options.trustList ? offline({ ...result, mode: "offline" }, options.trustList, document, signer, now) : undefined;
      return {
        ...result,
        verdict: "CHAIN_UNREACHABLE",
        checks: { ...(fallback?.checks ?? result.checks), status: skipped("the chain could not be reached; retry, or rely on the offline checks") },
        trustList: fallback?.trustList,
        error: decoded.message,
      };
    }
    throw decoded;
  }
}

function offline(result: VerificationResult, trustList: TrustListSnapshot | undefined, document: PermitDocument | undefined, signer: Address, now: bigint): VerificationResult {
  result.checks.hash = skipped("offline: the anchored hash is not checked");
  result.checks.status = skipped("offline: the live lifecycle state is not known");
  if (!trustList) {
    result.checks.signature = skipped("no trust list to check the signer against");
    return { ...result, verdict: "UNTRUSTED_SIGNER" };
  }
  result.trustList = { blockNumber: trustList.blockNumber, blockTime: trustList.blockTime, ageSeconds: Number(now - BigInt(trustList.blockTime)) };
  if (!document) {
    result.checks.signature = skipped("reference-mode QR: the document is not in the code, so only an online check can tell");
    return { ...result, verdict: "UNTRUSTED_SIGNER" };
  }
  // Offline the signing time is unknown: the signature covers chain id, registry, permit id and
  // document hash, no time, and the document's issue date is a day the clerk typed (a paper permit
  // signed last week may be anchored today; online, the anchoring block's time decides). So accept
  // an issuer of the issuing country active at some moment from the start of the issue day (UTC)
  // up to the trust list's own time. A span that starts after the issue day counts: an officer
  // registered later could equally have signed a permit dated today, so accepting it gives a forger
  // nothing. A span that ended before the issue day does not: a removed officer's key still cannot
  // vouch for a permit dated after the removal.
  const endOfIssueDay = endOfDayUtc(document.issuedOn);
  const listTime = BigInt(trustList.blockTime);
  // A permit dated after the list was taken: the issue day itself (a span still open in the list covers it).
  const until = listTime > endOfIssueDay ? listTime : endOfIssueDay;
  const activeSinceIssueDay = wasActiveIssuerDuring(trustList, document.issuingCountry, signer, endOfIssueDay - 86_399n, until);
  if (!activeSinceIssueDay) {
    result.checks.signature = failed(`signed by ${signer}, who was not an active issuer of ${document.issuingCountry} on or after ${document.issuedOn} per the trust list (block ${trustList.blockNumber})`);
    return { ...result, verdict: "UNTRUSTED_SIGNER" };
  }
  result.checks.signature = passed(`signed by ${signer}, an active issuer of ${document.issuingCountry} on or after ${document.issuedOn} (trust list of block ${trustList.blockNumber})`);
  if (now > endOfDayUtc(document.validUntil)) {
    result.checks.status = failed("past its last day of validity");
    return { ...result, verdict: "EXPIRED" };
  }
  return result;
}
