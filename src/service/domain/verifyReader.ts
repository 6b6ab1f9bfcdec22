/**
 * Online verification served from the service's mirror of the chain (the indexer's events in the
 * store) instead of several JSON-RPC round trips per request. It answers "as of" the last block the
 * indexer finished, and falls back to the chain for a permit the indexer has not seen yet, so a
 * permit anchored a moment ago is never called NOT_ANCHORED. The verdict logic is the SDK's.
 *
 * The same reader runs in the service (falling back to the chain) and in its verification helper
 * processes (which have no chain: their fallback throws {@link MirrorMissError}, and the service
 * answers that request itself).
 */
import type { Address, Hex } from "viem";
import { ZERO_HASH, unpackTerms, type ChainVerification, type HistoryEntry, type PermitRecord, type TrustListEntry } from "../../sdk/chain";
import type { TrustListSnapshot, VerifyReader } from "../../sdk/verify";
import type { PermitEvent, Store } from "../store";

/** A mirror whose last sync is older than this is not trusted to be current. */
export const MIRROR_MAX_AGE_MS = 10_000;

const big = (v: unknown) => BigInt(v as string | number);
const TERMINAL: Record<string, ChainVerification> = { ImportAccepted: "USED", PermitCancelled: "CANCELLED", PermitReplaced: "REPLACED" };

function toHistory(e: PermitEvent): HistoryEntry {
  const data = { ...(e.data as Record<string, unknown>) };
  if (e.kind === "PermitIssued") {
    data.terms = big(data.terms);
    data.quantities = (data.quantities as string[]).map(big);
  }
  if (e.kind === "ExportEndorsed") data.exported = (data.exported as string[]).map(big);
  return {
    event: e.kind as HistoryEntry["event"],
    officer: e.officerAddress ?? undefined,
    blockNumber: BigInt(e.blockNumber),
    blockTime: BigInt(Math.floor(Date.parse(e.blockTime ?? "1970-01-01") / 1000)),
    txHash: e.txHash,
    logIndex: e.logIndex,
    details: data,
  };
}

/** How current the mirror is: the indexer's last finished block and sync (the Indexer has these fields). */
export type MirrorState = { lastBlock?: bigint; lastBlockTime?: bigint; lastSyncedAt?: number; lastSyncFailed: boolean };

/** Where the reader turns when the mirror cannot answer: the chain's own reader. */
export type MirrorFallback = Pick<VerifyReader, "head" | "history" | "officerHistory">;

/** The mirror cannot answer this verification on its own (a helper process has no chain to ask). */
export class MirrorMissError extends Error {
  override readonly name = "MirrorMissError";
}

/** A fallback for readers without a chain: every question the mirror cannot answer is a {@link MirrorMissError}. */
export const noChainFallback: MirrorFallback = {
  head: () => Promise.reject(new MirrorMissError("the mirror is not current")),
  history: () => Promise.reject(new MirrorMissError("the permit is not indexed yet")),
  officerHistory: () => Promise.reject(new MirrorMissError("the signer is not in the trust-list snapshot")),
};

export class StoreVerifyReader implements VerifyReader {
  constructor(
    private readonly deps: { store: Store; mirror: () => MirrorState; fallback: MirrorFallback; trustList: () => TrustListSnapshot | undefined },
  ) {}

  /**
   * The mirror's block while the indexer keeps up; otherwise the chain's head. When the chain is
   * down that read fails, so the verdict is CHAIN_UNREACHABLE rather than a stale VALID.
   */
  async head() {
    const mirror = this.deps.mirror();
    const current = !mirror.lastSyncFailed && mirror.lastSyncedAt !== undefined && Date.now() - mirror.lastSyncedAt < MIRROR_MAX_AGE_MS;
    return current && mirror.lastBlock !== undefined && mirror.lastBlockTime !== undefined
      ? { blockNumber: mirror.lastBlock, blockTime: mirror.lastBlockTime }
      : this.deps.fallback.head();
  }

  async history(permitId: Hex): Promise<HistoryEntry[]> {
    const events = await this.deps.store.listPermitEvents(permitId);
    if (!events.some((e) => e.kind === "PermitIssued")) return this.deps.fallback.history(permitId); // not indexed yet
    return events.map(toHistory);
  }

  async readRecord(permitId: Hex, history?: HistoryEntry[]): Promise<PermitRecord | undefined> {
    const events = history ?? (await this.history(permitId));
    const issued = events.find((e) => e.event === "PermitIssued");
    if (!issued) return undefined;
    const linked = events.find((e) => e.event === "PermitLinked");
    const endorsed = events.find((e) => e.event === "ExportEndorsed");
    const terms = unpackTerms(issued.details.terms as bigint);
    return {
      permitId,
      documentHash: issued.details.documentHash as Hex,
      ...terms,
      issuedAt: issued.blockTime,
      issuer: issued.officer!,
      importPermitId: (linked?.details.importPermitId as Hex) ?? ZERO_HASH,
      originPermitId: (linked?.details.originPermitId as Hex) ?? ZERO_HASH,
      // Not needed for a verdict; the chain client's readRecord finds it in the issuing transaction.
      replacesPermitId: ZERO_HASH,
      authorised: issued.details.quantities as bigint[],
      exported: (endorsed?.details.exported as bigint[]) ?? [],
    };
  }

  /** The signer's spans from the trust-list snapshot; from the chain if the snapshot doesn't know it. */
  async officerHistory(account: Address): Promise<TrustListEntry[]> {
    const snapshot = this.deps.trustList();
    const spans = snapshot?.officers
      .filter((o) => o.address.toLowerCase() === account.toLowerCase())
      .map((o) => ({ country: o.country, role: o.role, address: o.address, activeFrom: BigInt(o.activeFrom), activeTo: o.activeTo === undefined ? undefined : BigInt(o.activeTo) }));
    return spans && spans.length > 0 ? spans : this.deps.fallback.officerHistory(account);
  }

  /** The lifecycle state as the contract's `verify` view computes it, from the mirrored events. */
  async verifyRecord(record: PermitRecord, history?: HistoryEntry[]): Promise<ChainVerification> {
    const events = history ?? (await this.history(record.permitId));
    const last = [...events].reverse().find((e) => TERMINAL[e.event]);
    if (last) return TERMINAL[last.event];
    const { blockTime } = await this.head();
    if (blockTime > record.validUntil) return "EXPIRED";
    return events.some((e) => e.event === "ExportEndorsed") ? "ENDORSED" : "ISSUED";
  }
}
