/**
 * Problem details for HTTP APIs (RFC 9457) and the one error middleware that maps every typed
 * error to an honest status. Routes never build error bodies themselves: they throw.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { InvalidPermitDocumentError } from "../../sdk/document/errors";
import { causedBy } from "../../sdk/errors";
import {
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  type RequestIssue,
} from "./errors";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** A problem+json body. `type` is a URI reference to the problem's documentation. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Field-level reasons, for 400 and 422. */
  errors?: readonly RequestIssue[];
  /** The request's id, to quote when reporting a problem. */
  requestId?: string;
  [extension: string]: unknown;
};

/** Problem types: relative URI references (resolved against the API origin), one per status, so clients can branch on `type`. */
export const PROBLEM_TYPES = {
  400: "/problems/invalid-request",
  401: "/problems/unauthenticated",
  403: "/problems/forbidden",
  404: "/problems/not-found",
  409: "/problems/conflict",
  413: "/problems/payload-too-large",
  415: "/problems/unsupported-media-type",
  422: "/problems/invalid-document",
  429: "/problems/rate-limited",
  500: "/problems/internal",
  503: "/problems/chain-unreachable",
} as const;

const TITLES: Record<number, string> = {
  400: "Invalid request",
  401: "Unauthenticated",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Invalid document",
  429: "Too many requests",
  500: "Internal server error",
  503: "Service unavailable",
};

/** What an SDK or store error's `kind` means over HTTP. */
const KIND_STATUS = { forbidden: 403, conflict: 409, notFound: 404, invalid: 422 } as const;

/** Builds a problem body; `status` picks the default `type` and `title`. */
export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: (PROBLEM_TYPES as Record<number, string>)[status] ?? "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...extra,
  };
}

/** Sends a problem with the right status and content type. */
export function sendProblem(res: Response, body: Problem): void {
  const requestId = res.locals.requestId as string | undefined;
  res
    .status(body.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(requestId && !body.requestId ? { ...body, requestId } : body));
}

/** Where the middleware reports unexpected errors. */
export type ErrorLogger = { error(message: string, context: Record<string, unknown>): void };

const message = (err: unknown) => (err as { shortMessage?: string }).shortMessage ?? (err as Error).message;

/** The typed mapping; `undefined` for an error nothing here knows (→ 500). */
export function toProblem(err: unknown): { problem: Problem; headers?: Record<string, string> } | undefined {
  if (err instanceof InvalidPermitDocumentError) {
    return { problem: problem(422, message(err), { errors: err.issues.map(({ path, rule, message }) => ({ path, rule, message })) }) };
  }
  if (err instanceof InvalidRequestError) return { problem: problem(400, err.shortMessage, err.issues.length ? { errors: err.issues } : {}) };
  if (err instanceof UnauthenticatedError) return { problem: problem(401, err.shortMessage), headers: { "WWW-Authenticate": 'Bearer realm="permit-registry"' } };
  if (err instanceof ForbiddenError) return { problem: problem(403, err.shortMessage) };
  if (err instanceof NotFoundError) return { problem: problem(404, err.shortMessage) };
  if (err instanceof ConflictError) return { problem: problem(409, err.shortMessage) };
  if (err instanceof PayloadTooLargeError) return { problem: problem(413, err.details ? `${err.shortMessage} ${err.details}` : err.shortMessage) };
  if (err instanceof UnsupportedMediaTypeError) return { problem: problem(415, err.shortMessage) };
  if (err instanceof RateLimitedError) {
    return { problem: problem(429, err.shortMessage), headers: { "Retry-After": String(Math.max(1, Math.ceil(err.retryAfterSeconds))) } };
  }
  if (err instanceof Error && causedBy(err, "ChainUnreachableError")) {
    return { problem: problem(503, "The chain could not be reached; nothing was changed. Retry in a moment."), headers: { "Retry-After": "5" } };
  }
  // The router could not percent-decode a path parameter (`/permits/%zz`).
  if (err instanceof URIError && (err as { status?: unknown }).status === 400) {
    return { problem: problem(400, `The path is not valid: ${err.message.replace(/^Failed to decode param/, "cannot percent-decode")}. Send permit and officer ids as they were given (permit ids are 0x followed by 64 hex digits).`) };
  }
  const parserProblem = bodyParserProblem(err);
  if (parserProblem) return { problem: parserProblem };
  const kinded = findKind(err);
  if (kinded) {
    // A conflict over a permit that exists (a duplicate number) names it, so a client can fetch it.
    const existing = (kinded.error as { permitId?: unknown }).permitId;
    return { problem: problem(KIND_STATUS[kinded.kind], message(kinded.error), kinded.kind === "conflict" && typeof existing === "string" ? { permitId: existing } : {}) };
  }
  return undefined;
}

