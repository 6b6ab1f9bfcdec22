/**
 * Officers' bearer tokens. A token is 32 random bytes, base64url, prefixed `prt_` (so a leaked one is
 * easy to recognise in logs and secret scanners). Only its SHA-256 hash is stored: a copy of the
 * database does not let anyone act as an officer.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { MalformedTokenError } from "./errors";

export const TOKEN_PREFIX = "prt_";
const TOKEN_PATTERN = /^prt_[A-Za-z0-9_-]{43}$/;

export type GenerateTokenReturnType = {
  /** Shown to the officer once; never stored. */
  token: string;
  /** What the store keeps (`officers.token_hash`): lowercase hex SHA-256 of the token. */
  tokenHash: string;
};

/**
 * Draws a new bearer token.
 * @example
 * const { token, tokenHash } = generateToken();
 * await store.insertOfficer({ ..., tokenHash });
 */
export function generateToken(): GenerateTokenReturnType {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

/** Whether `token` has the shape of one of ours (cheap check before any lookup). */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** SHA-256 of the token as lowercase hex: the lookup key in `officers.token_hash`. */
export function hashToken(token: string): string {
  if (!isWellFormedToken(token)) throw new MalformedTokenError();
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Compares a presented token against a stored hash in constant time; malformed tokens are `false`. */
export function verifyToken(token: string, storedHash: string): boolean {
  if (!isWellFormedToken(token) || !/^[0-9a-f]{64}$/.test(storedHash)) return false;
  const presented = createHash("sha256").update(token, "utf8").digest();
  return timingSafeEqual(presented, Buffer.from(storedHash, "hex"));
}

/**
 * The token from an `Authorization: Bearer <token>` header, or `undefined` when there is no such
 * header (the caller answers 401 either way; this only separates "missing" from "malformed").
 * @throws {MalformedTokenError} when a Bearer credential is present but not one of our tokens.
 */
export function parseBearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) return undefined;
  const token = match[1]!;
  if (!isWellFormedToken(token)) throw new MalformedTokenError();
  return token;
}
