/**
 * POST /api/v1/verify — public. `{ "qr": "<text or URL>" }`, or multipart with an `image` field.
 * Unreadable input is a 200 with verdict MALFORMED (400 only for a malformed request body).
 *
 * Two doors to one answer: the express route below does everything, and {@link verifyFastPath}
 * — in front of express, for the common JSON request — answers from the store's mirror alone:
 * in a helper process that serves the connection (workers/connectionServer.ts), or on the service's
 * thread by handing the QR text to a helper; whatever it cannot answer goes on to the route.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Router } from "express";
import multer from "multer";
import { rateLimit, type AugmentedRequest } from "express-rate-limit";
import { readPermit, verifyReading, type PermitReading, type TrustListSnapshot, type VerifyInput, type VerifyReader } from "../../sdk/verify";
import { qrOfRequestBody, verificationJson, type MirrorAnswer } from "../domain/verification";
import { InvalidRequestError, PayloadTooLargeError, RateLimitedError } from "../http/errors";
import { PROBLEM_CONTENT_TYPE, problem } from "../http/problem";
import { acceptBody, handler, requestIdOf } from "./middleware";

export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

/**
 * An upload multer refused is the caller's problem: 413 for a too large image, 400 otherwise (not a
 * 500). Besides its own MulterErrors, multer passes on busboy's plain errors for a body that is not
 * a multipart form ("Multipart: Boundary not found", "Unexpected end of form", "Malformed part
 * header"); with memory storage nothing else fails there.
 */
function uploadProblem(err: unknown): unknown {
  if (err instanceof multer.MulterError) {
    if (err.code === "LIMIT_FILE_SIZE") return new PayloadTooLargeError(MAX_IMAGE_BYTES, { cause: err });
    return new InvalidRequestError(`The upload is not acceptable: ${err.message}${err.field ? ` (field ${err.field})` : ""}. Send one image in the \`image\` field.`, [], { cause: err });
  }
  if (err instanceof Error) {
    return new InvalidRequestError(`The multipart body could not be read: ${err.message}. Send a multipart/form-data body (with its boundary) holding one image in the \`image\` field.`, [], { cause: err });
  }
  return err;
}

export function verifyRoutes(deps: {
  reader: VerifyReader;
  trustList: () => TrustListSnapshot | undefined;
  ratePerMinute: number;
  /** Reads permits off the main thread (a ReadPool); on the main thread when absent or when it fails. */
  read?: (input: VerifyInput) => Promise<PermitReading>;
}): Router {
  const read = deps.read ? (input: VerifyInput) => deps.read!(input).catch(() => readPermit(input)) : readPermit;
  const router = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMAGE_BYTES, files: 1 } });
  if (deps.ratePerMinute > 0) {
    router.use(
      rateLimit({
        windowMs: 60_000,
        limit: deps.ratePerMinute,
        standardHeaders: "draft-8",
        legacyHeaders: false,
        // Until this client's window resets (what the `RateLimit` header's `t=` says), not the whole window.
        handler: (req, _res, next, options) => {
          const resetTime = (req as AugmentedRequest)[options.requestPropertyName]?.resetTime;
          next(new RateLimitedError(Math.max(1, Math.ceil(resetTime ? (resetTime.getTime() - Date.now()) / 1000 : options.windowMs / 1000))));
        },
      }),
    );
  }
  router.post(
    "/",
    acceptBody(["application/json", "multipart/form-data"], 'JSON (`{ "qr": "<QR text or verify URL>" }`), or multipart/form-data with an `image` field'),
    (req, res, next) =>
      req.is("multipart/form-data")
        ? upload.single("image")(req, res, (err?: unknown) => next(err === undefined ? undefined : uploadProblem(err)))
        : next(),
    handler(async (req, res) => {
      const input = req.file ? new Uint8Array(req.file.buffer) : qrOfRequestBody(req.body);
      if (input === undefined) throw new InvalidRequestError('Send `{ "qr": "<QR text or verify URL>" }` as JSON, or a multipart form with an `image` field.');
      const result = await verifyReading(await read(input), { registry: deps.reader, trustList: deps.trustList() });
      writeAnswer(res, verificationJson(result));
    }),
  );
  return router;
}

/**
 * Written directly: an answer to a POST is never revalidated, so express's ETag (a hash of every
 * body) would be work for nothing on the busiest endpoint.
 */
function writeAnswer(res: ServerResponse, body: string, status = 200, contentType = "application/json; charset=utf-8"): void {
  res.statusCode = status;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}

/** A request whose body the fast path read: parsed (`body`, for express) and as it came (`rawBody`, to pass it on). */
export type ReadBody = { body?: unknown; rawBody?: Buffer };

const VERIFY_PATHS = new Set(["/api/v1/verify", "/api/v1/verify/"]);

/** A JSON body in UTF-8 (what express.json reads without converting), not compressed. */
function plainJson(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  if (type === undefined || req.headers["content-encoding"] !== undefined) return false;
  const [media, ...params] = type.toLowerCase().split(";").map((p) => p.trim());
  return media === "application/json" && params.every((p) => !p.startsWith("charset=") || p === "charset=utf-8");
}

/**
 * POST /verify's common case without express (whose routing costs several times what the rest of
 * the service's thread does for a verification): a JSON body `{ "qr": ... }` of a known length up
 * to `limitBytes` goes to `mirror` (the read pool), and its answer is written as is. Everything
 * else, and every request the mirror cannot answer alone or whose helper failed, goes on to `next`
 * (express) with the parsed body in `req.body`, so the answer is the route's. Not for a service
 * with a rate limit on /verify (the limiter lives in express).
 *
 * @example
 * http.createServer((req, res) => fast(req, res, () => app(req, res)));
 */
export function verifyFastPath(deps: { mirror: (qr: string) => Promise<MirrorAnswer>; limitBytes: number }) {
  return (req: IncomingMessage & ReadBody, res: ServerResponse, next: () => void): void => {
    const length = Number(req.headers["content-length"]);
    if (req.method !== "POST" || !VERIFY_PATHS.has(req.url!) || !plainJson(req) || !(length > 0 && length <= deps.limitBytes)) return next();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", () => res.destroy());
    req.on("end", () => {
      let body: unknown;
      req.rawBody = Buffer.concat(chunks);
      try {
        body = JSON.parse(req.rawBody.toString("utf8"));
      } catch {
        const requestId = requestIdOf(req.headers["x-request-id"]);
        res.setHeader("X-Request-Id", requestId);
        return writeAnswer(res, JSON.stringify({ ...problem(400, "The request body is not valid JSON."), requestId }), 400, PROBLEM_CONTENT_TYPE);
      }
      req.body = body; // express.json finds the body read and leaves it
      const qr = qrOfRequestBody(body);
      if (qr === undefined) return next();
      deps.mirror(qr).then(
        (answer) => {
          if (!("answer" in answer)) return next();
          res.setHeader("X-Request-Id", requestIdOf(req.headers["x-request-id"]));
          writeAnswer(res, answer.answer);
        },
        () => next(), // the helper failed or died: the route answers on the service's thread
      );
    });
  };
}
