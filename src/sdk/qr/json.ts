/**
 * The permit document inside a FULL payload is plain JSON carried as native CBOR (maps with text
 * keys, arrays, text, numbers, booleans, null). These helpers keep it exactly that in both
 * directions, so `documentHash(document, salt)` is the same before encoding and after decoding.
 */

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A permit document (or any JSON object); its schema is `document/`'s business, not the QR layer's. */
export type JsonObject = { [key: string]: JsonValue };

/** Deeper nesting than this is refused both ways; permit documents nest 3–4 levels. */
export const MAX_DOCUMENT_DEPTH = 32;

/** Returns a path like `document.items[1].quantity` of the first non-JSON value, or `undefined`. */
export function findNonJson(value: unknown, path: string, depth = 0): string | undefined {
  if (depth > MAX_DOCUMENT_DEPTH) return path;
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findNonJson(value[i], `${path}[${i}]`, depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return path;
    for (const [key, item] of Object.entries(value)) {
      const bad = findNonJson(item, `${path}.${key}`, depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  return path;
}

/** Thrown internally by {@link cborToJson}; `payload.ts` turns it into a `MalformedQrPayloadError`. */
export class NotJsonError {
  constructor(readonly path: string) {}
}

/**
 * Converts a decoded CBOR item (maps as `Map`) to JSON, throwing `NotJsonError` for anything else:
 * non-text keys, byte strings, tags that decode to objects, bigints, NaN/±Infinity, nesting deeper
 * than `MAX_DOCUMENT_DEPTH`, or more than `budget.nodes` values in all (shared references could
 * otherwise expand a small payload exponentially). Keys are defined as own properties, so a
 * `"__proto__"` key stays data.
 */
export function cborToJson(value: unknown, path: string, budget: { nodes: number }, depth = 0): JsonValue {
  if (--budget.nodes < 0 || depth > MAX_DOCUMENT_DEPTH) throw new NotJsonError(path);
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new NotJsonError(path);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => cborToJson(item, `${path}[${i}]`, budget, depth + 1));
  if (value instanceof Map) {
    const object: JsonObject = {};
    for (const [key, item] of value) {
      if (typeof key !== "string") throw new NotJsonError(`${path}{key}`);
      Object.defineProperty(object, key, {
        value: cborToJson(item, `${path}.${key}`, budget, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }
  throw new NotJsonError(path);
}
