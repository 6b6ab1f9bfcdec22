/**
 * The HTTP server of a read-pool process that serves connections (ReadPool.handOff): the service's
 * thread accepts each connection and hands it over unread, so the process parses its requests,
 * answers POST /verify's common case from the mirror (`verifyFastPath`, as the service's thread
 * would), and passes every other request (and every verification the mirror cannot answer alone) on
 * to the service's own listener on loopback, with the caller's address appended to
 * `X-Forwarded-For` (the service trusts loopback proxies), streaming both bodies.
 *
 * Why: handing each verification from the service's thread to a helper and back over IPC cost
 * about as much CPU as answering it; with the helpers owning the connections a verification never
 * crosses a process boundary (docs/service-benchmark.md).
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import type { MirrorAnswer } from "../domain/verification";
import { PROBLEM_CONTENT_TYPE, problem } from "../http/problem";
import { verifyFastPath, type ReadBody } from "../routes/verify";
import type { ServeSetup } from "./readPool";

/** Connection-level headers: about this hop, not passed on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"];

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = (headers.connection ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
  const out = { ...headers };
  for (const h of [...HOP_BY_HOP, ...named]) delete out[h];
  return out;
}

export function createConnectionServer(setup: ServeSetup, mirror: (qr: string) => Promise<MirrorAnswer>): Server {
  const agent = new Agent({ keepAlive: true });
  const { host, port } = setup.forwardTo;

  /** Passes the request on to the service and its answer back (a body the fast path already read goes as read). */
  const forward = (req: IncomingMessage & ReadBody, res: ServerResponse): void => {
    const headers = withoutHopByHop(req.headers);
    const caller = req.socket.remoteAddress;
    if (caller) headers["x-forwarded-for"] = headers["x-forwarded-for"] ? `${String(headers["x-forwarded-for"])}, ${caller}` : caller;
    if (req.rawBody) headers["content-length"] = String(req.rawBody.length);
    else if (req.headers["transfer-encoding"] !== undefined) headers["transfer-encoding"] = "chunked";
    const upstream = request({ host, port, agent, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.headers));
      pipeline(answer, res, () => undefined); // a caller that went away: both sides are closed
    });
    upstream.on("error", (err) => {
      if (res.headersSent) return void res.destroy(err);
      const body = JSON.stringify(problem(503, "The service could not answer this request just now; retry."));
      res.writeHead(503, { "Content-Type": PROBLEM_CONTENT_TYPE, "Content-Length": Buffer.byteLength(body), "Retry-After": "1" }).end(body);
    });
    if (req.rawBody) upstream.end(req.rawBody);
    else pipeline(req, upstream, () => undefined);
  };

  const fast = verifyFastPath({ mirror, limitBytes: setup.limitBytes });
  return createServer((req: IncomingMessage & ReadBody, res) => fast(req, res, () => forward(req, res)));
}
