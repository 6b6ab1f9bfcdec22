/**
 * POST /verify through the helper processes (VERIFY_WORKERS): the common JSON request skips
 * express and is answered by a helper from the store's mirror; every other request, and every
 * one the mirror cannot answer alone, goes through the express route. Both doors must give the
 * same answer, statuses and headers — checked here against the route itself (a query string
 * keeps a request off the fast path) on a real service.
 */
import { expect } from "chai";
import { request as httpRequest } from "node:http";
import { decodeQrImage } from "../../../src/sdk/qr";
import { codeDigest } from "../../../src/service/domain/issuedCodes";
import type { ReadPool } from "../../../src/service/workers/readPool";
import { dumpLogsOnFailure, expectHonestStatuses, expectProblem, issueAndAnchor, sample, sleep, startTestService, waitForStatus, type Api, type Credentials, type TestService } from "./harness";

describe("POST /verify answered by the helper processes", function () {
  this.timeout(30_000);
  let svc: TestService;
  let api: Api;
  let c: Credentials;
  let pool: ReadPool;

  async function qrOf(permitId: string): Promise<string> {
    const png = await api.get(`/api/v1/permits/${permitId}/qr.png`, { token: c.CH.issuer });
    return decodeQrImage(png.bytes);
  }

  /** One request on a connection of its own (closed after it): each new connection is handed to the next helper. */
  function onNewConnection(method: string, urlPath: string, body?: string): Promise<{ status: number; body: string }> {
    const { hostname, port } = new URL(svc.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, method, path: urlPath, agent: false, headers: body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString("utf8") }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Verifications the helpers answered: on the connections they serve, and those the service's thread handed them. */
  async function answeredByHelpers(): Promise<number> {
    return pool.stats.answered + [...(await pool.served()).values()].reduce((n, c) => n + c.answered, 0);
  }

  /** The same request through the fast path and through express; both answers, and how many the helpers answered. */
  async function bothDoors(qr: string) {
    const before = await answeredByHelpers();
    const fast = await api.post("/api/v1/verify", { json: { qr } });
    const answered = (await answeredByHelpers()) - before;
    const viaExpress = await api.post("/api/v1/verify?door=express", { json: { qr } });
    expect(fast.status, fast.text).to.equal(200);
    expect(viaExpress.status, viaExpress.text).to.equal(200);
    expect(fast.headers.get("content-type")).to.equal(viaExpress.headers.get("content-type"));
    return { fast: fast.body, viaExpress: viaExpress.body, answered };
  }

  before(async function () {
    this.timeout(60_000);
    svc = await startTestService({ env: { VERIFY_WORKERS: "2" } });
    api = svc.api;
    c = svc.creds;
    pool = svc.handle.readPool!;
    expect(pool.size).to.equal(2);
  });
  after(async () => {
    expectHonestStatuses(api?.replies ?? []);
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  it("answers a VALID permit in a helper, exactly as the express route does", async () => {
    const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
    const qr = await qrOf(permit.permitId);
    // Handing the code out recorded its reading, which the helper reuses (express reads it anew).
    expect(JSON.parse((await svc.handle.store.issuedCodeReading(codeDigest(qr)!))!)).to.include({ outcome: "SIGNED", permitId: permit.permitId });
    const { fast, viaExpress, answered } = await bothDoors(qr);
    expect(answered, "answered by a helper").to.equal(1);
    expect(fast.verdict, JSON.stringify(fast.checks)).to.equal("VALID");
    expect(fast).to.deep.equal(viaExpress);
  });

  it("follows the lifecycle like the route: ENDORSED with exported quantities, then CANCELLED", async () => {
    const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
    const qr = await qrOf(permit.permitId);
    const endorsed = await api.post(`/api/v1/permits/${permit.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 2 }] } });
    expect(endorsed.status, endorsed.text).to.equal(201);
    let doors = await bothDoors(qr);
    expect(doors.fast.checks.status.reason).to.match(/export endorsed/);
    expect(doors.fast.lines[0].exported).to.equal(2);
    expect(doors.fast).to.deep.equal(doors.viaExpress);

    const other = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
    expect((await api.post(`/api/v1/permits/${other.permitId}/cancel`, { token: c.CH.issuer, json: { reason: "LOST" } })).status).to.equal(200);
    await waitForStatus(api, c.CH.issuer, other.permitId, "CANCELLED");
    doors = await bothDoors(await qrOf(other.permitId));
    expect(doors.answered).to.equal(1);
    expect(doors.fast.verdict).to.equal("CANCELLED");
    expect(doors.fast).to.deep.equal(doors.viaExpress);
  });

  it("answers unreadable and altered QR codes the same way (MALFORMED / TAMPERED)", async () => {
    const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
    const qr = await qrOf(permit.permitId);
    const at = qr.length - 20;
    for (const text of ["hello", "", qr.slice(0, at) + (qr[at] === "A" ? "B" : "A") + qr.slice(at + 1)]) {
      const { fast, viaExpress } = await bothDoors(text);
      expect(["MALFORMED", "TAMPERED"], text.slice(0, 40)).to.include(fast.verdict);
      expect(fast).to.deep.equal(viaExpress);
    }
  });

  it("keeps the request id: echoes the caller's X-Request-Id, or makes one", async () => {
    const echoed = await api.post("/api/v1/verify", { json: { qr: "hello" }, headers: { "x-request-id": "border-post-7/42", "content-type": "application/json" } });
    expect(echoed.headers.get("x-request-id")).to.equal("border-post-7/42");
    const made = await api.post("/api/v1/verify", { json: { qr: "hello" } });
    expect(made.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
  });

  it("gives the route's errors for bad bodies: invalid JSON, no `qr`, another media type (415)", async () => {
    const notJson = expectProblem(await api.post("/api/v1/verify", { raw: '{"qr": ', headers: { "content-type": "application/json", "x-request-id": "bad-1" } }), 400);
    expect(notJson.detail).to.match(/not valid JSON/);
    expect(notJson.requestId).to.equal("bad-1");
    expect(expectProblem(await api.post("/api/v1/verify", { json: { qr: 42 } }), 400).detail).to.match(/qr/);
    expectProblem(await api.post("/api/v1/verify", { json: ["qr"] }), 400);
    expect(expectProblem(await api.post("/api/v1/verify", { raw: "qr=hello", headers: { "content-type": "text/plain" } }), 415).detail).to.match(/text\/plain/);
    const charset = await api.post("/api/v1/verify", { raw: JSON.stringify({ qr: "hello" }), headers: { "content-type": "application/json; charset=utf-8" } });
    expect(charset.status).to.equal(200);
    expect(charset.body.verdict).to.equal("MALFORMED");
  });

  it("serves the connections in the helpers: every request on them answered, the rest passed on to the service", async () => {
    const pids = new Set(pool.pids);
    const before = await pool.served();
    // Each on a connection of its own: handed to the helpers in turn.
    const statuses = await Promise.all(Array.from({ length: 8 }, () => onNewConnection("POST", "/api/v1/verify", JSON.stringify({ qr: "hello" }))));
    expect(statuses.map((r) => r.status)).to.deep.equal(Array(8).fill(200));
    const after = await pool.served();
    for (const pid of pids) expect(after.get(pid)!.answered - (before.get(pid)?.answered ?? 0), `helper ${pid}`).to.be.greaterThan(0);
    // Another request on such a connection is passed on to express, with the caller's address.
    const health = await onNewConnection("GET", "/api/v1/health");
    expect(health.status).to.equal(200);
    expect(JSON.parse(health.body)).to.have.property("chainId");
  });

  it("when a helper dies: its connections are cut (callers connect again), the others answer, and its replacement serves too", async () => {
    const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
    const qr = await qrOf(permit.permitId);
    const started = new Set(pool.pids);
    const [victim] = pool.pids;
    const attempts = Array.from({ length: 40 }, () => api.post("/api/v1/verify", { json: { qr } }).then((res) => res, (err: unknown) => err as Error));
    process.kill(victim!, "SIGKILL");
    for (const res of await Promise.all(attempts)) {
      if (res instanceof Error) continue; // a request in flight on the killed helper's connection: the caller retries
      expect(res.status, res.text).to.equal(200);
      expect(res.body.verdict).to.equal("VALID");
    }
    for (let i = 0; i < 50 && pool.pids.includes(victim!); i++) await sleep(100);
    expect(pool.pids).to.not.include(victim);
    for (let i = 0; i < 50 && pool.readyCount < 2; i++) await sleep(100);
    const [replacement] = pool.pids.filter((pid) => !started.has(pid));
    expect(replacement, "a replacement started").to.be.a("number");
    // The replacement, with the store and the mirror's state, answers the connections it is handed.
    for (let i = 0; i < 50 && !(await pool.served()).has(replacement!); i++) await sleep(100);
    const answers = await Promise.all(Array.from({ length: 8 }, () => onNewConnection("POST", "/api/v1/verify", JSON.stringify({ qr }))));
    for (const a of answers) expect(JSON.parse(a.body).verdict).to.equal("VALID");
    expect((await pool.served()).get(replacement!)!.answered, "answered by the replacement").to.be.greaterThan(0);
  });
});
