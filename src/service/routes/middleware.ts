/** Request ids, bearer-token authentication and the audit trail of state-changing requests. */
import { randomUUID } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import { MalformedTokenError } from "../auth/errors";
import { hashToken, parseBearerToken } from "../auth/tokens";
import { InvalidRequestError, UnauthenticatedError, UnsupportedMediaTypeError } from "../http/errors";
import type { OfficerRecord, Store } from "../store";

/**
 * A request's body or query checked against its schema: the parsed value, or a 400 naming each
 * field that is wrong (`path`, zod's issue `code` as `rule`, `message`).
 */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, what: "request body" | "query" = "request body"): T {
  // No body at all reads as an empty object: the answer then names each field that is required.
  const empty = what === "request body" && value === undefined;
  const r = schema.safeParse(empty ? {} : value, { reportInput: true });
  if (r.success) return r.data;
  throw new InvalidRequestError(
    empty ? "The request body is empty: send a JSON object with the fields named below." : `The ${what} is not valid.`,
    r.error.issues.flatMap((i): { path: string; rule: string; message: string }[] => {
      const path = i.path.map(String).join(".");
      // A field the request does not have: named one by one, as the document's own unknown keys are.
      if (i.code === "unrecognized_keys") return i.keys.map((key) => ({ path: [...i.path, key].map(String).join("."), rule: i.code, message: "is not a field of this request" }));
      // A field it lacks: "is required" (and what it may be), not zod's "expected string, received undefined".
      if (i.path.length > 0 && "input" in i && i.input === undefined && (i.code === "invalid_type" || i.code === "invalid_value")) {
        const values = i.code === "invalid_value" ? i.values.map(String) : [];
        return [{ path, rule: "required", message: values.length ? `is required: one of ${values.join(", ")}` : "is required" }];
      }
      return [{ path, rule: i.code, message: i.message }];
    }),
  );
}

/** The authenticated officer of a request (set by `authenticate`). */
export const officerOf = (res: Response): OfficerRecord => res.locals.officer as OfficerRecord;

/** The caller's `X-Request-Id` (at most 100 characters), or a new one. */
export const requestIdOf = (header: string | string[] | undefined): string => (typeof header === "string" ? header.slice(0, 100) : "") || randomUUID();

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const id = requestIdOf(req.header("x-request-id"));
    res.locals.requestId = id;
    res.setHeader("X-Request-Id", id);
    next();
  };
}

/** Requires `Authorization: Bearer prt_…` of an active officer. */
export function authenticate(store: Store): RequestHandler {
  return async (req, res, next) => {
    try {
      const token = bearerToken(req.header("authorization"));
      if (!token) throw new UnauthenticatedError("Send your officer token as `Authorization: Bearer <token>`.");
      const officer = await store.findOfficerByTokenHash(hashToken(token));
      if (!officer) throw new UnauthenticatedError("The token is not valid (or its officer was removed).");
      res.locals.officer = officer;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** A malformed token opens nothing either: 401, like a missing or unknown one (not a 500). */
function bearerToken(header: string | undefined): string | undefined {
  try {
    return parseBearerToken(header);
  } catch (err) {
    if (err instanceof MalformedTokenError) throw new UnauthenticatedError(`${err.shortMessage} ${err.details ?? ""}`.trim(), { cause: err });
    throw err;
  }
}

/**
 * Refuses a request body of a media type the endpoint does not read (415, naming what to send)
 * rather than letting it be ignored and the request judged as if it had none. A request without a
 * body (no `Content-Length` or `Content-Length: 0`, no `Transfer-Encoding`) passes, whatever its
 * `Content-Type`: steps such as POST /permits/{id}/use take none.
 * @example
 * app.use("/api/v1/permits", authenticate(store), acceptBody(["application/json"]), permitRoutes(deps));
 */
export function acceptBody(types: readonly string[], what = types.join(" or ")): RequestHandler {
  return (req, _res, next) => {
    const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"]) > 0;
    if (!hasBody || (req.method !== "POST" && req.method !== "PUT" && req.method !== "PATCH") || req.is([...types])) return next();
    const media = req.headers["content-type"]?.split(";")[0]!.trim();
    next(new UnsupportedMediaTypeError(`${media ? `The request body is ${media}` : "The request body has no Content-Type"}; send ${what}.`));
  };
}

/** The path of a request URL, without its query. */
const pathOf = (url: string) => url.split("?")[0]!;

/**
 * `POST /api/v1/permits/:id/use`: the method and the matched route under its mount path, or the
 * path when no route matched (an unknown token, a body refused before routing). Works from the
 * request's full path, since express resets `req.baseUrl` when an error leaves a router.
 */
function actionOf(method: string, path: string, route: unknown): string {
  if (typeof route !== "string") return `${method} ${path}`;
  const segments = path.split("/").filter(Boolean);
  const mount = segments.slice(0, segments.length - route.split("/").filter(Boolean).length);
  return `${method} /${mount.join("/")}${route}`;
}

/** The permit a request under /permits/{id} is about, from its path (a hex id in lower case, as stored). */
function permitIdInPath(path: string): string | null {
  const segment = /\/permits\/([^/]+)/.exec(path)?.[1];
  if (segment === undefined) return null;
  let id = segment;
  try {
    id = decodeURIComponent(segment);
  } catch {
    // not percent-encoded text: recorded as sent
  }
  return /^0x[0-9a-fA-F]{64}$/.test(id) ? id.toLowerCase() : id;
}

/**
 * What a route tells the audit trail (`res.locals.audit`) about its request: the permit it was
 * about (by default the one its path names), the transaction and what the request added; or, for
 * a batch, one entry per item (each with its own result).
 */
export type AuditLocals = {
  /** `null`: about no permit. */
  permitId?: string | null;
  txHash?: `0x${string}`;
  detail?: unknown;
  items?: { permitId: string | null; result: number; detail?: unknown }[];
};

/**
 * Writes one audit entry per state-changing request once the answer is sent (one per permit of a
 * batch): who, role, country, what, when, request id, result status, transaction hash. A refused
 * request reads like a successful one (the same action, the permit it was about): its path is
 * taken at the start, because express has reset `req.baseUrl` and `req.params` by the time an
 * error is answered.
 */
export function auditTrail(store: Store, log: (msg: string) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const path = pathOf(req.originalUrl);
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || path.replace(/\/$/, "").endsWith("/verify")) return next();
    res.on("finish", () => {
      const officer = res.locals.officer as OfficerRecord | undefined;
      const audit = (res.locals.audit ?? {}) as AuditLocals;
      const entry = (e: { permitId?: string | null; result: number; txHash?: `0x${string}`; detail?: unknown }) => ({
        requestId: String(res.locals.requestId),
        officerId: officer?.id ?? null,
        role: officer?.role ?? null,
        country: officer?.country ?? null,
        action: actionOf(req.method, path, req.route?.path),
        permitId: e.permitId === undefined ? permitIdInPath(path) : e.permitId,
        result: e.result,
        txHash: e.txHash ?? null,
        detail: (e.detail ?? null) as never,
      });
      const entries = audit.items?.length ? audit.items.map(entry) : [entry({ ...audit, result: res.statusCode })];
      // In order (a batch's entries as its items), each on its own: one that fails is logged, the others are kept.
      void entries.reduce(
        (previous, e) => previous.then(() => store.appendAudit(e).then(() => undefined, (err) => log(`audit: could not record ${req.method} ${path}: ${(err as Error).message}`))),
        Promise.resolve(),
      );
    });
    next();
  };
}

/** Wraps an async handler so its rejection reaches the error middleware. */
export const handler =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };
