/** /api/v1/permits: thin handlers over PermitService (parse, call, answer). */
import { createHash } from "node:crypto";
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { renderQrPng, renderQrSvg } from "../../sdk/qr";
import { ConflictError, InvalidRequestError, PayloadTooLargeError } from "../http/errors";
import { problem, toProblem } from "../http/problem";
import { renderPermitPdf } from "../pdf";
import type { PermitService } from "../domain/permits";
import { InvalidCursorError, PERMIT_STATUSES, type Store } from "../store";
import { cancelBody, endorsementBody, nonComplianceBody } from "./lifecycleBodies";
import { handler, officerOf, parseRequest, type AuditLocals } from "./middleware";

export const MAX_BATCH = 500;

/** GET /permits's query: a comma-separated list of statuses (any case), text to search, page size, cursor. */
const listQuery = z.object({
  status: z
    .string()
    .transform((s) => s.toUpperCase().split(",").map((p) => p.trim()))
    .pipe(z.array(z.enum(PERMIT_STATUSES, { error: `a status is one of ${PERMIT_STATUSES.join(", ")}` })))
    .optional(),
  q: z.string().max(200).optional(),
  limit: z
    .string()
    .regex(/^\d+$/, "a whole number from 1 to 500")
    .transform(Number)
    .pipe(z.number().int().min(1, "at least 1").max(500, "at most 500"))
    .optional(),
  cursor: z.string().max(1000).optional(),
});

