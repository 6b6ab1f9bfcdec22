/**
 * Requests the service cannot read, over real HTTP against a real service: malformed multipart and
 * compressed bodies, JSON that is not an object, bodies in a media type an endpoint does not read —
 * each a 4xx problem naming what is wrong, never a 500 — and what surrounds them: the 429's
 * Retry-After, the 503s of /health and /trust-list, the audit rows of refused requests, and the
 * OpenAPI document that describes all of it.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { createApp } from "../../../src/service/app";
import { PROBLEM_TYPES } from "../../../src/service/http/problem";
import {
  Api,
  dumpLogsOnFailure,
  expectHonestStatuses,
  expectProblem,
  issueAndAnchor,
  sample,
  sleep,
  startTestService,
  type Credentials,
  type Reply,
  type TestService,
} from "./harness";

describe("REST API: requests the service cannot read", function () {
  this.timeout(30_000);
  let svc: TestService;
  let api: Api;
  let c: Credentials;
  /** An ISSUED CH export (to JP) that no test changes. */
  let issued: any;

  before(async function () {
    this.timeout(60_000);
    svc = await startTestService();
    api = svc.api;
    c = svc.creds;
    issued = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
  });
  after(async () => {
    expectHonestStatuses(api?.replies ?? []);
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));


  describe("a malformed body is a 400 naming what is wrong, not a 500", () => {
    it("a multipart body without a boundary, a truncated one, one with a malformed part header", async () => {
      const noBoundary = expectProblem(await api.post("/api/v1/verify", { raw: "garbage", headers: { "content-type": "multipart/form-data" } }), 400);
      expect(noBoundary.detail).to.match(/multipart body could not be read: Multipart: Boundary not found/);
      expect(noBoundary.detail).to.contain("`image`");

      const multipart = { "content-type": "multipart/form-data; boundary=XYZ" };
      const truncated = '--XYZ\r\nContent-Disposition: form-data; name="image"; filename="scan.png"\r\nContent-Type: image/png\r\n\r\nthe first bytes of a pic';
      expect(expectProblem(await api.post("/api/v1/verify", { raw: truncated, headers: multipart }), 400).detail).to.match(/Unexpected end of (form|file)/);
      const badHeader = "--XYZ\r\nthis is no header\r\n\r\nx\r\n--XYZ--\r\n";
      expect(expectProblem(await api.post("/api/v1/verify", { raw: badHeader, headers: multipart }), 400).detail).to.match(/Malformed part header/);
    });

    it("a body whose Content-Encoding does not match it (gzip, deflate, br), on /verify and on /permits", async () => {
      const plain = '{"a":1}';
      for (const encoding of ["gzip", "deflate"]) {
        const headers = { "content-type": "application/json", "content-encoding": encoding };
        const verify = expectProblem(await api.post("/api/v1/verify", { raw: plain, headers }), 400);
        expect(verify.detail).to.match(/could not be decompressed \(incorrect header check\)/);
        expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, raw: plain, headers }), 400);
      }
      const br = expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, raw: plain, headers: { "content-type": "application/json", "content-encoding": "br" } }), 400);
      expect(br.detail).to.match(/could not be decompressed/);
      // Cut short: the end of the compressed stream is missing.
      const cut = gzipSync(JSON.stringify({ qr: "hello" })).subarray(0, 12);
      expect(expectProblem(await api.post("/api/v1/verify", { raw: cut, headers: { "content-type": "application/json", "content-encoding": "gzip" } }), 400).detail).to.match(/decompressed/);
    });

    it("a compressed body that is what it says is read", async () => {
      const res = await api.post("/api/v1/verify", { raw: gzipSync(JSON.stringify({ qr: "hello" })), headers: { "content-type": "application/json", "content-encoding": "gzip" } });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.verdict).to.equal("MALFORMED");
    });

    it("a content encoding the service does not read → 415 naming it", async () => {
      const res = await api.post("/api/v1/permits", { token: c.CH.issuer, raw: '{"a":1}', headers: { "content-type": "application/json", "content-encoding": "compress" } });
      const problem = expectProblem(res, 415);
      expect(problem.type).to.equal("/problems/unsupported-media-type");
      expect(problem.detail).to.contain('"compress"').and.to.match(/gzip, deflate or br/);
    });

    it("JSON that is not an object (null, a string, a number, a boolean) is answered as such, not as invalid JSON", async () => {
      for (const [raw, what] of [["null", "null"], ['"x"', "a string"], ["42", "a number"], ["true", "a boolean"]] as const) {
        const problem = expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, raw }), 400);
        expect(problem.detail, raw).to.equal(`The request body must be a JSON object, not ${what}.`);
      }
      const endorsement = expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.CH.customs, raw: " 7 " }), 400);
      expect(endorsement.detail).to.match(/must be a JSON object/);
      // Still invalid JSON is still said to be.
      expect(expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, raw: "nul" }), 400).detail).to.equal("The request body is not valid JSON.");
    });
  });

  describe("a body in a media type the endpoint does not read → 415, not a request without a body", () => {
    it("form-urlencoded or text/plain to a JSON endpoint names the type and what to send", async () => {
      const form = expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, raw: "permitNumber=CH-1", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
      expect(form.detail).to.equal("The request body is application/x-www-form-urlencoded; send application/json.");
      const text = expectProblem(
        await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.CH.customs, raw: JSON.stringify({ items: [{ line: 1, quantity: 1 }] }), headers: { "content-type": "text/plain" } }),
        415,
      );
      expect(text.detail).to.match(/text\/plain; send application\/json/);
      expectProblem(await api.post("/api/v1/officers", { token: c.CH.admin, raw: "name=X&role=ISSUER", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
      // A body without any Content-Type.
      const untyped = await fetch(`${svc.url}/api/v1/permits`, { method: "POST", headers: { authorization: `Bearer ${c.CH.issuer}` }, body: new Uint8Array(Buffer.from("{}")) });
      expect(untyped.status).to.equal(415);
      expect(((await untyped.json()) as { detail: string }).detail).to.match(/no Content-Type; send application\/json/);
      const endorsed = await api.get(`/api/v1/permits/${issued.permitId}`, { token: c.CH.customs });
      expect(endorsed.body.status).to.equal("ISSUED"); // the refused endorsement changed nothing
    });

    it("/verify reads JSON or multipart/form-data, and says so", async () => {
      const problem = expectProblem(await api.post("/api/v1/verify", { raw: "qr=hello", headers: { "content-type": "text/plain" } }), 415);
      expect(problem.detail).to.match(/^The request body is text\/plain; send JSON .*multipart\/form-data with an `image` field\.$/);
    });

    it("a POST that takes no body still works without one, whatever Content-Type the client sends", async () => {
      const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      expect((await api.post(`/api/v1/permits/${permit.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 3 }] } })).status).to.equal(201);
      // What the web page sends (fetch, no body: Content-Length 0), with a stray Content-Type.
      const used = await api.post(`/api/v1/permits/${permit.permitId}/use`, { token: c.JP.customs, headers: { "content-type": "text/plain" } });
      expect(used.status, used.text).to.equal(200);
      expect(used.body.status).to.equal("USED");
      // And the CLI's (no body, no Content-Type) on another step that needs none to be refused for its own reason.
      expectProblem(await api.post(`/api/v1/permits/${permit.permitId}/use`, { token: c.JP.customs }), 409);
    });
  });

  describe("429: Retry-After is the time until the client's window resets", () => {
    let limited: TestService | undefined;
    after(async () => {
      await limited?.stop();
    });

    it("not the whole window: a client refused 2 s into its minute waits at most 58 s, as the RateLimit header says", async function () {
      this.timeout(60_000);
      limited = await startTestService({ env: { VERIFY_RATE_LIMIT: "2" } });
      expect((await limited.api.post("/api/v1/verify", { json: { qr: "hello" } })).status).to.equal(200);
      await sleep(2_100);
      expect((await limited.api.post("/api/v1/verify", { json: { qr: "hello" } })).status).to.equal(200);
      const refused = await limited.api.post("/api/v1/verify", { json: { qr: "hello" } });
      expectProblem(refused, 429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).to.be.within(1, 58);
      const t = Number(/\bt=(\d+)/.exec(refused.headers.get("ratelimit") ?? "")?.[1]);
      expect(Math.abs(retryAfter - Math.max(1, t)), `Retry-After ${retryAfter}, RateLimit ${refused.headers.get("ratelimit")}`).to.be.at.most(1);
      expect(refused.body.detail).to.contain(`retry after ${retryAfter} s`);
      expectHonestStatuses(limited.api.replies);
    });
  });

  describe("503 of /health and /trust-list: the shared problem type, title and request id", () => {
    it("GET /health when the store does not answer", async () => {
      const store = svc.handle.store as { ping(): Promise<void> };
      const ping = store.ping;
      store.ping = async () => {
        throw new Error("simulated: the database is gone\nwith a second line");
      };
      let res: Reply;
      try {
        res = await api.get("/api/v1/health", { headers: { "x-request-id": "health-1" } });
      } finally {
        store.ping = ping;
      }
      const problem = expectProblem(res, 503);
      expect(problem).to.deep.equal({ type: PROBLEM_TYPES[503], title: "Service unavailable", status: 503, detail: "Not ready: simulated: the database is gone", requestId: "health-1" });
      expect((await api.get("/api/v1/health")).status).to.equal(200);
    });

    it("GET /trust-list before the first snapshot", async () => {
      // A service whose trust list is not ready yet: the app alone, around parts that are never reached.
      const app = createApp({
        store: {} as never,
        chain: { reader: {} } as never,
        permits: {} as never,
        officers: {} as never,
        trustList: () => undefined,
        outboxDepth: async () => 0,
        log: { info: () => {}, error: () => {} },
      });
      const server: Server = await new Promise((resolve) => {
        const s = createServer(app).listen(0, "127.0.0.1", () => resolve(s));
      });
      try {
        const local = new Api(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
        const res = await local.get("/api/v1/trust-list", { headers: { "x-request-id": "trust-1" } });
        expect(expectProblem(res, 503)).to.deep.equal({ type: PROBLEM_TYPES[503], title: "Service unavailable", status: 503, detail: "The trust list is not ready yet.", requestId: "trust-1" });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe("the audit log: a refused request reads like a successful one", () => {
    /** The audit entry of a request, from the export of `country`'s admin (written once the answer is sent). */
    async function auditEntry(country: string, requestId: string): Promise<any> {
      for (let i = 0; i < 50; i++) {
        const res = await api.get("/api/v1/audit?format=json", { token: c[country]!.admin });
        expect(res.status, res.text).to.equal(200);
        const entry = (res.body.items as { requestId: string }[]).find((e) => e.requestId === requestId);
        if (entry) return entry;
        await sleep(50);
      }
      expect.fail(`no audit entry ${requestId} in ${country}'s export`);
    }

    it("refused endorsements (409 over the quantity, 403 another country, 400 a bad body) carry the full action and the permit id", async () => {
      const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      const tag = Date.now().toString(36);
      const endorse = (token: string, requestId: string, json: unknown, id: string = permit.permitId) =>
        api.post(`/api/v1/permits/${id}/endorsements`, { token, json, headers: { "x-request-id": requestId } });
      expectProblem(await endorse(c.CH.customs, `over-${tag}`, { items: [{ line: 1, quantity: 121 }] }), 409);
      expectProblem(await endorse(c.FR.customs, `foreign-${tag}`, { items: [{ line: 1, quantity: 1 }] }), 403);
      expectProblem(await endorse(c.CH.customs, `shape-${tag}`, { items: [] }, permit.permitId.toUpperCase().replace("0X", "0x")), 400);
      expect((await endorse(c.CH.customs, `ok-${tag}`, { items: [{ line: 1, quantity: 1 }] })).status).to.equal(201);

      const ok = await auditEntry("CH", `ok-${tag}`);
      expect(ok).to.include({ action: "POST /api/v1/permits/:id/endorsements", permitId: permit.permitId, result: 201 });
      const over = await auditEntry("CH", `over-${tag}`);
      expect(over).to.include({ action: ok.action, permitId: permit.permitId, result: 409, role: "CUSTOMS", country: "CH" });
      expect(await auditEntry("FR", `foreign-${tag}`)).to.include({ action: ok.action, permitId: permit.permitId, result: 403, country: "FR" });
      // ... and in the export of CH, whose permit it was: an authority sees who tried to act on its permits.
      expect(await auditEntry("CH", `foreign-${tag}`)).to.include({ action: ok.action, permitId: permit.permitId, result: 403, country: "FR", role: "CUSTOMS" });
      expect(await auditEntry("CH", `shape-${tag}`)).to.include({ action: ok.action, permitId: permit.permitId, result: 400 });
    });

    it("a refused issue reads like an accepted one; a refused officer step names no permit", async () => {
      const tag = Date.now().toString(36);
      const doc = sample("chExportPythonSkins");
      expect((await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc, headers: { "x-request-id": `issued-${tag}` } })).status).to.equal(201);
      expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc, headers: { "x-request-id": `again-${tag}` } }), 409);
      const accepted = await auditEntry("CH", `issued-${tag}`);
      expect(await auditEntry("CH", `again-${tag}`)).to.include({ action: accepted.action, permitId: null, result: 409 });
      expectProblem(await api.delete("/api/v1/officers/00000000-0000-4000-8000-000000000000", { token: c.CH.admin, headers: { "x-request-id": `gone-${tag}` } }), 404);
      expect(await auditEntry("CH", `gone-${tag}`)).to.include({ action: "DELETE /api/v1/officers/:id", permitId: null, result: 404 });
    });
  });

  describe("the OpenAPI document says what the service answers", () => {
    let document: any;
    before(async () => {
      document = (await api.get("/openapi.json")).body;
    });

    it("every POST lists the 415 it answers to a body it does not read, and does (with an admin's token past authentication)", async () => {
      const posts = Object.entries(document.paths as Record<string, { post?: { responses: Record<string, unknown>; security?: unknown[] } }>).filter(([, ops]) => ops.post);
      expect(posts.length).to.be.above(5);
      for (const [route, { post }] of posts) {
        expect(post!.responses, route).to.have.property("415");
        const url = document.servers[0].url + route.replace("{id}", issued.permitId);
        const res = await api.post(url, { raw: "x=1", headers: { "content-type": "text/plain" }, token: post!.security?.length ? c.CH.admin : undefined });
        expectProblem(res, 415);
      }
    });

    it("/verify: 400, 413, 415, 429 (a chain it cannot reach is a verdict, not a 503); /trust-list: 503; POST /permits: no 429", () => {
      expect(Object.keys(document.paths["/verify"].post.responses)).to.have.members(["200", "400", "413", "415", "429"]);
      expect(document.paths["/trust-list"].get.responses).to.have.property("503");
      expect(document.paths["/permits"].post.responses).to.not.have.property("429");
      expect(document.paths["/permits"].post.responses["207"].description).to.equal("a batch with one or more permits rejected; each result has its own status");
    });

    it("the officers' query and body, and the problem's requestId and errors", () => {
      const { get, post } = document.paths["/officers"];
      expect(get.parameters).to.deep.include({ name: "includeRemoved", in: "query", description: "`true` lists removed officers too (any other value: active ones only)", schema: { type: "boolean", default: false } });
      const body = post.requestBody.content["application/json"].schema;
      expect(body.required).to.deep.equal(["name", "role"]);
      expect(body.properties.role.enum).to.deep.equal(["ISSUER", "CUSTOMS"]);
      expect(body.properties.address.pattern).to.equal("^0x[0-9a-fA-F]{40}$");
      const problem = document.components.responses.Problem.content["application/problem+json"].schema;
      expect(problem.properties.requestId).to.include({ type: "string" });
      expect(problem.properties.errors.items.required).to.deep.equal(["path", "rule", "message"]);
    });
  });
});
