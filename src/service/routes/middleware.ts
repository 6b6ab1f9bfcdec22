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
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new InvalidRequestError(
    `The ${what} is not valid.`,
    r.error.issues.flatMap((i): { path: string; rule: string; message: string }[] =>
      // A field the request does not have: named one by one, as the document's own unknown keys are.
      i.code === "unrecognized_keys"
        ? i.keys.map((key) => ({ path: [...i.path, key].map(String).join("."), rule: i.code, message: "is not a field of this request" }))
        : [{ path: i.path.map(String).join("."), rule: i.code, message: i.message }],
    ),
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
 * Writes one audit entry per state-changing request once the answer is sent: who, role, country,
 * what, when, request id, result status, transaction hash. A refused request reads like a
 * successful one (the same action, the permit it was about): its path is taken at the start,
 * because express has reset `req.baseUrl` and `req.params` by the time an error is answered.
 */
export function auditTrail(store: Store, log: (msg: string) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const path = pathOf(req.originalUrl);
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || path.replace(/\/$/, "").endsWith("/verify")) return next();
    res.on("finish", () => {
      const officer = res.locals.officer as OfficerRecord | undefined;
      const audit = (res.locals.audit ?? {}) as { permitId?: string; txHash?: `0x${string}`; detail?: unknown };
      store
        .appendAudit({
          requestId: String(res.locals.requestId),
          officerId: officer?.id ?? null,
          role: officer?.role ?? null,
          country: officer?.country ?? null,
          action: actionOf(req.method, path, req.route?.path),
          permitId: audit.permitId ?? permitIdInPath(path),
          result: res.statusCode,
          txHash: audit.txHash ?? null,
          detail: (audit.detail ?? null) as never,
        })
        .catch((err) => log(`audit: could not record ${req.method} ${path}: ${(err as Error).message}`));
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
