/**
 * The outbox and the indexer both mark an anchored permit ISSUED: the indexer from the batch's
 * events (the usual way, right after each batch is mined), the outbox from its receipts when the
 * indexer could not run. Checked here with the indexer failing on a real service.
 */
import { expect } from "chai";
import type { Address, Hex } from "viem";
import type { IssuePayload } from "../../../src/service/domain/permits";
import { dumpLogsOnFailure, expectHonestStatuses, issueBatchAndAnchor, sample, sleep, startTestService, waitForStatus, type Api, type Credentials, type TestService } from "./harness";

describe("the outbox, when the indexer fails or a batch comes back", function () {
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

  it("records a requeued batch that is already on chain from the chain, without sending it again", async () => {
    const { store, chain } = svc.handle;
    const docs = Array.from({ length: 40 }, (_, i) => sample("chExportPythonSkins", `CH-2026-REQUEUED-${i}`));
    const ids = await issueBatchAndAnchor(api, c.CH.issuer, docs);
    // ISSUED can come first from the indexer (the outbox asks it before recording its receipts): wait for the entries too.
    const mined = () => store.listOutbox({ state: "MINED", limit: 100_000 }).then((all) => all.filter((e) => ids.includes(e.permitId!)));
    let entries = await mined();
    for (let i = 0; i < 100 && entries.length < 40; i++, await sleep(50)) entries = await mined();
    expect(entries).to.have.length(40);
    const txOf = new Map(entries.map((e) => [e.permitId!, e.txHash]));
    const issuer = await store.getOfficer((entries[0]!.payload as unknown as IssuePayload).issuerOfficerId);
    const nonce = await chain.publicClient.getTransactionCount({ address: issuer!.address as Address });

    // As after a lost receipt: the store forgets the batch was mined and queues it again.
    await store.transaction(async (tx) => {
      for (const e of entries) {
        await tx.updatePermitStatus(e.permitId!, { status: "PENDING", txHash: null, blockNumber: null });
        await tx.requeueOutbox(e.id, "test: the receipt was lost");
      }
    });
    for (const id of ids) await waitForStatus(api, c.CH.issuer, id, "ISSUED");
    const after = (await store.listOutbox({ state: ["MINED", "QUEUED", "FAILED"], limit: 100_000 })).filter((e) => ids.includes(e.permitId!));
    expect(after.map((e) => e.state)).to.deep.equal(Array(40).fill("MINED"));
    for (const e of after) expect(e.txHash, "the transaction that anchored it").to.equal(txOf.get(e.permitId!));
    expect(await chain.publicClient.getTransactionCount({ address: issuer!.address as Address }), "no transaction sent").to.equal(nonce);
    for (const id of ids.slice(0, 5)) expect((await chain.reader.history(id as Hex)).filter((h) => h.event === "PermitIssued")).to.have.length(1);
  });

  it("fails a retried entry whose permit number another document holds on chain, and leaves that permit as it is", async () => {
    const { store } = svc.handle;
    const [id] = await issueBatchAndAnchor(api, c.CH.issuer, [sample("chExportPythonSkins", "CH-2026-TAKEN-1")]);
    const [mined] = (await store.listOutbox({ state: "MINED", limit: 100_000 })).filter((e) => e.permitId === id);
    const payload = mined!.payload as unknown as IssuePayload;
    const other: IssuePayload = { ...payload, input: { ...payload.input, documentHash: `0x${"ab".repeat(32)}` } };
    const entry = await store.enqueueOutbox({ kind: "ISSUE", permitId: id!, payload: other as never });
    // Claimed once already (as by a run that stopped): the worker's claim is its second attempt.
    await store.claimOutboxBatch({ limit: 1_000, leaseMs: 1 });
    let failed;
    for (let i = 0; i < 100 && !failed; i++, await sleep(50)) failed = (await store.listOutbox({ state: "FAILED", limit: 100_000 })).find((e) => e.id === entry.id);
    expect(failed, "the entry FAILED").to.not.equal(undefined);
    expect(failed!.lastError).to.match(/another permit with this number is already anchored/);
    expect(await store.getPermitStatus(id!)).to.equal("ISSUED");
  });
});
