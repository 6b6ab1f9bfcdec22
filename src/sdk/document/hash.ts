/**
 * The document hash anchored on chain: `keccak256(salt ‖ utf8(JCS(document)))`. The QR code and
 * the contracts rely on exactly this definition; see docs/document-hashing.md.
 */
import { bytesToHex, hexToBytes, isHex, type Hex } from "viem";
import { keccak256 } from "../crypto";
import { canonicalBytes } from "./canonical";
import { InvalidSaltError, SecureRandomUnavailableError } from "./errors";
import type { PermitDocument } from "./schema";

/** A salt is 32 bytes: enough that nobody can confirm a guessed document against its public hash. */
export const SALT_BYTES = 32;

/**
 * Draws a fresh 32-byte salt from the platform's CSPRNG (`crypto.getRandomValues`).
 *
 * @example
 * const salt = newSalt(); // "0x9f1c…" (66 characters)
 * @throws {SecureRandomUnavailableError} when the runtime has no Web Crypto
 */
export function newSalt(): Hex {
  const random = globalThis.crypto?.getRandomValues?.bind(globalThis.crypto);
  if (!random) throw new SecureRandomUnavailableError();
  return bytesToHex(random(new Uint8Array(SALT_BYTES)));
}

/**
 * Checks that `salt` is 0x-prefixed hex of exactly 32 bytes.
 *
 * @throws {InvalidSaltError}
 */
export function assertSalt(salt: unknown): asserts salt is Hex {
  if (typeof salt !== "string" || !isHex(salt, { strict: true }) || salt.length !== 2 + 2 * SALT_BYTES) {
    throw new InvalidSaltError(salt);
  }
}

/**
 * The document hash: `keccak256(salt_bytes ‖ utf8(canonicalize(document)))`.
 *
 * @example
 * const salt = newSalt();
 * const hash = documentHash(document, salt); // anchor `hash`; keep `salt` with the document
 * @throws {InvalidSaltError} salt is not 32 bytes of hex
 * @throws {DocumentNotCanonicalizableError} the document holds a non-JSON value
 */
export function documentHash(document: PermitDocument, salt: Hex): Hex {
  assertSalt(salt);
  const text = canonicalBytes(document);
  const bytes = new Uint8Array(SALT_BYTES + text.length);
  bytes.set(hexToBytes(salt), 0);
  bytes.set(text, SALT_BYTES);
  return keccak256(bytes);
}