/**
 * express.json() (body-parser) failures carry a `type` and a 4xx `status`, except a compressed body
 * that does not decompress: that is zlib's own error (`Z_DATA_ERROR`, ...) with status 400.
 */
function bodyParserProblem(err: unknown): Problem | undefined {
  const e = err as { type?: unknown; status?: unknown; limit?: unknown; body?: unknown; encoding?: unknown; code?: unknown } | null;
  if (!e || typeof e.status !== "number") return undefined;
  if (e.type === undefined && e.status === 400 && typeof e.code === "string" && /^(Z_|ERR__ERROR_)/.test(e.code)) {
    return problem(400, `The request body could not be decompressed (${(err as Error).message}): send it uncompressed, or compressed as its Content-Encoding says.`);
  }
  if (typeof e.type !== "string") return undefined;
  switch (e.type) {
    case "entity.parse.failed": {
      const scalar = jsonScalar(e.body);
      return problem(400, scalar ? `The request body must be a JSON object, not ${scalar}.` : "The request body is not valid JSON.");
    }
    case "entity.too.large":
      return problem(413, typeof e.limit === "number" ? `The request body is larger than ${e.limit} bytes.` : "The request body is too large.");
    case "encoding.unsupported":
      return problem(415, typeof e.encoding === "string" ? `The content encoding "${e.encoding}" is not supported: send the body uncompressed, or as gzip, deflate or br.` : (err as Error).message);
    case "charset.unsupported":
      return problem(415, (err as Error).message);
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
      return problem(400, (err as Error).message);
    default:
      return undefined;
  }
}

/**
 * What a body that body-parser's strict mode refused is, when it is JSON all the same (`null`,
 * `"x"`, `42`): "null", "a string", ...; `undefined` when it is not JSON.
 */
function jsonScalar(body: unknown): string | undefined {
  if (typeof body !== "string") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (value === null) return "null";
  return typeof value === "object" ? undefined : `a ${typeof value}`;
}

/** The first error in the `cause` chain with a `kind` the API maps (SDK contract reverts, store conflicts). */
function findKind(err: unknown): { kind: keyof typeof KIND_STATUS; error: unknown } | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 8; depth++) {
    const kind = (current as { kind?: unknown }).kind;
    if (typeof kind === "string" && Object.hasOwn(KIND_STATUS, kind)) return { kind: kind as keyof typeof KIND_STATUS, error: current };
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

/**
 * The error middleware: register it last. Unknown errors become a 500 with a generic detail and are
 * logged in full (the body never leaks internals).
 * @example
 * app.use(notFoundHandler());
 * app.use(errorMiddleware({ logger }));
 */
export function errorMiddleware(options: { logger: ErrorLogger }): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const mapped = toProblem(err);
    if (mapped) {
      for (const [name, value] of Object.entries(mapped.headers ?? {})) res.setHeader(name, value);
      return sendProblem(res, mapped.problem);
    }
    const requestId = res.locals.requestId as string | undefined;
    options.logger.error("Unhandled error while serving a request", { err, method: req.method, path: req.originalUrl, requestId });
    sendProblem(res, problem(500, "An unexpected error occurred. It has been logged; quote the request id when reporting it."));
  };
}

/** Answers any request no route matched with a 404 problem. */
export function notFoundHandler(): RequestHandler {
  return (req, res) => sendProblem(res, problem(404, `No resource at ${req.method} ${req.path}.`));
}
