/**
 * Conversions between driver values and records (SQLite gives numbers, PostgreSQL BIGINT as text),
 * and the pieces of statements that take a list of values.
 */
import type { JsonValue } from "./types";

/** `?, ?, ?`: one placeholder per value, for `IN (…)` (never called with none: `IN ()` is not valid SQL on PostgreSQL; see `inList`). */
export const placeholders = (values: readonly unknown[]): string => values.map(() => "?").join(", ");
/** `column IN (?, ?)` for these values (its parameters: the values), or `1 = 0` for none: an empty list matches nothing. */
export const inList = (column: string, values: readonly unknown[]): string => (values.length ? `${column} IN (${placeholders(values)})` : "1 = 0");
/** `values` in lists of at most `size` (statements have a limit on parameters; an `IN` list stays a page long). */
export function* chunks<T>(values: readonly T[], size = 500): Generator<T[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size);
}

export const toNumber = (value: unknown): number => (typeof value === "number" ? value : Number(value));
export const toNumberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : toNumber(value));
export const toBigInt = (value: unknown): bigint => (typeof value === "bigint" ? value : BigInt(value as string | number));
export const toBool = (value: unknown): boolean => value === 1 || value === true || value === "1";
export const parseJson = (value: unknown): JsonValue => JSON.parse(String(value)) as JsonValue;
export const parseJsonOrNull = (value: unknown): JsonValue | null => (value === null || value === undefined ? null : parseJson(value));
export const str = <T extends string = string>(value: unknown): T => value as T;
export const strOrNull = <T extends string = string>(value: unknown): T | null => (value === null || value === undefined ? null : (value as T));
