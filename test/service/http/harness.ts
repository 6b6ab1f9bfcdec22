/**
 * The HTTP suites' shared parts: a real service (embedded Anvil, real store) started in-process on
 * a free port in a temporary DATA_DIR, a small fetch client that records every answer, the sample
 * permit documents under fresh numbers, and polling until the outbox has anchored a permit.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startService, type ServiceHandle, type StartOptions } from "../../../src/service/server";

export const ROLES = ["admin", "issuer", "customs"] as const;
export type DemoRole = (typeof ROLES)[number];
export type Credentials = Record<string, Record<DemoRole, string>>;

export const FIXTURES = path.join(__dirname, "..", "..", "sdk", "document", "fixtures");

export const SAMPLES = {
  chExportPythonSkins: "01-ch-export-python-skins.json",
  lkExportOrchids: "02-lk-export-orchids.json",
  frImportMacaw: "03-fr-import-macaw.json",
  chExportMacaw: "04-ch-export-macaw-needs-import-permit.json",
  sgReexportLeather: "05-sg-reexport-leather.json",
  noExportTimber: "06-no-export-timber.json",
  clEphyto: "07-ephyto-certificate.json",
} as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = Record<string, any>;

let sequence = 0;
const runTag = Date.now().toString(36).slice(-5).toUpperCase();

/** A sample document (a fresh copy), under a permit number no other test uses unless `number` is given. */
export function sample(name: keyof typeof SAMPLES, number?: string): Doc {
  const doc = JSON.parse(readFileSync(path.join(FIXTURES, SAMPLES[name]), "utf8")) as Doc;
  doc.permitNumber = number ?? `${doc.issuingCountry}-T${runTag}-${String(++sequence).padStart(5, "0")}`;
  return doc;
}

/** One answer: status, headers, and the body parsed as JSON when it is JSON. */
export type Reply = { status: number; headers: Headers; body: any; text: string; bytes: Buffer; method: string; path: string };

