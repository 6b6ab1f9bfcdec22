/**
 * Removing an issuer whose permits are still waiting to be anchored: the answer says how many, and
 * those permits end FAILED saying why (never sent under a revoked role), while the ones already
 * anchored stay ISSUED. The outbox is held still here, so that the permits are still waiting.
 */
import { expect } from "chai";
import { dumpLogsOnFailure, expectHonestStatuses, issueAndAnchor, sample, startTestService, waitForStatus, type TestService } from "./harness";

describe("REST API: removing an issuer with permits still to anchor", function () {
  this.timeout(60_000);
  let svc: TestService;

  before(async function () {
    svc = await startTestService();
  });
  after(async () => {
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  it("answers how many permits were waiting; they end FAILED naming the removal, the anchored one stays ISSUED", async () => {
    const { api, creds: c } = svc;
    const added = await api.post("/api/v1/officers", { token: c.CH.admin, json: { name: "Temporary Issuer", role: "ISSUER" } });
    expect(added.status, added.text).to.equal(201);
    const token = added.body.token as string;
    const anchored = await issueAndAnchor(api, token, sample("chExportPythonSkins"));

    await svc.handle.outbox.stop(); // nothing is sent from here on, until runOnce below
    const batch = await api.post("/api/v1/permits", { token, json: { permits: [sample("chExportPythonSkins"), sample("chExportPythonSkins"), sample("chExportPythonSkins")] } });
    expect(batch.status, batch.text).to.equal(201);
    const waiting = batch.body.results.map((r: { permit: { permitId: string } }) => r.permit.permitId);

    const removed = await api.delete(`/api/v1/officers/${added.body.officer.id}`, { token: c.CH.admin });
    expect(removed.status, removed.text).to.equal(200);
    expect(removed.body).to.include({ active: false, unanchoredPermits: 3 });

    await svc.handle.outbox.runOnce();
    for (const id of waiting) {
      const failed = await waitForStatus(api, c.CH.issuer, id, "FAILED", 5_000);
      expect(failed.failureReason).to.match(/its issuer \(Temporary Issuer, officer .+\) was removed before it was anchored; issue it again with an active issuer/);
      expect((await svc.handle.chain.reader.permitState(id)).status, "never sent").to.equal("NONE");
      const pdf = await api.get(`/api/v1/permits/${id}/pdf`, { token: c.CH.issuer });
      expect(pdf.status).to.equal(409);
      expect(pdf.body.detail).to.match(/was removed before it was anchored.*Issue it again/);
    }
    expect((await api.get(`/api/v1/permits/${anchored.permitId}`, { token: c.CH.issuer })).body.status).to.equal("ISSUED");

    // A customs officer has no permits to anchor.
    const customs = await api.post("/api/v1/officers", { token: c.CH.admin, json: { name: "Temporary Customs", role: "CUSTOMS" } });
    const gone = await api.delete(`/api/v1/officers/${customs.body.officer.id}`, { token: c.CH.admin });
    expect(gone.body).to.include({ unanchoredPermits: 0 });
    expectHonestStatuses(api.replies);
  });
});
