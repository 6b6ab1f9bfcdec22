/**
 * The outbox's log while the chain cannot be reached: the failure once, and no "works again" from a
 * run that only found nothing to send (its entries were still leased after the failed attempt).
 */
import { expect } from "chai";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Hex } from "viem";
import type { OfficerAccounts } from "../../src/service/domain/accounts";
import { ChainGateway } from "../../src/service/domain/chainGateway";
import { OutboxWorker } from "../../src/service/outbox/worker";
import { openStore } from "../../src/service/store";
import type { DeploymentRecord } from "../../src/sdk/chain";

describe("the outbox's log while the chain is down", function () {
  this.timeout(30_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "permit-registry-outbox-log-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("says the chain cannot be reached once, and never that it works again", async () => {
    const store = await openStore({ kind: "sqlite", path: path.join(dir, "registry.sqlite") });
    try {
      const officer = await store.insertOfficer({ id: randomUUID(), country: "CH", role: "ISSUER", name: "CH issuer", address: `0x${randomBytes(20).toString("hex")}` as Hex, tokenHash: randomBytes(32).toString("hex"), encryptedKey: null });
      await store.enqueueOutbox({ kind: "ISSUE", permitId: `0x${randomBytes(32).toString("hex")}`, payload: { issuerOfficerId: officer.id, input: {} } as never });
      await store.claimOutboxBatch({ limit: 10, leaseMs: 0 }); // a first attempt whose lease ran out: the next is checked on chain first
      // Nothing listens on port 9 of loopback.
      const deployment = { chainId: 31337, network: "down", registry: { address: `0x${"11".repeat(20)}`, blockNumber: 1 } } as unknown as DeploymentRecord;
      const chain = new ChainGateway({ rpcUrl: "http://127.0.0.1:9", deployment });
      const lines: string[] = [];
      const worker = new OutboxWorker({ store, chain, accounts: {} as OfficerAccounts, batchSize: 10, intervalMs: 50, leaseMs: 600, log: (l) => lines.push(l) });
      worker.start();
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // several leases: the entry is claimed and fails again and again
      await worker.stop();
      expect(lines.length, lines.join("\n")).to.equal(1);
      expect(lines[0]).to.match(/^outbox: /).and.not.contain("\n");
      expect(lines.some((l) => l.includes("works again")), lines.join("\n")).to.equal(false);
      const [entry] = await store.listOutbox({ state: "QUEUED", limit: 10 });
      expect(entry!.attempts, "claimed again after each lease").to.be.above(2);
    } finally {
      await store.close();
    }
  });
});
