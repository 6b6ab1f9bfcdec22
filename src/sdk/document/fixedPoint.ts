import { FixedPointOutOfRangeError, InvalidQuantityError } from "./errors";

/** Quantities are stored on chain as integer thousandths of the unit. */
export const QUANTITY_DECIMALS = 3;

/**
 * The largest quantity: 15 significant digits, the most a `number` carries exactly in decimal, so
 * every quantity up to here round-trips through JSON with its 3 decimals intact (beyond about
 * 2^43 two neighbouring thousandths would share one `number`).
 */
export const MAX_QUANTITY = 999_999_999_999.999;

/** `MAX_QUANTITY` in thousandths: fits in a uint64 / uint128 on chain. */
export const MAX_FIXED_POINT = 999_999_999_999_999n;

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/**
 * Splits a non-negative finite number into the digits and exponent of its shortest round-trip
 * decimal form (`String(n)`, the same text JSON and RFC 8785 write): `12.75` → `1275`, `-2`.
 */
function decimalParts(value: number): { digits: string; exponent: number } {
  const match = DECIMAL.exec(String(value));
  if (!match) throw new InvalidQuantityError(value, "quantity.finite"); // unreachable for finite ≥ 0
  const [, integer, fraction = "", exponent = "0"] = match as unknown as [string, string, string?, string?];
  return { digits: integer + fraction, exponent: Number(exponent) - fraction.length };
}

/**
 * Number of decimals of `value` as written in JSON (`14.5` → 1, `0.1 + 0.2` → 17, `1e-7` → 7).
 * For a non-finite value returns `Infinity`.
 */
export function decimalPlaces(value: number): number {
  if (!Number.isFinite(value)) return Infinity;
  return Math.max(0, -decimalParts(Math.abs(value)).exponent);
}

/**
 * Converts a quantity to exact fixed-point thousandths, going through its decimal text so binary
 * floating point never leaks in.
 *
 * @example
 * toFixedPoint(14.5);  // 14500n
 * toFixedPoint(12.75); // 12750n
 * toFixedPoint(0.1 + 0.2); // throws InvalidQuantityError (0.30000000000000004 has 17 decimals)
 * @throws {InvalidQuantityError} not finite, negative, more than 3 decimals, or above MAX_QUANTITY
 */
export function toFixedPoint(quantity: number): bigint {
  if (!Number.isFinite(quantity)) throw new InvalidQuantityError(quantity, "quantity.finite");
  if (quantity < 0) throw new InvalidQuantityError(quantity, "quantity.nonNegative");
  if (decimalPlaces(quantity) > QUANTITY_DECIMALS) throw new InvalidQuantityError(quantity, "quantity.maxDecimals3");
  if (quantity > MAX_QUANTITY) throw new InvalidQuantityError(quantity, "quantity.max");
  const { digits, exponent } = decimalParts(quantity);
  return BigInt(digits) * 10n ** BigInt(exponent + QUANTITY_DECIMALS);
}

/**
 * Converts fixed-point thousandths back to a quantity: `12750n` → `12.75`. Exact: the result is
 * the `number` closest to the decimal value, i.e. the same as writing the literal.
 *
 * @throws {FixedPointOutOfRangeError} negative or above `MAX_FIXED_POINT`
 */
export function fromFixedPoint(value: bigint): number {
  if (value < 0n || value > MAX_FIXED_POINT) throw new FixedPointOutOfRangeError(value);
  // Both operands are exact, and IEEE division rounds correctly, so this is the nearest double.
  return Number(value) / 1000;
}
