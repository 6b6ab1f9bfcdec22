/**
 * The express app: thin routes over the domain services, one error middleware. Everything it
 * needs is passed in (no module-level state), so tests build it around real parts.
 */
import express, { type Express } from "express";
import expressStaticGzip from "express-static-gzip";
import type { PermitReading, TrustListSnapshot, VerifyInput, VerifyReader } from "../sdk/verify";
import type { ChainGateway } from "./domain/chainGateway";
import type { OfficerService } from "./domain/officers";
import type { PermitService } from "./domain/permits";
import { errorMiddleware, notFoundHandler, problem, sendProblem } from "./http/problem";
import type { Store } from "./store";
import { officerView } from "./domain/officers";
import { acceptBody, auditTrail, authenticate, handler, officerOf, requestId } from "./routes/middleware";
import { docsPage, openApiDocument } from "./routes/openapi";
import { auditRoutes, officerRoutes } from "./routes/officers";
import { permitRoutes } from "./routes/permits";
import { reportRoutes } from "./routes/reports";
import { verifyRoutes } from "./routes/verify";

export type AppDeps = {
  store: Store;
  chain: ChainGateway;
  permits: PermitService;
  officers: OfficerService;
  trustList: () => TrustListSnapshot | undefined;
  /** Where online verification reads (the service's mirror of the chain); the chain itself if absent. */
  verifyReader?: VerifyReader;
  outboxDepth: () => Promise<number>;
  /** How far the indexer has recorded the chain's events (the mirror verifications and histories are read from). */
  indexer?: () => { lastBlock?: bigint; lastSyncFailed: boolean };
  /** Static web pages (src/web), if built. */
  webDir?: string;
  /** Reads permits for POST /verify off the main thread (the read pool); on it when absent. */
  readPermit?: (input: VerifyInput) => Promise<PermitReading>;
  /** POST /verify requests per minute per client; 0 = unlimited. */
  verifyRatePerMinute?: number;
  log: { info(msg: string): void; error(msg: string, ctx?: Record<string, unknown>): void };
};

/** The largest JSON request body (1 MiB). */
export const JSON_LIMIT_BYTES = 1024 * 1024;

/** What the endpoints behind a token read: JSON only (a body of another media type is a 415, not a request without one). */
const JSON_BODY = ["application/json"];

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(requestId());
  app.use(express.json({ limit: JSON_LIMIT_BYTES }));
  // An empty body is no body (express.json reads it as `{}`): the routes then say it is missing.
  app.use((req, _res, next) => {
    if (req.headers["content-length"] === "0") req.body = undefined;
    next();
  });
  app.use(auditTrail(deps.store, (m) => deps.log.error(m)));

  app.get("/openapi.json", (_req, res) => void res.json(openApiDocument));
  app.get("/docs", (_req, res) => void res.type("html").send(docsPage()));
  app.get(
    "/api/v1/health",
    handler(async (_req, res) => {
      try {
        const [head] = await Promise.all([deps.chain.publicClient.getBlockNumber(), deps.store.ping()]);
        const indexer = deps.indexer?.();
        res.json({
          status: "ok", chainId: deps.chain.chainId, headBlock: Number(head), outboxDepth: await deps.outboxDepth(), registry: deps.chain.deployment.registry.address,
          ...(indexer && { indexedBlock: indexer.lastBlock === undefined ? null : Number(indexer.lastBlock), indexerFailing: indexer.lastSyncFailed }),
        });
      } catch (err) {
        sendProblem(res, problem(503, `Not ready: ${(err as Error).message.split("\n")[0]}`));
      }
    }),
  );
  app.get("/api/v1/trust-list", (_req, res) => {
    const list = deps.trustList();
    if (!list) return sendProblem(res, problem(503, "The trust list is not ready yet."));
    res.json(list);
  });
  // Who a token belongs to: the web pages show the officer's name, role and country after sign-in.
  app.get("/api/v1/me", authenticate(deps.store), (_req, res) => void res.json(officerView(officerOf(res))));
  app.use("/api/v1/verify", verifyRoutes({ reader: deps.verifyReader ?? deps.chain.verifyReader, trustList: deps.trustList, ratePerMinute: deps.verifyRatePerMinute ?? 0, read: deps.readPermit }));
  app.use("/api/v1/permits", authenticate(deps.store), acceptBody(JSON_BODY), permitRoutes({ permits: deps.permits, store: deps.store, logError: (m, ctx) => deps.log.error(m, ctx) }));
  app.use("/api/v1/officers", authenticate(deps.store), acceptBody(JSON_BODY), officerRoutes({ officers: deps.officers }));
  app.use("/api/v1/audit", authenticate(deps.store), auditRoutes({ store: deps.store }));
  app.use("/api/v1/reports", authenticate(deps.store), reportRoutes({ store: deps.store }));
  // The upper-case QR form (docs/qr-format.md) opens /VERIFY: the same page (a browser keeps the
  // #fragment, the payload, across the redirect).
  // Relative, so that a path prefix a reverse proxy adds is kept.
  if (deps.webDir) app.get(/^\/verify\/?$/i, (req, res, next) => (req.path === "/verify" ? next() : res.redirect(301, req.path.endsWith("/") ? "../verify" : "verify")));
  // The pages' scripts precompressed by the build (brotli, gzip) to browsers that accept them.
  if (deps.webDir) app.use(expressStaticGzip(deps.webDir, { enableBrotli: true, orderPreference: ["br", "gzip"], index: "index.html", serveStatic: { index: "index.html", extensions: ["html"] } }));
  app.use(notFoundHandler());
  app.use(errorMiddleware({ logger: { error: (m, ctx) => deps.log.error(m, ctx) } }));
  return app;
}
