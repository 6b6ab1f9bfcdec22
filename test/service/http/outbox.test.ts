/**
 * The outbox and the indexer both mark an anchored permit ISSUED: the indexer from the batch's
 * events (the usual way, right after each batch is mined), the outbox from its receipts when the
 * indexer could not run. Checked here with the indexer failing on a real service.
 */
import { expect } from "chai";
import { dumpLogsOnFailure, expectHonestStatuses, sample, startTestService, waitForStatus, type Api, type Credentials, type TestService } from "./harness";

describe("the outbox, when the indexer fails", function () {
  this.timeout(60_000);
  let svc: TestService;
  let api: Api;
  let c: Credentials;

  before(async () => {
    svc = await startTestService();
    api = svc.api;
    c = svc.creds;
  });
  after(async () => {
    expectHonestStatuses(api?.replies ?? []);
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  it("marks the batch's permits ISSUED itself, with their transaction, and the indexer records the history once it is back", async () => {
    const { indexer, store } = svc.handle;
    const syncNow = indexer.syncNow;
    let refused = 0;
    indexer.syncNow = () => (refused++, Promise.reject(new Error("the indexer is down (test)")));
    let permitId: string;
    try {
      const res = await api.post("/api/v1/permits", { token: c.CH.issuer, json: sample("chExportPythonSkins") });
      expect(res.status, res.text).to.equal(201);
      permitId = res.body.permitId;
      const issued = await waitForStatus(api, c.CH.issuer, permitId, "ISSUED");
      expect(issued.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(refused, "the outbox asked the indexer first").to.be.greaterThan(0);
      expect(await store.listPermitEvents(permitId)).to.deep.equal([]); // nothing indexed yet
    } finally {
      indexer.syncNow = syncNow;
    }
    await indexer.syncNow();
    expect((await store.listPermitEvents(permitId)).map((e) => e.kind)).to.include("PermitIssued");
    expect(await store.getPermitStatus(permitId)).to.equal("ISSUED");
  });
});
