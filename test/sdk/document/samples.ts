/**
 * The 7 sample permits (copies of the domain reference samples), loaded fresh for each use so a
 * test can mutate its copy freely.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PermitDocument } from "../../../src/sdk/document";

const FIXTURES = join(__dirname, "fixtures");

/** Sample names without extension, e.g. `"01-ch-export-python-skins"`. */
export const SAMPLE_NAMES = readdirSync(FIXTURES)
  .filter((file) => file.endsWith(".json"))
  .map((file) => file.replace(/\.json$/, ""))
  .sort();

/** A fresh, mutable copy of sample `name` (a prefix such as `"01"` is enough). */
export function sample(name: string): PermitDocument {
  const match = SAMPLE_NAMES.find((n) => n === name || n.startsWith(`${name}-`));
  if (!match) throw new TypeError(`no sample ${name}`);
  return JSON.parse(readFileSync(join(FIXTURES, `${match}.json`), "utf8")) as PermitDocument;
}

/** The same, typed loosely, for building documents that break a rule on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function looseSample(name: string): any {
  return sample(name);
}
