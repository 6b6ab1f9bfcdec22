/**
 * The indexer records a block's events only once the block has `CONFIRMATIONS` blocks (counting its
 * own), as the outbox counts a transaction mined: on a Clique chain with several signers the head
 * block can still be replaced, and an event recorded from it would stay in the store's history and
 * the verification mirror after a reorganisation took it back. Checked on a real chain whose head
 * block is taken back (`evm_revert`) and replaced by others at the same heights.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Hex } from "viem";
import { Indexer } from "../../src/service/indexer/indexer";
import { openStore, type Store } from "../../src/service/store";
import { chainRpc, issueAndAnchor, sample, startTestService, type TestService } from "./http/harness";

describe("the indexer with CONFIRMATIONS=2", function () {
  this.timeout(120_000);
  let svc: TestService;
  let store: Store;
  let indexer: Indexer;
  const dir = mkdtempSync(path.join(os.tmpdir(), "permit-registry-indexer-"));

  const rpc = (method: string, params: unknown[] = []) => chainRpc(svc, method, params);
  const head = async () => svc.handle.chain.publicClient.getBlockNumber({ cacheTime: 0 });
  const kinds = async (permitId: Hex) => (await store.listPermitEvents(permitId)).map((e) => e.kind);

  before(async () => {
    svc = await startTestService();
    // A second indexer, on a store of its own, beside the service's (which runs with the default, 1).
    store = await openStore({ kind: "sqlite", path: path.join(dir, "indexer.db") });
    indexer = new Indexer({ store, chain: svc.handle.chain, intervalMs: 60_000, confirmations: 2 });
  });
  after(async () => {
    await store?.close();
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("records a block's events once it has a second block on top, and never those of a head block taken back", async () => {
    const c = svc.creds;
    const permit = await issueAndAnchor(svc.api, c.CH.issuer, sample("chExportPythonSkins"));
    const permitId = permit.permitId as Hex;
    const issuedIn = await head(); // the issuing transaction is in the head block (the chain mines one block per transaction)

    await indexer.syncNow();
    expect(await kinds(permitId), "the head block is not recorded yet").to.deep.equal([]);
    expect(indexer.lastBlock).to.equal(issuedIn - 1n);

    // The export is endorsed in the next block: the issuing block now has 2 confirmations, the endorsing one 1.
    const snapshot = await rpc("evm_snapshot");
    const endorsed = await svc.api.post(`/api/v1/permits/${permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 100 }, { line: 2, quantity: 12.25 }] } });
    expect(endorsed.status, endorsed.text).to.equal(201);
    expect(await head()).to.equal(issuedIn + 1n);
    await indexer.syncNow();
    expect(await kinds(permitId)).to.deep.equal(["PermitIssued", "PermitLinked"]);
    expect(indexer.lastBlock).to.equal(issuedIn);

    // A reorganisation: the endorsing block is replaced by others, and the chain grows past its height.
    expect(await rpc("evm_revert", [snapshot])).to.equal(true);
    for (let i = 0; i < 3; i++) await rpc("evm_mine");
    await indexer.syncNow();
    expect(await kinds(permitId), "the endorsement taken back was never recorded").to.deep.equal(["PermitIssued", "PermitLinked"]);
    expect(indexer.lastBlock).to.equal(issuedIn + 2n);
    expect((await svc.handle.chain.reader.permitState(permitId)).status).to.equal("ISSUED");
  });

  it("waits, without failing, while the chain is shorter than CONFIRMATIONS", async () => {
    const deep = await openStore({ kind: "sqlite", path: path.join(dir, "deep.db") });
    try {
      const patient = new Indexer({ store: deep, chain: svc.handle.chain, intervalMs: 60_000, confirmations: 1000 });
      await patient.syncNow(); // no block has 1,000 confirmations yet: nothing is read, and nothing fails
      expect(patient.lastSyncFailed).to.equal(false);
      expect(await deep.getIndexerCursor("registry")).to.be.undefined;
      expect(patient.lastBlock).to.equal(BigInt(svc.handle.chain.deployment.registry.blockNumber) - 1n);
    } finally {
      await deep.close();
    }
  });
});
