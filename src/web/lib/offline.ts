/**
 * Offline verification in the page: the SDK's own verify function with only a trust list (no
 * chain), so the signature and validity dates are checked exactly as the service checks them.
 * Bundled on its own as /js/offline.js without code splitting (scripts/build-web.mjs), so that
 * the lazy imports inside it (viem loads the curve on demand) are part of that one file: once the
 * page has loaded it, nothing more needs the network.
 */
import { verify, type TrustListSnapshot } from "../../sdk/verify";
import type { TrustList, Verification } from "./types";

export async function verifyOffline(text: string, trustList: TrustList): Promise<Verification> {
  const result = await verify(text, { trustList: trustList as TrustListSnapshot });
  return JSON.parse(JSON.stringify(result, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as Verification;
}
