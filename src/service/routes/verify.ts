/**
 * POST /api/v1/verify — public. `{ "qr": "<text or URL>" }`, or multipart with an `image` field.
 * Unreadable input is a 200 with verdict MALFORMED (400 only for a malformed request body).
 */
import { Router } from "express";
import multer from "multer";
import { rateLimit } from "express-rate-limit";
import { readPermit, verifyReading, type PermitReading, type TrustListSnapshot, type VerificationResult, type VerifyInput, type VerifyReader } from "../../sdk/verify";
import { InvalidRequestError, PayloadTooLargeError, RateLimitedError } from "../http/errors";
import { handler } from "./middleware";

export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

/** The result as JSON text, bigints (block numbers and times) as decimal strings. */
const jsonText = (r: VerificationResult) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

/** An upload multer refused is the caller's problem: 413 for a too large image, 400 otherwise (not a 500). */
function uploadProblem(err: multer.MulterError): Error {
  if (err.code === "LIMIT_FILE_SIZE") return new PayloadTooLargeError(MAX_IMAGE_BYTES, { cause: err });
  return new InvalidRequestError(`The upload is not acceptable: ${err.message}${err.field ? ` (field ${err.field})` : ""}. Send one image in the \`image\` field.`, [], { cause: err });
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
        handler: (_req, _res, next, options) => next(new RateLimitedError(Math.ceil(options.windowMs / 1000))),
      }),
    );
  }
  router.post(
    "/",
    (req, res, next) =>
      req.is("multipart/form-data")
        ? upload.single("image")(req, res, (err?: unknown) => next(err instanceof multer.MulterError ? uploadProblem(err) : err))
        : next(),
    handler(async (req, res) => {
      let input: string | Uint8Array;
      if (req.file) input = new Uint8Array(req.file.buffer);
      else if (req.body && typeof req.body === "object" && typeof (req.body as { qr?: unknown }).qr === "string") input = (req.body as { qr: string }).qr;
      else throw new InvalidRequestError('Send `{ "qr": "<QR text or verify URL>" }` as JSON, or a multipart form with an `image` field.');
      const result = await verifyReading(await read(input), { registry: deps.reader, trustList: deps.trustList() });
      // Written directly: an answer to a POST is never revalidated, so express's ETag (a hash of
      // every body) would be work for nothing on the busiest endpoint.
      const body = jsonText(result);
      res.status(200).setHeader("Content-Type", "application/json; charset=utf-8");
      res.setHeader("Content-Length", Buffer.byteLength(body));
      res.end(body);
    }),
  );
  return router;
}
