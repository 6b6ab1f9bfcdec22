/**
 * Batches of permits drafted by the helper processes (VERIFY_WORKERS): a helper validates, salts and
 * hashes each document, the service signs and stores it. The answers must be those of a batch the
 * service drafts itself, index by index, and every accepted permit must verify against the chain.
 */
import { expect } from "chai";
import { encodeQrPayload } from "../../../src/sdk/qr";
import { ReadPoolError, type ReadPool } from "../../../src/service/workers/readPool";
import { dumpLogsOnFailure, expectHonestStatuses, sample, startTestService, waitForStatus, type Api, type Credentials, type Doc, type TestService } from "./harness";

describe("a batch of permits drafted by the helper processes", function () {
  this.timeout(60_000);
  let svc: TestService;
  let api: Api;
  let c: Credentials;
  let pool: ReadPool;

  /** Ten good documents, then one with a bad quantity, one of another country and one past its validity. */
  function mixedBatch(): Doc[] {
    const good = Array.from({ length: 10 }, () => sample("chExportPythonSkins"));
    const badQuantity = sample("chExportPythonSkins");
    badQuantity.items[1].quantity = 1.2345;
    const french = sample("frImportMacaw");
    const over = sample("chExportPythonSkins");
    over.issuedOn = "2026-03-10"; // after its origin permit's date
    over.validUntil = "2026-06-30";
    return [...good, badQuantity, french, over];
  }

  function expectMixedResults(res: Awaited<ReturnType<Api["post"]>>) {
    expect(res.status, res.text).to.equal(207);
    expect(res.body).to.include({ accepted: 10, rejected: 3 });
    const results = res.body.results as { index: number; status: number; problem?: { errors?: { path: string }[] } }[];
    expect(results.map((r) => r.index)).to.deep.equal([...Array(13).keys()]);
    expect(results.slice(0, 10).every((r) => r.status === 201)).to.equal(true);
    expect(results[10].status).to.equal(422);
    expect(results[10].problem!.errors!.map((e) => e.path)).to.include("items[1].quantity");
    expect(results[11].status).to.equal(403);
    expect(results[12].status).to.equal(422);
    expect(results[12].problem!.errors!.map((e) => e.path)).to.include("validUntil");
  }

  before(async function () {
    svc = await startTestService({ env: { VERIFY_WORKERS: "2" } });
    api = svc.api;
    c = svc.creds;
    pool = svc.handle.readPool!;
  });
  after(async () => {
    expectHonestStatuses(api?.replies ?? []);
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  it("answers index by index, and every accepted permit verifies VALID against the chain", async () => {
    const before = pool.stats.drafted;
    const res = await api.post("/api/v1/permits", { token: c.CH.issuer, json: { permits: mixedBatch() } });
    expectMixedResults(res);
    expect(pool.stats.drafted - before, "drafted by the helpers").to.equal(13);

    const { chain, store } = svc.handle;
    for (const result of res.body.results.slice(0, 10)) {
      const { permitId } = result.permit;
      await waitForStatus(api, c.CH.issuer, permitId, "ISSUED");
      const stored = (await store.getPermit(permitId))!;
      const qr = encodeQrPayload({
        mode: "full", chainId: chain.chainId, registry: chain.deployment.registry.address, permitId: permitId as never,
        salt: stored.salt as never, signature: stored.signature as never, document: JSON.parse(stored.documentJson),
      });
      const verified = await api.post("/api/v1/verify", { json: { qr } });
      expect(verified.body.verdict, JSON.stringify(verified.body.checks)).to.equal("VALID");
      expect(verified.body.checks.hash.result).to.equal("passed");
    }
  });

  it("gives the same answers when the helpers fail: the service drafts the batch itself", async () => {
    const draft = pool.draft;
    pool.draft = () => Promise.reject(new ReadPoolError("a verification process stopped (signal SIGKILL); retry"));
    try {
      const before = pool.stats.drafted;
      const res = await api.post("/api/v1/permits", { token: c.CH.issuer, json: { permits: mixedBatch() } });
      expectMixedResults(res);
      expect(pool.stats.drafted).to.equal(before);
      await waitForStatus(api, c.CH.issuer, res.body.results[9].permit.permitId, "ISSUED");
    } finally {
      pool.draft = draft;
    }
  });

  it("accepts a batch sent just after its helpers were killed", async () => {
    const killed = pool.pids;
    for (const pid of killed) process.kill(pid, "SIGKILL");
    const res = await api.post("/api/v1/permits", { token: c.CH.issuer, json: { permits: mixedBatch() } });
    expectMixedResults(res);
    await waitForStatus(api, c.CH.issuer, res.body.results[9].permit.permitId, "ISSUED");
    expect(pool.pids.some((pid) => killed.includes(pid)), "the helpers were replaced").to.equal(false);
  });
});