export type RequestOptions = {
  token?: string;
  /** JSON-serialised unless `raw` is given. */
  json?: unknown;
  /** Sent as is, with content-type application/json unless `headers` say otherwise. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
};

/** A fetch client for one service; keeps every reply so a suite can assert things about all of them. */
export class Api {
  readonly replies: Reply[] = [];

  constructor(readonly base: string) {}

  async request(method: string, urlPath: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
    const res = await fetch(this.base + urlPath, { method, headers, body: body as BodyInit | undefined });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString("utf8");
    let parsed: unknown = undefined;
    if (/json/.test(res.headers.get("content-type") ?? "")) parsed = JSON.parse(text);
    const reply: Reply = { status: res.status, headers: res.headers, body: parsed, text, bytes, method, path: urlPath };
    this.replies.push(reply);
    return reply;
  }

  get = (p: string, o?: RequestOptions) => this.request("GET", p, o);
  post = (p: string, o?: RequestOptions) => this.request("POST", p, o);
  delete = (p: string, o?: RequestOptions) => this.request("DELETE", p, o);
}

export type TestService = {
  handle: ServiceHandle;
  url: string;
  dataDir: string;
  creds: Credentials;
  api: Api;
  /** Everything the service logged, for a failing test's output. */
  logs: string[];
  stop(): Promise<void>;
};

/**
 * Starts the whole service in a fresh temporary DATA_DIR on a free port (PORT=0). `stop()` stops it
 * (and Anvil) and removes the directory; it is safe to call twice and after a failed start.
 */
export async function startTestService(options: Omit<StartOptions, "log" | "fastKeystore"> & { env?: Record<string, string> } = {}): Promise<TestService> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "permit-registry-http-"));
  const logs: string[] = [];
  let handle: ServiceHandle;
  try {
    handle = await startService({
      ...options,
      env: { DATA_DIR: dataDir, PORT: "0", OUTBOX_INTERVAL_MS: "100", ...options.env },
      fastKeystore: true,
      log: (line) => logs.push(line),
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    console.log(logs.join("\n"));
    throw err;
  }
  const creds = JSON.parse(readFileSync(handle.credentialsFile!, "utf8")) as Credentials;
  let stopped: Promise<void> | undefined;
  return {
    handle,
    url: handle.url,
    dataDir,
    creds,
    api: new Api(handle.url),
    logs,
    stop: () =>
      (stopped ??= handle.stop().finally(() => rmSync(dataDir, { recursive: true, force: true }))),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A JSON-RPC call to the test service's chain (e.g. `evm_snapshot`, `evm_revert`, `evm_mine`); its result, or an error naming the method. */
export async function chainRpc(svc: TestService, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(svc.handle.chain.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Polls GET /permits/{id} until its status is one of `statuses`; returns the permit. */
export async function waitForStatus(api: Api, token: string, permitId: string, statuses: string | string[] = "ISSUED", timeoutMs = 20_000): Promise<any> {
  const wanted = Array.isArray(statuses) ? statuses : [statuses];
  const deadline = Date.now() + timeoutMs;
  let last: Reply | undefined;
  while (Date.now() < deadline) {
    last = await api.get(`/api/v1/permits/${permitId}`, { token });
    expect(last.status, last.text).to.equal(200);
    if (wanted.includes(last.body.status)) return last.body;
    await sleep(50);
  }
  expect.fail(`permit ${permitId} is still ${last?.body?.status} after ${timeoutMs} ms (wanted ${wanted.join("|")}): ${last?.body?.failureReason ?? ""}`);
}

/** Issues `doc` with `token`, expects 201, and waits until the outbox anchored it. */
export async function issueAndAnchor(api: Api, token: string, doc: Doc): Promise<any> {
  const res = await api.post("/api/v1/permits", { token, json: doc });
  expect(res.status, res.text).to.equal(201);
  return waitForStatus(api, token, res.body.permitId, "ISSUED");
}

/** Issues many documents in one batch request and waits until every one is anchored; ids in order. */
export async function issueBatchAndAnchor(api: Api, token: string, docs: Doc[], timeoutMs = 30_000): Promise<string[]> {
  const res = await api.post("/api/v1/permits", { token, json: { permits: docs } });
  expect(res.status, res.text).to.equal(201);
  const ids = (res.body.results as { permit: { permitId: string } }[]).map((r) => r.permit.permitId);
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(ids);
  while (pending.size > 0) {
    if (Date.now() > deadline) expect.fail(`${pending.size} of ${ids.length} permits still not ISSUED after ${timeoutMs} ms`);
    for (const id of [...pending]) {
      const r = await api.get(`/api/v1/permits/${id}`, { token });
      if (r.body.status === "ISSUED") pending.delete(id);
      else if (r.body.status === "FAILED") expect.fail(`permit ${id} FAILED: ${r.body.failureReason}`);
      else break;
    }
    if (pending.size > 0) await sleep(50);
  }
  return ids;
}

/** Asserts an RFC 9457 problem answer with this status; returns its body. */
export function expectProblem(res: Reply, status: number): any {
  expect(res.status, `${res.method} ${res.path}: ${res.text.slice(0, 500)}`).to.equal(status);
  expect(res.headers.get("content-type"), `${res.method} ${res.path}`).to.match(/^application\/problem\+json/);
  expect(res.body).to.include.keys("type", "title", "status", "detail");
  expect(res.body.status).to.equal(status);
  expect(res.body.type).to.be.a("string").and.not.equal("");
  expect(res.body.detail).to.be.a("string").and.not.equal("");
  return res.body;
}

/**
 * The issue's rule "never 200 with an error inside": every 2xx reply carries no error member, and
 * every 4xx/5xx reply is problem+json whose `status` is the HTTP status.
 */
export function expectHonestStatuses(replies: readonly Reply[]): void {
  for (const r of replies) {
    const where = `${r.method} ${r.path} → ${r.status}`;
    if (r.status < 400) {
      // A verification answer may carry `error` (why a QR was MALFORMED, why the chain was unreachable): that is its verdict, not a failed request.
      if (r.body && typeof r.body === "object" && !Array.isArray(r.body) && !("verdict" in r.body)) {
        expect(r.body, where).to.not.have.any.keys("error", "errors", "problem");
        if ("status" in r.body && typeof r.body.status === "number") expect(r.body.status, where).to.be.below(400);
      }
    } else {
      expect(r.headers.get("content-type"), where).to.match(/^application\/problem\+json/);
      expect(r.body?.status, where).to.equal(r.status);
    }
  }
}

/** Prints the service's log when a test of the suite failed (mocha `afterEach` with `function`). */
export function dumpLogsOnFailure(svc: () => TestService | undefined) {
  return function (this: Mocha.Context) {
    if (this.currentTest?.state === "failed") console.log(`--- service log (last 60 lines) ---\n${svc()?.logs.slice(-60).join("\n")}`);
  };
}
