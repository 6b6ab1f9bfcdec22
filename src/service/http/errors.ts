/**
 * The service's own failures, one per HTTP status that means something to a caller. Routes and
 * domain services throw these; the error middleware (`problem.ts`) turns them into problem+json.
 */
import { PermitRegistryError, type PermitRegistryErrorOptions } from "../../sdk/errors";

/** No token, or one that opens nothing → 401. */
export class UnauthenticatedError extends PermitRegistryError {
  override readonly name = "UnauthenticatedError" as const;

  constructor(shortMessage = "A valid bearer token is required.", options?: PermitRegistryErrorOptions) {
    super(shortMessage, options);
  }
}

/** Authenticated, but the role or country does not allow this → 403. */
export class ForbiddenError extends PermitRegistryError {
  override readonly name = "ForbiddenError" as const;

  constructor(shortMessage = "Your role or country does not allow this.", options?: PermitRegistryErrorOptions) {
    super(shortMessage, options);
  }
}

/** The named resource does not exist → 404. */
export class NotFoundError extends PermitRegistryError {
  override readonly name = "NotFoundError" as const;

  constructor(shortMessage = "Not found.", options?: PermitRegistryErrorOptions) {
    super(shortMessage, options);
  }
}

/** The request contradicts the current state (duplicate, second endorsement, reused key, ...) → 409. */
export class ConflictError extends PermitRegistryError {
  override readonly name = "ConflictError" as const;

  constructor(shortMessage: string, options?: PermitRegistryErrorOptions) {
    super(shortMessage, options);
  }
}

/** The body exceeds what this endpoint accepts → 413. */
export class PayloadTooLargeError extends PermitRegistryError {
  override readonly name = "PayloadTooLargeError" as const;
  readonly limitBytes?: number;

  constructor(limitBytes?: number, options?: PermitRegistryErrorOptions) {
    super(limitBytes === undefined ? "The request body is too large." : `The request body is larger than ${limitBytes} bytes.`, options);
    this.limitBytes = limitBytes;
  }
}

/** A request body in a media type (or content encoding) the endpoint does not read → 415. */
export class UnsupportedMediaTypeError extends PermitRegistryError {
  override readonly name = "UnsupportedMediaTypeError" as const;

  constructor(shortMessage: string, options?: PermitRegistryErrorOptions) {
    super(shortMessage, options);
  }
}

/** Too many requests; `retryAfterSeconds` goes into the `Retry-After` header → 429. */
export class RateLimitedError extends PermitRegistryError {
  override readonly name = "RateLimitedError" as const;
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, options?: PermitRegistryErrorOptions) {
    super(`Too many requests; retry after ${retryAfterSeconds} s.`, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** One reason a request (other than a permit document) is unacceptable. */
export type RequestIssue = { path: string; rule: string; message: string };

/** The request is not what the endpoint takes (malformed query, body of the wrong shape) → 400. */
export class InvalidRequestError extends PermitRegistryError {
  override readonly name = "InvalidRequestError" as const;
  readonly issues: readonly RequestIssue[];

  constructor(shortMessage: string, issues: readonly RequestIssue[] = [], options?: PermitRegistryErrorOptions) {
    super(shortMessage, { ...options, meta: { ...options?.meta, issues } });
    this.issues = issues;
  }
}
