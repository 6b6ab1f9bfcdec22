/** Request ids, bearer-token authentication and the audit trail of state-changing requests. */
import { randomUUID } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import { MalformedTokenError } from "../auth/errors";
import { hashToken, parseBearerToken } from "../auth/tokens";
import { InvalidRequestError, UnauthenticatedError } from "../http/errors";
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
    r.error.issues.map((i) => ({ path: i.path.map(String).join("."), rule: i.code, message: i.message })),
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
 * Writes one audit entry per state-changing request once the answer is sent: who, role, country,
 * what, when, request id, result status, transaction hash.
 */
export function auditTrail(store: Store, log: (msg: string) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || req.path.endsWith("/verify")) return next();
    res.on("finish", () => {
      const officer = res.locals.officer as OfficerRecord | undefined;
      const audit = (res.locals.audit ?? {}) as { permitId?: string; txHash?: `0x${string}`; detail?: unknown };
      store
        .appendAudit({
          requestId: String(res.locals.requestId),
          officerId: officer?.id ?? null,
          role: officer?.role ?? null,
          country: officer?.country ?? null,
          action: `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`,
          permitId: audit.permitId ?? (req.params as Record<string, string>).id ?? null,
          result: res.statusCode,
          txHash: audit.txHash ?? null,
          detail: (audit.detail ?? null) as never,
        })
        .catch((err) => log(`audit: could not record ${req.method} ${req.path}: ${(err as Error).message}`));
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
