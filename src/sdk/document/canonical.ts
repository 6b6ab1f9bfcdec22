/**
 * The canonical form of a permit document: JSON Canonicalization Scheme (RFC 8785), produced by
 * the `canonicalize` package (keys sorted by UTF-16 code units, no whitespace, ECMAScript number
 * text, strings escaped minimally so non-ASCII stays literal), then encoded as UTF-8.
 */
import canonicalize from "canonicalize";
import { DocumentNotCanonicalizableError } from "./errors";
import type { PermitDocument } from "./schema";

const utf8 = new TextEncoder();

/**
 * The RFC 8785 canonical JSON text of `document`.
 *
 * @example
 * canonicalJson({ b: 1, a: "ü" }); // '{"a":"ü","b":1}'
 * @throws {DocumentNotCanonicalizableError} NaN, Infinity, bigint, cycles, or no JSON value at all
 */
export function canonicalJson(document: PermitDocument): string {
  let text: string | undefined;
  try {
    text = canonicalize(document);
  } catch (cause) {
    throw new DocumentNotCanonicalizableError(cause);
  }
  if (text === undefined) throw new DocumentNotCanonicalizableError(new TypeError("the document is not a JSON value"));
  return text;
}

/**
 * The bytes that are hashed: UTF-8 of `canonicalJson(document)`.
 *
 * @throws {DocumentNotCanonicalizableError} see `canonicalJson`
 */
export function canonicalBytes(document: PermitDocument): Uint8Array {
  return utf8.encode(canonicalJson(document));
}