export function permitRoutes(deps: { permits: PermitService; store: Store; logError?: (message: string, context: Record<string, unknown>) => void }): Router {
  const { permits, store } = deps;
  const router = Router();
  /** Requests under way, by officer and Idempotency-Key: a concurrent retry waits for the first answer. */
  const inFlight = new Map<string, { requestHash: string; answer: Promise<{ status: number; body: unknown }> }>();

  /** Answers a stored (or just computed) response again, as the replay of an earlier request. */
  const replay = (res: Response, answer: { status: number; body: unknown }) => {
    res.setHeader("Idempotent-Replayed", "true");
    // Audited as a replay (nothing was done again), about the permit the stored answer names.
    const permitId = (answer.body as { permitId?: unknown } | null)?.permitId;
    res.locals.audit = { permitId: typeof permitId === "string" ? permitId : null, detail: { replayed: true } } satisfies AuditLocals;
    const self = (answer.body as { links?: { self?: unknown } } | null)?.links?.self;
    if (answer.status === 201 && typeof self === "string") res.location(self);
    return res.status(answer.status).json(answer.body);
  };

  /**
   * Idempotency-Key: the same key and body answer the stored response (also while the first
   * request is still running: the retry waits for it); the same key with another body is a 409.
   */
  async function idempotent(req: Request, res: Response, fn: () => Promise<{ status: number; body: unknown; keep?: false }>) {
    const key = req.header("idempotency-key");
    const officer = officerOf(res);
    if (!key) {
      const r = await fn();
      return res.status(r.status).json(r.body);
    }
    if (key.length > 200) throw new InvalidRequestError("Idempotency-Key is longer than 200 characters.");
    const requestHash = createHash("sha256").update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body)}`).digest("hex");
    const slot = `${officer.id}\n${key}`;
    const running = inFlight.get(slot);
    if (running) {
      if (running.requestHash !== requestHash) throw new ConflictError("This Idempotency-Key is in use for a different request.");
      return replay(res, await running.answer);
    }
    const stored = await store.getIdempotency(key, officer.id);
    if (stored) {
      if (stored.requestHash !== requestHash) throw new ConflictError("This Idempotency-Key was used for a different request.");
      return replay(res, { status: stored.responseStatus, body: stored.responseBody });
    }
    const answer = (async () => {
      const r = await fn();
      // A batch with an item that failed unexpectedly is not kept: a retry with the same key sends that item again.
      if (r.keep === false) return r;
      const kept = await store.putIdempotency({ key, officerId: officer.id, requestHash, responseStatus: r.status, responseBody: r.body as never });
      return { status: kept.responseStatus, body: kept.responseBody };
    })();
    inFlight.set(slot, { requestHash, answer });
    try {
      const r = await answer;
      res.status(r.status).json(r.body);
    } finally {
      inFlight.delete(slot);
    }
  }

  router.post(
    "/",
    handler(async (req, res) => {
      const officer = officerOf(res);
      await idempotent(req, res, async () => {
        if (req.body && typeof req.body === "object" && Array.isArray((req.body as { permits?: unknown }).permits)) {
          const list = (req.body as { permits: unknown[] }).permits;
          if (list.length === 0) throw new InvalidRequestError("`permits` is empty.");
          if (list.length > MAX_BATCH) throw new PayloadTooLargeError(undefined, { details: `At most ${MAX_BATCH} permits per request.` } as never);
          const results = [];
          for (const [i, r] of (await permits.issueMany(officer, list)).entries()) {
            if (r.ok) {
              results.push({ index: i, status: 201, permit: r.view });
              continue;
            }
            const mapped = toProblem(r.error);
            if (!mapped) {
              // The others may be stored and queued already: this one's answer, not the request's, is a 500.
              deps.logError?.(`POST /permits: item ${i} of a batch failed unexpectedly`, { err: r.error, requestId: res.locals.requestId });
              results.push({ index: i, status: 500, problem: problem(500, "This permit was not accepted because of an unexpected error (logged on the service); it was not stored. Send it again (the same Idempotency-Key may be used: this answer is not kept).") });
              continue;
            }
            results.push({ index: i, status: mapped.problem.status, problem: mapped.problem });
          }
          // Audited one entry per permit: who issued which one, and which were refused.
          res.locals.audit = {
            items: results.map((r) => {
              const number = (list[r.index] as { permitNumber?: unknown } | null)?.permitNumber;
              return { permitId: r.permit?.permitId ?? null, result: r.status, detail: { batchIndex: r.index, ...(typeof number === "string" && { permitNumber: number }) } };
            }),
          } satisfies AuditLocals;
          const ok = results.filter((r) => r.status === 201).length;
          const answer = { status: ok === results.length ? 201 : 207, body: { accepted: ok, rejected: results.length - ok, results } };
          // Permits already accepted are found again by number (409 on a retry); the failed ones are worth retrying.
          return results.some((r) => r.status >= 500) ? { ...answer, keep: false as const } : answer;
        }
        const view = await permits.issue(officer, req.body);
        res.locals.audit = { permitId: view.permitId };
        res.location(view.links.self);
        return { status: 201, body: view };
      });
    }),
  );

  router.get(
    "/",
    handler(async (req, res) => {
      const officer = officerOf(res);
      const query = parseRequest(listQuery, req.query, "query");
      const page = await store
        .listPermits({ involvingCountry: officer.country, status: query.status, search: query.q?.trim() || undefined, limit: query.limit ?? 50, cursor: query.cursor })
        .catch((err: unknown) => {
          // A cursor this store did not hand out is a malformed query, like the other parameters.
          if (err instanceof InvalidCursorError) throw new InvalidRequestError("The query is not valid.", [{ path: "cursor", rule: "cursor", message: err.shortMessage }], { cause: err });
          throw err;
        });
      const items = page.items.map((p) => ({
          permitId: p.permitId, permitNumber: p.permitNumber, issuingCountry: p.issuingCountry, documentType: p.docType,
          exportingCountry: p.exportingCountry, importingCountry: p.importingCountry, validUntil: p.validUntil,
          status: p.status, failureReason: p.failureReason, createdAt: p.createdAt,
        }));
      res.json({ items, nextCursor: page.nextCursor });
    }),
  );

  // Permit ids are hex: 0xDE7D… is the permit 0xde7d… (as stored).
  router.param("id", (req, _res, next, id: string) => {
    if (/^0x[0-9a-fA-F]{64}$/.test(id)) req.params.id = id.toLowerCase();
    next();
  });

  router.get("/:id", handler(async (req, res) => void res.json(await permits.viewFor(officerOf(res), req.params.id as string))));

  router.get(
    "/:id/qr.png",
    handler(async (req, res) => {
      const png = await renderQrPng(await permits.qrTextFor(officerOf(res), req.params.id as string), { ecc: "M" } as never);
      res.type("png").send(png);
    }),
  );
  router.get(
    "/:id/qr.svg",
    handler(async (req, res) => {
      res.type("image/svg+xml").send(await renderQrSvg(await permits.qrTextFor(officerOf(res), req.params.id as string)));
    }),
  );
  router.get(
    "/:id/pdf",
    handler(async (req, res) => {
      const { view, qrText } = await permits.viewAndQrTextFor(officerOf(res), req.params.id as string);
      const endorsed = view.history.find((h) => h.event === "ExportEndorsed");
      const pdf = await renderPermitPdf({
        document: view.document,
        qrText,
        permitId: view.permitId,
        status: view.status === "FAILED" || view.status === "PENDING" ? undefined : (view.status as never),
        statusAsOf: new Date(),
        replaces: view.replaces ? (view.replaces.permitNumber ?? view.replaces.permitId) : undefined,
        txHash: view.txHash ?? undefined,
        exportEndorsement: endorsed
          ? {
              quantities: view.lines.map((l) => l.exported ?? undefined),
              date: endorsed.at ?? undefined,
              officer: endorsed.officer ?? undefined,
              transportDocument: view.exportShipment?.transportDocument ?? undefined,
              port: view.exportShipment?.port ?? undefined,
            }
          : undefined,
      });
      res.type("application/pdf").setHeader("Content-Disposition", `inline; filename="${view.permitNumber.replace(/[^A-Za-z0-9._-]/g, "_")}.pdf"`);
      res.send(pdf);
    }),
  );

  router.post(
    "/:id/endorsements",
    handler(async (req, res) => {
      const body = parseRequest(endorsementBody, req.body);
      const view = await permits.endorse(officerOf(res), req.params.id as string, body);
      res.locals.audit = { permitId: view.permitId, txHash: view.history.at(-1)?.txHash, detail: { transportDocument: body.transportDocument ?? null, port: body.port ?? null } };
      res.status(201).json(view);
    }),
  );
  router.post(
    "/:id/use",
    handler(async (req, res) => {
      const view = await permits.use(officerOf(res), req.params.id as string);
      res.locals.audit = { permitId: view.permitId, txHash: view.history.at(-1)?.txHash };
      res.json(view);
    }),
  );
  router.post(
    "/:id/cancel",
    handler(async (req, res) => {
      const { reason } = parseRequest(cancelBody, req.body);
      const view = await permits.cancel(officerOf(res), req.params.id as string, reason);
      res.locals.audit = { permitId: view.permitId, txHash: view.history.at(-1)?.txHash, detail: { reason } };
      res.json(view);
    }),
  );
  router.post(
    "/:id/replace",
    handler(async (req, res) => {
      const view = await permits.replace(officerOf(res), req.params.id as string, req.body);
      // About the permit replaced (as a refused attempt is), naming its replacement.
      res.locals.audit = { txHash: view.txHash ?? undefined, detail: { replacementPermitId: view.permitId } } satisfies AuditLocals;
      res.status(201).location(view.links.self).json(view);
    }),
  );
  router.post(
    "/:id/non-compliance",
    handler(async (req, res) => {
      const body = parseRequest(nonComplianceBody, req.body);
      const view = await permits.recordNonCompliance(officerOf(res), req.params.id as string, body.reason);
      res.locals.audit = { permitId: view.permitId, txHash: view.history.at(-1)?.txHash, detail: { reason: body.reason, note: body.note ?? null } };
      res.status(201).json(view);
    }),
  );
  return router;
}
