import type { Address } from "viem";
import type { RegistryClient, TrustListEntry } from "../chain/client";

/**
 * A snapshot of the registry's officers for offline verification: who was an active officer of
 * which country, from when to when, as of a block. Serialisable to JSON (bigints as strings).
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
  return snapshot.officers.some(
    (o) =>
      o.role === "ISSUER" &&
      o.country === country &&
      o.address.toLowerCase() === address.toLowerCase() &&
      BigInt(o.activeFrom) <= at &&
      (o.activeTo === undefined || at < BigInt(o.activeTo)),
  );
}
