/** Human forms of codes, dates, hashes and quantities, from the SDK's own code lists. */
import { COUNTRIES, DOCUMENT_TYPES, UNITS } from "../../sdk/document";

export function country(code: string | null | undefined): string {
  if (!code) return "—";
  const name = (COUNTRIES as Record<string, string>)[code];
  return name ? `${name} (${code})` : code;
}

export function documentType(code: string): string {
  return (DOCUMENT_TYPES as Record<string, string>)[code] ?? code;
}

/** A unix time in seconds (number, string or bigint) or an ISO string → "2026-11-20 14:03 UTC". */
export function dateTime(value: string | number | bigint | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const asNumber = typeof value === "string" && !/^\d+$/.test(value) ? NaN : Number(value);
  const date = Number.isFinite(asNumber) ? new Date(asNumber * 1000) : new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function shortHex(hex: string | null | undefined): string {
  if (!hex) return "—";
  return hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-6)}` : hex;
}

export function quantity(value: number | null | undefined, unit?: string): string {
  if (value === null || value === undefined) return "—";
  const label = unit ? ((UNITS as Record<string, string>)[unit] ? unit : unit) : "specimens";
  return `${value.toLocaleString("en")} ${label}`;
}

/** "ExportEndorsed" → "Export endorsed". */
export function eventName(event: string): string {
  const words = event.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function ageOf(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} seconds`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} hours`;
  return `${Math.round(seconds / 86400)} days`;
}

/** Box 14 as customs gave it at export ("AWB 724-1234, port ZRH"), or "" if nothing was given. */
export function shipment(value: { transportDocument: string | null; port: string | null } | null | undefined): string {
  if (!value) return "";
  return [value.transportDocument, value.port && `port ${value.port}`].filter(Boolean).join(", ");
}
