/**
 * A permit as the commands take it: its id (0x and 64 hex digits), or its permit number, the way a
 * clerk knows it. A number is looked up in the permits the caller's country may see
 * (GET /permits?q=…), matched exactly.
 */
import type { ApiClient } from "./api";
import { AmbiguousPermitNumberError, PermitNumberNotFoundError, UsageError, type PermitSummary } from "./errors";

const PERMIT_ID = /^0x[0-9a-fA-F]{64}$/;
/** The list endpoint's longest `q`; a permit number (at most 32 bytes) is far shorter. */
const MAX_QUERY = 200;

export const isPermitId = (ref: string) => PERMIT_ID.test(ref.trim());

/**
 * The permit id `ref` names. A number several countries' permits share is the one the caller's
 * country issued; failing that it is ambiguous.
 *
 * @example
 * const id = await resolvePermitRef(api, "LK/DWC/2026/2005"); // → "0x6c1f…"
 */
export async function resolvePermitRef(api: ApiClient, ref: string): Promise<string> {
  const value = ref.trim();
  if (isPermitId(value)) return value;
  if (!value) throw new UsageError("Give a permit id (0x…) or a permit number.");
  const matches = await permitsNumbered(api, value);
  if (matches.length === 1) return matches[0]!.permitId;
  if (matches.length === 0) throw new PermitNumberNotFoundError(value);
  const { body: me } = await api.get<{ country: string }>("/me");
  const own = matches.find((p) => p.issuingCountry === me.country);
  if (own) return own.permitId;
  throw new AmbiguousPermitNumberError(value, matches, me.country);
}

/** The search matches the number anywhere, in any case; keep only the permits numbered exactly `permitNumber`. */
async function permitsNumbered(api: ApiClient, permitNumber: string): Promise<PermitSummary[]> {
  if (!permitNumber || permitNumber.length > MAX_QUERY) return [];
  const found: PermitSummary[] = [];
  let cursor: string | undefined;
  do {
    const { body } = await api.get<{ items: PermitSummary[]; nextCursor: string | null }>("/permits", { query: { q: permitNumber, limit: 500, cursor } });
    found.push(...body.items.filter((p) => p.permitNumber === permitNumber));
    cursor = body.nextCursor ?? undefined;
  } while (cursor);
  return found;
}
