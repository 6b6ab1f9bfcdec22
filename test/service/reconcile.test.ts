/**
 * Start-up reconciliation when the embedded chain lost its last blocks (Anvil stopped before its
 * state dump), on a real chain: permits are anchored, the chain is snapshotted, lifecycle steps
 * are done through the API, the chain goes back to the snapshot (`evm_revert`: those blocks are
 * lost) and the service is started again on the same DATA_DIR. Each lost step is done again,
 * signed by the same officer; where that cannot be (the officer was removed), the store says what
 * the chain says and the log names the permit and what to do.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Hex } from "viem";
import { decodeQrImage } from "../../src/sdk/qr";
import { chainRpc, dumpLogsOnFailure, issueAndAnchor, issueBatchAndAnchor, sample, sleep, waitForStatus, type Api, type Credentials, type Doc, type TestService, startTestService } from "./http/harness";

type History = { event: string; officer: string | null; txHash: Hex; blockNumber: number; data: Record<string, unknown> }[];

describe("start-up reconciliation: lifecycle steps the chain lost", function () {
  this.timeout(180_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "permit-registry-reconcile-"));
  let svc: TestService | undefined;
  let api: Api;
  let c: Credentials;
  /** What the first run did after the snapshot: the transactions the chain then lost. */
  const done: Record<string, { permitId: Hex; number: string; history: History }> = {};
  let replacementId: Hex;
  let removed: { id: string; address: Hex };
  /** The CH issuer added and removed beside Urs Brunner (her removal is lost too). */
  let lenaAddress: Hex;
  let orphanDoc: Doc;

  const start = async () => {
    svc = await startTestService({ env: { DATA_DIR: dataDir } });
    api = svc.api;
    c = svc.creds;
  };
  const rpc = (method: string, params: unknown[] = []) => chainRpc(svc!, method, params);
  const get = async (permitId: string, token = c.CH.issuer) => {
    const res = await api.get(`/api/v1/permits/${permitId}`, { token });
    expect(res.status, res.text).to.equal(200);
    return res.body;
  };
  const ok = async (res: Promise<{ status: number; text: string }>) => {
    const r = await res;
    expect(r.status, r.text).to.be.oneOf([200, 201]);
  };
  const remember = async (name: string, permitId: Hex, number: string) => (done[name] = { permitId, number, history: (await get(permitId)).history });

  before(async () => {
    await start();
    // A second CH customs officer: it endorses one permit, and is removed before the chain loses that.
    const added = await api.post("/api/v1/officers", { token: c.CH.admin, json: { name: "Urs Brunner", role: "CUSTOMS" } });
    expect(added.status, added.text).to.equal(201);
    removed = { id: added.body.officer.id, address: added.body.officer.address };
    const urs = added.body.token as string;
    const issuer = await api.post("/api/v1/officers", { token: c.CH.admin, json: { name: "Lena Roth", role: "ISSUER" } });
    expect(issuer.status, issuer.text).to.equal(201);
    const lena = issuer.body.token as string;
    lenaAddress = issuer.body.officer.address;

    const docs: Doc[] = ["endorsed", "used", "cancelled", "replaced", "byRemovedOfficer", "replacedByRemovedOfficer"].map(() => sample("chExportPythonSkins"));
    const ids = (await issueBatchAndAnchor(api, c.CH.issuer, docs)) as Hex[];
    const timber = await issueAndAnchor(api, c.NO.issuer, sample("noExportTimber"));
    const [endorsed, used, cancelled, replaced, byRemoved, replacedByRemoved] = ids;
    // An Appendix-I export and the FR import permit it names: using the export uses both, in one transaction.
    const importDoc = sample("frImportMacaw");
    const exportDoc = sample("chExportMacaw");
    exportDoc.importPermit = { country: "FR", number: importDoc.permitNumber };
    const macawImport = await issueAndAnchor(api, c.FR.issuer, importDoc);
    const macawExport = await issueAndAnchor(api, c.CH.issuer, exportDoc);
    for (const id of [...ids, timber.permitId]) await waitForStatus(api, c.CH.issuer, id, "ISSUED"); // and indexed
    const snapshot = await rpc("evm_snapshot");

    const endorse = (id: string, token: string, items = [{ line: 1, quantity: 100 }, { line: 2, quantity: 12.25 }]) =>
      api.post(`/api/v1/permits/${id}/endorsements`, { token, json: { items, transportDocument: "AWB 724-10293344", port: "Zürich Airport" } });
    await ok(endorse(endorsed, c.CH.customs));
    await ok(endorse(used, c.CH.customs));
    await ok(api.post(`/api/v1/permits/${used}/use`, { token: c.JP.customs }));
    await ok(api.post(`/api/v1/permits/${cancelled}/cancel`, { token: c.CH.issuer, json: { reason: "STOLEN" } }));
    const replacementDoc = sample("chExportPythonSkins");
    replacementDoc.items[0].quantity = 110;
    const replace = await api.post(`/api/v1/permits/${replaced}/replace`, { token: c.CH.issuer, json: replacementDoc });
    expect(replace.status, replace.text).to.equal(201);
    replacementId = replace.body.permitId;
    await ok(endorse(timber.permitId, c.NO.customs, [{ line: 1, quantity: 12.75 }]));
    await ok(api.post(`/api/v1/permits/${timber.permitId}/non-compliance`, { token: c.CH.customs, json: { reason: "SPECIES_MISMATCH" } }));
    await ok(endorse(byRemoved, urs));
    await ok(api.delete(`/api/v1/officers/${removed.id}`, { token: c.CH.admin }));
    orphanDoc = sample("chExportPythonSkins");
    const orphan = await api.post(`/api/v1/permits/${replacedByRemoved}/replace`, { token: lena, json: orphanDoc });
    expect(orphan.status, orphan.text).to.equal(201);
    await ok(api.delete(`/api/v1/officers/${issuer.body.officer.id}`, { token: c.CH.admin }));
    // Issued after the snapshot and endorsed: the chain loses its issuance too.
    const late = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
    await ok(endorse(late.permitId, c.CH.customs));
    // Issued after the snapshot and cancelled as stolen: anchored again, it would come back valid.
    const stolen = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
    await ok(api.post(`/api/v1/permits/${stolen.permitId}/cancel`, { token: c.CH.issuer, json: { reason: "STOLEN" } }));
    await ok(api.post(`/api/v1/permits/${macawExport.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 2 }] } }));
    await ok(api.post(`/api/v1/permits/${macawExport.permitId}/use`, { token: c.FR.customs }));

    for (const [name, id, number] of [
      ["endorsed", endorsed, docs[0].permitNumber], ["used", used, docs[1].permitNumber], ["cancelled", cancelled, docs[2].permitNumber],
      ["replaced", replaced, docs[3].permitNumber], ["byRemovedOfficer", byRemoved, docs[4].permitNumber], ["nonCompliance", timber.permitId, timber.permitNumber],
      ["late", late.permitId, late.permitNumber], ["replacement", replacementId, replacementDoc.permitNumber],
      ["replacedByRemovedOfficer", replacedByRemoved, docs[5].permitNumber], ["orphan", orphan.body.permitId, orphanDoc.permitNumber],
      ["stolen", stolen.permitId, stolen.permitNumber], ["macawExport", macawExport.permitId, exportDoc.permitNumber], ["macawImport", macawImport.permitId, importDoc.permitNumber],
    ] as const) await remember(name, id as Hex, number);
    expect((await get(used)).status).to.equal("USED");

    // The chain loses every block since the snapshot; a clean stop dumps that state, and the service starts again on it.
    expect(await rpc("evm_revert", [snapshot])).to.equal(true);
    for (const [name, { permitId }] of Object.entries(done)) {
      const { status } = await svc!.handle.chain.reader.permitState(permitId);
      expect(status, name).to.equal(["late", "replacement", "orphan", "stolen"].includes(name) ? "NONE" : "ISSUED");
    }
    await svc!.stop();
    await start();
  });
  after(async () => {
    await svc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(dumpLogsOnFailure(() => svc));

  /** The permit's store status and history are the chain's; returns the permit. */
  async function expectStoreIsChain(permitId: Hex): Promise<any> {
    const { reader } = svc!.handle.chain;
    await svc!.handle.indexer.syncNow();
    const permit = await get(permitId);
    const state = await reader.permitState(permitId);
    expect(permit.status, permit.permitNumber).to.equal(state.status);
    const onChain = await reader.history(permitId);
    expect((permit.history as History).map((h) => [h.event, h.txHash, h.officer?.toLowerCase()])).to.deep.equal(onChain.map((h) => [h.event, h.txHash, h.officer?.toLowerCase()]));
    return permit;
  }

  /**
   * The lost step `event` is on chain again (the chain had lost it: see `lostOnChain`), signed by the
   * officer who did the lost one. Its transaction hash may well be the lost one's: the officer's
   * nonce went back with the chain, so the same call is the same signed transaction.
   */
  function expectReplayed(name: string, permit: any, event: string): void {
    const lost = done[name].history.find((h) => h.event === event)!;
    const again = (permit.history as History).find((h) => h.event === event);
    expect(lost, `${name}: ${event} was done before the loss`).to.not.equal(undefined);
    expect(again, `${name}: ${event} done again`).to.not.equal(undefined);
    expect(again!.officer).to.equal(lost.officer);
    expect(again!.data).to.deep.equal(lost.data);
  }

  it("does the lost export endorsement again, signed by the same customs officer, with the same quantities and box 14", async () => {
    const permit = await expectStoreIsChain(done.endorsed.permitId);
    expect(permit.status).to.equal("ENDORSED");
    expectReplayed("endorsed", permit, "ExportEndorsed");
    expect(permit.lines.map((l: { exported: number }) => l.exported)).to.deep.equal([100, 12.25]);
    expect(permit.exportShipment).to.deep.equal({ transportDocument: "AWB 724-10293344", port: "Zürich Airport" });
  });

  it("does a lost endorsement and use at import again, in order; the QR then verifies ALREADY_USED", async () => {
    const permit = await expectStoreIsChain(done.used.permitId);
    expect(permit.status).to.equal("USED");
    expectReplayed("used", permit, "ExportEndorsed");
    expectReplayed("used", permit, "ImportAccepted");
    const png = await api.get(`/api/v1/permits/${done.used.permitId}/qr.png`, { token: c.CH.issuer });
    const res = await api.post("/api/v1/verify", { json: { qr: await decodeQrImage(png.bytes) } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.verdict).to.equal("ALREADY_USED");
  });

  it("cancels a permit again with the lost cancellation's reason", async () => {
    const permit = await expectStoreIsChain(done.cancelled.permitId);
    expect(permit.status).to.equal("CANCELLED");
    expectReplayed("cancelled", permit, "PermitCancelled");
    expect(permit.history.at(-1).data.reason).to.equal(done.cancelled.history.at(-1)!.data.reason);
  });

  it("replaces a permit again with the same replacement document (not a plain issue of the replacement)", async () => {
    const old = await expectStoreIsChain(done.replaced.permitId);
    expect(old.status).to.equal("REPLACED");
    expectReplayed("replaced", old, "PermitReplaced");
    const replacement = await expectStoreIsChain(replacementId);
    expect(replacement.status).to.equal("ISSUED");
    expectReplayed("replacement", replacement, "PermitIssued");
    expect(replacement.history[0].txHash).to.equal(old.history.at(-1).txHash); // one transaction: the replacement's issue is the replace
    expect(replacement.txHash).to.equal(replacement.history[0].txHash);
    expect(replacement.blockNumber).to.equal(replacement.history[0].blockNumber);
    expect((await svc!.handle.chain.reader.readRecord(replacementId))!.replacesPermitId).to.equal(done.replaced.permitId);
    const queued = await svc!.handle.store.listOutbox({ limit: 1000 });
    expect(queued.filter((e) => e.permitId === replacementId && e.kind === "ISSUE" && e.state === "QUEUED")).to.deep.equal([]);
  });

  it("does a lost endorsement and notice of non-compliance again, by officers of two countries", async () => {
    const permit = await expectStoreIsChain(done.nonCompliance.permitId);
    expect(permit.status).to.equal("ENDORSED");
    expect(permit.nonCompliance).to.equal(true);
    expectReplayed("nonCompliance", permit, "ExportEndorsed");
    expectReplayed("nonCompliance", permit, "NonComplianceRecorded");
  });

  it("leaves a step whose officer was removed as the chain has it, and logs what to do", async () => {
    const permit = await expectStoreIsChain(done.byRemovedOfficer.permitId);
    expect(permit.status).to.equal("ISSUED");
    expect(permit.history.map((h: { event: string }) => h.event)).to.not.include("ExportEndorsed");
    expect(permit.lines.map((l: { exported: number }) => l.exported)).to.deep.equal([null, null]); // not endorsed
    expect(await svc!.handle.store.getPermitLines(permit.permitId)).to.deep.include({ line: 1, authorised: 120_000n, exported: 0n });
    expect(await svc!.handle.store.getPermit(permit.permitId)).to.include({ exportTransportDocument: null, exportPort: null }); // box 14 comes with the next endorsement
    const line = svc!.logs.find((l) => l.includes(done.byRemovedOfficer.number));
    expect(line, svc!.logs.join("\n")).to.match(/export endorsement by Urs Brunner .* could not be done again: officer Urs Brunner was removed.*must endorse the export again/);
    const audit = await api.get("/api/v1/audit?format=json", { token: c.CH.admin });
    expect(audit.status, audit.text).to.equal(200);
    const entries = (audit.body.items ?? audit.body) as { action: string; permitId: string; result: number }[];
    expect(entries.find((e) => e.permitId === done.byRemovedOfficer.permitId && e.action === "RECONCILE ExportEndorsed")).to.include({ result: 409 });
  });

  it("marks a replacement it cannot make again FAILED (never a plain issue), and the issuer can replace the permit again", async () => {
    const old = await expectStoreIsChain(done.replacedByRemovedOfficer.permitId);
    expect(old.status).to.equal("ISSUED");
    const orphan = await get(done.orphan.permitId);
    expect(orphan.status).to.equal("FAILED");
    expect(orphan.failureReason).to.match(new RegExp(`replacement of ${done.replacedByRemovedOfficer.number} was lost .*officer Lena Roth was removed.*must replace ${done.replacedByRemovedOfficer.number} again with this document`));
    expect((await svc!.handle.chain.reader.permitState(done.orphan.permitId)).status).to.equal("NONE");
    const queued = await svc!.handle.store.listOutbox({ limit: 1000 });
    expect(queued.filter((e) => e.permitId === done.orphan.permitId)).to.deep.equal([]);
    const line = svc!.logs.find((l) => l.includes(done.replacedByRemovedOfficer.number) && /replacement by Lena Roth/.test(l));
    expect(line, svc!.logs.join("\n")).to.match(/could not be done again: officer Lena Roth was removed.*must replace it again.*is FAILED/);
    // What the log says to do works: the same document replaces the permit (the FAILED number is taken over).
    const again = await api.post(`/api/v1/permits/${done.replacedByRemovedOfficer.permitId}/replace`, { token: c.CH.issuer, json: orphanDoc });
    expect(again.status, again.text).to.equal(201);
    expect(again.body).to.include({ permitId: done.orphan.permitId, status: "ISSUED" });
    expect((await expectStoreIsChain(done.replacedByRemovedOfficer.permitId)).status).to.equal("REPLACED");
  });

  it("queues a lost issuance again and names the later steps to do again once it is ISSUED", async () => {
    const line = svc!.logs.find((l) => l.includes(done.late.number) && /export endorsement by/.test(l));
    expect(line, svc!.logs.join("\n")).to.match(/export endorsement .* could not be done again: .*issuance .*queued again.*must endorse the export again/);
    expect(svc!.logs.find((l) => l.includes(done.late.number) && /lost its issuance/.test(l))).to.match(/queued again .*later steps \(export endorsement\) .*must be done again once it is ISSUED/);
    await waitForStatus(api, c.CH.issuer, done.late.permitId, "ISSUED");
    const permit = await expectStoreIsChain(done.late.permitId);
    expect(permit.history.map((h: { event: string }) => h.event)).to.deep.equal(["PermitIssued", "PermitLinked"]);
    expect(permit.lines.map((l: { exported: number }) => l.exported)).to.deep.equal([null, null]);
    expect(await svc!.handle.store.getPermitLines(permit.permitId)).to.deep.include({ line: 1, authorised: 120_000n, exported: 0n });
    expect(await svc!.handle.store.getPermit(permit.permitId)).to.include({ exportTransportDocument: null, exportPort: null });
  });

  it("removes again the officers whose removal the chain lost: no signing power left on chain", async () => {
    for (const address of [removed.address, lenaAddress]) {
      const spans = await svc!.handle.chain.reader.officerHistory(address);
      expect(spans.at(-1)?.activeTo, address).to.be.a("bigint");
    }
    expect(svc!.logs.filter((l) => /was removed, but the chain lost the removal; removed again/.test(l))).to.have.length(2);
  });

  it("does not anchor again a permit whose issuance and cancellation were lost: FAILED, never VALID again", async () => {
    await sleep(1_000); // outbox runs: nothing may anchor it
    expect((await svc!.handle.chain.reader.permitState(done.stolen.permitId)).status).to.equal("NONE");
    const permit = await svc!.handle.store.getPermit(done.stolen.permitId);
    expect(permit?.status).to.equal("FAILED");
    expect(permit?.failureReason).to.match(/lost its issuance and its cancellation .* not anchored again/);
    expect(svc!.logs.find((l) => l.includes(done.stolen.number) && /not anchored again/.test(l)), svc!.logs.join("\n")).to.match(/^! reconcile/);
  });

  it("does a lost use of an Appendix-I export again as one step: the export and the import permit it names are both USED", async () => {
    for (const name of ["macawExport", "macawImport"]) {
      expect((await svc!.handle.chain.reader.permitState(done[name]!.permitId)).status, name).to.equal("USED");
      expect((await expectStoreIsChain(done[name]!.permitId)).status, name).to.equal("USED");
    }
    expect(svc!.logs.filter((l) => l.includes(done.macawExport.number) && /could not be done again/.test(l)), svc!.logs.join("\n")).to.deep.equal([]);
  });

  it("says in one line what it found and did", () => {
    expect(svc!.logs.join("\n")).to.match(/reconcile: the chain lost 15 lifecycle step\(s\) of 13 permit\(s\) in blocks above \d+: 9 done again, 1 issuance\(s\) queued again, 4 to be done again/);
  });

  it("finishes at a later start what a start that stopped half-way left (the mark of the chain going back stays until done); a start with nothing lost changes nothing", async () => {
    const { store, chain } = svc!.handle;
    expect(await store.getIndexerCursor("lost-above")).to.equal(undefined); // cleared once reconciled
    // What a start that stopped after the chain went back leaves: the mark, and an endorsement the
    // store recorded in a block the chain no longer holds, now below the head.
    const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
    const head = Number(await chain.publicClient.getBlockNumber({ cacheTime: 0 }));
    const customs = (await store.listOfficers({ country: "CH", role: "CUSTOMS" })).find((o) => o.active && o.encryptedKey !== null)!;
    await store.appendPermitEvent({
      permitId: permit.permitId, kind: "ExportEndorsed", officerAddress: customs.address, country: "CH", txHash: `0x${"ab".repeat(32)}`,
      blockNumber: head - 1, blockTime: new Date().toISOString(), logIndex: 0, data: { exported: ["5000", "1000"] },
    });
    await store.setIndexerCursor("lost-above", head - 2);
    await svc!.stop();
    await start();
    expect((await svc!.handle.chain.reader.permitState(permit.permitId)).status).to.equal("ENDORSED");
    const endorsed = await expectStoreIsChain(permit.permitId);
    expect(endorsed.lines.map((l: { exported: number }) => l.exported)).to.deep.equal([5, 1]);
    expect(endorsed.history.map((h: { txHash: string }) => h.txHash)).to.not.include(`0x${"ab".repeat(32)}`);
    expect(await svc!.handle.store.getIndexerCursor("lost-above")).to.equal(undefined);

    await svc!.stop();
    await start();
    expect(svc!.logs.filter((l) => /reconcile: the chain lost|done again/.test(l)), svc!.logs.join("\n")).to.deep.equal([]);
    expect((await expectStoreIsChain(permit.permitId)).status).to.equal("ENDORSED");
  });
});
