/**
 * The trust list (who was an active officer of which country, as of a block), saved on the device
 * so the verify page can still check a permit's signature with no network.
 */
import { api } from "./api";
import type { TrustList } from "./types";

const KEY = "permit-registry.trust-list";

export type SavedTrustList = { savedAt: string; list: TrustList };

export function savedTrustList(): SavedTrustList | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as SavedTrustList) : undefined;
  } catch {
    return undefined;
  }
}

/** Fetches the current list and saves it; keeps the saved one when the registry cannot be reached. */
export async function refreshTrustList(): Promise<SavedTrustList | undefined> {
  try {
    const list = await api<TrustList>("/trust-list", { token: null });
    const saved = { savedAt: new Date().toISOString(), list };
    localStorage.setItem(KEY, JSON.stringify(saved));
    return saved;
  } catch {
    return savedTrustList();
  }
}
