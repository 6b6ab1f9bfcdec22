import type { Address } from "viem";
import type { RegistryClient, TrustListEntry } from "../chain/client";

/**
 * A snapshot of the registry's officers for offline verification: who was an active officer of
 * which country, from when to when, as of a block. Serialisable to JSON (bigints as strings).
 * `verify` indexes its `officers` array on first use, so treat a loaded snapshot as immutable
 * (load a new one rather than editing the array in place).
 */
export type TrustListSnapshot = {
  format: "permit-registry/trust-list@1";
  chainId: number;
  registry: Address;
  blockNumber: string;
  blockTime: string;
  takenAt: string;
  officers: { country: string; role: TrustListEntry["role"]; address: Address; activeFrom: string; activeTo?: string }[];
};

/** Takes a snapshot of the trust list from the chain (standard eth_getLogs only). */
export async function exportTrustList(registry: RegistryClient, chainId: number): Promise<TrustListSnapshot> {
  const { entries, blockNumber, blockTime } = await registry.trustList();
  return {
    format: "permit-registry/trust-list@1",
    chainId,
    registry: registry.address,
    blockNumber: blockNumber.toString(),
    blockTime: blockTime.toString(),
    takenAt: new Date().toISOString(),
    officers: entries.map((e) => ({
      country: e.country,
      role: e.role,
      address: e.address,
      activeFrom: e.activeFrom.toString(),
      ...(e.activeTo !== undefined ? { activeTo: e.activeTo.toString() } : {}),
    })),
  };
}

/** True when `address` was an active issuer of `country` at unix time `at` per the snapshot. */
export function wasActiveIssuer(snapshot: Pick<TrustListSnapshot, "officers">, country: string, address: Address, at: bigint): boolean {
  return wasActiveIssuerDuring(snapshot, country, address, at, at);
}

type Span = { from: bigint; to?: bigint };
/** Issuer spans by `country:address` (lower case), built once per officers array. */
const issuerIndexes = new WeakMap<readonly object[], Map<string, Span[]>>();

function issuerSpans(snapshot: Pick<TrustListSnapshot, "officers">, country: string, address: Address): Span[] {
  let index = issuerIndexes.get(snapshot.officers);
  if (!index) {
    index = new Map();
    for (const o of snapshot.officers) {
      if (o.role !== "ISSUER") continue;
      const key = `${o.country}:${o.address.toLowerCase()}`;
      const spans = index.get(key) ?? [];
      spans.push({ from: BigInt(o.activeFrom), ...(o.activeTo !== undefined ? { to: BigInt(o.activeTo) } : {}) });
      index.set(key, spans);
    }
    issuerIndexes.set(snapshot.officers, index);
  }
  return index.get(`${country}:${address.toLowerCase()}`) ?? [];
}

/**
 * True when `address` was an active issuer of `country` at some moment in `[from, to]` (unix
 * seconds, inclusive; a span's end is exclusive) per the snapshot. Offline verification asks
 * about the span from the start of the permit's issue day to the snapshot's own time: the signing
 * time is not in the signature, and the issue date is known only to the day.
 */
export function wasActiveIssuerDuring(snapshot: Pick<TrustListSnapshot, "officers">, country: string, address: Address, from: bigint, to: bigint): boolean {
  return issuerSpans(snapshot, country, address).some((s) => s.from <= to && (s.to === undefined || from < s.to));
}
