/**
 * The registry service on the real multi-validator Clique network: while two of three validators
 * are down the chain halts, the service keeps accepting permits as PENDING; when they come back
 * every pending permit is anchored exactly once.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseEventLogs, type Hex } from "viem";
import { permitRegistryAbi } from "../../src/sdk/chain";
import { startService, type ServiceHandle } from "../../src/service/server";
import { waitForCommonHead } from "../../src/network";
import { rpcUrlOf } from "../../src/network/rpc";
import { gethAvailable, haltChain, permitDocument, resumeChain, startTestNetwork, type TestNetwork } from "./harness";

const PASSPHRASE = "network test passphrase";

describe("the service on a 3-validator Clique network", function () {
  this.timeout(240_000);
  let net: TestNetwork | undefined;
  let service: ServiceHandle | undefined;
  let dataDir: string;
  /** The service's log, shown if the test fails. */
  const serviceLog: string[] = [];

  before(async function () {
    this.timeout(20 * 60_000); // the very first run builds geth (minutes); later runs reuse it
    const started = Date.now();
    if (!(await gethAvailable())) return this.skip();
    // 4 minutes for the network and the service, on top of any build: Mocha checks a hook's whole duration.
    this.timeout(Date.now() - started + 240_000);
    // Peering a fresh network can time out on a loaded machine; one more try before failing.
    net = await startTestNetwork({ validators: 3, periodSeconds: 1, name: "poa-service" }).catch((err: Error) => {
      if (err.name !== "NetworkTimeoutError") throw err;
      console.warn(`  ! ${err.message} — starting the network once more`);
      return startTestNetwork({ validators: 3, periodSeconds: 1, name: "poa-service-2" });
    });
    dataDir = mkdtempSync(path.join(os.tmpdir(), "permit-service-poa-"));
    // External mode: the officers' keys come from the network's keys file (OFFICER_KEYS_FILE).
    const keysFile = path.join(dataDir, "network-keys.json");
    writeFileSync(keysFile, JSON.stringify(net.keys));
    service = await startService({
      env: {
        ...process.env, DATA_DIR: dataDir, PORT: "0", RPC_URL: rpcUrlOf(net.node(0)), DEPLOYMENT: net.name,
        DEPLOYMENTS_DIR: net.deploymentsDir, KEYSTORE_PASSPHRASE: PASSPHRASE, OUTBOX_INTERVAL_MS: "200", OFFICER_KEYS_FILE: keysFile,
      },
      fastKeystore: true,
      log: (line: string) => void serviceLog.push(line),
    });
    this.token = { token: JSON.parse(readFileSync(service.credentialsFile!, "utf8")).CH.issuer as string };
  });

  after(async function () {
    await service?.stop();
    await net?.teardown();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps accepting permits as PENDING while the chain is halted, and anchors each exactly once after", async function () {
    const n = net!;
    const token = (this.test!.parent as unknown as { ctx: { token: { token: string } } }).ctx.token.token;
    const post = (doc: unknown) =>
      fetch(`${service!.url}/api/v1/permits`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(doc) });

    const haltedAt = await haltChain(n, 0);
    const ids: Hex[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post({ ...permitDocument(), permitNumber: `CH-POA-HALT-${i}` });
      expect(res.status).to.equal(201);
      const body = (await res.json()) as { permitId: Hex; status: string };
      expect(body.status).to.equal("PENDING");
      ids.push(body.permitId);
    }
    await new Promise((r) => setTimeout(r, 4_000));
    for (const id of ids) {
      const view = (await (await fetch(`${service!.url}/api/v1/permits/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string };
      expect(view.status).to.equal("PENDING"); // the chain is halted: nothing can be mined
    }
    expect(await n.client(0).getBlockNumber()).to.equal(haltedAt);

    await resumeChain(n);
    const deadline = Date.now() + 90_000;
    let anchoredBy = 0n;
    for (;;) {
      const views = await Promise.all(
        ids.map(async (id) => (await (await fetch(`${service!.url}/api/v1/permits/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; blockNumber: number | null }),
      );
      const statuses = views.map((v) => v.status);
      if (statuses.every((s) => s === "ISSUED")) {
        anchoredBy = BigInt(Math.max(...views.map((v) => v.blockNumber ?? 0)));
        break;
      }
      if (Date.now() > deadline) {
        // What to look at: did the chain move again, and what does the outbox say?
        const heads = await Promise.all([0, 1, 2].map((i) => n.client(i).getBlockNumber().then(String, () => "down")));
        const outbox = await service!.store.listOutbox({ state: "QUEUED" });
        throw new Error(
          `not all anchored after the chain resumed: ${statuses.join(", ")}; halted at block ${haltedAt}, heads now ${heads.join(" / ")}; ` +
            `outbox: ${JSON.stringify(outbox.map((e) => ({ state: e.state, attempts: e.attempts, lastError: e.lastError })))}; service log: ${serviceLog.slice(-20).join(" | ")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    // Exactly once on chain: one PermitIssued per permit, on every node, once every node has the
    // blocks the service saw them in (the service reads one node; the others may be a block behind).
    await waitForCommonHead(n.state(), n.running(), { minNumber: anchoredBy, timeoutMs: 30_000 });
    for (const node of [0, 1, 2]) {
      const logs = await n.client(node).getLogs({ address: n.deployment.registry.address, fromBlock: 0n, toBlock: "latest" });
      const issued = parseEventLogs({ abi: permitRegistryAbi, logs, eventName: "PermitIssued" });
      for (const id of ids) expect(issued.filter((l) => l.args.permitId === id).length).to.equal(1, `node ${node}, permit ${id}`);
    }
  });
});
