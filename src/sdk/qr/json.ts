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
 * otherwise expand a small payload exponentially). A `"__proto__"` key is defined as an own
 * property, so it stays data. The error's path (`document.items[1].quantity`) is only built on
 * failure: this runs on every verification.
 */
export function cborToJson(value: unknown, path: string, budget: { nodes: number }): JsonValue {
  const trail: (string | number | symbol)[] = [];
  try {
    return convert(value, budget, trail);
  } catch (err) {
    if (err === NOT_JSON) throw new NotJsonError(path + trail.map((k) => (typeof k === "number" ? `[${k}]` : k === KEY ? "{key}" : `.${String(k)}`)).join(""));
    throw err;
  }
}

const NOT_JSON = Symbol("not JSON");
/** Marks a non-text key in the trail. */
const KEY = Symbol("key");

/** On failure `trail` holds the path to the offending value (segments are pushed on the way down and left in place on a throw). */
function convert(value: unknown, budget: { nodes: number }, trail: (string | number | symbol)[]): JsonValue {
  if (--budget.nodes < 0 || trail.length > MAX_DOCUMENT_DEPTH) throw NOT_JSON;
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw NOT_JSON;
    return value;
  }
  if (Array.isArray(value)) {
    const array: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      trail.push(i);
      array[i] = convert(value[i], budget, trail);
      trail.pop();
    }
    return array;
  }
  if (value instanceof Map) {
    const object: JsonObject = {};
    for (const [key, item] of value) {
      if (typeof key !== "string") {
        trail.push(KEY);
        throw NOT_JSON;
      }
      trail.push(key);
      const converted = convert(item, budget, trail);
      trail.pop();
      if (key === "__proto__") Object.defineProperty(object, key, { value: converted, enumerable: true, writable: true, configurable: true });
      else object[key] = converted;
    }
    return object;
  }
  throw NOT_JSON;
}
