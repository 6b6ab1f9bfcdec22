/**
 * Idempotent retries over HTTP: the same Idempotency-Key with the same body answers the stored
 * response (marked Idempotent-Replayed) and issues one permit; with another body it is a 409.
 */
import Database from "better-sqlite3";
import { expect } from "chai";
import path from "node:path";
import { dumpLogsOnFailure, expectHonestStatuses, expectProblem, sample, startTestService, waitForStatus, type Api, type Credentials, type TestService } from "./harness";

describe("REST API idempotent retries", function () {
  this.timeout(30_000);
  let svc: TestService;
  let api: Api;
  let c: Credentials;

  before(async function () {
    this.timeout(60_000);
    svc = await startTestService();
    api = svc.api;
    c = svc.creds;
  });
  after(async () => {
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  const issue = (token: string, json: unknown, key: string) => api.post("/api/v1/permits", { token, json, headers: { "idempotency-key": key } });
  const permitsNumbered = async (number: string) =>
    (await api.get(`/api/v1/permits?q=${encodeURIComponent(number)}&limit=500`, { token: c.CH.issuer })).body.items.filter((p: { permitNumber: string }) => p.permitNumber === number);

  it("the same key and body answer the same response, marked Idempotent-Replayed, and one permit is issued", async () => {
    const doc = sample("chExportPythonSkins");
    const first = await issue(c.CH.issuer, doc, "retry-1");
    expect(first.status, first.text).to.equal(201);
    expect(first.headers.get("idempotent-replayed")).to.equal(null);
    const again = await issue(c.CH.issuer, doc, "retry-1");
    expect(again.status).to.equal(201);
    expect(again.headers.get("idempotent-replayed")).to.equal("true");
    expect(again.body).to.deep.equal(first.body);
    const issued = await waitForStatus(api, c.CH.issuer, first.body.permitId, "ISSUED");
    // Still the stored answer after the permit moved on.
    const later = await issue(c.CH.issuer, doc, "retry-1");
    expect(later.status).to.equal(201);
    expect(later.body).to.deep.equal(first.body);
    expect(await permitsNumbered(doc.permitNumber)).to.have.length(1);
    expect(issued.history.filter((h: { event: string }) => h.event === "PermitIssued")).to.have.length(1);
  });

  it("while the first request runs, the same key with another body is a 409", async () => {
    const doc = sample("chExportPythonSkins");
    const other = sample("chExportPythonSkins");
    const [a, b] = await Promise.all([issue(c.CH.issuer, doc, "concurrent-2"), issue(c.CH.issuer, other, "concurrent-2")]);
    expect([a.status, b.status].sort()).to.deep.equal([201, 409]);
  });

  it("the same key with another body is a 409, and issues nothing", async () => {
    const doc = sample("chExportPythonSkins");
    expect((await issue(c.CH.issuer, doc, "retry-2")).status).to.equal(201);
    const other = sample("chExportPythonSkins");
    const res = await issue(c.CH.issuer, other, "retry-2");
    expect(expectProblem(res, 409).detail).to.match(/Idempotency-Key/);
    expect(await permitsNumbered(other.permitNumber)).to.deep.equal([]);
  });

  it("without a key, a retry of the same permit is a duplicate (409)", async () => {
    const doc = sample("chExportPythonSkins");
    expect((await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc })).status).to.equal(201);
    expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc }), 409);
  });

  it("keys belong to the officer: another officer's same key is a new request", async () => {
    const ch = sample("chExportPythonSkins");
    const lk = sample("lkExportOrchids");
    const a = await issue(c.CH.issuer, ch, "shared-key");
    const b = await issue(c.LK.issuer, lk, "shared-key");
    expect([a.status, b.status]).to.deep.equal([201, 201]);
    expect(b.headers.get("idempotent-replayed")).to.equal(null);
    expect(b.body.permitId).to.not.equal(a.body.permitId);
  });

  it("a batch retried with its key is replayed, not issued twice", async () => {
    const permits = [sample("chExportPythonSkins"), sample("chExportPythonSkins")];
    const first = await issue(c.CH.issuer, { permits }, "batch-1");
    expect(first.status, first.text).to.equal(201);
    const again = await issue(c.CH.issuer, { permits }, "batch-1");
    expect(again.status).to.equal(201);
    expect(again.headers.get("idempotent-replayed")).to.equal("true");
    expect(again.body).to.deep.equal(first.body);
    for (const p of permits) expect(await permitsNumbered(p.permitNumber)).to.have.length(1);
  });

  it("a rejected request is not stored: fixed and retried with the same key, it succeeds", async () => {
    const doc = sample("chExportPythonSkins");
    const bad = { ...doc, validUntil: "2027-13-40" };
    expectProblem(await issue(c.CH.issuer, bad, "fix-and-retry"), 422);
    const good = await issue(c.CH.issuer, doc, "fix-and-retry");
    expect(good.status, good.text).to.equal(201);
  });

  it("concurrent retries with one key issue exactly one permit, and every retry gets its answer (replayed, with Location)", async () => {
    const doc = sample("chExportPythonSkins");
    const replies = await Promise.all(Array.from({ length: 6 }, () => issue(c.CH.issuer, doc, "concurrent-1")));
    const statuses = replies.map((r) => r.status);
    expect(statuses, statuses.join(",")).to.deep.equal([201, 201, 201, 201, 201, 201]);
    expect(replies.filter((r) => r.headers.get("idempotent-replayed") === "true")).to.have.length(5);
    for (const r of replies) expect(r.headers.get("location")).to.equal(r.body.links.self);
    expect(new Set(replies.map((r) => r.body.permitId)).size).to.equal(1);
    expect(await permitsNumbered(doc.permitNumber)).to.have.length(1);
    // Once the first answer is stored, a retry replays it.
    const retry = await issue(c.CH.issuer, doc, "concurrent-1");
    expect(retry.status).to.equal(201);
    expect(retry.headers.get("idempotent-replayed")).to.equal("true");
  });

  it("a batch with an item the store refused unexpectedly is not kept: retried with the same key, that item is issued and the others are not issued twice", async () => {
    const permits = [sample("chExportPythonSkins"), sample("chExportPythonSkins"), sample("chExportPythonSkins")];
    const refused = permits[1].permitNumber;
    // A real fault in the service's own database: it refuses to store this one permit.
    const db = new Database(path.join(svc.dataDir, "registry.sqlite"));
    db.exec(`CREATE TRIGGER test_refuse_one BEFORE INSERT ON permits WHEN NEW.permit_number = '${refused}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    let first;
    try {
      first = await issue(c.CH.issuer, { permits }, "batch-fault");
    } finally {
      db.exec("DROP TRIGGER test_refuse_one");
      db.close();
    }
    expect(first.status, first.text).to.equal(207);
    expect(first.body.results.map((r: { status: number }) => r.status)).to.deep.equal([201, 500, 201]);
    expect(first.body.results[1].problem.detail).to.match(/not stored/);
    expect(svc.logs.join("\n")).to.match(/item 1 of a batch failed unexpectedly/);
    expect(await permitsNumbered(refused)).to.deep.equal([]);

    const retry = await issue(c.CH.issuer, { permits }, "batch-fault");
    expect(retry.headers.get("idempotent-replayed")).to.equal(null);
    expect(retry.body.results.map((r: { status: number }) => r.status)).to.deep.equal([409, 201, 409]);
    for (const p of permits) expect(await permitsNumbered(p.permitNumber)).to.have.length(1);
    await waitForStatus(api, c.CH.issuer, retry.body.results[1].permit.permitId, "ISSUED");
    // That answer had no unexpected failure: it is kept.
    const again = await issue(c.CH.issuer, { permits }, "batch-fault");
    expect(again.headers.get("idempotent-replayed")).to.equal("true");
    expect(again.body).to.deep.equal(retry.body);
  });

  it("a replay is audited as one (nothing done again), about the permit of the stored answer", async () => {
    const doc = sample("chExportPythonSkins");
    const first = await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc, headers: { "idempotency-key": "audited", "x-request-id": `first-${doc.permitNumber}` } });
    expect(first.status, first.text).to.equal(201);
    const again = await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc, headers: { "idempotency-key": "audited", "x-request-id": `again-${doc.permitNumber}` } });
    expect(again.headers.get("idempotent-replayed")).to.equal("true");
    let entries: { requestId: string; permitId: string | null; result: number; detail: unknown }[] = [];
    for (let i = 0; i < 40 && entries.length < 2; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      entries = (await api.get("/api/v1/audit", { token: c.CH.admin })).body.items.filter((e: { requestId: string }) => e.requestId.endsWith(doc.permitNumber));
    }
    expect(entries.map((e) => [e.requestId, e.permitId, e.result, e.detail])).to.deep.equal([
      [`first-${doc.permitNumber}`, first.body.permitId, 201, null],
      [`again-${doc.permitNumber}`, first.body.permitId, 201, { replayed: true }],
    ]);
  });

  it("every answer above is honest", () => {
    expectHonestStatuses(api.replies);
  });
});
