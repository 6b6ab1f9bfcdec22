/**
 * Base class of every error the SDK throws. After viem's `BaseError`: each failure a caller may
 * need to handle has its own subclass with a literal `name`, a one-line `shortMessage` and the
 * underlying `cause` kept, so callers can branch on `err.name` (or `instanceof`).
 */
export type PermitRegistryErrorOptions = {
  cause?: unknown;
  /** Extra lines of explanation, e.g. what to do next. */
  details?: string;
  /** Structured context (permit id, field path, ...), serialisable to JSON. */
  meta?: Record<string, unknown>;
};

export abstract class PermitRegistryError extends Error {
  abstract override readonly name: string;
  readonly shortMessage: string;
  readonly details?: string;
  readonly meta: Record<string, unknown>;

  constructor(shortMessage: string, options: PermitRegistryErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n\n${options.details}` : shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.meta = options.meta ?? {};
  }

  /** Walks the `cause` chain and returns the first error matching `predicate`. */
  walk(predicate: (err: unknown) => boolean): unknown {
    let current: unknown = this;
    while (current) {
      if (predicate(current)) return current;
      current = current instanceof Error ? current.cause : undefined;
    }
    return undefined;
  }
}

/** Whether `err` or one of its causes (at most 8 deep) is named `name`: a typed error however it was wrapped. */
export function causedBy(err: unknown, name: string): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 8; depth++) {
    if ((current as Error).name === name) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}
