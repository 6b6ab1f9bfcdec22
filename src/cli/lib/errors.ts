/**
 * What can go wrong in a CLI command, one class per failure, each mapped to an exit code by
 * `exitCodeOf` (see docs/cli.md): 1 when the registry answered "no", 2 when the command could not
 * be carried out at all (bad usage, unreadable input, nothing listening at the URL).
 */
import { PermitRegistryError, type PermitRegistryErrorOptions } from "../../sdk/errors";

/** Exit codes of every `permit-registry` command. */
export const EXIT = {
  /** Done; for `verify`, the verdict is VALID. */
  OK: 0,
  /** The registry refused (problem+json answer), a verdict other than VALID, a permit rejected or FAILED. */
  REFUSED: 1,
  /** Usage error, unreadable input, or the service (or chain) could not be reached. */
  USAGE: 2,
} as const;

/** A problem+json body as the service sends it. */
export type Problem = {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: { path: string; rule?: string; message: string }[];
  requestId?: string;
  [extension: string]: unknown;
};

/** Wrong or conflicting options, or an input file that cannot be used → exit 2. */
export class UsageError extends PermitRegistryError {
  override readonly name = "UsageError" as const;
  constructor(shortMessage: string, options?: PermitRegistryErrorOptions) {
    super(shortMessage, options);
  }
}

/** Nothing answered at the service URL (refused, reset, DNS, timeout) → exit 2. */
export class ServiceUnreachableError extends PermitRegistryError {
  override readonly name = "ServiceUnreachableError" as const;
  readonly url: string;
  constructor(url: string, cause: unknown) {
    const reason = networkReason(cause);
    super(`Could not reach the registry service at ${url}${reason ? ` (${reason})` : ""}.`, {
      cause,
      details: "Is the service running? Start it with `npm start` (or pass --url / set PERMIT_REGISTRY_URL).",
      meta: { url },
    });
    this.url = url;
  }
}

/** The service answered with an error status and a problem body → exit 1. */
export class ApiProblemError extends PermitRegistryError {
  override readonly name = "ApiProblemError" as const;
  readonly problem: Problem;
  constructor(problem: Problem, request: string) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`, { meta: { request, problem } });
    this.problem = problem;
  }
}

/** The chain (for `trust-list export --rpc-url`) could not be reached → exit 2. */
export class ChainConnectionError extends PermitRegistryError {
  override readonly name = "ChainConnectionError" as const;
  constructor(rpcUrl: string, cause: unknown) {
    super(`Could not reach the chain at ${rpcUrl}.`, { cause, details: "Check --rpc-url and that the node is running." });
  }
}

/** The command ran but its outcome is a failure that was already reported (e.g. a rejected permit) → exit 1. */
export class OutcomeError extends PermitRegistryError {
  override readonly name = "OutcomeError" as const;
  constructor(shortMessage: string) {
    super(shortMessage);
  }
}

/** No permit the caller's country may see has this number → exit 1, as a 404 for an unknown id. */
export class PermitNumberNotFoundError extends PermitRegistryError {
  override readonly name = "PermitNumberNotFoundError" as const;
  readonly permitNumber: string;
  constructor(permitNumber: string) {
    super(`No permit numbered ${permitNumber} among the permits your country issued, exports or imports.`, {
      details: "Permit numbers are matched exactly, capitals and all; a permit id is 0x and 64 hex digits.",
      meta: { permitNumber },
    });
    this.permitNumber = permitNumber;
  }
}

/** A permit as the number search lists it (GET /permits). */
export type PermitSummary = { permitId: string; permitNumber: string; issuingCountry: string; exportingCountry: string | null; importingCountry: string | null; status: string };

/** Several countries' permits have this number and none is the caller's country's → exit 2: give the id. */
export class AmbiguousPermitNumberError extends PermitRegistryError {
  override readonly name = "AmbiguousPermitNumberError" as const;
  readonly permitNumber: string;
  readonly candidates: PermitSummary[];
  constructor(permitNumber: string, candidates: PermitSummary[], callerCountry: string) {
    const rows = candidates.map((p) => `  ${p.permitId}  issued by ${p.issuingCountry} (${p.exportingCountry ?? "?"} → ${p.importingCountry ?? "?"}), ${p.status}`);
    super(`Permit number ${permitNumber} is ambiguous: ${candidates.length} permits have it, none issued by ${callerCountry}.`, {
      details: `${rows.join("\n")}\nGive the permit id instead.`,
      meta: { permitNumber, permitIds: candidates.map((p) => p.permitId) },
    });
    this.permitNumber = permitNumber;
    this.candidates = candidates;
  }
}

export type CliErrorType =
  | UsageError | ServiceUnreachableError | ApiProblemError | ChainConnectionError | OutcomeError | PermitNumberNotFoundError | AmbiguousPermitNumberError;

export function exitCodeOf(err: unknown): number {
  if (err instanceof ApiProblemError || err instanceof OutcomeError || err instanceof PermitNumberNotFoundError) return EXIT.REFUSED;
  return EXIT.USAGE;
}

/** "connect ECONNREFUSED 127.0.0.1:8080" (or "bad port", "timed out") from fetch's nested causes. */
function networkReason(err: unknown): string | undefined {
  let current: unknown = err;
  let innermost: string | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
    if (e.name === "TimeoutError" || e.name === "AbortError") return "timed out";
    if (typeof e.code === "string" && e.code !== "UND_ERR_SOCKET" && typeof e.message === "string") return e.message;
    if (typeof e.message === "string" && e.message && e.message !== "fetch failed") innermost = e.message;
    current = e.cause;
  }
  return innermost;
}
