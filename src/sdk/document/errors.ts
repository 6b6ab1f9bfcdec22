import { PermitRegistryError } from "../errors";
import type { ValidationIssue } from "./validate";

/** The input is not a valid permit document (or, `what`, another input checked by its rules, such as an endorsement); `issues` lists every rule it breaks. */
export class InvalidPermitDocumentError extends PermitRegistryError {
  override readonly name = "InvalidPermitDocumentError" as const;
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], what = "permit document") {
    const first = issues[0];
    const summary = first ? `${first.path || "(document)"}: ${first.message} [${first.rule}]` : "no details";
    super(`Invalid ${what} (${issues.length} issue${issues.length === 1 ? "" : "s"}): ${summary}`, {
      details: issues.map((issue) => `- ${issue.path || "(document)"} [${issue.rule}] ${issue.message}`).join("\n"),
      meta: { issues },
    });
    this.issues = issues;
  }
}

/** Why a quantity cannot be stored as fixed-point thousandths. */
export type InvalidQuantityReason = "quantity.finite" | "quantity.nonNegative" | "quantity.maxDecimals3" | "quantity.max";

/** A quantity that cannot be converted to exact fixed-point thousandths. */
export class InvalidQuantityError extends PermitRegistryError {
  override readonly name = "InvalidQuantityError" as const;
  readonly quantity: number;
  readonly reason: InvalidQuantityReason;

  constructor(quantity: number, reason: InvalidQuantityReason) {
    const why: Record<InvalidQuantityReason, string> = {
      "quantity.finite": "is not a finite number",
      "quantity.nonNegative": "is negative",
      "quantity.maxDecimals3": "has more than 3 decimals",
      "quantity.max": "is larger than 999999999999.999",
    };
    super(`Quantity ${String(quantity)} ${why[reason]}; it cannot be stored as exact thousandths.`, {
      meta: { quantity: String(quantity), reason },
    });
    this.quantity = quantity;
    this.reason = reason;
  }
}

/** A fixed-point value outside the quantity range (negative or above 999999999999999 thousandths). */
export class FixedPointOutOfRangeError extends PermitRegistryError {
  override readonly name = "FixedPointOutOfRangeError" as const;
  readonly value: bigint;

  constructor(value: bigint) {
    super(`Fixed-point quantity ${value} is outside 0 … 999999999999999 thousandths.`, {
      meta: { value: value.toString() },
    });
    this.value = value;
  }
}

/** The salt is not a 0x-prefixed hex string of exactly 32 bytes. */
export class InvalidSaltError extends PermitRegistryError {
  override readonly name = "InvalidSaltError" as const;

  constructor(salt: unknown) {
    super(`Salt must be 32 bytes as 0x-prefixed hex (66 characters); got ${JSON.stringify(String(salt)).slice(0, 80)}.`, {
      details: "Create one with newSalt() and store it with the document: the hash cannot be re-computed without it.",
      meta: { salt: String(salt) },
    });
  }
}

/** The document holds a value JSON cannot represent (NaN, Infinity, bigint, a cycle, ...). */
export class DocumentNotCanonicalizableError extends PermitRegistryError {
  override readonly name = "DocumentNotCanonicalizableError" as const;

  constructor(cause: unknown) {
    super("The document cannot be serialised as canonical JSON (RFC 8785).", {
      cause,
      details: cause instanceof Error ? cause.message : undefined,
    });
  }
}

/** No `crypto.getRandomValues` in this runtime, so no salt can be drawn safely. */
export class SecureRandomUnavailableError extends PermitRegistryError {
  override readonly name = "SecureRandomUnavailableError" as const;

  constructor() {
    super("crypto.getRandomValues is not available in this runtime; cannot create a salt.");
  }
}
