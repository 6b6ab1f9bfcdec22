/** Option parsers shared by the commands (their errors are usage errors: exit 2). */
import { InvalidArgumentError } from "commander";

export const integer = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${what} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}.`);
  }
  return n;
};

/** `--line 1=100 --line 2=14.5` → [{ line: 1, quantity: 100 }, { line: 2, quantity: 14.5 }]. */
export function collectLine(value: string, previous: { line: number; quantity: number }[] = []) {
  const m = /^\s*(\d+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  const negative = m ? undefined : /^\s*(\d+)\s*=\s*-\s*\d+(?:\.\d+)?\s*$/.exec(value);
  if (negative) throw new InvalidArgumentError(`"${value}": the quantity on line ${negative[1]} must be zero or more, e.g. ${negative[1]}=100 or ${negative[1]}=0.`);
  if (!m) throw new InvalidArgumentError(`"${value}" must be LINE=QUANTITY, e.g. 1=100 or 2=14.5.`);
  return [...previous, { line: Number(m[1]), quantity: Number(m[2]) }];
}
