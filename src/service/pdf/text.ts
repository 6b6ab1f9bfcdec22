/**
 * Turning untrusted document fields into printable text: no control or bidi-override characters,
 * NFC, whitespace collapsed, bounded length. Layout clamping (wrap + ellipsis) happens in the
 * renderer; this bound only keeps the line breaker's work small.
 */
import { COUNTRIES, isCodeOf } from "../../sdk/document";

/** No field is laid out beyond this many characters (the schema allows 2,000 for long texts). */
export const MAX_FIELD_CHARS = 600;

// C0/C1 controls, and bidi embeddings/overrides/isolates and marks: an "RLO" could make a permit
// number read differently on paper than in the data.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Printable single-paragraph text: `""` for nullish input. */
export function clean(value: unknown, max = MAX_FIELD_CHARS): string {
  if (value === undefined || value === null) return "";
  const text = String(value).normalize("NFC").replace(UNPRINTABLE, "").replace(/\s+/g, " ").trim();
  return truncate(text, max);
}

/** Cuts to `max` characters (never inside a surrogate pair), ending with "…". */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, Math.max(0, max - 1)).join("") + "…";
}

/** "JP Japan"; an unknown code is printed as given. */
export function countryLabel(code: unknown): string {
  const c = clean(code, 8);
  if (!c) return "";
  return isCodeOf(COUNTRIES, c) ? `${c} ${COUNTRIES[c]}` : c;
}

/** Just the country name ("Japan"), or the code when unknown. */
export function countryName(code: unknown): string {
  const c = clean(code, 8);
  return isCodeOf(COUNTRIES, c) ? COUNTRIES[c] : c;
}

/** A decimal quantity without float noise or exponent: 14.5 → "14.5", 18400 → "18400". */
export function formatQuantity(value: number | bigint): string {
  if (typeof value === "bigint") return value.toString();
  if (!Number.isFinite(value)) return String(value);
  const fixed = value.toFixed(3).replace(/\.?0+$/, "");
  return fixed === "-0" ? "0" : fixed;
}

/** "2026-11-20 09:14:05 UTC" from a Date or unix seconds (bigint or number, as block times). */
export function formatTimestamp(value: Date | bigint | number): string {
  const date = value instanceof Date ? value : new Date(Number(value) * 1000);
  if (Number.isNaN(date.getTime())) return "";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
